import ts from 'typescript';
import { enclosingFunction, isAsyncFunction } from '../handlers/analysis';
import type { CallSite, HandlerModel } from '../handlers/model';
import { matchClientMethod, receiverOrigin } from '../handlers/idempotency';
import { PROMISE_CALLEES, PROMISE_METHODS, PROMISE_MODULES } from '../handlers/patterns';
import { skipOuter } from '../handlers/scope';
import { byLanguage, type Finding, type Rule } from './types';

const FROZEN =
  'Lambda freezes the environment as soon as the handler returns, so this work may never finish (or finishes during a later request).';

/**
 * A promise that the handler neither awaits nor returns. Only calls known to return a
 * promise are considered (AWS SDK v3 `send`, v2 `.promise()`, `fetch`, axios, async
 * functions of the same file, `.then` chains), and only in async functions, where the
 * caller could have awaited them. `void p` states the intent and is left alone.
 *
 * SDK v2 writes (`lambda.invoke`, `sqs.sendMessage`, `sfn.startExecution`…, on a client made
 * from `aws-sdk`) are their own case: with a callback in an async handler the handler returns
 * before the callback runs; with neither a callback nor `.promise()` the request is built and
 * never sent (docs.aws.amazon.com/sdk-for-javascript/v2/developer-guide/using-a-response-event-handler.html:
 * without a callback the method "generates an AWS.Request object that must be manually sent").
 */
export const LL3003: Rule = {
  id: 'LL3003',
  title: 'Promise not awaited in the handler',
  severity: 'warning',
  handler: byLanguage({
    js({ handler: model }) {
      const findings: Finding[] = [];
      for (const c of model.calls) {
        if (c.scope !== 'handler') continue;
        const stmt = c.node.parent;
        // `records.forEach(async (r) => …)`: forEach ignores the promises its callback returns.
        if (
          c.name === 'forEach' &&
          c.node.arguments.some((a) => (ts.isArrowFunction(a) || ts.isFunctionExpression(a)) && isAsyncFunction(a))
        ) {
          findings.push({
            ruleId: 'LL3003',
            message: `\`forEach\` does not wait for an async callback: the handler returns before these promises settle. ${FROZEN} Use \`for … of\` with \`await\`, or \`await Promise.all(items.map(…))\`.`,
            uri: model.uri,
            span: c.span,
          });
          continue;
        }
        if (!stmt || !ts.isExpressionStatement(stmt) || skipOuter(stmt.expression) !== c.node) continue;
        const fn = enclosingFunction(c.node);
        const v2 = sdkV2Write(model, c);
        if (v2 !== undefined && !v2.callback) {
          findings.push({
            ruleId: 'LL3003',
            message: `\`${v2.call}(…)\` is an AWS SDK v2 call without a callback or \`.promise()\`: it only builds the request, which is never sent. Add \`.promise()\` and \`await\` it.`,
            uri: model.uri,
            span: c.span,
            ...(fn && isAsyncFunction(fn)
              ? {
                  fixes: [
                    {
                      title: 'Send it: `await ….promise()`',
                      edits: [
                        { uri: model.uri, span: { start: c.span.start, end: c.span.start }, newText: 'await ' },
                        { uri: model.uri, span: { start: c.span.end, end: c.span.end }, newText: '.promise()' },
                      ],
                    },
                  ],
                }
              : {}),
          });
          continue;
        }
        if (!fn || !isAsyncFunction(fn)) continue;
        if (v2 !== undefined) {
          findings.push({
            ruleId: 'LL3003',
            message: `\`${v2.call}(…, callback)\` sends the request and returns at once: this async handler does not wait for the callback. ${FROZEN} Use \`await ${v2.call}(…).promise()\` instead of the callback.`,
            uri: model.uri,
            span: c.span,
          });
          continue;
        }
        const what = promiseKind(model, c);
        if (!what) continue;
        findings.push({
          ruleId: 'LL3003',
          message: `${what} returns a promise that is not awaited or returned. ${FROZEN} Add \`await\`.`,
          uri: model.uri,
          span: c.span,
          fixes: [
            {
              title: 'Add `await`',
              edits: [{ uri: model.uri, span: { start: c.span.start, end: c.span.start }, newText: 'await ' }],
            },
          ],
        });
      }
      return findings;
    },
  }),
};

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
