import { isKnown } from '../model/types';
import { secretKind } from '../secrets';
import { nodeAt } from '../templates/tree';
import { functionsUsing } from './format';
import { stringLiteralsOf } from '../handlers/extract';
import type { Finding, Rule } from './types';

const ADVICE =
  'anyone who can read the template, the repository or the function configuration sees it. Keep it in Secrets Manager (or an SSM SecureString parameter), grant the role read access, and fetch it at init.';

/**
 * Secrets in plain text: secret-looking literals in environment variables, and in handler
 * code of any language string literals that look like credentials (an AWS access key id, a
 * private key, a password in a connection string) or long random literals stored under a name
 * that says secret (`apiKey = '…'`, `password='…'`, `{'token': '…'}`); one recognition for all
 * (`secrets.ts`). In templates, Values that come from a parameter
 * (`!Ref DbPassword`, typically `NoEcho`), a dynamic reference (`{{resolve:secretsmanager:…}}`)
 * or another intrinsic are not literals in the template and are not reported.
 */
export const LL4006: Rule = {
  id: 'LL4006',
  title: 'Secret hard-coded in environment variables or code',
  severity: 'warning',
  template({ template }) {
    const out: Finding[] = [];
    const root = template.root;
    if (root === undefined) return out;
    for (const fn of template.functions) {
      for (const v of fn.environment?.variables ?? []) {
        const value = v.value;
        if (!isKnown(value)) continue;
        // The value's own look first: finding its node in the tree costs more, and few values look secret.
        const kind = secretKind(v.name, value.value);
        if (kind === undefined || nodeAt(root, value.span.start)?.node.kind !== 'scalar') continue;
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
  handler({ file }) {
    const out: Finding[] = [];
    for (const literal of stringLiteralsOf(file)) {
      const kind = secretKind(literal.name, literal.value);
      if (kind === undefined) continue;
      out.push({
        ruleId: 'LL4006',
        message: `This string holds ${kind} in the source: anyone who can read the code or the deployment package sees it, and rotating it means a redeploy. Keep it in Secrets Manager (or an SSM SecureString parameter) and fetch it once at init, outside the handler.`,
        uri: file.uri,
        span: literal.span,
      });
    }
    return out;
  },
};
