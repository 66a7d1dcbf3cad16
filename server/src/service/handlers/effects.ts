/**
 * The JS/TS side of `model/effects.ts`: what a handler's code may do beyond computing and
 * logging, and whether an error of its code can fail the invocation. Both answers err on the
 * side of "yes": an unknown call is an effect, and any statement outside a catch-all try lets
 * errors escape.
 */
import ts from 'typescript';
import type { HandlerEffects } from '../model/effects';
import type { HandlerFunction, HandlerModel } from './model';
import { BATCH_RESPONSE_LIBRARIES } from './patterns';
import { isFunctionLike } from './scope';

/** Globals and modules whose functions only compute (or log). */
const PURE_ROOTS = new Set([
  'console',
  'JSON',
  'Math',
  'Object',
  'Array',
  'Buffer',
  'String',
  'Number',
  'Boolean',
  'Date',
  'Promise',
  'Symbol',
  'Reflect',
  'Intl',
  'URL',
  'URLSearchParams',
  'parseInt',
  'parseFloat',
  'isNaN',
  'isFinite',
  'decodeURIComponent',
  'encodeURIComponent',
  'decodeURI',
  'encodeURI',
  'atob',
  'btoa',
  'structuredClone',
  'require',
  'setTimeout',
  'clearTimeout',
  'Error',
  'TypeError',
  'RangeError',
]);
const PURE_MODULES = /^(node:)?(zlib|util|path|querystring|url|string_decoder|assert)$/;
/** Methods of arrays, strings, numbers, dates and promises (never `get`/`set`/`send`, which clients have too). */
const PURE_METHODS = new Set([
  'map',
  'forEach',
  'filter',
  'reduce',
  'reduceRight',
  'flatMap',
  'flat',
  'find',
  'findIndex',
  'findLast',
  'some',
  'every',
  'includes',
  'indexOf',
  'lastIndexOf',
  'join',
  'split',
  'slice',
  'push',
  'pop',
  'shift',
  'unshift',
  'concat',
  'sort',
  'reverse',
  'keys',
  'values',
  'entries',
  'toString',
  'toUpperCase',
  'toLowerCase',
  'trim',
  'trimStart',
  'trimEnd',
  'replace',
  'replaceAll',
  'substring',
  'substr',
  'startsWith',
  'endsWith',
  'padStart',
  'padEnd',
  'charAt',
  'charCodeAt',
  'codePointAt',
  'match',
  'matchAll',
  'test',
  'exec',
  'toFixed',
  'toISOString',
  'toJSON',
  'getTime',
  'valueOf',
  'then',
  'catch',
  'finally',
  'hasOwnProperty',
  'localeCompare',
  'normalize',
  'at',
  'repeat',
  'getRemainingTimeInMillis',
  'succeed',
  'done',
  'fail',
  'toLocaleString',
  'toLocaleDateString',
  'getFullYear',
  'getMonth',
  'getDate',
  'getHours',
  'getMinutes',
  'getSeconds',
]);
/** Receivers that log (Powertools Logger, pino, winston, console wrappers). */
const LOGGER = /^(this\.)?(logger|log|_logger|LOGGER)$/;
const LOG_METHODS = /^(log|info|warn|warning|error|debug|trace|fatal|critical|appendKeys|addContext)$/;

/** The first few effects listed, enough for a message. */
const MAX_LISTED = 3;

export function handlerEffects(model: HandlerModel, exportName: string): HandlerEffects | undefined {
  const h = model.handlers.find((x) => x.exportName === exportName);
  if (h === undefined) return undefined;
  const effects: string[] = [];
  for (const c of model.calls) {
    // Helpers of the file count too: who calls them is not tracked, so they are taken as the handler's.
    if (c.scope === 'module' || (c.scope === 'handler' && c.handler !== h)) continue;
    if (isPure(model, h, c.node, c.import?.module, c.callee, c.name, c.receiver)) continue;
    if (effects.length < MAX_LISTED) effects.push(c.callee ?? c.name ?? c.node.expression.getText(model.sourceFile));
    else break;
  }
  return {
    effects,
    errorsEscape: errorsEscape(model, h),
    partialBatchResponse:
      BATCH_RESPONSE_LIBRARIES.test(model.text) || /\bbatchItemFailures\b/.test(h.node.getText(model.sourceFile)),
  };
}

function isPure(
  model: HandlerModel,
  h: HandlerFunction,
  node: ts.CallExpression,
  module: string | undefined,
  callee: string | undefined,
  name: string | undefined,
  receiver: string | undefined,
): boolean {
  if (module !== undefined) return PURE_MODULES.test(module);
  const root = callee?.split('.')[0];
  if (root !== undefined && PURE_ROOTS.has(root)) return true;
  // The handler's own callback, and functions of this file (their calls are looked at where they are).
  if (root !== undefined && callee === root) {
    if (h.params[2] === root) return true;
    const d = model.lookup(node.expression as ts.Identifier);
    if (
      d !== undefined &&
      (isFunctionLike(d.node) ||
        (ts.isVariableDeclaration(d.node) && d.node.initializer !== undefined && isFunctionLike(d.node.initializer)))
    )
      return true;
  }
  if (receiver !== undefined && LOGGER.test(receiver) && name !== undefined && LOG_METHODS.test(name)) return true;
  if (receiver === undefined || name === undefined) return false;
  if (PURE_METHODS.has(name) || READ_METHOD.test(name) || TELEMETRY_METHOD.test(name)) return true;
  // SDK v2's `.promise()` only awaits the request it follows, which is judged on its own.
  if (name === 'promise' && node.arguments.length === 0) return true;
  // SDK v3: `client.send(new GetItemCommand(…))`.
  const command = name === 'send' ? node.arguments[0] : undefined;
  if (command === undefined || !ts.isNewExpression(command)) return false;
  const commandName = command.expression.getText();
  return READ_COMMAND.test(commandName) || TELEMETRY_COMMAND.test(commandName);
}

/**
 * Operations that read (`getItem`, `detectText`, `listObjectsV2`, `describeTable`, `query`):
 * AWS's naming for operations that change nothing, which other clients follow. Reading again
 * repeats nothing, and a lost read loses nothing.
 */
const READ_METHOD = /^(get|list|describe|detect|query|scan|batchGet|head|lookup|search)([A-Z0-9]|$)/;
const READ_COMMAND = /(^|\.)(Get|List|Describe|Detect|Query|Scan|BatchGet|Head|Lookup|Search)\w*Command$/;

/**
 * Telemetry: a CloudWatch metric datapoint (PutMetricData) or an X-Ray trace segment
 * (PutTraceSegments). Like a log line (and like metrics written as log lines in the embedded
 * metric format), a lost one costs a data point and a repeated one counts twice; neither loses
 * or repeats the work the function exists for.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html
 */
const TELEMETRY_METHOD = /^(putMetricData|putTraceSegments)$/;
const TELEMETRY_COMMAND = /(^|\.)(PutMetricData|PutTraceSegments)Command$/;

/**
 * True unless the handler is async and its body is catch-all try statements (and returns,
 * logging, plain declarations, and calls of this file's functions that themselves catch every
 * error) whose catch blocks neither throw nor report the error. Callback-style handlers count as
 * escaping: errors of their callbacks are not caught by a try.
 */
function errorsEscape(model: HandlerModel, h: HandlerFunction): boolean {
  return !catchesAll(model, h.node, h.isAsync, h.params[2], HELPER_DEPTH);
}

/** How many calls deep a helper that catches every error is followed (`handler → publish → send`). */
const HELPER_DEPTH = 3;

/** An async function whose body is guarded by catch-all try statements ({@link errorsEscape}). */
function catchesAll(
  model: HandlerModel,
  fn: ts.FunctionLikeDeclaration,
  isAsync: boolean,
  callback: string | undefined,
  depth: number,
): boolean {
  const body = fn.body;
  if (!isAsync || body === undefined || !ts.isBlock(body)) return false;
  let guarded = false;
  for (const s of body.statements) {
    if (ts.isTryStatement(s) && s.catchClause !== undefined) {
      if (
        reportsError(model, callback, s.catchClause.block) ||
        (s.finallyBlock !== undefined && reportsError(model, callback, s.finallyBlock))
      )
        return false;
      guarded = true;
      continue;
    }
    if (ts.isReturnStatement(s) && (s.expression === undefined || !containsCall(s.expression, model.sourceFile)))
      continue;
    if (
      ts.isVariableStatement(s) &&
      s.declarationList.declarations.every(
        (d) => d.initializer === undefined || !containsCall(d.initializer, model.sourceFile),
      )
    )
      continue;
    if (
      ts.isExpressionStatement(s) &&
      ts.isCallExpression(s.expression) &&
      /^console\./.test(s.expression.expression.getText(model.sourceFile))
    )
      continue;
    if (ts.isExpressionStatement(s) && callsGuardedHelper(model, s.expression, depth)) {
      guarded = true;
      continue;
    }
    return false;
  }
  return guarded;
}

/**
 * `await helper(a, b)` (or `return await`-less `helper(…)` awaited): a call of an async function
 * of this file, with arguments that cannot throw, whose own body catches every error.
 */
function callsGuardedHelper(model: HandlerModel, e: ts.Expression, depth: number): boolean {
  if (depth <= 0 || !ts.isAwaitExpression(e)) return false;
  const call = e.expression;
  if (!ts.isCallExpression(call) || !ts.isIdentifier(call.expression)) return false;
  if (call.arguments.some((a) => containsCall(a, model.sourceFile))) return false;
  const d = model.lookup(call.expression);
  const fn =
    d === undefined
      ? undefined
      : ts.isFunctionDeclaration(d.node)
        ? d.node
        : ts.isVariableDeclaration(d.node) &&
            d.node.initializer !== undefined &&
            (ts.isArrowFunction(d.node.initializer) || ts.isFunctionExpression(d.node.initializer))
          ? d.node.initializer
          : undefined;
  if (fn === undefined) return false;
  const isAsync = fn.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword) === true;
  return catchesAll(model, fn, isAsync, undefined, depth - 1);
}

/** A `throw`, a `Promise.reject`, or a call that hands an error to Lambda (`callback(err)`, `context.fail`). */
function reportsError(model: HandlerModel, callback: string | undefined, block: ts.Node): boolean {
  let found = false;
  const walk = (n: ts.Node): void => {
    if (found) return;
    if (isFunctionLike(n)) return;
    if (ts.isThrowStatement(n)) found = true;
    if (ts.isCallExpression(n)) {
      const text = n.expression.getText(model.sourceFile);
      if (text === 'Promise.reject' || /^context\.(fail|done)$/.test(text)) found = true;
      if (text === callback && n.arguments[0] !== undefined && n.arguments[0].kind !== ts.SyntaxKind.NullKeyword)
        found = true;
    }
    ts.forEachChild(n, walk);
  };
  walk(block);
  return found;
}

/** Calls that do not throw on any input: serialising, arithmetic, the clock, conversions. */
const SAFE_CALLS =
  /^(JSON\.stringify|Math\.\w+|Date\.now|String|Number|Boolean|Array\.isArray|Object\.(keys|values|entries))$/;
/** Constructors that do not throw on their arguments: dates, collections, and AWS SDK clients (which connect lazily). */
const SAFE_NEW = /^(Date|Map|Set|Array|\w+Client)$/;

/** A call, `new` or `await` that could throw (one known not to, given arguments that cannot, is left out). */
function containsCall(e: ts.Node, file: ts.SourceFile): boolean {
  let found = false;
  const walk = (n: ts.Node): void => {
    if (found || isFunctionLike(n)) return;
    if (
      ts.isAwaitExpression(n) ||
      (ts.isCallExpression(n) && !SAFE_CALLS.test(n.expression.getText(file))) ||
      (ts.isNewExpression(n) && !SAFE_NEW.test(n.expression.getText(file)))
    )
      found = true;
    else ts.forEachChild(n, walk);
  };
  walk(e);
  return found;
}
