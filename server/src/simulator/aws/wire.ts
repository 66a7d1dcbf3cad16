/**
 * The AWS wire protocols, as far as the local endpoint needs them: which service and operation a
 * signed HTTP request is (from its SigV4 credential scope and its target header, form Action or
 * REST route), and how answers and errors are written back so that the SDKs (JavaScript v2 and
 * v3, boto3) read them as AWS's own.
 *
 * Protocols: https://smithy.io/2.0/aws/protocols/ (awsJson1_0/1_1, awsQuery, restJson1, restXml);
 * SigV4 credential scope: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 */
import type { IncomingHttpHeaders } from 'node:http';
import { AwsError, type AwsProtocol, type AwsRequest } from './types';

/** The parts of the SigV4 credential (`AKID/date/region/service/aws4_request`). */
export function credentialScope(
  headers: IncomingHttpHeaders,
  query: URLSearchParams,
): { accessKeyId: string; service: string } | undefined {
  const auth = typeof headers.authorization === 'string' ? headers.authorization : '';
  const m = /Credential=([^/,\s]+)\/[^/]*\/[^/]*\/([^/,\s]+)\//.exec(auth);
  if (m) return { accessKeyId: m[1] as string, service: m[2] as string };
  const q = query.get('X-Amz-Credential');
  const parts = q?.split('/');
  if (parts && parts.length >= 5) return { accessKeyId: parts[0] as string, service: parts[3] as string };
  return undefined;
}

/**
 * S3's streaming uploads arrive `aws-chunked` (`<hex size>[;chunk-signature=…]\r\n<data>\r\n`,
 * ending with a zero chunk and optional trailers): the object is the data alone
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html).
 */
export function decodeAwsChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < body.length) {
    const eol = body.indexOf('\r\n', at);
    if (eol < 0) break;
    const size = parseInt(body.subarray(at, eol).toString('latin1').split(';')[0] ?? '', 16);
    if (!Number.isFinite(size)) throw new AwsError('InvalidRequest', 'Malformed aws-chunked body');
    if (size === 0) break;
    parts.push(body.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/** Reads the service, operation and parameters of a request. Throws an AwsError for what it cannot read. */
export function parseRequest(method: string, url: string, headers: IncomingHttpHeaders, rawBody: Buffer): AwsRequest {
  const u = new URL(url, 'http://localhost');
  const scope = credentialScope(headers, u.searchParams);
  if (scope === undefined) {
    throw new AwsError(
      'MissingAuthenticationTokenException',
      'Request is missing Authentication Token (the local endpoint takes SigV4-signed requests from the AWS SDKs)',
      403,
    );
  }
  const { service, accessKeyId } = scope;
  const contentType = String(headers['content-type'] ?? '');
  const encoding = String(headers['content-encoding'] ?? '');
  const sha = String(headers['x-amz-content-sha256'] ?? '');
  const body = encoding.includes('aws-chunked') || sha.startsWith('STREAMING-') ? decodeAwsChunked(rawBody) : rawBody;
  const base = { service, method, path: u.pathname, query: u.searchParams, headers, body, accessKeyId };
  const target = headers['x-amz-target'];
  if (typeof target === 'string' && target.includes('.')) {
    const dot = target.lastIndexOf('.');
    let params: Record<string, unknown> = {};
    if (body.length > 0) {
      try {
        const parsed: unknown = JSON.parse(body.toString('utf8'));
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
        params = parsed as Record<string, unknown>;
      } catch {
        throw new AwsError('SerializationException', `${target.slice(dot + 1)}: the request body is not a JSON object`);
      }
    }
    return { ...base, operation: target.slice(dot + 1), protocol: 'json', params };
  }
  if (
    contentType.startsWith('application/x-www-form-urlencoded') ||
    (method === 'POST' && service !== 's3' && body.includes('Action='))
  ) {
    const form = new URLSearchParams(body.toString('utf8'));
    const action = form.get('Action') ?? u.searchParams.get('Action');
    if (action) return { ...base, operation: action, protocol: 'query', params: Object.fromEntries(form) };
  }
  if (method === 'GET' && u.searchParams.get('Action')) {
    return {
      ...base,
      operation: u.searchParams.get('Action') as string,
      protocol: 'query',
      params: Object.fromEntries(u.searchParams),
    };
  }
  const protocol: AwsProtocol = service === 's3' ? 'rest-xml' : 'rest-json';
  let params: Record<string, unknown> = {};
  if (protocol === 'rest-json' && body.length > 0 && contentType.includes('json')) {
    try {
      const parsed: unknown = JSON.parse(body.toString('utf8'));
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed))
        params = parsed as Record<string, unknown>;
    } catch {
      throw new AwsError('SerializationException', 'the request body is not valid JSON');
    }
  }
  return { ...base, operation: restOperation(service, method, u.pathname, u.searchParams), protocol, params };
}

/** REST operations by route, for the services whose routes the emulation answers. */
function restOperation(service: string, method: string, path: string, query: URLSearchParams): string {
  if (service === 'lambda') {
    if (/^\/2015-03-31\/functions\/[^/]+\/invocations$/.test(path) && method === 'POST') return 'Invoke';
    if (/^\/2014-11-13\/functions\/[^/]+\/invoke-async\/?$/.test(path)) return 'InvokeAsync';
    if (/^\/2015-03-31\/functions\/[^/]+$/.test(path) && method === 'GET') return 'GetFunction';
  }
  if (service === 'ses' && /^\/v2\/email\/outbound-emails$/.test(path)) return 'SendEmail';
  if (service === 's3') {
    const segments = path.split('/').filter((s) => s !== '');
    if (segments.length === 0) return method === 'GET' ? 'ListBuckets' : `${method} /`;
    if (segments.length === 1) {
      if (method === 'GET')
        return query.get('list-type') === '2'
          ? 'ListObjectsV2'
          : query.has('location')
            ? 'GetBucketLocation'
            : 'ListObjects';
      if (method === 'HEAD') return 'HeadBucket';
      if (method === 'PUT') return 'CreateBucket';
      if (method === 'POST' && query.has('delete')) return 'DeleteObjects';
      if (method === 'DELETE') return 'DeleteBucket';
    } else {
      if (method === 'PUT') return query.has('partNumber') ? 'UploadPart' : 'PutObject';
      if (method === 'GET') return 'GetObject';
      if (method === 'HEAD') return 'HeadObject';
      if (method === 'DELETE') return 'DeleteObject';
      if (method === 'POST' && query.has('uploads')) return 'CreateMultipartUpload';
      if (method === 'POST' && query.has('uploadId')) return 'CompleteMultipartUpload';
    }
  }
  return `${method} ${path}`;
}

export function escapeXml(s: string): string {
  return s.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] as string,
  );
}

/**
 * Writes a value as XML elements: objects become nested elements, arrays repeat their element
 * (flattened, as SQS's and S3's lists are), strings are escaped.
 */
export function toXml(value: unknown, tag?: string): string {
  if (Array.isArray(value)) return value.map((v) => toXml(v, tag)).join('');
  const inner =
    value !== null && typeof value === 'object'
      ? Object.entries(value as Record<string, unknown>)
          .filter(([, v]) => v !== undefined && v !== null)
          .map(([k, v]) => toXml(v, k))
          .join('')
      : escapeXml(String(value));
  return tag === undefined ? inner : `<${tag}>${inner}</${tag}>`;
}

const QUERY_NAMESPACES: Record<string, string> = {
  sqs: 'http://queue.amazonaws.com/doc/2012-11-05/',
  sns: 'http://sns.amazonaws.com/doc/2010-03-31/',
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
  ses: 'http://ses.amazonaws.com/doc/2010-12-01/',
};

/** An awsQuery answer: `<OpResponse><OpResult>…</OpResult><ResponseMetadata>…</ResponseMetadata></OpResponse>`. */
export function queryResponse(service: string, operation: string, resultXml: string, requestId: string): string {
  const ns = QUERY_NAMESPACES[service] ?? `https://${service}.amazonaws.com/doc/`;
  return `<?xml version="1.0"?>\n<${operation}Response xmlns="${ns}"><${operation}Result>${resultXml}</${operation}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`;
}

/** How an error is written in each protocol. */
export function errorResponse(
  req: Pick<AwsRequest, 'protocol' | 'service' | 'errorPrefix'> | undefined,
  err: AwsError,
  requestId: string,
): { status: number; headers: Record<string, string>; body: string } {
  const protocol = req?.protocol ?? 'json';
  if (protocol === 'query') {
    const code = err.queryCode ?? err.code;
    const body = `<?xml version="1.0"?>\n<ErrorResponse><Error><Type>${err.status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(err.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
    return { status: err.status, headers: { 'content-type': 'text/xml' }, body };
  }
  if (protocol === 'rest-xml') {
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(err.code)}</Code><Message>${escapeXml(err.message)}</Message><RequestId>${requestId}</RequestId></Error>`;
    return { status: err.status, headers: { 'content-type': 'application/xml' }, body };
  }
  const headers: Record<string, string> = {
    'content-type': 'application/x-amz-json-1.0',
    'x-amzn-errortype': err.code,
  };
  // SQS's JSON protocol is query-compatible: the SDKs read the legacy code from this header.
  if (err.queryCode !== undefined)
    headers['x-amzn-query-error'] = `${err.queryCode};${err.status >= 500 ? 'Receiver' : 'Sender'}`;
  const type = req?.errorPrefix !== undefined ? `${req.errorPrefix}${err.code}` : err.code;
  return {
    status: err.status,
    headers,
    body: JSON.stringify({ __type: type, message: err.message, Message: err.message, ...err.extra }),
  };
}
