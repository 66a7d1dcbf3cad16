/**
 * The Python extractor's /tmp writes (`TmpFilesFact`, handlers/facts.ts): `open(path, 'w')` and
 * boto3 downloads to a path under /tmp with a part that changes per request.
 */
import type { Span } from '../../model/types';
import type { TmpFilesFact } from '../facts';
import {
  type PyCall,
  type PythonHandlerModel,
  dotted,
  keywordArgument,
  positionalArguments,
  stringPrefix,
  stringValue,
} from './model';
import type { PyNode } from './parser';
import { isHandlerScope, localValue } from './scope';

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

export function pythonTmpFiles(model: PythonHandlerModel): TmpFilesFact {
  const removes = model.calls.some(
    (c) =>
      REMOVALS.has(c.origin ?? '') ||
      (c.name !== undefined && REMOVALS.has(c.name)) ||
      /TemporaryDirectory$/.test(c.origin ?? c.callee ?? ''),
  );
  const writes: { span: Span; path: string }[] = [];
  for (const c of model.calls) {
    if (!isHandlerScope(c)) continue;
    const path = writtenPath(c);
    if (path !== undefined && perInvocationTmpPath(path)) writes.push({ span: c.span, path: path.text });
  }
  return { removes, writes };
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
