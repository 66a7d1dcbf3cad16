/**
 * The JS/TS extractor's unfinished work (`UnfinishedWorkFact`, handlers/facts.ts): promises a
 * handler neither awaits nor returns (only calls known to return one: AWS SDK v3 `send`, v2
 * `.promise()`, `fetch`, axios, async functions of the same file, `.then` chains), in async
 * functions, where the caller could have awaited them; `forEach` with an async callback; AWS
 * SDK v2 writes sent with a callback from an async function, or never sent. `void p` states
 * the intent and is not a fact.
 */
import ts from 'typescript';
import { enclosingFunction, isAsyncFunction } from './analysis';
import type { UnfinishedWorkFact } from './facts';
import { matchClientMethod, receiverOrigin } from './idempotency';
import type { CallSite, HandlerModel } from './model';
import { PROMISE_CALLEES, PROMISE_METHODS, PROMISE_MODULES } from './patterns';
import { skipOuter } from './scope';

export function unfinishedWork(model: HandlerModel): UnfinishedWorkFact[] {
  const out: UnfinishedWorkFact[] = [];
  for (const c of model.calls) {
    if (c.scope !== 'handler') continue;
    const stmt = c.node.parent;
    // `records.forEach(async (r) => …)`: forEach ignores the promises its callback returns.
    if (
      c.name === 'forEach' &&
      c.node.arguments.some((a) => (ts.isArrowFunction(a) || ts.isFunctionExpression(a)) && isAsyncFunction(a))
    ) {
      out.push({ kind: 'loopCallbacks', span: c.span });
      continue;
    }
    if (!stmt || !ts.isExpressionStatement(stmt) || skipOuter(stmt.expression) !== c.node) continue;
    const fn = enclosingFunction(c.node);
    const v2 = sdkV2Write(model, c);
    if (v2 !== undefined && !v2.callback) {
      out.push({
        kind: 'unsentRequest',
        call: v2.call,
        span: c.span,
        fix:
          fn && isAsyncFunction(fn)
            ? {
                title: 'Send it: `await ….promise()`',
                edits: [
                  { uri: model.uri, span: { start: c.span.start, end: c.span.start }, newText: 'await ' },
                  { uri: model.uri, span: { start: c.span.end, end: c.span.end }, newText: '.promise()' },
                ],
              }
            : undefined,
      });
      continue;
    }
    if (!fn || !isAsyncFunction(fn)) continue;
    if (v2 !== undefined) {
      out.push({ kind: 'callback', call: v2.call, span: c.span });
      continue;
    }
    const what = promiseKind(model, c);
    if (!what) continue;
    out.push({
      kind: 'promise',
      what,
      span: c.span,
      fix: {
        title: 'Add `await`',
        edits: [{ uri: model.uri, span: { start: c.span.start, end: c.span.start }, newText: 'await ' }],
      },
    });
  }
  return out;
}

/** A write of an AWS SDK v2 client (`aws-sdk`, `aws-sdk/clients/…`), and whether a callback is passed. */
function sdkV2Write(model: HandlerModel, c: CallSite): { call: string; callback: boolean } | undefined {
  const origin = receiverOrigin(model, c);
  if (origin === undefined || !/^aws-sdk(\/clients\/|$)/.test(origin.module) || !matchClientMethod(origin, c.name))
    return undefined;
  const last = c.node.arguments[c.node.arguments.length - 1];
  const callback = last !== undefined && c.node.arguments.length > 1 && !ts.isObjectLiteralExpression(skipOuter(last));
  return { call: `${c.receiver ?? 'client'}.${c.name ?? ''}`, callback };
}

/** Names the promise-returning call, or `undefined` when it is not known to return one. */
function promiseKind(model: HandlerModel, c: CallSite): string | undefined {
  const callee = c.callee ?? '';
  if (c.name !== undefined && PROMISE_METHODS.has(c.name) && c.receiver !== undefined) return `\`.${c.name}()\``;
  // SDK v3 aggregated clients (`new Lambda({}).invoke(…)`) return a promise when given no callback.
  const origin = receiverOrigin(model, c);
  if (origin !== undefined && origin.module.startsWith('@aws-sdk/') && matchClientMethod(origin, c.name))
    return `\`${c.receiver ?? 'client'}.${c.name ?? ''}(…)\``;
  if (c.name === 'send' && c.node.arguments.length === 1 && isCommand(c.node.arguments[0]))
    return `\`${c.receiver ?? ''}.send(…)\``;
  if (PROMISE_CALLEES.some((r) => r.test(callee))) return `\`${callee}(…)\``;
  if (c.import && PROMISE_MODULES.some((r) => r.test(c.import?.module ?? ''))) return `\`${callee || c.name}(…)\``;
  if (ts.isIdentifier(c.node.expression) && isSameFileAsync(model, c.node.expression))
    return `The async function \`${c.node.expression.text}\``;
  return undefined;
}

function isCommand(e: ts.Expression | undefined): boolean {
  if (!e) return false;
  const x = skipOuter(e);
  return ts.isNewExpression(x) && /Command$/.test(x.expression.getText());
}

function isSameFileAsync(model: HandlerModel, id: ts.Identifier): boolean {
  const d = model.lookup(id);
  if (!d) return false;
  const n = d.node;
  if (ts.isFunctionDeclaration(n)) return isAsyncFunction(n);
  if (ts.isVariableDeclaration(n) && n.initializer) {
    const init = skipOuter(n.initializer);
    return (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) && isAsyncFunction(init);
  }
  return false;
}
