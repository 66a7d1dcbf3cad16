import { exitsOf } from '../handlers/extract';
import type { Finding, Rule } from './types';

/** What ends, and what to do instead, in each language's words. */
const WORDS = {
  js: { ends: 'the execution environment', instead: 'throw an error' },
  python: { ends: 'the Python runtime', instead: 'raise an exception' },
} as const;

/**
 * `process.exit` in a handler kills the execution environment: the request fails with
 * `Runtime.ExitError`, and the next request pays a cold start.
 */
export const LL3004: Rule = {
  id: 'LL3004',
  title: '`process.exit` in a handler',
  severity: 'error',
  handler({ file }) {
    const { ends, instead } = WORDS[file.language];
    return exitsOf(file).map((e): Finding => ({
      ruleId: 'LL3004',
      message:
        e.kind === 'call'
          ? `\`${e.name}()\` in a handler ends ${ends}: this request fails with Runtime.ExitError and the next one is a cold start. Return a response or ${instead} instead.`
          : `Raising ${e.name} in a handler ends ${ends}: this request fails with Runtime.ExitError and the next one is a cold start. Raise an ordinary exception instead.`,
      uri: file.uri,
      span: e.span,
    }));
  },
};
