import { isHandlerScope, perRequestFunctions } from './python';
import { dotted, spanOf } from '../handlers/python/model';
import { byLanguage, type PythonRuleContext, type Finding, type Rule } from './types';

/**
 * `process.exit` in a handler kills the execution environment: the request fails with
 * `Runtime.ExitError`, and the next request pays a cold start.
 */
export const LL3004: Rule = {
  id: 'LL3004',
  title: '`process.exit` in a handler',
  severity: 'error',
  handler: byLanguage({
    js({ handler: model }) {
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
    python: pythonLL3004,
  }),
};

// ---- Python ----

/** Calls that end the interpreter. */
const EXITS: ReadonlySet<string> = new Set(['sys.exit', 'os._exit', 'os.abort']);
const BUILTIN_EXITS: ReadonlySet<string> = new Set(['exit', 'quit']);

function pythonLL3004({ model }: PythonRuleContext): Finding[] {
  const out: Finding[] = [];
  for (const c of model.calls) {
    if (!isHandlerScope(c)) continue;
    const isExit =
      (c.origin !== undefined && EXITS.has(c.origin)) ||
      (c.callee !== undefined &&
        BUILTIN_EXITS.has(c.callee) &&
        !model.imports.has(c.callee) &&
        !model.functions.has(c.callee));
    if (!isExit) continue;
    out.push({
      ruleId: 'LL3004',
      message: `\`${c.callee}()\` in a handler ends the Python runtime: this request fails with Runtime.ExitError and the next one is a cold start. Return a response or raise an exception instead.`,
      uri: model.uri,
      span: c.span,
    });
  }
  for (const fn of perRequestFunctions(model)) {
    for (const r of fn.node.descendantsOfType('raise_statement')) {
      const e = r?.namedChildren[0];
      const name = e?.type === 'call' ? dotted(e.childForFieldName('function')) : dotted(e);
      if (!r || (name !== 'SystemExit' && name !== 'KeyboardInterrupt')) continue;
      out.push({
        ruleId: 'LL3004',
        message: `Raising ${name} in a handler ends the Python runtime: this request fails with Runtime.ExitError and the next one is a cold start. Raise an ordinary exception instead.`,
        uri: model.uri,
        span: spanOf(r),
      });
    }
  }
  return out;
}
