import { isKnown } from '../model/types';
import { secretKind } from '../secrets';
import { nodeAt } from '../templates/tree';
import { functionsUsing } from './format';
import type { Finding, TemplateRule } from './types';

const ADVICE =
  'anyone who can read the template, the repository or the function configuration sees it. Keep it in Secrets Manager (or an SSM SecureString parameter), grant the role read access, and fetch it at init.';

/**
 * Secret-looking literals in environment variables. Values that come from a parameter
 * (`!Ref DbPassword`, typically `NoEcho`), a dynamic reference (`{{resolve:secretsmanager:…}}`)
 * or another intrinsic are not literals in the template and are not reported.
 */
export const LL4006: TemplateRule = {
  id: 'LL4006',
  title: 'Secret hard-coded in environment variables',
  severity: 'warning',
  scope: 'template',
  check({ template }) {
    const out: Finding[] = [];
    const root = template.root;
    if (root === undefined) return out;
    for (const fn of template.functions) {
      for (const v of fn.environment?.variables ?? []) {
        const value = v.value;
        if (!isKnown(value) || nodeAt(root, value.span.start)?.node.kind !== 'scalar') continue;
        const kind = secretKind(v.name, value.value);
        if (kind === undefined) continue;
        out.push({
          ruleId: 'LL4006',
          message: `Environment variable ${v.name} of ${functionsUsing(template, fn, (f) => f.environment?.variables.find((x) => x.name === v.name)?.value)} holds ${kind} in plain text: ${ADVICE}`,
          uri: value.uri,
          span: value.span,
        });
      }
    }
    return out;
  },
};
