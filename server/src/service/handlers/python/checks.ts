/**
 * The Python side of the handler rules. Each check carries the id of the rule it belongs to
 * (LL3001, LL3002, LL3004, LL3006, LL2101–LL2104), so a Python finding has the same id,
 * docs page, severity and user setting as the JS/TS one; only the code patterns differ.
 * What is recognised is data at the top of this file.
 */
import { repeatWording, retryClause, retryingTriggers, reportsBatchItemFailures, triggerLabel } from '../../model/invocation';
import { knownValue, type FunctionModel, type Trigger } from '../../model/types';
import { withStakes } from '../../model/effects';
import { pythonHandlerEffects } from './effects';
import type { Finding } from '../../model/findings';
import type { PyNode } from './parser';
import { LL4006Python } from '../../rules/LL4006python';
import {
  dotted,
  enclosingFunction,
  hasSplat,
  keywordArgument,
  positionalArguments,
  spanOf,
  stringPrefix,
  stringValue,
  type PyCall,
  type PyFunction,
  type PythonCheck,
  type PythonHandlerModel,
  type PythonRuleContext,
} from './model';

export type { PythonCheck, PythonLink, PythonRuleContext } from './model';

/** Calls that create a client, connection or session (by imported origin), and what to call it in a message. */
const CLIENT_FACTORIES: ReadonlyMap<string, string> = new Map([
  ['boto3.client', 'a boto3 client'],
  ['boto3.resource', 'a boto3 resource'],
  ['boto3.Session', 'a boto3 session'],
  ['boto3.session.Session', 'a boto3 session'],
  ['aioboto3.Session', 'an aioboto3 session'],
  ['botocore.session.get_session', 'a botocore session'],
  ['psycopg2.connect', 'a PostgreSQL connection'],
  ['psycopg.connect', 'a PostgreSQL connection'],
  ['pg8000.connect', 'a PostgreSQL connection'],
  ['pg8000.native.Connection', 'a PostgreSQL connection'],
  ['pymysql.connect', 'a MySQL connection'],
  ['MySQLdb.connect', 'a MySQL connection'],
  ['mysql.connector.connect', 'a MySQL connection'],
  ['pymongo.MongoClient', 'a MongoDB client'],
  ['motor.motor_asyncio.AsyncIOMotorClient', 'a MongoDB client'],
  ['redis.Redis', 'a Redis client'],
  ['redis.StrictRedis', 'a Redis client'],
  ['redis.from_url', 'a Redis client'],
  ['sqlalchemy.create_engine', 'a SQLAlchemy engine'],
  ['requests.Session', 'an HTTP session'],
  ['httpx.Client', 'an HTTP client'],
  ['httpx.AsyncClient', 'an HTTP client'],
  ['urllib3.PoolManager', 'an HTTP connection pool'],
  ['elasticsearch.Elasticsearch', 'an Elasticsearch client'],
  ['opensearchpy.OpenSearch', 'an OpenSearch client'],
]);

/** Calls that end the interpreter. */
const EXITS: ReadonlySet<string> = new Set(['sys.exit', 'os._exit', 'os.abort']);
const BUILTIN_EXITS: ReadonlySet<string> = new Set(['exit', 'quit']);

/** Methods that add to a collection (a module-scope list, dict or set that grows per request). */
const GROWING: Readonly<Record<string, string>> = { append: 'appended to', extend: 'extended', insert: 'inserted into', add: 'added to', update: 'updated', appendleft: 'appended to' };
/** Values that make a module-scope name a mutable collection. */
const COLLECTION_LITERALS: ReadonlySet<string> = new Set(['list', 'dictionary', 'set']);
const COLLECTION_CALLS: ReadonlySet<string> = new Set(['list', 'dict', 'set', 'collections.defaultdict', 'collections.deque', 'collections.Counter', 'collections.OrderedDict']);

/** Calls that remove files. */
const REMOVALS: ReadonlySet<string> = new Set(['os.remove', 'os.unlink', 'shutil.rmtree', 'unlink', 'rmtree', 'remove']);
/** Calls that write a file at their path argument: `open(path, 'w')`, boto3 `download_file(bucket, key, path)`. */
const DOWNLOADS: ReadonlySet<string> = new Set(['download_file', 'download_fileobj']);

/** Powertools idempotency: the decorators and functions that make a handler or function idempotent. */
const IDEMPOTENT_DECORATORS = /(^|\.)(idempotent|idempotent_function)$/;

/** boto3 writes that repeat their effect on a retry, with the keyword that makes them idempotent. */
interface WritePattern {
  readonly what: string;
  readonly kind: 'put' | 'update' | 'message' | 'publish' | 'email';
  /** The boto3 service names of the client (or resource) the method belongs to. */
  readonly services: readonly string[];
  /** The method name is common outside boto3 (MQTT and Redis `publish`, mailers' `send_email`): the client must be known to be boto3's. */
  readonly needsKnownClient?: true;
}
const WRITES: Readonly<Record<string, WritePattern>> = {
  put_item: { what: 'DynamoDB put_item', kind: 'put', services: ['dynamodb'] },
  update_item: { what: 'DynamoDB update_item', kind: 'update', services: ['dynamodb'] },
  send_message: { what: 'SQS send_message', kind: 'message', services: ['sqs'] },
  send_message_batch: { what: 'SQS send_message_batch', kind: 'message', services: ['sqs'] },
  publish: { what: 'SNS publish', kind: 'publish', services: ['sns'], needsKnownClient: true },
  publish_batch: { what: 'SNS publish_batch', kind: 'publish', services: ['sns'] },
  send_email: { what: 'SES send_email', kind: 'email', services: ['ses', 'sesv2'], needsKnownClient: true },
  send_raw_email: { what: 'SES send_raw_email', kind: 'email', services: ['ses'] },
  send_templated_email: { what: 'SES send_templated_email', kind: 'email', services: ['ses'] },
};
/** `UpdateExpression`s that add to what is there. */
const ACCUMULATING_UPDATE = /\bADD\s|\bSET\b[\s\S]*?([#\w.[\]]+)\s*=\s*(?:if_not_exists\s*\(\s*\1\s*,[^)]*\)|\1)\s*[+-]|list_append\s*\(/i;

/** Sources of values that change on every attempt. */
const RANDOM_SOURCES: ReadonlySet<string> = new Set(['uuid.uuid1', 'uuid.uuid4', 'time.time', 'time.time_ns', 'datetime.datetime.now', 'datetime.datetime.utcnow', 'datetime.now', 'datetime.utcnow', 'secrets.token_hex', 'secrets.token_urlsafe', 'random.random', 'random.randint', 'ulid.new', 'ulid.ULID', 'ksuid.ksuid', 'nanoid.generate']);
/** Record key names: `id`, `pk`, `order_id`, `orderId`, `PK`, `SK`, dedup ids. */
const KEY_NAME = /^(id|pk|sk|key|uuid|.*_id|.*Id|.*ID|MessageDeduplicationId|MessageGroupId)$/i;

/** What identifies a record in a partial batch response, per source. */
const ITEM_IDENTIFIER: Readonly<Record<string, string>> = { SQS: "record['messageId']", Kinesis: "record['kinesis']['sequenceNumber']", DynamoDB: "record['dynamodb']['SequenceNumber']" };

// ---- shared questions ----

function isHandlerScope(c: PyCall): boolean {
  return c.scope === 'handler' && c.handler !== undefined;
}

/** Linked functions of a handler and their retrying triggers. */
function retrying(ctx: PythonRuleContext, handler: PyFunction | undefined): { fn: FunctionModel; trigger: Trigger }[] {
  if (handler === undefined) return [];
  return ctx.links
    .filter((l) => l.functionName === handler.name)
    .flatMap((l) => retryingTriggers(l.fn, (t) => t.definedBy === 'resource' && l.template.resolver?.resourceType(t.name) === 'AWS::Lambda::Permission').map((trigger) => ({ fn: l.fn, trigger })));
}

function describeRetries(triggers: readonly { fn: FunctionModel; trigger: Trigger }[]): string {
  const first = triggers[0];
  if (first === undefined) return '';
  const others = triggers.length - 1;
  return retryClause(first.fn, first.trigger) + (others > 0 ? ` (and ${others} more retrying trigger${others === 1 ? '' : 's'})` : '');
}

/** True when the call runs under Powertools idempotency (the handler or the function holding it is decorated). */
function isIdempotent(model: PythonHandlerModel, c: PyCall): boolean {
  if (c.handler?.decorators.some((d) => IDEMPOTENT_DECORATORS.test(d))) return true;
  if (c.inFunction?.decorators.some((d) => IDEMPOTENT_DECORATORS.test(d))) return true;
  // `idempotent_function` applied by call: `process = idempotent_function(...)(process)`.
  for (let n = enclosingFunction(c.node); n; n = enclosingFunction(n)) {
    const name = n.childForFieldName('name')?.text;
    const fn = name !== undefined ? model.functions.get(name) : undefined;
    if (fn?.decorators.some((d) => IDEMPOTENT_DECORATORS.test(d))) return true;
  }
  return false;
}

/** Identifiers used in a node. */
function identifiersIn(node: PyNode): string[] {
  const out = node.type === 'identifier' ? [node.text] : [];
  for (const id of node.descendantsOfType('identifier')) if (id) out.push(id.text);
  return out;
}

/**
 * Names in a handler whose value comes from the request: its parameters, and locals assigned
 * from an expression that uses one (one forward pass in source order).
 */
function requestNames(handler: PyFunction): Set<string> {
  const names = new Set(handler.params);
  for (const a of handler.node.descendantsOfType('assignment')) {
    const left = a?.childForFieldName('left');
    const right = a?.childForFieldName('right');
    if (!left || !right) continue;
    if (identifiersIn(right).some((n) => names.has(n))) for (const n of identifiersIn(left)) names.add(n);
  }
  for (const f of handler.node.descendantsOfType('for_statement')) {
    const left = f?.childForFieldName('left');
    const right = f?.childForFieldName('right');
    if (left && right && identifiersIn(right).some((n) => names.has(n))) for (const n of identifiersIn(left)) names.add(n);
  }
  return names;
}

/** The statement-level ancestor chain up to the enclosing function. */
function ancestors(node: PyNode): PyNode[] {
  const out: PyNode[] = [];
  for (let n = node.parent; n && n.type !== 'function_definition'; n = n.parent) out.push(n);
  return out;
}

/** `if X is None:` / `if not X:` / `X = X or …` around a write to X: lazy initialisation, an intended cache. */
function isGuarded(node: PyNode, name: string): boolean {
  for (const a of ancestors(node)) {
    if (a.type === 'if_statement' || a.type === 'conditional_expression' || a.type === 'boolean_operator') {
      const cond = a.type === 'if_statement' ? a.childForFieldName('condition') : a;
      if (cond && identifiersIn(cond).includes(name)) return true;
    }
  }
  return false;
}

/** The name an assignment of `value` writes to, when the value is the whole right side. */
function assignedName(value: PyNode): { name: string; node: PyNode } | undefined {
  let cur = value;
  for (;;) {
    const up = cur.parent;
    if (up && (up.type === 'parenthesized_expression' || up.type === 'await')) cur = up;
    // `boto3.resource('dynamodb').Table(name)`: the resource flows into the call made on it.
    else if (up?.type === 'attribute' && up.childForFieldName('object')?.id === cur.id && up.parent?.type === 'call' && up.parent.childForFieldName('function')?.id === up.id) cur = up.parent;
    else break;
  }
  const p = cur.parent;
  if (p?.type !== 'assignment' || p.childForFieldName('right')?.id !== cur.id) return undefined;
  const left = p.childForFieldName('left');
  const name = dotted(left);
  return name !== undefined && left ? { name, node: p } : undefined;
}

// ---- LL3001 ----

const LL3001: PythonCheck = {
  id: 'LL3001',
  severity: 'warning',
  check({ model }) {
    const out: Finding[] = [];
    const requestByHandler = new Map<PyFunction, Set<string>>();
    for (const c of model.calls) {
      if (!isHandlerScope(c) || c.origin === undefined || isCustomResource(model, c.handler as PyFunction)) continue;
      const what = CLIENT_FACTORIES.get(c.origin);
      if (what === undefined) continue;
      // A cached factory (`@lru_cache`, `@cache`) runs once per arguments.
      if (c.inFunction?.decorators.some((d) => /(^|\.)(lru_cache|cache|cached_property)$/.test(d))) continue;
      // `global client; if client is None: client = boto3.client(...)` and `self.x = …`: created once, kept.
      const target = assignedName(c.node);
      if (target !== undefined) {
        const first = target.name.split('.')[0] as string;
        if (c.inFunction?.globals.has(first) || first === 'self' || first === 'cls' || isGuarded(c.node, first)) continue;
      }
      // A client made from request data (a tenant's role, a region in the event) is per request on purpose.
      const handler = c.handler as PyFunction;
      const request = requestByHandler.get(handler) ?? requestByHandler.set(handler, requestNames(handler)).get(handler) as Set<string>;
      const args = c.node.childForFieldName('arguments');
      if (c.inFunction === handler && args && identifiersIn(args).some((n) => request.has(n))) continue;
      if (c.inFunction !== handler && c.inFunction !== undefined && args && identifiersIn(args).some((n) => c.inFunction?.params.includes(n))) continue;
      const where = c.inFunction === handler || c.inFunction === undefined ? '' : ` (in ${c.inFunction.name}, which ${handler.name} calls)`;
      out.push({
        ruleId: 'LL3001',
        message: `${capitalise(what)} is created on every request${where}. Create it once at module scope, outside the handler: Lambda reuses it across warm invocations of the same environment.`,
        uri: model.uri,
        span: c.span,
      });
    }
    return out;
  },
};

/**
 * A CloudFormation custom resource handler (it reads `RequestType`, or uses cfnresponse /
 * crhelper) runs a few times per deployment: where its clients are made does not matter.
 */
function isCustomResource(model: PythonHandlerModel, handler: PyFunction): boolean {
  if ([...model.imports.values()].some((m) => /^(cfnresponse|crhelper)(\.|$)/.test(m))) return true;
  return /\bRequestType\b/.test(handler.node.text);
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

// ---- LL3002 ----

const WARM = 'it carries over to the next warm invocation of the same environment (and differs between environments)';

const LL3002: PythonCheck = {
  id: 'LL3002',
  severity: 'warning',
  check({ model }) {
    const out: Finding[] = [];
    const perRequest = perRequestFunctions(model);
    for (const fn of perRequest) {
      const request = requestNames(fn);
      // `global counter; counter += 1` and `global last; last = event[...]`.
      for (const a of fn.node.descendantsOfType(['assignment', 'augmented_assignment'])) {
        if (!a || enclosingFunction(a)?.id !== fn.node.id) continue;
        const left = a.childForFieldName('left');
        if (left?.type !== 'identifier' || !fn.globals.has(left.text)) continue;
        const name = left.text;
        if (a.type === 'augmented_assignment') {
          out.push({ ruleId: 'LL3002', message: `The module-scope counter \`${name}\` is changed on every request: ${WARM}.`, uri: model.uri, span: spanOf(a) });
          continue;
        }
        const right = a.childForFieldName('right');
        if (!right || isGuarded(a, name)) continue;
        if (identifiersIn(right).some((n) => request.has(n) && n !== name)) {
          out.push({ ruleId: 'LL3002', message: `\`${name}\` is a module-scope variable set from the request: ${WARM}, so a later request can see this one's data. Keep it in a local, or cache it under a key.`, uri: model.uri, span: spanOf(a) });
        }
      }
      // `RESULTS.append(item)`: a module-scope collection that grows with every request.
      for (const c of model.calls) {
        if (c.inFunction?.node.id !== fn.node.id || c.receiver === undefined || c.name === undefined) continue;
        const grows = GROWING[c.name];
        const value = model.moduleValues.get(c.receiver);
        if (grows === undefined || value === undefined || !isCollection(model, value) || model.functions.has(c.receiver)) continue;
        // A dict keyed by something: `.update` of a cache is a keyed write.
        if (c.name === 'update' && value.type === 'dictionary') continue;
        out.push({ ruleId: 'LL3002', message: `The module-scope collection \`${c.receiver}\` is ${grows} on every request and never cleared: it grows for as long as the environment lives, and ${WARM}.`, uri: model.uri, span: c.span });
      }
    }
    return out;
  },
};

/** Handlers and the module functions they call. */
function perRequestFunctions(model: PythonHandlerModel): PyFunction[] {
  const out = new Set<PyFunction>(model.handlers);
  for (const c of model.calls) if (c.scope === 'handler' && c.inFunction !== undefined && model.functions.get(c.inFunction.name) === c.inFunction) out.add(c.inFunction);
  return [...out];
}

function isCollection(model: PythonHandlerModel, value: PyNode): boolean {
  if (COLLECTION_LITERALS.has(value.type)) return true;
  if (value.type !== 'call') return false;
  const c = model.callAt.get(value.id);
  return c !== undefined && (COLLECTION_CALLS.has(c.origin ?? c.callee ?? ''));
}

// ---- LL3004 ----

const LL3004: PythonCheck = {
  id: 'LL3004',
  severity: 'error',
  check({ model }) {
    const out: Finding[] = [];
    for (const c of model.calls) {
      if (!isHandlerScope(c)) continue;
      const isExit = (c.origin !== undefined && EXITS.has(c.origin)) || (c.callee !== undefined && BUILTIN_EXITS.has(c.callee) && !model.imports.has(c.callee) && !model.functions.has(c.callee));
      if (!isExit) continue;
      out.push({
        ruleId: 'LL3004',
        message: `\`${c.callee}()\` in a handler ends the Python runtime: this request fails with Runtime.ExitError and the next one is a cold start. Return a response or raise an exception instead.`,
        uri: model.uri,
        span: c.span,
      });
    }
    for (const fn of perRequestFunctions(model)) {
      for (const r of fn.node.descendantsOfType('raise_statement')) {
        const e = r?.namedChildren[0];
        const name = e?.type === 'call' ? dotted(e.childForFieldName('function')) : dotted(e);
        if (!r || (name !== 'SystemExit' && name !== 'KeyboardInterrupt')) continue;
        out.push({ ruleId: 'LL3004', message: `Raising ${name} in a handler ends the Python runtime: this request fails with Runtime.ExitError and the next one is a cold start. Raise an ordinary exception instead.`, uri: model.uri, span: spanOf(r) });
      }
    }
    return out;
  },
};

// ---- LL3006 ----

const LL3006: PythonCheck = {
  id: 'LL3006',
  severity: 'info',
  check({ model }) {
    const out: Finding[] = [];
    const removes = model.calls.some((c) => REMOVALS.has(c.origin ?? '') || (c.name !== undefined && REMOVALS.has(c.name)) || /TemporaryDirectory$/.test(c.origin ?? c.callee ?? ''));
    if (removes) return out;
    for (const c of model.calls) {
      if (!isHandlerScope(c)) continue;
      const path = writtenPath(c);
      if (path === undefined || !perInvocationTmpPath(path)) continue;
      out.push({
        ruleId: 'LL3006',
        message: 'This writes a new file under /tmp on every request and nothing in this module removes it. /tmp persists across warm invocations (512 MB by default) and fills up; delete the file when done (`os.remove`), or reuse one name.',
        uri: model.uri,
        span: c.span,
      });
    }
    return out;
  },
};

/** The path a call writes to: `open(path, 'w'|'a'|'x'…)`, `download_file(bucket, key, path)`. */
function writtenPath(c: PyCall): PyNode | undefined {
  if (c.callee === 'open' || c.origin === 'io.open' || c.origin === 'codecs.open') {
    const [path, mode] = positionalArguments(c.node);
    const m = stringValue(mode ?? keywordArgument(c.node, 'mode'));
    return m !== undefined && /[wax]/.test(m) ? path : undefined;
  }
  if (c.name !== undefined && DOWNLOADS.has(c.name)) return positionalArguments(c.node)[2] ?? keywordArgument(c.node, 'Filename');
  return undefined;
}

/** `f"/tmp/{key}"`, `"/tmp/" + key`, `os.path.join("/tmp", key)`: a name that changes per request. */
function perInvocationTmpPath(node: PyNode, depth = 0): boolean {
  // `path = f"/tmp/{key}"` then `open(path, "w")`.
  if (node.type === 'identifier') {
    const value = depth < 3 ? localValue(node.text, node) : undefined;
    return value !== undefined && perInvocationTmpPath(value, depth + 1);
  }
  if (node.type === 'string') return stringValue(node) === undefined && (stringPrefix(node) ?? '').startsWith('/tmp');
  if (node.type === 'binary_operator') {
    // `"/tmp/" + key + ".out"`: the leftmost operand names the folder; some operand varies.
    let left: PyNode = node;
    for (let next = left.childForFieldName('left'); left.type === 'binary_operator' && next !== null; next = left.childForFieldName('left')) left = next;
    const varies = node.descendantsOfType(['identifier', 'call', 'subscript', 'attribute']).length > 0;
    return varies && (stringValue(left) ?? stringPrefix(left) ?? '').startsWith('/tmp');
  }
  if (node.type === 'call') {
    const fn = dotted(node.childForFieldName('function'));
    const args = positionalArguments(node);
    if ((fn === 'os.path.join' || fn === 'path.join') && args.length >= 2) return (stringValue(args[0]) ?? '').startsWith('/tmp') && args.slice(1).some((a) => stringValue(a) === undefined);
    // `"/tmp/{}".format(key)`
    if (node.childForFieldName('function')?.type === 'attribute' && node.childForFieldName('function')?.childForFieldName('attribute')?.text === 'format') {
      return (stringValue(node.childForFieldName('function')?.childForFieldName('object')) ?? '').startsWith('/tmp');
    }
  }
  return false;
}

// ---- LL2101 ----

const LL2101: PythonCheck = {
  id: 'LL2101',
  severity: 'warning',
  check(ctx) {
    const { model } = ctx;
    const out: Finding[] = [];
    for (const c of model.calls) {
      const write = c.name !== undefined && c.receiver !== undefined ? WRITES[c.name] : undefined;
      if (write === undefined || !isHandlerScope(c) || hasSplat(c.node)) continue;
      const service = receiverService(model, c);
      if (service !== undefined ? !write.services.includes(service) : write.needsKnownClient === true) continue;
      const triggers = retrying(ctx, c.handler);
      if (triggers.length === 0 || isIdempotent(model, c)) continue;
      const problem = problemOf(c.node, write);
      if (problem === undefined) continue;
      const wording = repeatWording(triggers);
      out.push({
        ruleId: 'LL2101',
        message: wording.retry(`${write.what} in ${wording.handler}: ${describeRetries(triggers)}. ${problem}`),
        uri: model.uri,
        span: c.span,
        // A put whose key comes from the event usually rewrites the same item: a note, not a warning (as for JS/TS).
        ...(write.kind === 'put' || wording.severity !== undefined ? { severity: 'info' as const } : {}),
      });
    }
    return out;
  },
};

/**
 * The boto3 service of a method call's receiver: `sns` for `sns.publish(...)` when
 * `sns = boto3.client("sns")`, `dynamodb` for a `Table` of `boto3.resource("dynamodb")`.
 * Follows names assigned in the enclosing functions and at module scope.
 */
function receiverService(model: PythonHandlerModel, c: PyCall): string | undefined {
  const receiver = c.node.childForFieldName('function')?.childForFieldName('object');
  return receiver ? serviceOf(model, receiver, c.node, 0) : undefined;
}

function serviceOf(model: PythonHandlerModel, node: PyNode, at: PyNode, depth: number): string | undefined {
  if (depth > 4) return undefined;
  if (node.type === 'identifier') {
    const value = localValue(node.text, at) ?? model.moduleValues.get(node.text);
    return value ? serviceOf(model, value, at, depth + 1) : undefined;
  }
  if (node.type === 'attribute' && node.childForFieldName('object')?.text === 'self') {
    // `self.table = boto3.resource(...).Table(...)` anywhere in the module.
    const name = node.childForFieldName('attribute')?.text;
    for (const a of model.tree.rootNode.descendantsOfType('assignment')) {
      if (a?.childForFieldName('left')?.text === `self.${name}`) {
        const v = a.childForFieldName('right');
        if (v) return serviceOf(model, v, at, depth + 1);
      }
    }
    return undefined;
  }
  if (node.type !== 'call') return undefined;
  const call = model.callAt.get(node.id);
  if (call?.origin === 'boto3.client' || call?.origin === 'boto3.resource') return stringValue(positionalArguments(node)[0] ?? keywordArgument(node, 'service_name'));
  // `session.client("sqs")`, `dynamodb.Table("orders")`, `boto3.resource("dynamodb").Table(...)`.
  const fn = node.childForFieldName('function');
  const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
  if (method === 'client' || method === 'resource') return stringValue(positionalArguments(node)[0] ?? keywordArgument(node, 'service_name'));
  const obj = fn?.type === 'attribute' ? fn.childForFieldName('object') : undefined;
  return method === 'Table' && obj ? serviceOf(model, obj, at, depth + 1) : undefined;
}

/** The value last assigned to `name` in the functions around `at`, before it. */
function localValue(name: string, at: PyNode): PyNode | undefined {
  for (let fn = enclosingFunction(at); fn; fn = enclosingFunction(fn)) {
    let found: PyNode | undefined;
    for (const a of fn.descendantsOfType('assignment')) {
      if (!a || a.startIndex > at.startIndex) continue;
      const left = a.childForFieldName('left');
      if (left?.type === 'identifier' && left.text === name) found = a.childForFieldName('right') ?? undefined;
    }
    if (found) return found;
  }
  return undefined;
}

function problemOf(call: PyNode, write: WritePattern): string | undefined {
  switch (write.kind) {
    case 'put':
      if (keywordArgument(call, 'ConditionExpression') !== undefined || keywordArgument(call, 'Expected') !== undefined) return undefined;
      return 'Without a ConditionExpression (e.g. "attribute_not_exists(pk)") a retry overwrites the item, and any change made since is lost. Add the condition and treat ConditionalCheckFailedException as "already done", or use Powertools @idempotent.';
    case 'update': {
      const expr = stringValue(keywordArgument(call, 'UpdateExpression'));
      if (expr === undefined || !ACCUMULATING_UPDATE.test(expr) || keywordArgument(call, 'ConditionExpression') !== undefined) return undefined;
      return 'The UpdateExpression adds to the stored value, so each retry adds again. Record the event id in the item and add a ConditionExpression that skips events already applied, or use Powertools @idempotent.';
    }
    case 'message':
    case 'publish':
      if (keywordArgument(call, 'MessageDeduplicationId') !== undefined || (keywordArgument(call, 'Entries') !== undefined && /MessageDeduplicationId/.test(call.text))) return undefined;
      return `Each retry ${write.kind === 'message' ? 'sends the message' : 'publishes'} again, and the consumers see duplicates. Give it a deduplication id from the event (FIFO), make the consumers idempotent, or use Powertools @idempotent.`;
    case 'email':
      return 'Each retry sends the email again. Record that it was sent (a conditional put keyed by the event id) before sending, or use Powertools @idempotent.';
  }
}

// ---- LL2102 ----

const LL2102: PythonCheck = {
  id: 'LL2102',
  severity: 'warning',
  check(ctx) {
    const { model } = ctx;
    const out: Finding[] = [];
    for (const c of model.calls) {
      if (!isHandlerScope(c) || !RANDOM_SOURCES.has(c.origin ?? '')) continue;
      const triggers = retrying(ctx, c.handler);
      if (triggers.length === 0 || isIdempotent(model, c)) continue;
      const key = keyUse(c);
      if (key === undefined) continue;
      const wording = repeatWording(triggers);
      out.push({
        ruleId: 'LL2102',
        message: wording.retry(`\`${key}\` is set from ${c.origin}(), which changes on every attempt, in ${wording.handler}: ${describeRetries(triggers)}; so every retry writes a new record instead of overwriting the first attempt's: duplicates. Derive the key from the event (the message id, S3 object key, or the business id in the payload).`),
        uri: model.uri,
        span: c.span,
        ...(wording.severity !== undefined ? { severity: wording.severity } : {}),
      });
    }
    return out;
  },
};

/** The record key a random value ends up in: a dict entry named like a key, directly or through one variable. */
function keyUse(c: PyCall): string | undefined {
  let node: PyNode = c.node;
  // Through `str(...)`, f-strings and string concatenation.
  while (node.parent && (node.parent.type === 'argument_list' || node.parent.type === 'call' || node.parent.type === 'interpolation' || node.parent.type === 'string' || node.parent.type === 'binary_operator')) node = node.parent;
  const p = node.parent;
  if (p?.type === 'pair') {
    const k = stringValue(p.childForFieldName('key'));
    return k !== undefined && KEY_NAME.test(k) ? k : undefined;
  }
  if (p?.type === 'keyword_argument') {
    const k = p.childForFieldName('name')?.text;
    return k !== undefined && KEY_NAME.test(k) ? k : undefined;
  }
  const assigned = assignedName(node);
  if (assigned === undefined || assigned.name.includes('.')) return undefined;
  const fn = enclosingFunction(c.node);
  if (!fn) return undefined;
  // `order_id = str(uuid.uuid4())` then `Item={'order_id': order_id}` / `Key=…`.
  for (const pair of fn.descendantsOfType(['pair', 'keyword_argument'])) {
    if (!pair) continue;
    const value = pair.childForFieldName('value');
    if (value?.type !== 'identifier' || value.text !== assigned.name) continue;
    const k = pair.type === 'pair' ? stringValue(pair.childForFieldName('key')) : pair.childForFieldName('name')?.text;
    if (k !== undefined && KEY_NAME.test(k)) return k;
  }
  return undefined;
}

// ---- LL2103 / LL2104 ----

interface BatchTrigger {
  readonly fn: FunctionModel;
  readonly trigger: Trigger;
}

/** True when every batch trigger delivers one record at a time (`BatchSize: 1`). */
function singleRecordBatches(batches: readonly BatchTrigger[]): boolean {
  return batches.length > 0 && batches.every((b) => knownValue(b.trigger.mapping?.batchSize) === 1);
}

/** Linked triggers of a handler that deliver batches (SQS, Kinesis, DynamoDB Streams). */
function batchTriggers(ctx: PythonRuleContext, handler: PyFunction): BatchTrigger[] {
  return ctx.links
    .filter((l) => l.functionName === handler.name)
    .flatMap((l) => l.fn.triggers.filter((t) => ITEM_IDENTIFIER[t.type] !== undefined && t.mapping !== undefined).map((trigger) => ({ fn: l.fn, trigger })));
}

/** True when the handler returns a partial batch response (literally, or through Powertools). */
function returnsBatchItemFailures(model: PythonHandlerModel, handler: PyFunction): boolean {
  if (/batchItemFailures|batch_item_failures/.test(handler.node.text)) return true;
  // Powertools: `process_partial_response(...)`, `processor.response()`, `@batch_processor`.
  if (handler.decorators.some((d) => /(^|\.)(batch_processor|async_batch_processor)$/.test(d))) return true;
  return model.calls.some((c) => c.handler === handler && (/(^|\.)(process_partial_response|async_process_partial_response)$/.test(c.origin ?? c.callee ?? '') || (c.name === 'response' && c.receiver !== undefined)));
}

/**
 * A handler that builds the list but visibly never returns it: every `return` is bare, `None` or
 * a dict literal without "batchItemFailures" (and no `**` unpacking), or there is no `return`.
 * A returned name or call is trusted to carry the list.
 */
function droppedList(handler: PyFunction): { returns: string; at: PyNode | undefined } | undefined {
  if (handler.decorators.length > 0) return undefined;
  const returns: PyNode[] = [];
  const walk = (n: PyNode): void => {
    for (const c of n.namedChildren) {
      if (!c || c.type === 'function_definition' || c.type === 'lambda' || c.type === 'class_definition') continue;
      if (c.type === 'return_statement') returns.push(c);
      walk(c);
    }
  };
  const body = handler.node.childForFieldName('body');
  if (body) walk(body);
  if (returns.length === 0) return { returns: 'never returns anything', at: undefined };
  for (const r of returns) {
    const value = r.namedChildren[0];
    if (!value || value.type === 'none') continue;
    if (value.type !== 'dictionary') return undefined;
    if (value.namedChildren.some((p) => p?.type !== 'pair' || /batchItemFailures/.test(p.childForFieldName('key')?.text ?? ''))) return undefined;
  }
  const first = returns[0];
  const value = first?.namedChildren[0];
  return { returns: value ? `returns ${value.text.replace(/\s+/g, ' ').slice(0, 40)} without it` : 'returns nothing', at: first };
}

const LL2103: PythonCheck = {
  id: 'LL2103',
  severity: 'error',
  check(ctx) {
    const out: Finding[] = [];
    for (const h of ctx.model.handlers) {
      const all = batchTriggers(ctx, h);
      const on = all.filter((b) => reportsBatchItemFailures(b.trigger) === true);
      const first = on[0];
      // Batches of one record: failing the invocation fails just that record, a partial response adds nothing.
      if (first === undefined || singleRecordBatches(all)) continue;
      const dropped = /batchItemFailures|batch_item_failures/.test(h.node.text) && !/batch_processor|process_partial_response/.test(ctx.model.text) ? droppedList(h) : undefined;
      if (dropped) {
        out.push({
          ruleId: 'LL2103',
          message: `This handler collects batchItemFailures but ${dropped.returns}: Lambda reads an empty response as "every record succeeded" and deletes (or skips) the failed records of ${on.map((b) => triggerLabel(b.trigger)).join(', ')}. Return {"batchItemFailures": [...]}.`,
          uri: ctx.model.uri,
          span: dropped.at ? spanOf(dropped.at) : h.nameSpan,
        });
        continue;
      }
      if (returnsBatchItemFailures(ctx.model, h)) continue;
      out.push({
        ruleId: 'LL2103',
        message: `ReportBatchItemFailures is on for ${on.map((b) => triggerLabel(b.trigger)).join(', ')}, but this handler never returns {"batchItemFailures": [...]}: a failure is either raised (the whole batch comes back) or swallowed (the failed record is deleted or skipped as if it succeeded). Return {"batchItemFailures": [{"itemIdentifier": ${ITEM_IDENTIFIER[first.trigger.type] ?? "record['messageId']"}}]} for the records that failed.`,
        uri: ctx.model.uri,
        span: h.nameSpan,
      });
    }
    return out;
  },
};

const LL2104: PythonCheck = {
  id: 'LL2104',
  severity: 'warning',
  check(ctx) {
    const out: Finding[] = [];
    for (const h of ctx.model.handlers) {
      const batches = batchTriggers(ctx, h);
      const first = batches[0];
      if (first === undefined || singleRecordBatches(batches)) continue;
      const enabled = batches.some((b) => reportsBatchItemFailures(b.trigger) === true);
      const raised: PyNode[] = [];
      for (const loop of h.node.descendantsOfType('for_statement')) {
        if (!loop || !/Records/.test(loop.childForFieldName('right')?.text ?? '')) continue;
        for (const r of loop.childForFieldName('body')?.descendantsOfType('raise_statement') ?? []) if (r && !insideTry(r, loop)) raised.push(r);
      }
      // Once per handler, at the first raise: the fix (catch per record) is one change for all of them.
      const [r, ...more] = raised;
      if (r === undefined) continue;
      const others = more.length > 0 ? ` (so do ${more.length} more raise statement${more.length === 1 ? '' : 's'} in this handler's record loops)` : '';
      const finding: Finding = {
        ruleId: 'LL2104',
        message: `Raising here fails the whole batch from ${triggerLabel(first.trigger)}${others}: every record in it, including those already processed, is delivered again. Catch the error and add {"itemIdentifier": ${ITEM_IDENTIFIER[first.trigger.type] ?? "record['messageId']"}} to batchItemFailures${enabled ? '' : ' (and turn on ReportBatchItemFailures for the event source)'}.`,
        uri: ctx.model.uri,
        span: spanOf(r),
      };
      // Records processed again repeat work only when the handler has effects.
      out.push(withStakes(finding, pythonHandlerEffects(ctx.model, h.name)));
    }
    return out;
  },
};

/** True when `node` is in a `try` body (with an `except`) between it and `outer`. */
function insideTry(node: PyNode, outer: PyNode): boolean {
  for (let n = node.parent; n && n.id !== outer.id; n = n.parent) {
    if (n.type === 'block' && n.parent?.type === 'try_statement' && n.parent.childForFieldName('body')?.id === n.id && n.parent.namedChildren.some((c) => c?.type === 'except_clause')) return true;
  }
  return false;
}

/** Every Python check, in id order. */
export const PYTHON_CHECKS: readonly PythonCheck[] = [LL2101, LL2102, LL2103, LL2104, LL3001, LL3002, LL3004, LL3006, LL4006Python];
