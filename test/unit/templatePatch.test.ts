/**
 * Re-reading a YAML template after an edit by patching the previous parse (templates/patch.ts)
 * gives exactly what a full parse of the new text gives: over every YAML template in examples/
 * and the rule fixtures, edits of many kinds (typing, deleting, new lines, new keys, quotes,
 * brackets, tags, anchors, aliases, indentation), each applied to the result of the last.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseTreeText, type ParsedTree } from '../../server/src/service/templates/parse';
import { readTemplate, type TemplateDocument } from '../../server/src/service/templates/template';
import type { TEntry, TNode } from '../../server/src/service/templates/tree';
import { knownValue } from '../../server/src/service/model/types';
import { yamlFilesUnder } from './helpers/fixtures';

const ROOT = resolve(__dirname, '../..');

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

const files = [...yamlFilesUnder(join(ROOT, 'examples')), ...yamlFilesUnder(join(ROOT, 'test/fixtures'))];

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

/** What a template read gives, as plain data, and whether each trigger's queue is the template's own queue object. */
function models(t: TemplateDocument): { data: string; sharedQueues: boolean } {
  const sharedQueues = t.functions.every((fn) =>
    fn.triggers.every(
      (tr) => tr.mapping?.queue === undefined || tr.mapping.queue === t.queues.get(tr.mapping.queue.logicalId),
    ),
  );
  const data = JSON.stringify({ functions: t.functions, queues: [...t.queues], detached: t.detachedMappings });
  return { data, sharedQueues };
}

/** A function's logical id in {@link manyFunctions} (two digits: no id is a part of another). */
const fn = (i: number) => `Fn${String(i).padStart(2, '0')}`;

/** A template of many functions that name each other in the ways the reader follows. */
function manyFunctions(): string {
  const lines = [
    "AWSTemplateFormatVersion: '2010-09-09'",
    'Transform: AWS::Serverless-2016-10-31',
    'Globals:',
    '  Function:',
    '    Runtime: nodejs22.x',
    '    Timeout: 10',
    'Resources:',
  ];
  for (let i = 0; i < 30; i++) {
    lines.push(
      `  ${fn(i)}:`,
      '    Type: AWS::Serverless::Function',
      '    Properties:',
      `      CodeUri: src/fn${i}/`,
      '      Handler: index.handler',
      `      MemorySize: ${128 + i}`,
      '      Environment:',
      '        Variables:',
      // Every fourth function names the next one: that one is then read again after any edit of it.
      i % 4 === 0 ? `          NEXT: !Ref ${fn(i + 1)}` : `          TABLE: table-${i}`,
      '      Events:',
      '        Queue:',
      '          Type: SQS',
      '          Properties:',
      `            Queue: !GetAtt Queue${i}.Arn`,
      '            BatchSize: 10',
    );
    if (i % 5 === 0)
      lines.push('      DeadLetterQueue:', '        Type: SQS', `        TargetArn: !GetAtt Queue${i + 1}.Arn`);
    if (i % 7 === 0)
      lines.push(
        '    Connectors:',
        '      Reads:',
        '        Properties:',
        '          Destination:',
        `            Id: Queue${i}`,
        '          Permissions: [Read]',
      );
    lines.push(`  Queue${i}:`, '    Type: AWS::SQS::Queue', '    Properties:', `      VisibilityTimeout: ${60 + i}`);
    if (i % 6 === 0)
      lines.push(
        `  Map${i}:`,
        '    Type: AWS::Lambda::EventSourceMapping',
        '    Properties:',
        `      FunctionName: !Ref ${fn((i + 2) % 30)}`,
        `      EventSourceArn: !GetAtt Queue${i}.Arn`,
      );
    if (i % 9 === 0)
      lines.push(
        `  Policy${i}:`,
        '    Type: AWS::IAM::Policy',
        '    Properties:',
        '      PolicyName: p',
        `      Roles: [!Ref ${fn(i)}Role]`,
        '      PolicyDocument:',
        '        Statement:',
        '          - Effect: Allow',
        '            Action: sqs:SendMessage',
        `            Resource: !GetAtt Queue${i}.Arn`,
      );
  }
  lines.push('Outputs:', '  Fn3Arn:', '    Value: !GetAtt Fn3.Arn');
  return `${lines.join('\n')}\n`;
}

/** Edits that change what other functions read: a connector naming another function, a reference, a renamed or retyped resource. */
const MODEL_EDITS: readonly ((text: string, next: () => number) => string)[] = [
  // Typing in one value of one function (the edit a model is kept after).
  (t, next) => {
    const values = [...t.matchAll(/MemorySize: \d+/g)];
    const m = values[Math.floor(next() * values.length)];
    if (m?.index === undefined) return t;
    return `${t.slice(0, m.index)}MemorySize: ${Math.floor(next() * 20000)}${t.slice(m.index + m[0].length)}`;
  },
  (t, next) => {
    const i = Math.floor(next() * 30);
    return t.replace(
      `  ${fn(i)}:\n    Type: AWS::Serverless::Function\n`,
      `  ${fn(i)}:\n    Type: AWS::Serverless::Function\n    Connectors:\n      Calls:\n        Properties:\n          Destination:\n            Id: ${fn((i + 3) % 30)}\n          Permissions: [Write]\n`,
    );
  },
  (t, next) => t.replace(`${fn(Math.floor(next() * 30))}:\n`, `${fn(100 + Math.floor(next() * 30))}:\n`),
  // A new version with the same text (a save, an undo).
  (t) => t,
  (t, next) =>
    t.replace(`  ${fn(Math.floor(next() * 30))}:\n    Type: AWS::Serverless::Function`, (m) =>
      m.replace('AWS::Serverless::Function', 'AWS::SQS::Queue'),
    ),
  (t, next) => {
    const i = Math.floor(next() * 30);
    return t.replace(
      `      CodeUri: src/fn${i}/\n`,
      `      CodeUri: src/fn${i}/\n      Role: !GetAtt ${fn((i + 1) % 30)}Role.Arn\n`,
    );
  },
  (t, next) => t.replace(`      VisibilityTimeout: ${60 + Math.floor(next() * 30)}`, '      VisibilityTimeout: 901'),
];

test('models kept from the last version equal a full read, after every edit, chained', () => {
  const sources = [...files.map((f) => readFileSync(f, 'utf8')), manyFunctions()];
  let kept = 0;
  sources.forEach((original, n) => {
    const next = random(1000 + n);
    let previous = readTemplate('file:///t.yaml', original, 'yaml');
    const many = n === sources.length - 1;
    for (let i = 0; i < (many ? 300 : 12); i++) {
      if (i % (many ? 6 : 4) === 0) previous = readTemplate('file:///t.yaml', original, 'yaml');
      // The template of many functions: mostly typing in one value, else edits that change what others read, else anything.
      const dice = many ? next() : 1;
      const changed =
        dice < 0.5
          ? (MODEL_EDITS[0] as (typeof MODEL_EDITS)[number])(previous.text, next)
          : dice < 0.8
            ? (MODEL_EDITS[1 + Math.floor(next() * (MODEL_EDITS.length - 1))] as (typeof MODEL_EDITS)[number])(
                previous.text,
                next,
              )
            : edit(previous.text, next);
      const full = readTemplate('file:///t.yaml', changed, 'yaml');
      const incremental = readTemplate('file:///t.yaml', changed, 'yaml', previous);
      // Models of functions before the edited one are kept as they are (those after it are moved copies).
      if (many && incremental.functions.some((f) => previous.functions.includes(f))) kept++;
      const a = models(incremental);
      assert.equal(a.data, models(full).data, `source ${n}, seed ${1000 + n}, edit ${i}`);
      assert.ok(a.sharedQueues, `source ${n}, edit ${i}: a trigger's queue is the template's queue`);
      previous = incremental;
    }
  });
  // The comparison above means something only if models were kept in many of the reads.
  assert.ok(kept > 300 / 5, `models kept in ${kept} of 300 reads of the template of many functions`);
});
