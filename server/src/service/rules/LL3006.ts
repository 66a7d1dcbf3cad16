import ts from 'typescript';
import type { HandlerModel } from '../handlers/model';
import { FILE_REMOVALS, FILE_WRITES } from '../handlers/patterns';
import { skipOuter } from '../handlers/scope';
import type { Finding, HandlerRule } from './types';

/**
 * A file written under /tmp with a name that changes per request, in a file that never
 * removes anything: /tmp survives warm invocations (and even a reset of the environment),
 * so it fills up and the function starts failing with ENOSPC. A fixed name (overwritten
 * each time) is left alone.
 */
export const LL3006: HandlerRule = {
  id: 'LL3006',
  title: 'Per-invocation /tmp files never removed',
  severity: 'info',
  scope: 'handler',
  check({ handler: model }) {
    if (model.calls.some((c) => c.name !== undefined && FILE_REMOVALS.has(c.name))) return [];
    const findings: Finding[] = [];
    // One finding per file name: `writeFile(f)` then `appendFile(f)` is one file.
    const paths = new Set<string>();
    for (const c of model.calls) {
      if (c.scope !== 'handler' || c.name === undefined || !Object.hasOwn(FILE_WRITES, c.name)) continue;
      const arg = c.node.arguments[FILE_WRITES[c.name] as number];
      // mkdtemp makes a new folder on every call, whatever the prefix.
      const unique = c.name.startsWith('mkdtemp') && ts.isStringLiteralLike(skipOuter(arg ?? c.node)) && isTmp((skipOuter(arg as ts.Expression) as ts.StringLiteralLike).text);
      if (!arg || !(unique || perRequestTmpPath(model, arg, 0))) continue;
      const key = arg.getText(model.sourceFile);
      if (paths.has(key)) continue;
      paths.add(key);
      findings.push({
        ruleId: 'LL3006',
        message: `This writes a new file under /tmp on every request and nothing in this file removes it. /tmp persists across warm invocations (512 MB by default) and fills up; delete the file when done (\`fs.rm\`), or reuse one name.`,
        uri: model.uri,
        span: c.span,
      });
    }
    return findings;
  },
};

/** True when a path expression is under /tmp (or `os.tmpdir()`) and has a part that varies. */
function perRequestTmpPath(model: HandlerModel, e: ts.Expression, depth: number): boolean {
  if (depth > 3) return false;
  const x = skipOuter(e);
  if (ts.isIdentifier(x)) {
    const d = model.lookup(x);
    return d !== undefined && ts.isVariableDeclaration(d.node) && d.node.initializer !== undefined && perRequestTmpPath(model, d.node.initializer, depth + 1);
  }
  if (ts.isTemplateExpression(x)) return x.templateSpans.length > 0 && (isTmp(x.head.text) || isTmpExpr(x.templateSpans[0]?.expression));
  if (ts.isBinaryExpression(x) && x.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = skipOuter(x.left);
    return (ts.isStringLiteralLike(left) && isTmp(left.text)) || isTmpExpr(left);
  }
  if (ts.isCallExpression(x) && /^path\.(join|resolve)$|^(join|resolve)$/.test(x.expression.getText(model.sourceFile))) {
    const [first, ...rest] = x.arguments;
    const firstTmp = first !== undefined && ((ts.isStringLiteralLike(skipOuter(first)) && isTmp((skipOuter(first) as ts.StringLiteralLike).text)) || isTmpExpr(first));
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
