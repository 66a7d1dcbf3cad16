import { API_TIMEOUT } from '../limits';
import { dirname, join } from 'node:path';
import type { FileSystem } from '../fs';
import { uriToPath } from '../handlers/resolve';
import { isKnown, type FunctionModel, type Span, type Trigger } from '../model/types';
import { triggerProperties } from '../actions/templateEdits';
import type { TemplateDocument } from '../templates/template';
import { get, getPath, scalarString, type TNode } from '../templates/tree';
import { num } from './format';
import type { TemplateRule } from './types';

/** The API in front of a function and its integration timeout. */
interface ApiLimit {
  readonly seconds: number;
  /** The kind of API, as a person names it. */
  readonly what: string;
  /** What else to know about the limit. */
  readonly note: string;
}

const REST: ApiLimit = {
  seconds: API_TIMEOUT.restSeconds,
  what: 'a REST API',
  note: ' (Regional and private REST APIs can ask AWS for more since June 2024)',
};
const HTTP: ApiLimit = { seconds: API_TIMEOUT.httpSeconds, what: 'an HTTP API', note: '' };
const WEBSOCKET: ApiLimit = { seconds: API_TIMEOUT.websocketSeconds, what: 'a WebSocket API', note: '' };
/** A resource policy for API Gateway that does not say which kind of API: the most lenient limit. */
const ANY_API: ApiLimit = {
  seconds: Math.max(API_TIMEOUT.restSeconds, API_TIMEOUT.httpSeconds, API_TIMEOUT.websocketSeconds),
  what: 'API Gateway',
  note: ` (${API_TIMEOUT.restSeconds} s for REST and WebSocket APIs)`,
};

/**
 * A function timeout above the integration timeout of an API that invokes it: the client
 * gets a 504 while the function keeps running (and billing). REST APIs that stream the
 * response are left alone: their integrations may run up to 15 minutes.
 */
export const LL2002: TemplateRule = {
  id: 'LL2002',
  title: 'Function timeout above the API Gateway integration timeout',
  severity: 'warning',
  template({ template, fs }) {
    const streaming = (apiId: string) => responseStreamingApi(template, fs, apiId);
    const hits: { fn: FunctionModel; api: ApiLimit; trigger: Trigger; seconds: number; uri: string; span: Span }[] = [];
    for (const fn of template.functions) {
      const t = fn.timeout;
      if (!isKnown(t) || streamsResponses(template, fn) || invokedAsyncByApi(template, fn)) continue;
      for (const trigger of fn.triggers) {
        if (trigger.type !== 'Api' && trigger.type !== 'HttpApi') continue;
        const api = apiOf(template, fn, trigger, streaming);
        if (api === undefined || t.value <= api.seconds) continue;
        hits.push({ fn, api, trigger, seconds: t.value, uri: t.uri, span: t.span });
        break;
      }
    }
    // A timeout set once (SAM Globals, a serverless.yml provider) is one finding that names every function it affects.
    const groups = new Map<string, typeof hits>();
    for (const h of hits) {
      const key = `${h.uri}|${h.span.start}|${h.span.end}`;
      groups.set(key, [...(groups.get(key) ?? []), h]);
    }
    return [...groups.values()].map((group) => {
      const first = group[0] as (typeof hits)[number];
      const lowest = Math.min(...group.map((h) => h.api.seconds));
      const message =
        group.length === 1
          ? `Function ${first.fn.logicalId} has a timeout of ${num(first.seconds)} s, but it is invoked by ${first.api.what} (${first.trigger.name}), which gives up after ${first.api.seconds} s${first.api.note}: the caller gets a 504 while the function keeps running. Keep the timeout at ${first.api.seconds} s or less, or hand long work to an asynchronous invocation.`
          : `The timeout of ${num(first.seconds)} s set here applies to ${group.length} functions invoked by APIs that give up sooner: ${group.map((h) => `${h.fn.logicalId} by ${h.api.what} (${h.trigger.name}), after ${h.api.seconds} s`).join('; ')}${first.api.note}. Their callers get a 504 while the functions keep running. Keep the timeout at ${lowest} s or less for them, or hand long work to an asynchronous invocation.`;
      return { ruleId: 'LL2002', message, uri: first.uri, span: first.span };
    });
  },
};

/**
 * An API Gateway integration that invokes the function asynchronously: the request header
 * `X-Amz-Invocation-Type: 'Event'` set on the integration (in an AWS::ApiGateway::Method or an
 * OpenAPI definition that names the function). API Gateway then answers at once and the function's
 * timeout does not hold the caller (docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-integration-async.html).
 */
function invokedAsyncByApi(template: TemplateDocument, fn: FunctionModel): boolean {
  // The id is escaped: a serverless.yml function may be named `f(x)`.
  const names = new RegExp(`\\b${fn.logicalId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`);
  return asyncIntegrations(template).some((text) => names.test(text));
}

/**
 * The source text of every API integration that asks for an asynchronous invocation, once per
 * template (every function asks; walking the resources per function cost 36 ms on a 3,000-line
 * template, bench/lsp.ts).
 */
function asyncIntegrations(template: TemplateDocument): readonly string[] {
  let texts = asyncIntegrationsOf.get(template);
  if (texts !== undefined) return texts;
  const found: string[] = [];
  // Integrations are the maps with a `Uri` (AWS::ApiGateway::Method) or `uri` (OpenAPI x-amazon-apigateway-integration).
  const visit = (node: TNode | undefined): void => {
    if (node?.kind === 'seq') node.items.forEach(visit);
    else if (node?.kind === 'intrinsic') visit(node.arg);
    else if (node?.kind === 'map') {
      if (node.entries.some((e) => e.key === 'Uri' || e.key === 'uri')) {
        const text = template.text.slice(node.span.start, node.span.end);
        if (ASYNC_INVOCATION.test(text)) found.push(text);
      }
      for (const e of node.entries) visit(e.value);
    }
  };
  if (ASYNC_INVOCATION.test(template.text)) visit(get(template.root, 'Resources'));
  texts = found;
  asyncIntegrationsOf.set(template, texts);
  return texts;
}
const asyncIntegrationsOf = new WeakMap<TemplateDocument, readonly string[]>();
const ASYNC_INVOCATION = /X-Amz-Invocation-Type["']?\s*:\s*["']*\\?'?Event/i;

function apiOf(
  template: TemplateDocument,
  fn: FunctionModel,
  trigger: Trigger,
  streaming: (apiId: string) => boolean,
): ApiLimit | undefined {
  const r = template.resolver;
  if (r === undefined) return undefined;
  if (trigger.definedBy === 'event') {
    const props = triggerProperties(template, fn, trigger);
    const apiId = r.refTarget(get(props, trigger.type === 'Api' ? 'RestApiId' : 'ApiId'));
    if (apiId === undefined) return trigger.type === 'Api' ? REST : HTTP;
    if (streaming(apiId)) return undefined;
    return limitOfResource(template, apiId) ?? (trigger.type === 'Api' ? REST : HTTP);
  }
  // An AWS::Lambda::Permission for apigateway.amazonaws.com: the API is named in its SourceArn.
  const sourceArn = getPath(r.resource(trigger.name), 'Properties', 'SourceArn');
  for (const id of referencedIds(template, sourceArn)) {
    if (streaming(id)) return undefined;
    const limit = limitOfResource(template, id);
    if (limit !== undefined) return limit;
  }
  return ANY_API;
}

function limitOfResource(template: TemplateDocument, id: string): ApiLimit | undefined {
  const r = template.resolver;
  switch (r?.resourceType(id)) {
    case 'AWS::Serverless::Api':
    case 'AWS::ApiGateway::RestApi':
      return REST;
    case 'AWS::Serverless::HttpApi':
      return HTTP;
    case 'AWS::ApiGatewayV2::Api':
      return scalarString(getPath(r?.resource(id), 'Properties', 'ProtocolType'))?.toUpperCase() === 'WEBSOCKET'
        ? WEBSOCKET
        : HTTP;
    default:
      return undefined;
  }
}

/** Logical ids a value points at: `!Ref X`, `!GetAtt X.Y`, and every `${X}` / `${X.Y}` of a `!Sub`. */
function referencedIds(template: TemplateDocument, node: TNode | undefined): string[] {
  const direct = template.resolver?.refTarget(node);
  if (direct !== undefined) return [direct];
  if (node?.kind !== 'intrinsic') return [];
  if (node.fn === 'Fn::Sub') {
    const s = node.arg.kind === 'seq' ? scalarString(node.arg.items[0]) : scalarString(node.arg);
    return [...(s ?? '').matchAll(/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z.]+)?\}/g)]
      .map((m) => m[1] as string)
      .filter((id) => template.resolver?.resource(id) !== undefined);
  }
  if (node.fn === 'Fn::Join' && node.arg.kind === 'seq') {
    const parts = node.arg.items[1];
    return parts?.kind === 'seq' ? parts.items.flatMap((p) => referencedIds(template, p)) : [];
  }
  return [];
}

/** A REST API whose definition (inline, or an `AWS::Include` file next to the template) streams responses (`responseTransferMode: STREAM`). */
function responseStreamingApi(template: TemplateDocument, fs: FileSystem, apiId: string): boolean {
  const resource = template.resolver?.resource(apiId);
  if (resource === undefined) return false;
  const text = template.text.slice(resource.span.start, resource.span.end);
  if (STREAMING_API.test(text)) return true;
  const location = /\bLocation["']?\s*:\s*["']?([^"'\s,}]+)/.exec(text)?.[1];
  if (location === undefined || /^(s3|https?):/.test(location) || !template.uri.startsWith('file:')) return false;
  const included = fs.readFile(join(dirname(uriToPath(template.uri)), location));
  return included !== undefined && STREAMING_API.test(included);
}

const STREAMING_API = /responseTransferMode["']?\s*:\s*["']?STREAM/;

/** The function streams its response (Lambda Web Adapter in streaming mode, or a streaming integration URI). */
function streamsResponses(template: TemplateDocument, fn: FunctionModel): boolean {
  const mode = fn.environment?.variables.find((v) => v.name === 'AWS_LWA_INVOKE_MODE')?.value;
  if (mode !== undefined && isKnown(mode) && mode.value.toUpperCase() === 'RESPONSE_STREAM') return true;
  // Ids of letters, digits, - and _ (CloudFormation logical ids are alphanumeric) are looked up in one scan per template.
  if (/^[A-Za-z0-9_-]+$/.test(fn.logicalId)) return streamingTargets(template).has(fn.logicalId);
  // Other ids (a serverless.yml function named `f(x)`) are searched as plain text: no regular expression is made from them.
  return template.text.includes(`\${${fn.logicalId}.Arn}/response-streaming-invocations`);
}

/** The functions whose `${X.Arn}/response-streaming-invocations` the template names, found once per template. */
function streamingTargets(template: TemplateDocument): ReadonlySet<string> {
  let ids = streamingTargetsOf.get(template);
  if (ids === undefined) {
    ids = new Set(
      [...template.text.matchAll(/\$\{([A-Za-z0-9_-]+)\.Arn\}\/response-streaming-invocations/g)].map(
        (m) => m[1] as string,
      ),
    );
    streamingTargetsOf.set(template, ids);
  }
  return ids;
}
const streamingTargetsOf = new WeakMap<TemplateDocument, ReadonlySet<string>>();
