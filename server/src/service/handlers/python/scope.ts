/**
 * Questions about the Python tree that the extractor's facts share: which calls run per
 * request, which names carry request data, lazy initialisation guards, assignment targets.
 */
import { enclosingFunction, dotted, type PyCall, type PyFunction, type PythonHandlerModel } from './model';
import type { PyNode } from './parser';

export function isHandlerScope(c: PyCall): boolean {
  return c.scope === 'handler' && c.handler !== undefined;
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

/** Powertools idempotency: the decorators and functions that make a handler or function idempotent. */
export const IDEMPOTENT_DECORATORS = /(^|\.)(idempotent|idempotent_function)$/;

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
