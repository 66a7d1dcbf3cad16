import type { Finding, HandlerRule } from './types';

/**
 * `process.exit` in a handler kills the execution environment: the request fails with
 * `Runtime.ExitError`, and the next request pays a cold start.
 */
export const LL3004: HandlerRule = {
  id: 'LL3004',
  title: '`process.exit` in a handler',
  severity: 'error',
  scope: 'handler',
  check({ handler: model }) {
    const findings: Finding[] = [];
    for (const c of model.calls) {
      if (c.scope !== 'handler' || (c.callee !== 'process.exit' && c.callee !== 'process.abort')) continue;
      findings.push({
        ruleId: 'LL3004',
        message: `\`${c.callee}()\` in a handler ends the execution environment: this request fails with Runtime.ExitError and the next one is a cold start. Return a response or throw an error instead.`,
        uri: model.uri,
        span: c.span,
      });
    }
    return findings;
  },
};
