/**
 * Re-reading a YAML template after an edit by patching the previous parse (templates/patch.ts)
 * gives exactly what a full parse of the new text gives: over every YAML template in examples/
 * and the rule fixtures, edits of many kinds (typing, deleting, new lines, new keys, quotes,
 * brackets, tags, anchors, aliases, indentation), each applied to the result of the last.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseTreeText, type ParsedTree } from '../../server/src/service/templates/parse';
import { readTemplate } from '../../server/src/service/templates/template';
import type { TEntry, TNode } from '../../server/src/service/templates/tree';
import { knownValue } from '../../server/src/service/model/types';

const ROOT = resolve(__dirname, '../..');

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (name === 'node_modules') continue;
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out;
}

/** A small deterministic generator (mulberry32), so a failure names its seed and reproduces. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INSERTS = [
  'a',
  '9',
  ' ',
  '\n',
  '  ',
  ':',
  '#',
  '- ',
  '"',
  "'",
  '[',
  '{',
  '}',
  '!Ref ',
  '&anchor ',
  '*anchor',
  '\n  Extra: 1\n',
  '\n    Extra: 1',
  '\n      - item',
  '\nTop: 1',
  '|\n  text',
  '---\n',
  '%YAML 1.1\n',
  '\t',
  '\r\n',
];

function edit(text: string, next: () => number): string {
  const at = Math.floor(next() * (text.length + 1));
  const kind = next();
  if (kind < 0.45) return text.slice(0, at) + (INSERTS[Math.floor(next() * INSERTS.length)] as string) + text.slice(at);
  const length = 1 + Math.floor(next() * 12);
  if (kind < 0.8) return text.slice(0, at) + text.slice(at + length);
  // Replace a number or word, as typing over a value does.
  return text.slice(0, at) + String(Math.floor(next() * 100000)) + text.slice(at + length);
}

/** The tree without anything the comparison should not see (all fields are plain data). */
function plain(p: ParsedTree): unknown {
  return JSON.parse(JSON.stringify({ root: p.root, errors: p.syntaxErrors, overLimit: p.overLimit }));
}

/** A patch keeps the entries before the edited one (a full parse makes all nodes anew). */
function reuses(root: TNode | undefined, previous: TNode | undefined): boolean {
  const entries = (n: TNode | undefined): TEntry[] =>
    n?.kind === 'map'
      ? [...n.entries, ...n.entries.flatMap((e) => (e.value.kind === 'map' ? e.value.entries : []))]
      : [];
  const old = new Set(entries(previous));
  return root === previous || entries(root).some((e) => old.has(e));
}

const files = [...yamlFiles(join(ROOT, 'examples')), ...yamlFiles(join(ROOT, 'test/fixtures'))];

test('a patched parse equals a full parse after every edit, chained', () => {
  assert.ok(files.length > 50, `YAML templates found: ${files.length}`);
  let patched = 0;
  let edits = 0;
  files.forEach((file, n) => {
    const next = random(n + 1);
    const original = readFileSync(file, 'utf8');
    const originalRoot = parseTreeText(original, 'yaml').root;
    let text = original;
    let previous = { text, root: originalRoot };
    for (let i = 0; i < 24; i++) {
      // Bursts of four edits, each on the last one's result, then back to the file as it is.
      if (i % 4 === 0) {
        text = original;
        previous = { text, root: originalRoot };
      }
      const changed = edit(text, next);
      const full = parseTreeText(changed, 'yaml');
      const incremental = parseTreeText(changed, 'yaml', previous);
      edits++;
      if (reuses(incremental.root, previous.root)) patched++;
      assert.deepEqual(plain(incremental), plain(full), `${file}, seed ${n + 1}, edit ${i}`);
      text = changed;
      previous = { text, root: incremental.root };
    }
  });
  // The comparison above means something only if many edits took the patch path.
  assert.ok(patched > edits / 10, `patched ${patched} of ${edits} edits`);
});

test('the template model read from a patched parse equals the one read in full', () => {
  const template = (memory: (i: number) => number) => {
    const lines = ["AWSTemplateFormatVersion: '2010-09-09'", 'Transform: AWS::Serverless-2016-10-31', 'Resources:'];
    for (let i = 0; i < 20; i++)
      lines.push(
        `  Fn${i}:`,
        '    Type: AWS::Serverless::Function',
        '    Properties:',
        '      Handler: index.handler',
        '      Runtime: nodejs22.x',
        `      MemorySize: ${memory(i)}`,
        '      Events:',
        '        Queue:',
        '          Type: SQS',
        '          Properties:',
        `            Queue: !GetAtt Queue${i}.Arn`,
        `  Queue${i}:`,
        '    Type: AWS::SQS::Queue',
      );
    return `${lines.join('\n')}\n`;
  };
  const before = readTemplate(
    'file:///t.yaml',
    template(() => 256),
    'yaml',
  );
  const changed = template((i) => (i === 5 ? 10241 : 256));
  const full = readTemplate('file:///t.yaml', changed, 'yaml');
  const patched = readTemplate('file:///t.yaml', changed, 'yaml', before);
  assert.ok(reuses(patched.root, before.root), 'the patch path was taken');
  const model = (t: typeof full) => JSON.stringify({ root: t.root, functions: t.functions, queues: [...t.queues] });
  assert.equal(model(patched), model(full));
  assert.equal(knownValue(patched.functions.find((f) => f.logicalId === 'Fn5')?.memorySize), 10241);
});
