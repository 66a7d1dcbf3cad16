/**
 * Parsing JavaScript or TypeScript within the input budgets (./input.ts), for handler code and
 * CDK stack files alike. The TypeScript parser recurses once per nesting level and overflows the
 * stack near a thousand; code nested past the bracket budget is not parsed. Expressions nested
 * without brackets (`!!!!…x`, `await await …`, `a+a+…`) are caught after parsing: a tree deeper
 * than the syntax budget, or a parser that overflowed, is not analysed either, since the readers
 * that walk it recurse per level too.
 */
import type * as TS from 'typescript';
import { INPUT_LIMITS, codeOverLimit } from './input';

/** The parsed file, or `undefined` when the text is past a budget. The compiler is passed in, so that this module does not load it. */
export function parseWithinBudgets(
  ts: typeof TS,
  fileName: string,
  text: string,
  kind: TS.ScriptKind,
): TS.SourceFile | undefined {
  if (codeOverLimit(text) !== undefined) return undefined;
  try {
    const sourceFile = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, kind);
    return syntaxDepth(ts, sourceFile) > INPUT_LIMITS.maxSyntaxDepth ? undefined : sourceFile;
  } catch (e) {
    if (e instanceof RangeError) return undefined;
    throw e;
  }
}

/** The depth of a syntax tree, walked with an explicit stack (so a deep tree cannot overflow it); stops past the budget. */
function syntaxDepth(ts: typeof TS, root: TS.Node): number {
  let max = 0;
  const stack: [TS.Node, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() ?? [root, 0];
    if (depth > max) max = depth;
    if (max > INPUT_LIMITS.maxSyntaxDepth) return max;
    ts.forEachChild(node, (child) => {
      stack.push([child, depth + 1]);
    });
  }
  return max;
}
