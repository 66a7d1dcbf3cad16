/**
 * dist/typescript.js holds only the part of the TypeScript compiler our sources use
 * (scripts/typescript-subset.mjs). It must do what the full compiler does for every use: the
 * parser's trees (with the nodes' getText/getStart/getChildren), preProcessFile, and
 * transpileModule with the CDK build's options (server/src/service/cdk/build.ts). Compared with
 * the `typescript` package over the repository's own sources, examples and fixtures: hundreds of
 * files of TypeScript, TSX and JavaScript. `npm test` builds dist/ before this runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import full from 'typescript';
import { cdkCompilerOptions } from '../../server/src/service/cdk/build';

const ROOT = join(__dirname, '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the built file, loaded as the bundles load it
const subset = require(join(ROOT, 'dist/typescript.js')) as typeof full;

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'cdk.out') out.push(...sources(path));
    } else if (/\.([cm]?[jt]s|[jt]sx)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

const FILES = ['server/src', 'client/src', 'examples', 'test/fixtures'].flatMap((d) => sources(join(ROOT, d)));
// transpileModule (a program and its checker per file) costs ~20 ms a file: handler-like code only.
const HANDLERS = new Set(['examples', 'test/fixtures'].flatMap((d) => sources(join(ROOT, d))));

/** Every node of the tree: kind, flags, span, start and text as the node's own methods give them. */
function dump(ts: typeof full, file: string, text: string): string {
  const kind = /\.[jt]sx$/.test(file)
    ? ts.ScriptKind.TSX
    : /\.[cm]?js$/.test(file)
      ? ts.ScriptKind.JS
      : ts.ScriptKind.TS;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const lines: string[] = [];
  const visit = (node: full.Node): void => {
    lines.push(
      `${node.kind} ${node.flags} ${node.pos}-${node.end} ${node.getStart(source)} ${node.getChildren(source).length} ${node.getText(source).length}`,
    );
    ts.forEachChild(node, visit);
  };
  visit(source);
  return lines.join('\n');
}

function transpile(ts: typeof full, file: string, text: string): string {
  return ts.transpileModule(text, { fileName: file, compilerOptions: cdkCompilerOptions(ts) }).outputText;
}

test('the compiler subset parses, pre-processes and transpiles like the full compiler', () => {
  assert.ok(FILES.length > 300 && HANDLERS.size > 100, `${FILES.length} files, ${HANDLERS.size} handler-like`);
  for (const file of FILES) {
    const text = readFileSync(file, 'utf8');
    const name = relative(ROOT, file);
    assert.equal(dump(subset, file, text), dump(full, file, text), `${name}: tree`);
    assert.deepEqual(
      subset.preProcessFile(text, true, true).importedFiles,
      full.preProcessFile(text, true, true).importedFiles,
      `${name}: imports`,
    );
    if (HANDLERS.has(file))
      assert.equal(transpile(subset, file, text), transpile(full, file, text), `${name}: transpileModule`);
  }
});

test('the compiler subset reads half-typed code as the full compiler does', () => {
  // What the language server sees while a handler is being edited.
  const texts = [
    'export const handler = async (event: { Records: unknown[] } => {\n  for (const r of event.',
    'import { S3Client } from "@aws-sdk/client-s3"\nclass { constructor(private x: number) }\n@dec enum E { A = 1, B = A << 2 }',
    'const x = <div>{items.map((i) => <Item key={i} />)}</div>;\nnamespace N { export const y = `a${1}b',
  ];
  for (const [i, text] of texts.entries()) {
    const file = i === 2 ? 'broken.tsx' : 'broken.ts';
    assert.equal(dump(subset, file, text), dump(full, file, text), `${i}: tree`);
    assert.equal(transpile(subset, file, text), transpile(full, file, text), `${i}: transpileModule`);
  }
});

test('every module that uses the compiler calls it ts, so that the build sees the names it needs', () => {
  // scripts/typescript-subset.mjs keeps the names accessed as `ts.<name>`; a compiler reached
  // under another name, or destructured, would lose the names it uses.
  const files = ['server/src', 'client/src'].flatMap((d) => sources(join(ROOT, d)));
  const wrong: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const name = relative(ROOT, file);
    // The loader itself, whose typescript() returns the compiler.
    if (name === 'server/src/service/cdk/typescript.ts') continue;
    const checks: [RegExp, string][] = [
      [/^import (?!type )(?:\* as )?(\w+)[^;]*from 'typescript'/gm, 'imported as'],
      [/\b(\w+)\??: typeof (?:TS|ts)\b(?!\.)/g, 'held as'],
      [/\b(?:const|let|var)\s+(\w+)\s*=\s*(?:[\w.]+\.)?(?:ts|typescript\(\))\s*;/g, 'held as'],
      [/\b(?:const|let|var)\s+(\{[^}]*\})\s*=\s*(?:[\w.]+\.)?(?:ts|typescript\(\))\s*;/g, 'destructured as'],
    ];
    for (const [pattern, how] of checks)
      for (const m of text.matchAll(pattern)) if (m[1] !== 'ts') wrong.push(`${name}: ${how} ${m[1]}`);
    if (/require\('typescript'\)/.test(text)) wrong.push(`${name}: require('typescript') outside cdk/typescript.ts`);
  }
  assert.deepEqual(wrong, []);
});
