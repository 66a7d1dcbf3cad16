import ts from 'typescript';
import type { HandlerModel } from '../handlers/model';
import { FILE_REMOVALS, FILE_WRITES } from '../handlers/patterns';
import { skipOuter } from '../handlers/scope';
import { isHandlerScope, localValue } from '../handlers/python/scope';
import {
  type PyCall,
  dotted,
  keywordArgument,
  positionalArguments,
  stringPrefix,
  stringValue,
} from '../handlers/python/model';
import type { PyNode } from '../handlers/python/parser';
import { byLanguage, type PythonRuleContext, type Finding, type Rule } from './types';

/**
 * A file written under /tmp with a name that changes per request, in a file that never
 * removes anything: /tmp survives warm invocations (and even a reset of the environment),
 * so it fills up and the function starts failing with ENOSPC. A fixed name (overwritten
 * each time) is left alone.
 */
export const LL3006: Rule = {
  id: 'LL3006',
  title: 'Per-invocation /tmp files never removed',
  severity: 'info',
  handler: byLanguage({
    js({ handler: model }) {
      if (model.calls.some((c) => c.name !== undefined && FILE_REMOVALS.has(c.name))) return [];
      const findings: Finding[] = [];
      // One finding per file name: `writeFile(f)` then `appendFile(f)` is one file.
      const paths = new Set<string>();
      for (const c of model.calls) {
        if (c.scope !== 'handler' || c.name === undefined || !Object.hasOwn(FILE_WRITES, c.name)) continue;
        const arg = c.node.arguments[FILE_WRITES[c.name] as number];
        // mkdtemp makes a new folder on every call, whatever the prefix.
        const unique =
          c.name.startsWith('mkdtemp') &&
          ts.isStringLiteralLike(skipOuter(arg ?? c.node)) &&
          isTmp((skipOuter(arg as ts.Expression) as ts.StringLiteralLike).text);
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
    python: pythonLL3006,
  }),
};

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

// ---- Python ----

/** Calls that remove files. */
const REMOVALS: ReadonlySet<string> = new Set([
  'os.remove',
  'os.unlink',
  'shutil.rmtree',
  'unlink',
  'rmtree',
  'remove',
]);
/** Calls that write a file at their path argument: `open(path, 'w')`, boto3 `download_file(bucket, key, path)`. */
const DOWNLOADS: ReadonlySet<string> = new Set(['download_file', 'download_fileobj']);

function pythonLL3006({ model }: PythonRuleContext): Finding[] {
  const out: Finding[] = [];
  const removes = model.calls.some(
    (c) =>
      REMOVALS.has(c.origin ?? '') ||
      (c.name !== undefined && REMOVALS.has(c.name)) ||
      /TemporaryDirectory$/.test(c.origin ?? c.callee ?? ''),
  );
  if (removes) return out;
  for (const c of model.calls) {
    if (!isHandlerScope(c)) continue;
    const path = writtenPath(c);
    if (path === undefined || !perInvocationTmpPath(path)) continue;
    out.push({
      ruleId: 'LL3006',
      message:
        'This writes a new file under /tmp on every request and nothing in this module removes it. /tmp persists across warm invocations (512 MB by default) and fills up; delete the file when done (`os.remove`), or reuse one name.',
      uri: model.uri,
      span: c.span,
    });
  }
  return out;
}

/** The path a call writes to: `open(path, 'w'|'a'|'x'…)`, `download_file(bucket, key, path)`. */
function writtenPath(c: PyCall): PyNode | undefined {
  if (c.callee === 'open' || c.origin === 'io.open' || c.origin === 'codecs.open') {
    const [path, mode] = positionalArguments(c.node);
    const m = stringValue(mode ?? keywordArgument(c.node, 'mode'));
    return m !== undefined && /[wax]/.test(m) ? path : undefined;
  }
  if (c.name !== undefined && DOWNLOADS.has(c.name))
    return positionalArguments(c.node)[2] ?? keywordArgument(c.node, 'Filename');
  return undefined;
}

/** `f"/tmp/{key}"`, `"/tmp/" + key`, `os.path.join("/tmp", key)`: a name that changes per request. */
function perInvocationTmpPath(node: PyNode, depth = 0): boolean {
  // `path = f"/tmp/{key}"` then `open(path, "w")`.
  if (node.type === 'identifier') {
    const value = depth < 3 ? localValue(node.text, node) : undefined;
    return value !== undefined && perInvocationTmpPath(value, depth + 1);
  }
  if (node.type === 'string') return stringValue(node) === undefined && (stringPrefix(node) ?? '').startsWith('/tmp');
  if (node.type === 'binary_operator') {
    // `"/tmp/" + key + ".out"`: the leftmost operand names the folder; some operand varies.
    let left: PyNode = node;
    for (
      let next = left.childForFieldName('left');
      left.type === 'binary_operator' && next !== null;
      next = left.childForFieldName('left')
    )
      left = next;
    const varies = node.descendantsOfType(['identifier', 'call', 'subscript', 'attribute']).length > 0;
    return varies && (stringValue(left) ?? stringPrefix(left) ?? '').startsWith('/tmp');
  }
  if (node.type === 'call') {
    const fn = dotted(node.childForFieldName('function'));
    const args = positionalArguments(node);
    if ((fn === 'os.path.join' || fn === 'path.join') && args.length >= 2)
      return (stringValue(args[0]) ?? '').startsWith('/tmp') && args.slice(1).some((a) => stringValue(a) === undefined);
    // `"/tmp/{}".format(key)`
    if (
      node.childForFieldName('function')?.type === 'attribute' &&
      node.childForFieldName('function')?.childForFieldName('attribute')?.text === 'format'
    ) {
      return (stringValue(node.childForFieldName('function')?.childForFieldName('object')) ?? '').startsWith('/tmp');
    }
  }
  return false;
}
