import ts from 'typescript';
import {
  assignmentTarget,
  handlerLocalsIn,
  isInside,
  isSharedTarget,
  requestTainted,
  usesTainted,
} from '../handlers/analysis';
import type { HandlerFunction, HandlerModel } from '../handlers/model';
import { matchClient } from '../handlers/patterns';
import type { Span } from '../model/types';
import { assignedName, identifiersIn, isGuarded, isHandlerScope, requestNames } from '../handlers/python/scope';
import { type PyFunction, type PythonHandlerModel } from '../handlers/python/model';
import { byLanguage, type PythonRuleContext, type Finding, type Fix, type Rule } from './types';

/**
 * An SDK client, database connection or other reusable resource created inside the
 * handler: it is rebuilt (new TLS connections, credential lookups) on every request
 * instead of once per execution environment.
 */
export const LL3001: Rule = {
  id: 'LL3001',
  title: 'Client created inside the handler',
  severity: 'warning',
  handler: byLanguage({
    js({ handler: model }) {
      const findings: Finding[] = [];
      const tainted = new Map<HandlerFunction, Set<ts.Node>>();
      const taintOf = (h: HandlerFunction) =>
        tainted.get(h) ?? (tainted.set(h, requestTainted(model, h)).get(h) as Set<ts.Node>);
      // Only per-request code matters; resolving imports is the costly part, so filter first.
      const candidates = [
        ...model.constructions
          .filter((c) => c.handler !== undefined)
          .map((c) => ({
            node: c.node as ts.Expression,
            handler: c.handler,
            pattern: matchClient(c.import, 'new'),
            span: c.span,
          })),
        ...model.calls
          .filter((c) => c.handler !== undefined)
          .map((c) => ({
            node: c.node as ts.Expression,
            handler: c.handler,
            pattern: matchClient(c.import, 'call'),
            span: c.span,
          })),
      ];
      const matched = candidates.filter((c) => c.handler !== undefined && c.pattern !== undefined);
      for (const c of matched) {
        if (!c.handler || !c.pattern) continue;
        // A CloudFormation custom resource handler runs a few times per deployment (as for Python below).
        if (
          /\bRequestType\b/.test(c.handler.node.getText(model.sourceFile)) ||
          /['"]cfn-response['"]|\bResponseURL\b/.test(model.text)
        )
          continue;
        // `DynamoDBDocumentClient.from(new DynamoDBClient({}))` is one resource: report the outer call.
        if (matched.some((o) => o !== c && o.node.pos <= c.node.pos && c.node.end <= o.node.end)) continue;
        // `const client = new DynamoDBClient(); DynamoDBDocumentClient.from(client)`: reported at `client`.
        if (
          argumentsOf(c.node).some((a) =>
            wraps(
              model,
              a,
              matched.map((m) => m.node),
            ),
          )
        )
          continue;
        // `if (!client) client = new S3Client()` and `this.client = …`: created once, kept.
        const target = assignmentTarget(c.node);
        if (target && isSharedTarget(model, target)) continue;
        // Built from request data (a tenant's credentials, a region from the event): per request on purpose.
        const args = argumentsOf(c.node);
        if (args.some((a) => usesTainted(model, a, taintOf(c.handler as HandlerFunction)))) continue;
        const fix = moveToModuleScope(model, c.node, c.handler, args);
        findings.push({
          ruleId: 'LL3001',
          message: `${capitalise(c.pattern.what)} is created on every request. Create it once at module scope, outside the handler: Lambda reuses it across warm invocations of the same environment.`,
          uri: model.uri,
          span: c.span,
          ...(fix ? { fixes: [fix] } : {}),
        });
      }
      return findings;
    },
    python: pythonLL3001,
  }),
};

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** True when an argument is a local whose initializer is one of the reported constructions. */
function wraps(model: HandlerModel, arg: ts.Node, reported: readonly ts.Node[]): boolean {
  if (!ts.isIdentifier(arg)) return false;
  const d = model.lookup(arg);
  return (
    d !== undefined &&
    ts.isVariableDeclaration(d.node) &&
    d.node.initializer !== undefined &&
    reported.includes(skipAwait(d.node.initializer))
  );
}

function skipAwait(e: ts.Expression): ts.Expression {
  return ts.isAwaitExpression(e) ? e.expression : e;
}

/** The arguments of a `new` or call (the callee itself is not request data). */
function argumentsOf(node: ts.Expression): readonly ts.Node[] {
  return (ts.isNewExpression(node) || ts.isCallExpression(node)) && node.arguments ? [...node.arguments] : [];
}

/**
 * `const s3 = new S3Client({...});` as a statement of the handler body, with nothing from
 * the request in it and a name not used at module scope: move the statement above the
 * top-level statement that holds the handler.
 */
function moveToModuleScope(
  model: HandlerModel,
  node: ts.Expression,
  handler: HandlerFunction,
  args: readonly ts.Node[],
): Fix | undefined {
  // Anything declared in the handler (even a client made from the environment) would not exist at module scope.
  if (handlerLocalsIn(model, args, handler).length > 0) return undefined;
  const decl = node.parent;
  if (!decl || !ts.isVariableDeclaration(decl) || decl.initializer !== node || !ts.isIdentifier(decl.name))
    return undefined;
  const list = decl.parent;
  const stmt = list.parent;
  if (!ts.isVariableDeclarationList(list) || list.declarations.length !== 1 || !ts.isVariableStatement(stmt))
    return undefined;
  if (!handler.node.body || stmt.parent !== handler.node.body) return undefined;
  if (model.binder.moduleDeclaration(decl.name.text) !== undefined) return undefined;
  let top: ts.Node = handler.node;
  while (top.parent && !ts.isSourceFile(top.parent)) top = top.parent;
  if (!isInside(handler.node, top)) return undefined;
  const text = model.text;
  const file = model.sourceFile;
  const stmtStart = lineStart(text, stmt.getStart(file));
  const stmtEnd = lineEnd(text, stmt.getEnd());
  const topStart = lineStart(
    text,
    top.getFullStart() + (text.slice(top.getFullStart(), top.getStart(file)).match(/^\s*/)?.[0].length ?? 0),
  );
  const statementText = dedent(stmt.getText(file).replace(/^(let|var)\b/, 'const'), stmt.getStart(file) - stmtStart);
  const deleteSpan: Span =
    text.slice(stmtStart, stmt.getStart(file)).trim() === '' && text.slice(stmt.getEnd(), stmtEnd).trim() === ''
      ? { start: stmtStart, end: Math.min(text.length, stmtEnd + 1) }
      : { start: stmt.getStart(file), end: stmt.getEnd() };
  return {
    title: `Move \`${decl.name.text}\` to module scope (created once per environment)`,
    edits: [
      { uri: model.uri, span: { start: topStart, end: topStart }, newText: `${statementText}\n\n` },
      { uri: model.uri, span: deleteSpan, newText: '' },
    ],
  };
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function lineEnd(text: string, offset: number): number {
  const i = text.indexOf('\n', offset);
  return i < 0 ? text.length : i;
}

/** Removes the statement's own indentation from its continuation lines. */
function dedent(s: string, column: number): string {
  return s
    .split('\n')
    .map((l, i) => (i === 0 ? l : l.slice(Math.min(column, l.match(/^[ \t]*/)?.[0].length ?? 0))))
    .join('\n');
}

// ---- Python ----

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

function pythonLL3001({ model }: PythonRuleContext): Finding[] {
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
    const request =
      requestByHandler.get(handler) ??
      (requestByHandler.set(handler, requestNames(handler)).get(handler) as Set<string>);
    const args = c.node.childForFieldName('arguments');
    if (c.inFunction === handler && args && identifiersIn(args).some((n) => request.has(n))) continue;
    if (
      c.inFunction !== handler &&
      c.inFunction !== undefined &&
      args &&
      identifiersIn(args).some((n) => c.inFunction?.params.includes(n))
    )
      continue;
    const where =
      c.inFunction === handler || c.inFunction === undefined
        ? ''
        : ` (in ${c.inFunction.name}, which ${handler.name} calls)`;
    out.push({
      ruleId: 'LL3001',
      message: `${capitalise(what)} is created on every request${where}. Create it once at module scope, outside the handler: Lambda reuses it across warm invocations of the same environment.`,
      uri: model.uri,
      span: c.span,
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
