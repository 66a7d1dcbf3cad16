import { unfinishedWorkOf } from '../handlers/extract';
import type { Finding, Rule } from './types';

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
  handler({ file }) {
    return unfinishedWorkOf(file).map((w): Finding => {
      const finding = { ruleId: 'LL3003', uri: file.uri, span: w.span };
      switch (w.kind) {
        case 'loopCallbacks':
          return {
            ...finding,
            message: `\`forEach\` does not wait for an async callback: the handler returns before these promises settle. ${FROZEN} Use \`for … of\` with \`await\`, or \`await Promise.all(items.map(…))\`.`,
          };
        case 'unsentRequest':
          return {
            ...finding,
            message: `\`${w.call}(…)\` is an AWS SDK v2 call without a callback or \`.promise()\`: it only builds the request, which is never sent. Add \`.promise()\` and \`await\` it.`,
            ...(w.fix ? { fixes: [w.fix] } : {}),
          };
        case 'callback':
          return {
            ...finding,
            message: `\`${w.call}(…, callback)\` sends the request and returns at once: this async handler does not wait for the callback. ${FROZEN} Use \`await ${w.call}(…).promise()\` instead of the callback.`,
          };
        case 'promise':
          return {
            ...finding,
            message: `${w.what} returns a promise that is not awaited or returned. ${FROZEN} Add \`await\`.`,
            fixes: [w.fix],
          };
      }
    });
  },
};
