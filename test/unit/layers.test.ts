/**
 * Layers you can see: the import graph of server/ and client/ (read with the TypeScript
 * compiler's own import scanner) has no cycles, and no module imports from a layer above it.
 * The layers of the language service, bottom up, are listed in LAYERS; docs/architecture.md
 * describes them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(__dirname, '../..');
const SOURCES = ['server/src', 'client/src', 'client/shared', 'client/webview/src'];

/**
 * Ranks, bottom up: a module may import its own rank or lower. The first matching prefix wins.
 * - model: the shared types (findings, function models, invocations) and Lambda facts;
 * - templates, cdk: templates and CDK stacks read into function models;
 * - handlers, hover: language extractors (handler code to facts) and template hovers;
 * - project: the workspace index linking templates and handler files, and the handler-file pipeline;
 * - rules, actions: the rules and the quick-fix edits they offer;
 * - the service facade (service/index.ts), then its users: the simulator, the server, the CLI.
 */
const LAYERS: readonly (readonly [string, number])[] = [
  ['server/src/service/model/', 0],
  ['server/src/service/fs.ts', 0],
  ['server/src/service/limits.ts', 0],
  ['server/src/service/runtimes.ts', 0],
  ['server/src/service/secrets.ts', 0],
  ['server/src/service/iam.ts', 0],
  ['server/src/service/iamActions.ts', 0],
  // Leaves with no imports of their own: input budgets, byte decoding, argument parsing, and the
  // Node.js implementation of the file-system interface.
  ['server/src/service/input.ts', 0],
  // Code parsed within those budgets (the compiler is passed in, so it loads nothing).
  ['server/src/service/parseCode.ts', 0],
  ['server/src/service/decode.ts', 0],
  ['server/src/args.ts', 0],
  // Data: the scenario schema (the simulator validates scenarios with it).
  ['schemas/', 0],
  ['server/src/nodeFs.ts', 0],
  ['server/src/service/templates/', 1],
  ['server/src/service/cdk/', 1],
  ['server/src/service/handlers/', 2],
  ['server/src/service/hover/', 2],
  ['server/src/service/project/', 3],
  ['server/src/service/actions/', 4],
  ['server/src/service/rules/', 4],
  ['server/src/service/index.ts', 5],
  ['server/src/simulator/', 6],
  ['server/src/', 7],
  ['client/shared/', 8],
  ['client/webview/', 9],
  ['client/src/', 10],
];

function rank(file: string): number {
  const hit = LAYERS.find(([prefix]) => file.startsWith(prefix));
  assert.ok(hit, `${file} has no layer in test/unit/layers.test.ts`);
  return hit[1];
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir)).sort()) {
    const rel = `${dir}/${name}`;
    if (statSync(join(ROOT, rel)).isDirectory()) out.push(...sourceFiles(rel));
    else if (/\.ts$/.test(name) && !name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

function resolveImport(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(ROOT, dirname(from), spec);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts'), base]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return relative(ROOT, candidate).split('\\').join('/');
  }
  return undefined;
}

/** Every relative import (static, dynamic, `require`, type-only) of every source file. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of SOURCES.filter((d) => existsSync(join(ROOT, d))).flatMap(sourceFiles)) {
    const info = ts.preProcessFile(readFileSync(join(ROOT, file), 'utf8'), true, true);
    graph.set(
      file,
      info.importedFiles.map((i) => resolveImport(file, i.fileName)).filter((t): t is string => t !== undefined),
    );
  }
  return graph;
}

/** Strongly connected components with more than one file (Tarjan), or a file importing itself. */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const connect = (v: string): void => {
    indexOf.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indexOf.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, indexOf.get(w) as number));
      }
    }
    if (low.get(v) === indexOf.get(v)) {
      const component: string[] = [];
      for (let w = stack.pop(); w !== undefined; w = stack.pop()) {
        onStack.delete(w);
        component.push(w);
        if (w === v) break;
      }
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!indexOf.has(v)) connect(v);
  return out;
}

test('no import cycles in server/ and client/', () => {
  const found = cycles(importGraph()).map((c) => c.join(' ↔ '));
  assert.deepEqual(found, [], `import cycles:\n${found.join('\n')}`);
});

test('no module imports from a layer above its own', () => {
  const upward: string[] = [];
  for (const [from, targets] of importGraph()) {
    for (const to of targets) if (rank(to) > rank(from)) upward.push(`${from} → ${to}`);
  }
  assert.deepEqual(upward, [], `upward imports:\n${upward.join('\n')}`);
});

test('the checks see real cycles and upward imports', () => {
  assert.deepEqual(
    cycles(
      new Map([
        ['a', ['b']],
        ['b', ['c']],
        ['c', ['a']],
        ['d', ['a']],
      ]),
    ),
    [['a', 'b', 'c']],
  );
  assert.ok(rank('server/src/service/rules/LL3001.ts') > rank('server/src/service/model/types.ts'));
  assert.ok(rank('server/src/cli.ts') > rank('server/src/service/index.ts'));
});
