/**
 * The Python side of `model/effects.ts`: what a handler (and the module functions it calls)
 * may do beyond computing and logging, and whether an error of its code can fail the
 * invocation. Both answers err on the side of "yes".
 */
import type { HandlerEffects } from '../../model/effects';
import type { PyNode } from './parser';
import type { PyCall, PyFunction, PythonHandlerModel } from './model';

const PURE_BUILTINS = new Set([
  'print',
  'len',
  'str',
  'int',
  'float',
  'bool',
  'dict',
  'list',
  'set',
  'tuple',
  'frozenset',
  'isinstance',
  'issubclass',
  'range',
  'enumerate',
  'zip',
  'sorted',
  'reversed',
  'min',
  'max',
  'sum',
  'any',
  'all',
  'getattr',
  'hasattr',
  'repr',
  'type',
  'abs',
  'round',
  'format',
  'iter',
  'next',
  'map',
  'filter',
  'ord',
  'chr',
  'hex',
  'bytes',
  'bytearray',
  'vars',
  'id',
  'hash',
  'super',
  'divmod',
  'pow',
]);
/** Imported modules whose functions only compute (or log). */
const PURE_ORIGINS =
  /^(json|base64|logging|datetime|time|re|math|uuid|decimal|hashlib|hmac|zlib|copy|itertools|functools|collections|typing|string|textwrap|random|urllib\.parse|os\.environ|os\.getenv|os\.path|dataclasses|enum|traceback|aws_lambda_powertools\.(Logger|Tracer|Metrics))(\.|$)/;
/** Methods of str, bytes, dict, list, datetime (never `update`, `put`, `send`, which clients have too). */
const PURE_METHODS = new Set([
  'get',
  'items',
  'keys',
  'values',
  'append',
  'extend',
  'insert',
  'copy',
  'setdefault',
  'sort',
  'decode',
  'encode',
  'split',
  'rsplit',
  'splitlines',
  'join',
  'strip',
  'lstrip',
  'rstrip',
  'lower',
  'upper',
  'title',
  'capitalize',
  'replace',
  'format',
  'startswith',
  'endswith',
  'find',
  'count',
  'index',
  'zfill',
  'isoformat',
  'date',
  'time',
  'astimezone',
  'total_seconds',
  'weekday',
  'isoweekday',
  'strftime',
  'strptime',
  'timestamp',
  'hexdigest',
  'digest',
  'isdigit',
  'isalnum',
  'isalpha',
  'get_remaining_time_in_millis',
  'loads',
  'dumps',
]);
/**
 * Powertools batch utilities: they run the record handler (whose calls are the handler's, see
 * python/model.ts) and build the partial response; they do nothing else to the world.
 */
const POWERTOOLS_BATCH = /^aws_lambda_powertools\.utilities\.batch(\.|$)/;
const LOGGER = /^(self\.)?(logger|log|_logger|LOGGER|logging|tracer|metrics)$/;
const MAX_LISTED = 3;

export function pythonHandlerEffects(model: PythonHandlerModel, handlerName: string): HandlerEffects | undefined {
  const h = model.handlers.find((f) => f.name === handlerName);
  if (h === undefined) return undefined;
  const effects: string[] = [];
  for (const c of model.calls) {
    if (c.handler !== h || isPure(model, c)) continue;
    if (effects.length < MAX_LISTED) effects.push(c.callee ?? c.node.text.slice(0, 40));
    else break;
  }
  return { effects, errorsEscape: errorsEscape(h.node), partialBatchResponse: returnsBatchItemFailures(model, h) };
}

function isPure(model: PythonHandlerModel, c: PyCall): boolean {
  if (c.origin !== undefined) return PURE_ORIGINS.test(c.origin) || POWERTOOLS_BATCH.test(c.origin);
  // A Powertools batch processor made at module scope (`processor = BatchProcessor(...)`): calling it, or its methods.
  const base = c.receiver ?? c.callee;
  const value = base !== undefined ? model.moduleValues.get(base) : undefined;
  if (value?.type === 'call' && POWERTOOLS_BATCH.test(model.callAt.get(value.id)?.origin ?? '')) return true;
  const callee = c.callee;
  if (callee === undefined) {
    // A method called on a call's result (`base64.b64decode(data).decode('utf-8')`): the inner call is looked at on its own.
    const fn = c.node.childForFieldName('function');
    const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
    return method !== undefined && PURE_METHODS.has(method);
  }
  if (!callee.includes('.')) {
    // Builtins, exceptions being built, and functions of this module (their calls are looked at where they are).
    return PURE_BUILTINS.has(callee) || /(Error|Exception)$/.test(callee) || model.functions.has(callee);
  }
  if (c.receiver !== undefined && LOGGER.test(c.receiver)) return true;
  return c.name !== undefined && (PURE_METHODS.has(c.name) || READ_OPERATION.test(c.name) || TELEMETRY.test(c.name));
}

/**
 * A method that reads (`get_item`, `detect_text`, `list_objects_v2`, `describe_table`, `query`):
 * AWS's naming for operations that change nothing, which other clients follow. Reading again
 * repeats nothing, and a lost read loses nothing.
 */
const READ_OPERATION = /^(get|list|describe|detect|query|scan|batch_get|head|lookup|search)(_|$)/;

/**
 * Telemetry (CloudWatch `put_metric_data`, X-Ray `put_trace_segments`): like a log line, a lost
 * or repeated one costs a data point, not the function's work (handlers/effects.ts says more).
 */
const TELEMETRY = /^(put_metric_data|put_trace_segments)$/;

/**
 * True unless the handler's body is try statements with a catch-all `except` (bare,
 * `Exception` or `BaseException`) whose handlers do not `raise`, besides docstrings, returns
 * without calls and logging.
 */
function errorsEscape(def: PyNode): boolean {
  const body = def.childForFieldName('body');
  if (!body) return true;
  let guarded = false;
  for (const s of body.namedChildren) {
    if (!s || s.type === 'comment') continue;
    if (s.type === 'try_statement') {
      const clauses = s.namedChildren.filter((c): c is PyNode => c?.type === 'except_clause');
      if (!clauses.some(catchesAll) || clauses.some(raises)) return true;
      const fin = s.namedChildren.find((c) => c?.type === 'finally_clause');
      if (fin && raises(fin)) return true;
      guarded = true;
      continue;
    }
    if (s.type === 'return_statement' && s.descendantsOfType('call').length === 0) continue;
    if (s.type === 'expression_statement') {
      const e = s.namedChildren[0];
      if (e?.type === 'string') continue;
      if (e?.type === 'call' && /^(print|logger\.\w+|logging\.\w+)$/.test(e.childForFieldName('function')?.text ?? ''))
        continue;
    }
    return true;
  }
  return !guarded;
}

/** `except:`, `except Exception`, `except BaseException as e`, `except (Exception, …)`. */
function catchesAll(clause: PyNode): boolean {
  const first = clause.namedChildren.find((c) => c !== null && c.type !== 'block' && c.type !== 'comment');
  if (first === undefined || first === null) return true;
  return (
    /^\(?\s*(Exception|BaseException)\b/.test(first.text) || /^(Exception|BaseException)\s+as\s+\w+$/.test(first.text)
  );
}

function raises(node: PyNode): boolean {
  return node.descendantsOfType('raise_statement').some((r) => r !== null && !insideNestedFunction(r, node));
}

function insideNestedFunction(n: PyNode, stop: PyNode): boolean {
  for (let p = n.parent; p && p.id !== stop.id; p = p.parent)
    if (p.type === 'function_definition' || p.type === 'lambda') return true;
  return false;
}

/** True when the handler returns a partial batch response: literally, or through Powertools. */
export function returnsBatchItemFailures(model: PythonHandlerModel, handler: PyFunction): boolean {
  return /batchItemFailures|batch_item_failures/.test(handler.node.text) || powertoolsBatchResponse(model, handler);
}

/** True when Powertools builds the handler's partial batch response (`process_partial_response(...)`, `processor.response()`, `@batch_processor`). */
export function powertoolsBatchResponse(model: PythonHandlerModel, handler: PyFunction): boolean {
  if (handler.decorators.some((d) => /(^|\.)(batch_processor|async_batch_processor)$/.test(d))) return true;
  return model.calls.some(
    (c) =>
      c.handler === handler &&
      (/(^|\.)(process_partial_response|async_process_partial_response)$/.test(c.origin ?? c.callee ?? '') ||
        (c.name === 'response' && c.receiver !== undefined)),
  );
}
