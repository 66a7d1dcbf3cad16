/**
 * Messages of the configuration-limit rules: they name the limit, its unit, the measured
 * value and every function a shared (Globals) value applies to.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LanguageService } from '../../server/src/service';

function messages(text: string, ruleId: string): string[] {
  return new LanguageService({ today: () => '2026-11-27' })
    .validate({ uri: 'file:///t.yaml', text })
    .filter((d) => d.ruleId === ruleId)
    .map((d) => d.message);
}

const fn = (id: string, extra = '') => `  ${id}:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      CodeUri: src/
${extra}`;

test('a value from Globals is reported once, naming the functions that use it', () => {
  const text = `Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: nodejs12.x
    Timeout: 1000
Resources:
${fn('A')}${fn('B')}${fn('C')}${fn('D')}${fn('Own', '      Runtime: nodejs24.x\n      Timeout: 10\n')}`;
  assert.deepEqual(messages(text, 'LL1003'), [
    "Timeout 1,000 seconds is outside Lambda's range of 1–900 seconds (functions A, B and 2 more, from Globals).",
  ]);
  const runtime = messages(text, 'LL1011');
  assert.equal(runtime.length, 1);
  assert.match(
    runtime[0] ?? '',
    /^Runtime nodejs12\.x is blocked: .* so the deploy fails \(functions A, B and 2 more, from Globals\)\. Move to nodejs24\.x\.$/,
  );
  const three = `Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    MemorySize: 64
Resources:
${fn('A')}${fn('B')}${fn('C')}`;
  assert.match(messages(three, 'LL1001')[0] ?? '', /\(functions A, B and C, from Globals\)/);
});

test('limit messages carry the measured value, the limit and its unit', () => {
  const text = `Transform: AWS::Serverless-2016-10-31
Resources:
  Q:
    Type: AWS::SQS::Queue
    Properties: { FifoQueue: true }
${fn(
  'W',
  `      Runtime: nodejs22.x
      Environment:
        Variables:
          BIG: ${'x'.repeat(5000)}
      Events:
        E:
          Type: SQS
          Properties:
            Queue: !GetAtt Q.Arn
            BatchSize: 50
            MaximumBatchingWindowInSeconds: 400
`,
)}`;
  assert.deepEqual(messages(text, 'LL1005'), [
    'BatchSize 50 records is outside the range for an SQS FIFO queue: 1–10 records (SQS event E of function W).',
  ]);
  assert.deepEqual(messages(text, 'LL1006'), [
    "MaximumBatchingWindowInSeconds 400 seconds is outside Lambda's range of 0–300 seconds (SQS event E of function W).",
  ]);
  assert.deepEqual(messages(text, 'LL1008'), [
    "Environment variables take 5,003 bytes, over Lambda's limit of 4,096 bytes (4 KB) for all names and values together (function W).",
  ]);
});
