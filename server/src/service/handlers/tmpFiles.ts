/**
 * The JS/TS extractor's /tmp writes (`TmpFilesFact`, handlers/facts.ts): `fs` writes whose path
 * is under /tmp (or `os.tmpdir()`) with a part that changes per request, and `mkdtemp`.
 */
import ts from 'typescript';
import type { Span } from '../model/types';
import type { TmpFilesFact } from './facts';
import type { HandlerModel } from './model';
import { FILE_REMOVALS, FILE_WRITES } from './patterns';
import { skipOuter } from './scope';

export function tmpFiles(model: HandlerModel): TmpFilesFact {
  const writes: { span: Span; path: string }[] = [];
  for (const c of model.calls) {
    if (c.scope !== 'handler' || c.name === undefined || !Object.hasOwn(FILE_WRITES, c.name)) continue;
    const arg = c.node.arguments[FILE_WRITES[c.name] as number];
    // mkdtemp makes a new folder on every call, whatever the prefix.
    const unique =
      c.name.startsWith('mkdtemp') &&
      ts.isStringLiteralLike(skipOuter(arg ?? c.node)) &&
      isTmp((skipOuter(arg as ts.Expression) as ts.StringLiteralLike).text);
    if (arg && (unique || perRequestTmpPath(model, arg, 0)))
      writes.push({ span: c.span, path: arg.getText(model.sourceFile) });
  }
  return { removes: model.calls.some((c) => c.name !== undefined && FILE_REMOVALS.has(c.name)), writes };
}

/** True when a path expression is under /tmp (or `os.tmpdir()`) and has a part that varies. */
function perRequestTmpPath(model: HandlerModel, e: ts.Expression, depth: number): boolean {
  if (depth > 3) return false;
  const x = skipOuter(e);
  if (ts.isIdentifier(x)) {
    const d = model.lookup(x);
    return (
      d !== undefined &&
      ts.isVariableDeclaration(d.node) &&
      d.node.initializer !== undefined &&
      perRequestTmpPath(model, d.node.initializer, depth + 1)
    );
  }
  if (ts.isTemplateExpression(x))
    return x.templateSpans.length > 0 && (isTmp(x.head.text) || isTmpExpr(x.templateSpans[0]?.expression));
  if (ts.isBinaryExpression(x) && x.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = skipOuter(x.left);
    return (ts.isStringLiteralLike(left) && isTmp(left.text)) || isTmpExpr(left);
  }
  if (
    ts.isCallExpression(x) &&
    /^path\.(join|resolve)$|^(join|resolve)$/.test(x.expression.getText(model.sourceFile))
  ) {
    const [first, ...rest] = x.arguments;
    const firstTmp =
      first !== undefined &&
      ((ts.isStringLiteralLike(skipOuter(first)) && isTmp((skipOuter(first) as ts.StringLiteralLike).text)) ||
        isTmpExpr(first));
    return firstTmp && rest.some((r) => !ts.isStringLiteralLike(skipOuter(r)));
  }
  return false;
}

function isTmp(s: string): boolean {
  return s === '/tmp' || s.startsWith('/tmp/');
}

function isTmpExpr(e: ts.Expression | undefined): boolean {
  if (!e) return false;
  const x = skipOuter(e);
  return ts.isCallExpression(x) && /(^|\.)tmpdir$/.test(x.expression.getText());
}
