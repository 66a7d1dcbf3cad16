import ts from 'typescript';
import { secretKind } from '../secrets';
import type { Finding, HandlerRule } from './types';

/**
 * LL4006 in handler code: string literals that look like credentials (an AWS access key id,
 * a private key, a password in a connection string), or long random literals stored under a
 * name that says secret (`const apiKey = '…'`, `{ password: '…' }`, `headers.Authorization = '…'`).
 */
export const LL4006Code: HandlerRule = {
  id: 'LL4006',
  title: 'Secret hard-coded in handler code',
  severity: 'warning',
  scope: 'handler',
  check({ handler: model }) {
    const out: Finding[] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
        const kind = secretKind(nameFor(node), node.text);
        if (kind !== undefined) {
          out.push({
            ruleId: 'LL4006',
            message: `This string holds ${kind} in the source: anyone who can read the code or the deployment package sees it, and rotating it means a redeploy. Keep it in Secrets Manager (or an SSM SecureString parameter) and fetch it once at init, outside the handler.`,
            uri: model.uri,
            span: model.spanOf(node),
          });
        }
        return;
      }
      ts.forEachChild(node, visit);
    };
    visit(model.sourceFile);
    return out;
  },
};

/** The name a literal is stored under: the variable, property, parameter or assignment target it initialises. */
function nameFor(node: ts.Expression): string | undefined {
  let e: ts.Node = node;
  // `process.env.API_KEY ?? 'literal'`, `('literal')`, `'literal' as string`.
  while (
    ts.isParenthesizedExpression(e.parent) ||
    ts.isAsExpression(e.parent) ||
    ts.isSatisfiesExpression(e.parent) ||
    (ts.isBinaryExpression(e.parent) && e.parent.right === e && (e.parent.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || e.parent.operatorToken.kind === ts.SyntaxKind.BarBarToken))
  ) {
    e = e.parent;
  }
  const p = e.parent;
  if ((ts.isVariableDeclaration(p) || ts.isParameter(p) || ts.isPropertyDeclaration(p) || ts.isBindingElement(p)) && p.initializer === e) {
    return ts.isIdentifier(p.name) ? p.name.text : undefined;
  }
  if (ts.isPropertyAssignment(p) && p.initializer === e) {
    return ts.isIdentifier(p.name) || ts.isStringLiteralLike(p.name) ? p.name.text : undefined;
  }
  if (ts.isBinaryExpression(p) && p.right === e && p.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
    const left = p.left;
    if (ts.isIdentifier(left)) return left.text;
    if (ts.isPropertyAccessExpression(left)) return left.name.text;
    if (ts.isElementAccessExpression(left) && ts.isStringLiteralLike(left.argumentExpression)) return left.argumentExpression.text;
  }
  return undefined;
}
