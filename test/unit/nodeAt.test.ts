/**
 * nodeAt searches large maps by halves (templates/tree.ts): at every offset of real templates and
 * of a 3,000-line one, it finds what a walk through every entry in order finds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseTreeText } from '../../server/src/service/templates/parse';
import { nodeAt, type TEntry, type TNode } from '../../server/src/service/templates/tree';

const ROOT = resolve(__dirname, '../..');

function templates(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) return name === 'node_modules' ? [] : templates(p);
      return /\.(ya?ml|json)$/.test(name) ? [p] : [];
    });
}

/** The walk nodeAt did before: every entry in order, key first. */
function walk(root: TNode, offset: number): { node: TNode; keys: string[]; onKey: boolean } | undefined {
  const inside = (s: { start: number; end: number }) => offset >= s.start && offset <= s.end;
  if (!inside(root.span)) return undefined;
  const keys: string[] = [];
  let node = root;
  for (;;) {
    let next: TNode | undefined;
    if (node.kind === 'map') {
      const e: TEntry | undefined = node.entries.find((x) => inside(x.keySpan) || inside(x.value.span));
      if (e !== undefined) {
        keys.push(e.key);
        if (inside(e.keySpan)) return { node: e.value, keys, onKey: true };
        next = e.value;
      }
    } else if (node.kind === 'seq') {
      const i = node.items.findIndex((x) => inside(x.span));
      if (i >= 0) {
        keys.push(`[${i}]`);
        next = node.items[i];
      }
    } else if (node.kind === 'intrinsic' && inside(node.arg.span)) next = node.arg;
    if (next === undefined) return { node, keys, onKey: false };
    node = next;
  }
}

function big(): string {
  const lines = ['Resources:'];
  for (let i = 0; i < 200; i++)
    lines.push(`  Fn${i}:`, '    Type: AWS::Serverless::Function', `    Properties: { MemorySize: ${i} }`);
  return `${lines.join('\n')}\n`;
}

test('nodeAt finds at every offset what a walk through every entry finds', () => {
  const texts = [
    big(),
    ...[...templates(join(ROOT, 'examples')), ...templates(join(ROOT, 'test/fixtures/rules'))].map((f) =>
      readFileSync(f, 'utf8'),
    ),
  ];
  let compared = 0;
  for (const text of texts) {
    const root = parseTreeText(text).root;
    if (root === undefined) continue;
    for (let offset = 0; offset <= text.length; offset += 3) {
      const got = nodeAt(root, offset);
      const want = walk(root, offset);
      assert.deepEqual(
        got && { node: got.node, keys: got.keys, onKey: got.onKey },
        want,
        `offset ${offset} of ${text.slice(0, 60)}`,
      );
      compared++;
    }
  }
  assert.ok(compared > 10_000, `offsets compared: ${compared}`);
});
