/**
 * The Python side of `awsCalls.ts`: boto3 clients and resources, HTTP requests, and writes to
 * S3, SQS and SNS with where their target comes from, read from the Python handler model.
 */
import type { PyNode } from './parser';
import {
  hasSplat,
  keywordArgument,
  positionalArguments,
  stringValue,
  type PyCall,
  type PythonHandlerModel,
} from './model';
import {
  endpointName,
  type HttpCall,
  type ParamOrigin,
  type SdkCall,
  type ServiceUse,
  type TargetedWrite,
} from '../awsCalls';
import { RESOURCE_PARAMETERS } from '../../iamActions';

/** `boto3.client('s3')`, `boto3.resource('dynamodb')`, `session.client('sqs')`: the service id, when the call makes a client. */
function boto3Service(call: PyCall): string | undefined {
  const factory =
    call.origin === 'boto3.client' ||
    call.origin === 'boto3.resource' ||
    ((call.name === 'client' || call.name === 'resource') && call.origin?.startsWith('boto3.') === true);
  if (!factory) return undefined;
  return stringValue(positionalArguments(call.node)[0] ?? keywordArgument(call.node, 'service_name'));
}

export function pythonServicesUsed(model: PythonHandlerModel): ServiceUse[] {
  const out: ServiceUse[] = [];
  for (const c of model.calls) {
    const id = boto3Service(c);
    if (id !== undefined) out.push({ service: endpointName(id) });
  }
  return out;
}

/** HTTP client calls, by imported origin. */
const HTTP_ORIGINS = /^(requests|httpx|aiohttp|urllib3|urllib\.request|http\.client)\.|^(requests|httpx)$/;

export function pythonHttpCalls(model: PythonHandlerModel): HttpCall[] {
  return model.calls
    .filter((c) => c.origin !== undefined && HTTP_ORIGINS.test(c.origin))
    .map((c) => {
      const arg = keywordArgument(c.node, 'url') ?? positionalArguments(c.node)[0];
      return { what: c.origin ?? c.callee ?? 'http', url: arg !== undefined ? pythonUrl(model, arg, c, 0) : undefined };
    });
}

/** Where a URL argument comes from: a literal, `os.environ['X']`, `'https://' + os.environ['X']`, `f"https://{os.environ['X']}/…"`, through a few names. */
function pythonUrl(model: PythonHandlerModel, node: PyNode, call: PyCall, depth: number): HttpCall['url'] {
  if (depth > 4) return undefined;
  const literal = stringValue(node);
  if (literal !== undefined) return { literal };
  const env = envName(node.text);
  if (env !== undefined) return { env };
  if (node.type === 'binary_operator' && /^['"]https?:\/\/['"]$/.test(node.childForFieldName('left')?.text ?? '')) {
    const right = node.childForFieldName('right');
    return right ? pythonUrl(model, right, call, depth + 1) : undefined;
  }
  if (node.type === 'string' && /^f?['"]https?:\/\/\{/.test(node.text)) {
    const first = node.namedChildren.find((c) => c?.type === 'interpolation')?.namedChildren[0];
    return first ? pythonUrl(model, first, call, depth + 1) : undefined;
  }
  if (node.type === 'identifier') {
    const value = valueOf(model, node.text, call.node);
    return value !== undefined && value.id !== node.id ? pythonUrl(model, value, call, depth + 1) : undefined;
  }
  return undefined;
}

function envName(text: string): string | undefined {
  const m =
    /^os\.environ\s*\[\s*['"]([A-Za-z_][A-Za-z0-9_]*)['"]\s*\]$/.exec(text) ??
    /^os\.(?:environ\.get|getenv)\(\s*['"]([A-Za-z_][A-Za-z0-9_]*)['"]/.exec(text);
  return m?.[1];
}

/** Client methods that write, by the boto3 service of the client, with the target's keyword and its position in `upload_file(Filename, Bucket, Key)`. */
const WRITES: Readonly<
  Record<
    string,
    {
      readonly kind: TargetedWrite['kind'];
      readonly methods: RegExp;
      readonly keyword: string;
      readonly position?: number;
    }
  >
> = {
  s3: {
    kind: 'S3',
    methods: /^(put_object|copy_object|upload_file|upload_fileobj|create_multipart_upload)$/,
    keyword: 'Bucket',
    position: 1,
  },
  sqs: { kind: 'SQS', methods: /^send_message(_batch)?$/, keyword: 'QueueUrl' },
  sns: { kind: 'SNS', methods: /^publish(_batch)?$/, keyword: 'TopicArn' },
};

const EVENT_SOURCE_FIELDS: Readonly<Record<TargetedWrite['kind'], RegExp>> = {
  S3: /\[\s*['"]s3['"]\s*\]\s*\[\s*['"]bucket['"]\s*\]\s*\[\s*['"]name['"]\s*\]$/,
  SQS: /\[\s*['"]eventSourceARN['"]\s*\]$/,
  SNS: /\[\s*['"]Sns['"]\s*\]\s*\[\s*['"]TopicArn['"]\s*\]$/,
};

export function pythonTargetedWrites(model: PythonHandlerModel): TargetedWrite[] {
  const out: TargetedWrite[] = [];
  for (const c of model.calls) {
    if (c.receiver === undefined || c.name === undefined) continue;
    const service = receiverService(model, c);
    const w = service !== undefined ? WRITES[service] : undefined;
    if (w === undefined || !w.methods.test(c.name)) continue;
    const value =
      keywordArgument(c.node, w.keyword) ??
      (w.position !== undefined ? positionalArguments(c.node)[w.position] : undefined);
    const target = value !== undefined ? targetOrigin(model, value, w.kind, c, 0) : undefined;
    if (target !== undefined) out.push({ kind: w.kind, what: `${c.receiver}.${c.name}`, target });
  }
  return out;
}

/** The boto3 service of a method call's receiver: `s3` for `s3.put_object(…)` with `s3 = boto3.client('s3')` (module or function scope). */
function receiverService(model: PythonHandlerModel, c: PyCall): string | undefined {
  const value = c.receiver !== undefined ? valueOf(model, c.receiver, c.node) : undefined;
  if (value?.type !== 'call') return undefined;
  const made = model.callAt.get(value.id);
  return made !== undefined ? boto3Service(made) : undefined;
}

/** What a name was last assigned, in the function that holds `at`, else at module scope. */
function valueOf(model: PythonHandlerModel, name: string, at: PyNode): PyNode | undefined {
  let fn: PyNode | null = at.parent;
  while (fn !== null && fn.type !== 'function_definition') fn = fn.parent;
  if (fn !== null) {
    let found: PyNode | undefined;
    for (const a of fn.descendantsOfType('assignment')) {
      if (a === null || a.startIndex > at.startIndex) continue;
      if (a.childForFieldName('left')?.text === name) found = a.childForFieldName('right') ?? undefined;
    }
    if (found !== undefined) return found;
  }
  return model.moduleValues.get(name);
}

/** `os.environ['X']`, `os.environ.get('X')`, `os.getenv('X')`, or the event's own source field, through a few names. */
function targetOrigin(
  model: PythonHandlerModel,
  node: PyNode,
  kind: TargetedWrite['kind'],
  call: PyCall,
  depth: number,
): TargetedWrite['target'] | undefined {
  const text = node.text;
  const env = envName(text);
  if (env !== undefined) return { env };
  if (EVENT_SOURCE_FIELDS[kind].test(text)) return { event: text };
  if (node.type !== 'identifier' || depth > 4) return undefined;
  const value = valueOf(model, text, call.node);
  return value !== undefined && value.id !== node.id ? targetOrigin(model, value, kind, call, depth + 1) : undefined;
}

/** `snake_case` boto3 method → the API operation (`list_objects_v2` → `ListObjectsV2`). */
function operationOf(method: string): string {
  return method
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/** Methods of a boto3 DynamoDB `Table` resource, and the table operation each sends. */
const TABLE_METHODS: Readonly<Record<string, string>> = {
  put_item: 'PutItem',
  get_item: 'GetItem',
  update_item: 'UpdateItem',
  delete_item: 'DeleteItem',
  query: 'Query',
  scan: 'Scan',
};

/**
 * The AWS API calls of a Python module: methods of boto3 clients (`sqs.send_message(QueueUrl=…)`)
 * and of DynamoDB `Table` resources (`table.put_item(…)`, the table from `Table(name)`).
 */
export function pythonSdkCalls(model: PythonHandlerModel): SdkCall[] {
  const out: SdkCall[] = [];
  for (const c of model.calls) {
    if (c.receiver === undefined || c.name === undefined) continue;
    const handler = c.handler !== undefined ? c.handler.name : c.inFunction !== undefined ? null : undefined;
    const service = receiverService(model, c);
    if (service !== undefined) {
      out.push({
        service,
        operation: operationOf(c.name),
        what: `${c.receiver}.${c.name}`,
        span: c.span,
        handler,
        params: pythonParams(model, c),
      });
      continue;
    }
    const op = TABLE_METHODS[c.name];
    const table = op !== undefined ? tableOf(model, c) : undefined;
    if (op === undefined || table === undefined) continue;
    const params = pythonParams(model, c);
    out.push({
      service: 'dynamodb',
      operation: op,
      what: `${c.receiver}.${c.name}`,
      span: c.span,
      handler,
      params: params === undefined ? undefined : { ...params, TableName: table },
    });
  }
  return out;
}

/** The table name of a `Table` resource receiver: `boto3.resource('dynamodb').Table(name)`, through names. */
function tableOf(model: PythonHandlerModel, c: PyCall): ParamOrigin | undefined {
  const value = c.receiver !== undefined ? valueOf(model, c.receiver, c.node) : undefined;
  if (value?.type !== 'call') return undefined;
  const callee = value.childForFieldName('function');
  if (callee?.type !== 'attribute' || callee.childForFieldName('attribute')?.text !== 'Table') return undefined;
  let source = callee.childForFieldName('object') ?? undefined;
  if (source?.type === 'identifier') source = valueOf(model, source.text, value);
  const resource = source?.type === 'call' ? model.callAt.get(source.id) : undefined;
  if (resource === undefined || boto3Service(resource) !== 'dynamodb') return undefined;
  const arg = positionalArguments(value)[0] ?? keywordArgument(value, 'name');
  return arg !== undefined ? pythonOrigin(model, arg, c, 0) : { other: true };
}

function pythonParams(model: PythonHandlerModel, c: PyCall): Record<string, ParamOrigin> | undefined {
  const splat = hasSplat(c.node);
  const out: Record<string, ParamOrigin> = {};
  for (const name of RESOURCE_PARAMETERS) {
    const v = keywordArgument(c.node, name);
    if (v !== undefined) out[name] = pythonOrigin(model, v, c, 0);
    else if (splat) out[name] = { other: true };
  }
  const entries = keywordArgument(c.node, 'Entries');
  if (entries !== undefined) {
    const buses = new Set<string>();
    let readable = entries.type === 'list';
    for (const e of entries.type === 'list' ? entries.namedChildren : []) {
      if (e?.type !== 'dictionary') {
        readable = false;
        continue;
      }
      const pair = e.namedChildren.find(
        (p) => p?.type === 'pair' && stringValue(p.childForFieldName('key')) === 'EventBusName',
      );
      const value = pair?.childForFieldName('value');
      buses.add(value ? JSON.stringify(pythonOrigin(model, value, c, 0)) : '');
    }
    const [only] = buses;
    if (!readable || buses.size !== 1 || only === undefined) out.EventBusName = { other: true };
    else if (only !== '') out.EventBusName = JSON.parse(only) as ParamOrigin;
  }
  return out;
}

/** A literal, `os.environ[…]`, or something else, through a few names. */
function pythonOrigin(model: PythonHandlerModel, node: PyNode, call: PyCall, depth: number): ParamOrigin {
  const literal = stringValue(node);
  if (literal !== undefined) return { literal };
  const env = envName(node.text);
  if (env !== undefined) return { env };
  if (node.type === 'identifier' && depth < 4) {
    const value = valueOf(model, node.text, call.node);
    if (value !== undefined && value.id !== node.id) return pythonOrigin(model, value, call, depth + 1);
  }
  return { other: true };
}

/** True when the module may call AWS with credentials other than the execution role's: keys passed to boto3, or STS AssumeRole. */
export function pythonUsesOtherCredentials(model: PythonHandlerModel): boolean {
  return model.calls.some(
    (c) =>
      c.name === 'assume_role' ||
      c.name === 'assume_role_with_web_identity' ||
      (c.origin?.startsWith('boto3') === true &&
        (keywordArgument(c.node, 'aws_access_key_id') !== undefined ||
          keywordArgument(c.node, 'aws_session_token') !== undefined)) ||
      ((c.name === 'client' || c.name === 'resource') &&
        (keywordArgument(c.node, 'aws_access_key_id') !== undefined ||
          keywordArgument(c.node, 'aws_session_token') !== undefined)),
  );
}
