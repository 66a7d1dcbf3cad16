/**
 * Validation before a run: a template function Lambda would reject (LL1xxx errors) stops the
 * simulation before any process starts, in the CLI with the rule id and message and exit 1;
 * `--force` runs it anyway. Values the scenario overrides are the ones checked.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { runSimulate } from '../../../server/src/simulator/cli';
import { liveRuntimePids } from '../../../server/src/simulator/runtimes/process';
import { resolveScenario } from '../../../server/src/simulator/scenario';
import { FIXTURES } from './helpers';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

const TEMPLATE = (codeUri: string, props: string): string => `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Big:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs22.x
      CodeUri: ${codeUri}
${props}
  Other:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs22.x
      CodeUri: ${codeUri}
      MemorySize: 99999
`;

function project(props: string): { dir: string; template: string } {
  const dir = mkdtempSync(join(tmpdir(), 'll-validate-'));
  const template = join(dir, 'template.yaml');
  writeFileSync(template, TEMPLATE(join(FIXTURES, 'trivial'), props));
  return { dir, template };
}

test('MemorySize 20000 and Timeout 1000: the CLI names both rules and exits 1 before starting any process', async () => {
  const { dir, template } = project(
    '      MemorySize: 20000\n      Timeout: 1000\n      Environment:\n        Variables:\n          AWS_REGION: eu-west-1',
  );
  try {
    const out = capture();
    const err = capture();
    const code = await runSimulate([template, '--function', 'Big'], out.stream, err.stream);
    assert.equal(code, 1);
    const text = err.text();
    assert.match(
      text,
      /template\.yaml:10 {2}LL1001 {2}MemorySize 20000 MB is outside Lambda's range of 128–10,240 MB \(function Big\)/,
    );
    assert.match(text, /template\.yaml:11 {2}LL1003 {2}Timeout 1,000 seconds is outside Lambda's range/);
    assert.match(text, /LL1009 .*AWS_REGION/);
    assert.doesNotMatch(text, /99999/, "another function's problems do not stop this one");
    assert.match(text, /run anyway with --force/);
    assert.equal(out.text(), '', 'nothing ran');
    assert.deepEqual(liveRuntimePids(), [], 'no process was started');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--force runs a rejected configuration and still lists what Lambda would reject', async () => {
  const { dir, template } = project('      MemorySize: 20000');
  try {
    const out = capture();
    const err = capture();
    const scenario = join(dir, 'one.scenario.json');
    writeFileSync(
      scenario,
      JSON.stringify({ template, function: 'Big', traffic: [{ at: 0, invoke: 'sync', event: {} }] }),
    );
    const code = await runSimulate([scenario, '--force'], out.stream, err.stream);
    assert.equal(code, 0, err.text());
    assert.match(err.text(), /LL1001/);
    assert.match(err.text(), /running anyway \(--force\)/);
    assert.match(out.text(), /REPORT RequestId/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a value the scenario overrides is not held against it; a valid function has no rejections', () => {
  const { dir, template } = project('      MemorySize: 20000\n      Timeout: 30');
  try {
    const traffic = [{ at: 0, invoke: 'sync', event: {} }];
    const rejected = resolveScenario({ template, function: 'Big', traffic }, join(dir, 's.json')).rejections;
    assert.deepEqual(
      rejected.map((r) => r.ruleId),
      ['LL1001'],
    );
    const overridden = resolveScenario(
      { template, function: 'Big', overrides: { memorySize: 1024 }, traffic },
      join(dir, 's.json'),
    ).rejections;
    assert.deepEqual(overridden, []);
    const inline = resolveScenario(
      { function: { handler: 'index.handler', runtime: 'nodejs22.x', codeUri: join(FIXTURES, 'trivial') }, traffic },
      join(dir, 's.json'),
    );
    assert.deepEqual(inline.rejections, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
