/**
 * The Python extractor's client creations (`ClientCreationFact`, handlers/facts.ts): calls of
 * known client factories (by imported origin) made while a request runs.
 */
import type { ClientCreationFact } from '../facts';
import type { PyFunction, PythonHandlerModel } from './model';
import { assignedName, identifiersIn, isGuarded, isHandlerScope, requestNames } from './scope';

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
  ['aiohttp.ClientSession', 'an HTTP session'],
  ['elasticsearch.Elasticsearch', 'an Elasticsearch client'],
  ['opensearchpy.OpenSearch', 'an OpenSearch client'],
]);

/**
 * Clients of asyncio: bound to the event loop they are first used in. Python's Lambda runtime
 * calls a synchronous handler; async code runs through `asyncio.run` (or Powertools'
 * `async_process_partial_response`), a new loop per request, and a client kept from an earlier
 * request's loop fails ("Event loop is closed").
 * https://docs.python.org/3/library/asyncio-runner.html#asyncio.run
 */
const LOOP_BOUND =
  /^(httpx\.AsyncClient|aiohttp\.ClientSession|aioboto3\.Session|motor\.motor_asyncio\.AsyncIOMotorClient)$/;

export function pythonClientCreations(model: PythonHandlerModel): ClientCreationFact[] {
  const out: ClientCreationFact[] = [];
  const requestByHandler = new Map<PyFunction, Set<string>>();
  for (const c of model.calls) {
    if (!isHandlerScope(c) || c.origin === undefined) continue;
    const what = CLIENT_FACTORIES.get(c.origin);
    if (what === undefined) continue;
    const handler = c.handler as PyFunction;
    // A cached factory (`@lru_cache`, `@cache`) runs once per arguments.
    let kept = c.inFunction?.decorators.some((d) => /(^|\.)(lru_cache|cache|cached_property)$/.test(d)) === true;
    // `global client; if client is None: client = boto3.client(...)` and `self.x = …`: created once, kept.
    const target = assignedName(c.node);
    if (target !== undefined) {
      const first = target.name.split('.')[0] as string;
      if (c.inFunction?.globals.has(first) || first === 'self' || first === 'cls' || isGuarded(c.node, first))
        kept = true;
    }
    const request =
      requestByHandler.get(handler) ??
      (requestByHandler.set(handler, requestNames(handler)).get(handler) as Set<string>);
    const args = c.node.childForFieldName('arguments');
    // In the handler, request data is what its parameters flow into; in a function it calls, its parameters.
    const fromRequest =
      args !== null &&
      (c.inFunction === handler
        ? identifiersIn(args).some((n) => request.has(n))
        : c.inFunction !== undefined && identifiersIn(args).some((n) => c.inFunction?.params.includes(n)));
    out.push({
      what,
      span: c.span,
      via:
        c.inFunction === handler || c.inFunction === undefined
          ? undefined
          : { fn: c.inFunction.name, handler: handler.name },
      kept,
      fromRequest,
      customResource: isCustomResource(model, handler),
      loopBound: LOOP_BOUND.test(c.origin) && c.inFunction !== undefined && isCoroutine(c.inFunction),
      moveToModuleScope: undefined,
    });
  }
  return out;
}

/**
 * A CloudFormation custom resource handler (it reads `RequestType`, or uses cfnresponse /
 * crhelper) runs a few times per deployment: where its clients are made does not matter.
 */
function isCustomResource(model: PythonHandlerModel, handler: PyFunction): boolean {
  if ([...model.imports.values()].some((m) => /^(cfnresponse|crhelper)(\.|$)/.test(m))) return true;
  return /\bRequestType\b/.test(handler.node.text);
}

/** `async def`: tree-sitter's `function_definition` starts with the `async` keyword. */
function isCoroutine(fn: PyFunction): boolean {
  return fn.node.firstChild?.type === 'async';
}
