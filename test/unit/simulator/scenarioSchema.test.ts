/**
 * The scenario's shape is checked by schemas/scenario.schema.json through Ajv
 * (server/src/simulator/scenarioSchema.ts): one sentence per problem, `path: what is wrong`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { scenarioShapeProblems } from '../../../server/src/simulator/scenarioSchema';

const ROOT = resolve(__dirname, '../../..');
const fn = { handler: 'index.handler', codeUri: '.' };
/** The platform settings the schema describes, in its order (the message lists them). */
const PLATFORM_KEYS = Object.keys(
  (
    JSON.parse(readFileSync(join(ROOT, 'schemas/scenario.schema.json'), 'utf8')) as {
      properties: { platform: { properties: Record<string, unknown> } };
    }
  ).properties.platform.properties,
);

test('every scenario in the repository fits the schema (examples, fixtures, but the one meant to be bad)', () => {
  const files = execFileSync('git', ['ls-files', '*.scenario.json'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f !== '' && !f.endsWith('bad.scenario.json'));
  assert.ok(files.length >= 5, files.join(', '));
  for (const file of files)
    assert.deepEqual(scenarioShapeProblems(JSON.parse(readFileSync(join(ROOT, file), 'utf8'))), [], file);
});

test('each kind of problem reads as path: what is wrong', () => {
  const cases: [unknown, string[]][] = [
    [[1], ['scenario: expected an object']],
    [{ function: fn }, ['traffic: missing']],
    [{ function: 5, traffic: [] }, ['function: expected a string or an object (got 5)']],
    [{ function: 'Fn', traffic: [] }, ['template: missing']],
    [
      { function: { ...fn, memorySize: 64 }, traffic: [] },
      ['function.memorySize: expected a whole number from 128 to 10240 (got 64)'],
    ],
    [
      { function: { ...fn, architecture: 'ppc' }, traffic: [] },
      ['function.architecture: expected "x86_64" or "arm64" (got "ppc")'],
    ],
    [{ function: fn, traffic: {} }, ['traffic: expected an array']],
    [{ function: fn, traffic: [{ at: -1, invoke: 'sync' }] }, ['traffic[0].at: expected a number ≥ 0 (got -1)']],
    [{ function: fn, traffic: [{ at: 0 }] }, ['traffic[0]: give one of deploy, invoke, sqs, kinesis or dynamodb']],
    [
      { function: fn, traffic: [{ at: 0, sqs: { batchSize: 5 } }] },
      ['traffic[0].sqs: give one of messages or messagesFile'],
    ],
    [
      { function: fn, traffic: [{ at: 0, sqs: { messages: [5, { nobody: 1 }] } }] },
      [
        'traffic[0].sqs.messages[0]: expected a string or an object (got 5)',
        'traffic[0].sqs.messages[1].body: missing',
      ],
    ],
    [
      { function: fn, platform: { bogus: 1 }, traffic: [] },
      [`platform.bogus: unknown property (expected one of ${PLATFORM_KEYS.join(', ')})`],
    ],
  ];
  for (const [json, expected] of cases) assert.deepEqual(scenarioShapeProblems(json), expected, JSON.stringify(json));
});

test('a traffic entry with two kinds: each reading says which property does not belong', () => {
  const problems = scenarioShapeProblems({
    function: fn,
    traffic: [{ at: 0, invoke: 'sync', sqs: { messages: ['a'] } }],
  });
  assert.ok(
    problems.includes(
      'traffic[0].sqs: unknown property (expected one of at, invoke, event, eventFile, sample, count, intervalMs)',
    ),
    problems.join('\n'),
  );
  assert.ok(problems.includes('traffic[0].invoke: unknown property (expected one of at, sqs)'), problems.join('\n'));
});

test('stream records: an object with data, or the data itself (a record with data fitted both forms, which oneOf refused)', () => {
  assert.deepEqual(
    scenarioShapeProblems({
      function: fn,
      traffic: [{ at: 0, kinesis: { records: [{ data: 1, partitionKey: 'k' }, 'plain', 7] } }],
    }),
    [],
  );
  assert.deepEqual(
    scenarioShapeProblems({
      function: fn,
      traffic: [{ at: 0, dynamodb: { records: [{ data: { Keys: {} }, eventName: 'INSERT' }] } }],
    }),
    [],
  );
});
