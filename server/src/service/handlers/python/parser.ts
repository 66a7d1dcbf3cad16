/**
 * The Python parser: web-tree-sitter with the tree-sitter-python grammar, both WebAssembly.
 * Loading is asynchronous and happens once per process (`loadPythonParser`, awaited by the
 * server, the CLI and tests before the first Python file); parsing is synchronous after that,
 * so the language service stays synchronous.
 *
 * The two `.wasm` files are looked up next to this code first (the bundle: scripts/build.mjs
 * copies them into dist/), then in node_modules (tests and `tsx`).
 */
import { INPUT_LIMITS, codeOverLimit } from '../../input';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Parser, Tree } from 'web-tree-sitter';

export type { Node as PyNode, Tree as PyTree } from 'web-tree-sitter';

const GRAMMAR_WASM = 'tree-sitter-python.wasm';
const RUNTIME_WASM = 'web-tree-sitter.wasm';

let parser: Parser | undefined;
let loading: Promise<boolean> | undefined;
let failure: string | undefined;

/** Where a wasm file is: beside the bundle, or in its npm package. */
function locate(file: string, pkg: string): string | undefined {
  const here = typeof __dirname === 'string' ? __dirname : undefined;
  const candidates: string[] = [];
  if (here !== undefined) candidates.push(join(here, file), join(here, '..', file));
  try {
    candidates.push(require.resolve(`${pkg}/${file}`));
  } catch {
    // Not installed next to the code (a packaged extension): only the bundle's copy counts.
  }
  return candidates.find((c) => existsSync(c));
}

/** Loads the parser once; resolves to false (and remembers why) when the wasm files are missing. */
export function loadPythonParser(): Promise<boolean> {
  loading ??= (async () => {
    try {
      const runtime = locate(RUNTIME_WASM, 'web-tree-sitter');
      const grammar = locate(GRAMMAR_WASM, 'tree-sitter-python');
      if (runtime === undefined || grammar === undefined) {
        failure = `${runtime === undefined ? RUNTIME_WASM : GRAMMAR_WASM} was not found`;
        return false;
      }
      // Loaded here, not at start-up: checking templates without Python code never needs it.
      const { Language, Parser } = await import('web-tree-sitter');
      await Parser.init({ wasmBinary: readFileSync(runtime) });
      const language = await Language.load(readFileSync(grammar));
      const p = new Parser();
      p.setLanguage(language);
      parser = p;
      return true;
    } catch (e) {
      failure = String(e);
      return false;
    }
  })();
  return loading;
}

/** Why Python analysis is off, when the parser could not be loaded. */
export function pythonParserFailure(): string | undefined {
  return failure;
}

/** Parses Python source; `undefined` until {@link loadPythonParser} has finished. */
export function parsePython(text: string): Tree | undefined {
  // Code nested past the input budget is not parsed (../../input.ts): the analysis walks the
  // tree recursively, and no real handler nests hundreds of brackets deep.
  if (codeOverLimit(text) !== undefined) return parser?.parse('') ?? undefined;
  const tree = parser?.parse(text) ?? undefined;
  // Expressions nested without brackets (`not not not …`) make a deep tree too.
  if (tree !== undefined && treeDepth(tree) > INPUT_LIMITS.maxSyntaxDepth) return parser?.parse('') ?? undefined;
  return tree;
}

/** The depth of a tree, walked with a cursor (no recursion); stops once past the budget. */
function treeDepth(tree: Tree): number {
  const cursor = tree.walk();
  let depth = 0;
  let max = 0;
  for (;;) {
    if (cursor.gotoFirstChild()) {
      depth++;
      if (depth > max) max = depth;
      if (max > INPUT_LIMITS.maxSyntaxDepth) return max;
      continue;
    }
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) return max;
      depth--;
    }
  }
}
