import type { PythonCheck } from '../handlers/python/model';
import type { PyNode } from '../handlers/python/parser';
import { spanOf, stringValue } from '../handlers/python/model';
import { secretKind } from '../secrets';
import type { Finding } from './types';

/**
 * LL4006 in Python handlers: string literals that look like credentials, or long random
 * literals stored under a name that says secret (`API_KEY = '…'`, `password='…'`,
 * `{'token': '…'}`). Same recognition as in templates and JS/TS (`secrets.ts`).
 */
export const LL4006Python: PythonCheck = {
  id: 'LL4006',
  severity: 'warning',
  check({ model }) {
    const out: Finding[] = [];
    for (const node of model.tree.rootNode.descendantsOfType('string')) {
      if (node === null || node.parent?.type === 'concatenated_string') continue;
      const value = stringValue(node);
      if (value === undefined) continue;
      const kind = secretKind(nameFor(node), value);
      if (kind === undefined) continue;
      out.push({
        ruleId: 'LL4006',
        message: `This string holds ${kind} in the source: anyone who can read the code or the deployment package sees it, and rotating it means a redeploy. Keep it in Secrets Manager (or an SSM SecureString parameter) and fetch it once at init, outside the handler.`,
        uri: model.uri,
        span: spanOf(node),
      });
    }
    return out;
  },
};

/** The name a literal is stored under: assignment target, keyword argument, dictionary key or parameter default. */
function nameFor(node: PyNode): string | undefined {
  let e: PyNode = node;
  // `os.environ.get('API_KEY', 'literal')` and `x or 'literal'`: the name is further up.
  while (e.parent !== null && (e.parent.type === 'parenthesized_expression' || e.parent.type === 'boolean_operator')) e = e.parent;
  const p = e.parent;
  if (p === null) return undefined;
  if (p.type === 'assignment' && p.childForFieldName('right')?.id === e.id) return lastName(p.childForFieldName('left'));
  if (p.type === 'keyword_argument' && p.childForFieldName('value')?.id === e.id) return p.childForFieldName('name')?.text;
  if (p.type === 'pair' && p.childForFieldName('value')?.id === e.id) {
    const key = p.childForFieldName('key');
    return key ? stringValue(key) ?? key.text : undefined;
  }
  if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') return p.childForFieldName('name')?.text;
  if (p.type === 'argument_list') {
    // `os.environ.get('API_KEY', 'literal')`, `os.getenv('API_KEY', 'literal')`: the variable's name.
    const call = p.parent;
    const first = p.namedChildren[0];
    if (call?.type === 'call' && /(^|\.)(get|getenv)$/.test(call.childForFieldName('function')?.text ?? '') && first && first.id !== e.id) return stringValue(first);
  }
  return undefined;
}

/** `API_KEY` in `API_KEY = …`, `key` in `self.key = …`, `headers['Authorization']`. */
function lastName(target: PyNode | null): string | undefined {
  if (target === null) return undefined;
  if (target.type === 'identifier') return target.text;
  if (target.type === 'attribute') return target.childForFieldName('attribute')?.text;
  if (target.type === 'subscript') return stringValue(target.childForFieldName('subscript'));
  return undefined;
}
