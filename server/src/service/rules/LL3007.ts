import ts from 'typescript';
import { isModuleScope } from '../handlers/analysis';
import type { CallSite } from '../handlers/model';
import { LISTENER_ADDS, LISTENER_REMOVES, TIMERS } from '../handlers/patterns';
import { rootIdentifier, skipOuter } from '../handlers/scope';
import { jsOnly, type Finding, type Rule } from './types';

/**
 * Timers and listeners started per request and left behind. A timer outlives the
 * response: the environment is frozen, and the callback fires during a later request.
 * A listener added to `process` or to a module-scope emitter on every request piles up
 * (MaxListenersExceededWarning) and runs for every later request. `await new Promise(r =>
 * setTimeout(r, ms))` (a sleep) and timers that the file clears are fine.
 */
export const LL3007: Rule = {
  id: 'LL3007',
  title: 'Timer or listener left running',
  severity: 'warning',
  handler: jsOnly(({ handler: model }) => {
    const findings: Finding[] = [];
    const called = new Set(model.calls.map((c) => c.name).filter((n): n is string => n !== undefined));
    for (const c of model.calls) {
      if (c.scope !== 'handler' || c.name === undefined) continue;
      if (
        Object.hasOwn(TIMERS, c.name) &&
        (c.callee === c.name || c.callee === `global.${c.name}` || c.callee === `globalThis.${c.name}`)
      ) {
        if (called.has(TIMERS[c.name] as string) || insidePromiseExecutor(c) || isAwaitedTimersPromise(c)) continue;
        findings.push({
          ruleId: 'LL3007',
          message: `\`${c.name}\` started in the handler is not cleared: Lambda freezes the environment after the response, and the callback runs later, during another request (or never). Clear it before returning (\`${TIMERS[c.name]}\`), or await the work.`,
          uri: model.uri,
          span: c.span,
        });
        continue;
      }
      if (
        LISTENER_ADDS.has(c.name) &&
        c.receiver !== undefined &&
        ts.isPropertyAccessExpression(skipOuter(c.node.expression))
      ) {
        const target = (skipOuter(c.node.expression) as ts.PropertyAccessExpression).expression;
        const root = rootIdentifier(target);
        const shared =
          c.receiver === 'process' ||
          (root !== undefined && ts.isIdentifier(skipOuter(target)) && isModuleScope(model.lookup(root)));
        if (!shared || [...LISTENER_REMOVES].some((m) => called.has(m))) continue;
        findings.push({
          ruleId: 'LL3007',
          message: `A listener is added to \`${c.receiver}\` on every request and never removed: \`${c.receiver}\` lives for the whole environment, so listeners pile up across warm invocations and each runs for every later request. Add it once at module scope, or remove it before returning.`,
          uri: model.uri,
          span: c.span,
        });
      }
    }
    return findings;
  }),
};

/** `new Promise((resolve) => setTimeout(resolve, ms))`: a sleep the handler awaits. */
function insidePromiseExecutor(c: CallSite): boolean {
  for (let n: ts.Node | undefined = c.node.parent; n !== undefined; n = n.parent) {
    if (
      (ts.isArrowFunction(n) || ts.isFunctionExpression(n)) &&
      n.parent &&
      ts.isNewExpression(n.parent) &&
      n.parent.expression.getText() === 'Promise'
    )
      return true;
    if (ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n)) return false;
  }
  return false;
}

/** `await setTimeout(ms)` from `timers/promises`. */
function isAwaitedTimersPromise(c: CallSite): boolean {
  return c.import !== undefined && /timers\/promises$/.test(c.import.module);
}
