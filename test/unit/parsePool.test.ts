/**
 * The CLI's parse worker threads (server/src/parsePool.ts, dist/parse-worker.js): a tree made in
 * a worker is the tree parseTreeText makes in the main thread, for every template of the
 * repository and for broken and unusual YAML; a text the caller reaches before any worker took
 * it, and texts left when the pool is closed, come back to the caller to parse.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ParsePool } from '../../server/src/parsePool';
import { parseTreeText } from '../../server/src/service/templates/parse';
import { formatOf } from '../../server/src/service/templates/template';

const ROOT = resolve(__dirname, '../..');
const WORKER = join(ROOT, 'dist/parse-worker.js');
const skip = availableParallelism() < 2 ? 'one core: the CLI parses in its own thread' : false;

function templates(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) return name === 'node_modules' ? [] : templates(p);
      return /\.(ya?ml|json|template)$/.test(name) ? [p] : [];
    });
}

const UNUSUAL: readonly [name: string, text: string][] = [
  ['syntax.yaml', 'Resources:\n  Fn:\n    Type: [AWS::Lambda::Function\n  Other: 1\n'],
  ['aliases.yaml', 'a: &x {Type: AWS::SNS::Topic}\nResources:\n  T: *x\n  U: *x\n'],
  ['numbers.yaml', 'AWSTemplateFormatVersion: 2010-09-09\nv: [.nan, -.inf, -0, 0x1F, 1e3, ~, yes, "1"]\n'],
  ['crlf.yaml', 'Resources:\r\n  Q:\r\n    Type: AWS::SQS::Queue\r\n'],
  [
    'tags.yaml',
    'Resources:\n  F:\n    Properties:\n      Role: !GetAtt [R, Arn]\n      Name: !Sub "${AWS::StackName}-f"\n',
  ],
  ['flow-indent.yaml', 'Resources:\n  P:\n    Properties:\n      List: [a,\n      b]\n'],
  ['deep.yaml', `${'['.repeat(2000)}${']'.repeat(2000)}\n`],
  ['trailing.json', '{"Resources": {"Q": {"Type": "AWS::SQS::Queue",},}}'],
  ['broken.json', '{"Resources": '],
  ['sniffed.template', '{"AWSTemplateFormatVersion": "2010-09-09"}'],
];

test('a tree parsed in a worker is the one parseTreeText makes', { skip }, async () => {
  assert.ok(existsSync(WORKER), 'npm run build makes dist/parse-worker.js');
  const files: [string, string][] = [
    ...[...templates(join(ROOT, 'examples')), ...templates(join(ROOT, 'test/fixtures'))].map((p): [string, string] => [
      p,
      readFileSync(p, 'utf8'),
    ]),
    ...UNUSUAL,
  ];
  const pool = ParsePool.for(files.length, WORKER);
  assert.ok(pool);
  try {
    const pending = files.map(([name, text]) => pool.parse(text, formatOf(name)));
    let fromWorkers = 0;
    for (const [i, [name, text]] of files.entries()) {
      // Waiting for each in turn lets the workers take texts ahead, as the CLI does while it runs the rules.
      await new Promise((r) => setTimeout(r, 1));
      const parsed = await (pending[i] as (typeof pending)[number]).result();
      if (parsed === undefined) continue;
      fromWorkers++;
      assert.deepStrictEqual(parsed, parseTreeText(text, formatOf(name)), name);
    }
    assert.ok(fromWorkers > files.length / 2, `${fromWorkers} of ${files.length} parsed in workers`);
  } finally {
    pool.close();
  }
});

test(
  'a text still queued when its result is asked, and texts left at close, come back to the caller',
  { skip },
  async () => {
    const pool = ParsePool.for(100, WORKER);
    assert.ok(pool);
    const text = 'Resources:\n  Q:\n    Type: AWS::SQS::Queue\n';
    const pending = Array.from({ length: 100 }, () => pool.parse(text, 'yaml'));
    // The workers hold a few each; the last one is still queued.
    assert.equal(await (pending[99] as (typeof pending)[number]).result(), undefined);
    const first = await (pending[0] as (typeof pending)[number]).result();
    assert.deepStrictEqual(first, parseTreeText(text, 'yaml'));
    pool.close();
    const rest = await Promise.all(pending.slice(1, 99).map((p) => p.result()));
    assert.ok(rest.some((r) => r === undefined));
  },
);

test('a few files are parsed in the main thread (no worker is started)', () => {
  assert.equal(ParsePool.for(3, WORKER), undefined);
});
