/**
 * Questions the Python parts of the handler rules share: which triggers retry a handler,
 * Powertools idempotency, how a record is named in a partial batch response.
 */
import { retryClause, retryingTriggers } from '../model/invocation';
import type { FunctionModel, Trigger } from '../model/types';
import {
  enclosingFunction,
  type PyCall,
  type PyFunction,
  type PythonHandlerModel,
  type PythonRuleContext,
} from '../handlers/python/model';

/** Powertools idempotency: the decorators and functions that make a handler or function idempotent. */
export const IDEMPOTENT_DECORATORS = /(^|\.)(idempotent|idempotent_function)$/;

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
