/**
 * Questions the Python parts of the handler rules share: which calls run per request, which
 * triggers retry a handler, Powertools idempotency, names that carry request data.
 */
import { retryClause, retryingTriggers } from '../model/invocation';
import type { FunctionModel, Trigger } from '../model/types';
import {
  enclosingFunction,
  dotted,
  type PyCall,
  type PyFunction,
  type PythonHandlerModel,
  type PythonRuleContext,
} from '../handlers/python/model';
import type { PyNode } from '../handlers/python/parser';

/** Powertools idempotency: the decorators and functions that make a handler or function idempotent. */
export const IDEMPOTENT_DECORATORS = /(^|\.)(idempotent|idempotent_function)$/;

/** What identifies a record in a partial batch response, per source. */
export const ITEM_IDENTIFIER: Readonly<Record<string, string>> = {
  SQS: "record['messageId']",
  Kinesis: "record['kinesis']['sequenceNumber']",
  DynamoDB: "record['dynamodb']['SequenceNumber']",
};

export function isHandlerScope(c: PyCall): boolean {
  return c.scope === 'handler' && c.handler !== undefined;
}

/** Linked functions of a handler and their retrying triggers. */
export function retrying(
  ctx: PythonRuleContext,
  handler: PyFunction | undefined,
): { fn: FunctionModel; trigger: Trigger }[] {
  if (handler === undefined) return [];
  return ctx.links
    .filter((l) => l.functionName === handler.name)
    .flatMap((l) =>
      retryingTriggers(
        l.fn,
        (t) => t.definedBy === 'resource' && l.template.resolver?.resourceType(t.name) === 'AWS::Lambda::Permission',
      ).map((trigger) => ({ fn: l.fn, trigger })),
    );
}

export function describePythonRetries(triggers: readonly { fn: FunctionModel; trigger: Trigger }[]): string {
  const first = triggers[0];
  if (first === undefined) return '';
  const others = triggers.length - 1;
  return (
    retryClause(first.fn, first.trigger) +
    (others > 0 ? ` (and ${others} more retrying trigger${others === 1 ? '' : 's'})` : '')
  );
}

/** True when the call runs under Powertools idempotency (the handler or the function holding it is decorated). */
export function isIdempotent(model: PythonHandlerModel, c: PyCall): boolean {
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
export function identifiersIn(node: PyNode): string[] {
  const out = node.type === 'identifier' ? [node.text] : [];
  for (const id of node.descendantsOfType('identifier')) if (id) out.push(id.text);
  return out;
}

/**
 * Names in a handler whose value comes from the request: its parameters, and locals assigned
 * from an expression that uses one (one forward pass in source order).
 */
export function requestNames(handler: PyFunction): Set<string> {
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
    if (left && right && identifiersIn(right).some((n) => names.has(n)))
      for (const n of identifiersIn(left)) names.add(n);
  }
  return names;
}

/** The statement-level ancestor chain up to the enclosing function. */
export function ancestors(node: PyNode): PyNode[] {
  const out: PyNode[] = [];
  for (let n = node.parent; n && n.type !== 'function_definition'; n = n.parent) out.push(n);
  return out;
}

/**
 * Lazy initialisation around a write to X, an intended cache: `if X is None:` / `if not X:` /
 * `X = X or …`; a once-flag set in the guarded block (`if is_cold_start: X = …;
 * is_cold_start = False`); or an early return of the cached value before it (`if X: return X`).
 */
export function isGuarded(node: PyNode, name: string): boolean {
  let child = node;
  for (const a of ancestors(node)) {
    if (a.type === 'if_statement' || a.type === 'conditional_expression' || a.type === 'boolean_operator') {
      const cond = a.type === 'if_statement' ? a.childForFieldName('condition') : a;
      if (cond && identifiersIn(cond).includes(name)) return true;
      const then = a.type === 'if_statement' ? a.childForFieldName('consequence') : null;
      if (cond && then && then.id === child.id && setsNameOf(then, identifiersIn(cond))) return true;
    }
    if (a.type === 'block' || a.type === 'module') {
      for (const s of a.namedChildren) {
        if (!s || s.id === child.id) break;
        const cond = s.type === 'if_statement' ? s.childForFieldName('condition') : null;
        const then = s.type === 'if_statement' ? s.childForFieldName('consequence') : null;
        if (
          cond &&
          then &&
          identifiersIn(cond).includes(name) &&
          then.namedChildren.some((x) => x?.type === 'return_statement')
        )
          return true;
      }
    }
    child = a;
  }
  return false;
}

/** True when `block` assigns one of `names` (not in a nested function): a guard's flag set where the guarded work is done. */
function setsNameOf(block: PyNode, names: readonly string[]): boolean {
  return block
    .descendantsOfType('assignment')
    .some(
      (a) =>
        a !== null &&
        enclosingFunction(a)?.id === enclosingFunction(block)?.id &&
        a.childForFieldName('left')?.type === 'identifier' &&
        names.includes(a.childForFieldName('left')?.text ?? ''),
    );
}

/** The name an assignment of `value` writes to, when the value is the whole right side. */
export function assignedName(value: PyNode): { name: string; node: PyNode } | undefined {
  let cur = value;
  for (;;) {
    const up = cur.parent;
    if (up && (up.type === 'parenthesized_expression' || up.type === 'await')) cur = up;
    // `boto3.resource('dynamodb').Table(name)`: the resource flows into the call made on it.
    else if (
      up?.type === 'attribute' &&
      up.childForFieldName('object')?.id === cur.id &&
      up.parent?.type === 'call' &&
      up.parent.childForFieldName('function')?.id === up.id
    )
      cur = up.parent;
    else break;
  }
  const p = cur.parent;
  if (p?.type !== 'assignment' || p.childForFieldName('right')?.id !== cur.id) return undefined;
  const left = p.childForFieldName('left');
  const name = dotted(left);
  return name !== undefined && left ? { name, node: p } : undefined;
}

export interface BatchTrigger {
  readonly fn: FunctionModel;
  readonly trigger: Trigger;
}

/** Linked triggers of a handler that deliver batches (SQS, Kinesis, DynamoDB Streams). */
export function pythonBatchTriggers(ctx: PythonRuleContext, handler: PyFunction): BatchTrigger[] {
  return ctx.links
    .filter((l) => l.functionName === handler.name)
    .flatMap((l) =>
      l.fn.triggers
        .filter((t) => ITEM_IDENTIFIER[t.type] !== undefined && t.mapping !== undefined)
        .map((trigger) => ({ fn: l.fn, trigger })),
    );
}

/** True when the handler returns a partial batch response (literally, or through Powertools). */

/** Handlers and the module functions they call. */
export function perRequestFunctions(model: PythonHandlerModel): PyFunction[] {
  const out = new Set<PyFunction>(model.handlers);
  for (const c of model.calls)
    if (c.scope === 'handler' && c.inFunction !== undefined && model.functions.get(c.inFunction.name) === c.inFunction)
      out.add(c.inFunction);
  return [...out];
}

/** The value last assigned to `name` in the functions around `at`, before it. */
export function localValue(name: string, at: PyNode): PyNode | undefined {
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
