/**
 * Quick fixes of the retry rules (LL2001, LL2003, LL2004): each fix is applied to the text,
 * the result is validated again, and the finding must be gone without a new syntax error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { URI } from 'vscode-uri';
import { LanguageService, type Diagnostic } from '../../server/src/service';
import { nodeFileSystem } from '../../server/src/nodeFs';
import type { Edit } from '../../server/src/service/model/findings';

const FIXTURES = resolve(__dirname, '../fixtures/rules');

/** Applies edits as LSP does: offsets refer to the original text; inserts at one offset keep their order. */
function apply(text: string, edits: readonly Edit[]): string {
  const sorted = edits.map((e, i) => ({ e, i })).sort((a, b) => a.e.span.start - b.e.span.start || a.i - b.i);
  let out = '';
  let at = 0;
  for (const { e } of sorted) {
    out += text.slice(at, e.span.start) + e.newText;
    at = e.span.end;
  }
  return out + text.slice(at);
}

/** Applies the first fix of `ruleId` until none is left; returns the final text and what was left unfixed. */
function fixAll(
  uri: string,
  text: string,
  ruleId: string,
  service = new LanguageService({ today: () => '2026-11-27' }),
): { text: string; left: readonly Diagnostic[]; applied: number } {
  let current = text;
  let applied = 0;
  for (let version = 1; version < 50; version++) {
    const diags = service.validate({ uri, text: current, version });
    assert.equal(diags.filter((d) => d.ruleId === 'LL0001').length, 0, `fixed text does not parse:\n${current}`);
    const fixable = diags.find((d) => d.ruleId === ruleId && d.fixes.length > 0);
    if (fixable === undefined) return { text: current, left: diags.filter((d) => d.ruleId === ruleId), applied };
    const before = diags.filter((d) => d.ruleId === ruleId).length;
    current = apply(current, fixable.fixes[0]?.edits ?? []);
    applied++;
    const after = service
      .validate({ uri, text: current, version: version + 1000 })
      .filter((d) => d.ruleId === ruleId).length;
    assert.equal(after, before - 1, `fix "${fixable.fixes[0]?.title}" did not remove its finding:\n${current}`);
  }
  throw new Error('fixes do not converge');
}

function fixture(rel: string): string {
  return readFileSync(resolve(FIXTURES, rel), 'utf8');
}

test('LL2001: raising the visibility timeout (in place, and where the property is missing) clears every finding', () => {
  for (const rel of ['LL2001/bad.yaml', 'LL2001/bad.json', 'LL2001/default-timeout.yaml']) {
    const r = fixAll(`file:///${rel}`, fixture(rel), 'LL2001');
    assert.equal(r.left.length, 0, rel);
    assert.ok(r.applied > 0);
  }
  const fixed = fixAll('file:///t.yaml', fixture('LL2001/bad.yaml'), 'LL2001').text;
  assert.match(fixed, /VisibilityTimeout: 180\n/);
  assert.match(
    fixed,
    /AuditQueue:\n# \^LL2001\n {4}Type: AWS::SQS::Queue\n {4}Properties:\n {6}VisibilityTimeout: 60\n/,
  );
});

test('LL2001: error below the timeout, warning below 6×, and the message names the function and the defaults', () => {
  const service = new LanguageService();
  const diags = service
    .validate({ uri: 'file:///a.yaml', text: fixture('LL2001/bad.yaml') })
    .filter((d) => d.ruleId === 'LL2001');
  const orders = diags.find((d) => d.message.startsWith('Queue OrdersQueue'));
  const audit = diags.find((d) => d.message.startsWith('Queue AuditQueue'));
  assert.equal(orders?.severity, 'error');
  assert.match(orders?.message ?? '', /function Orders .*fails to deploy/);
  assert.equal(audit?.severity, 'warning');
  assert.match(audit?.message ?? '', /SQS default of 30 s/);
  const dflt = service
    .validate({ uri: 'file:///b.yaml', text: fixture('LL2001/default-timeout.yaml') })
    .find((d) => d.ruleId === 'LL2001');
  assert.match(dflt?.message ?? '', /3 s, the default/);
});

test('LL2004: adding FunctionResponseTypes to block, flow and JSON mappings clears every finding', () => {
  const r = fixAll('file:///x.yaml', fixture('LL2004/bad.yaml'), 'LL2004');
  assert.equal(r.left.length, 0);
  assert.equal(r.applied, 3);
  assert.match(r.text, /BatchSize: 10\n {12}FunctionResponseTypes: \[ReportBatchItemFailures\]\n/);
  assert.match(
    r.text,
    /Properties: \{ Queue: arn:aws:sqs:us-east-1:123456789012:other, FunctionResponseTypes: \[ReportBatchItemFailures\] \}/,
  );
  const json = JSON.stringify(
    {
      Resources: {
        Fn: {
          Type: 'AWS::Lambda::Function',
          Properties: {
            Handler: 'index.handler',
            Runtime: 'nodejs22.x',
            Role: 'arn:aws:iam::1:role/r',
            Code: { ZipFile: 'x' },
          },
        },
        Map: {
          Type: 'AWS::Lambda::EventSourceMapping',
          Properties: { FunctionName: { Ref: 'Fn' }, EventSourceArn: 'arn:aws:sqs:us-east-1:1:q' },
        },
      },
    },
    null,
    2,
  );
  const j = fixAll('file:///x.json', json, 'LL2004');
  assert.equal(j.left.length, 0);
  assert.deepEqual(JSON.parse(j.text).Resources.Map.Properties.FunctionResponseTypes, ['ReportBatchItemFailures']);
});

test('LL2003: an OnFailure destination stub (SAM async, SAM stream, CloudFormation mapping and function) clears every finding', () => {
  const r = fixAll('file:///x.yaml', fixture('LL2003/bad.yaml'), 'LL2003');
  assert.equal(r.left.length, 0);
  assert.equal(r.applied, 3);
  assert.match(r.text, /ThumbnailsFailureQueue:\n {4}Type: AWS::SQS::Queue/);
  assert.match(
    r.text,
    /EventInvokeConfig:\n {8}DestinationConfig:\n {10}OnFailure:\n {12}Type: SQS\n {12}Destination: !GetAtt ThumbnailsFailureQueue.Arn/,
  );
  const cfn = [
    'AWSTemplateFormatVersion: "2010-09-09"',
    'Resources:',
    '    Fn:',
    '        Type: AWS::Lambda::Function',
    '        Properties: { Handler: index.handler, Runtime: nodejs22.x, Role: r, Code: { ZipFile: x } }',
    '    Allow:',
    '        Type: AWS::Lambda::Permission',
    '        Properties: { FunctionName: !Ref Fn, Action: lambda:InvokeFunction, Principal: s3.amazonaws.com }',
    '',
  ].join('\n');
  const c = fixAll('file:///c.yaml', cfn, 'LL2003');
  assert.equal(c.left.length, 0);
  assert.match(
    c.text,
    /\n {4}FnInvokeConfig:\n {8}Type: AWS::Lambda::EventInvokeConfig\n {8}Properties:\n {12}FunctionName: !Ref Fn\n {12}Qualifier: \$LATEST\n/,
  );
  assert.match(c.text, /\n {4}FnFailureQueue:\n {8}Type: AWS::SQS::Queue\n$/);
});

test('LL2101: the conditional-put fix adds attribute_not_exists on the table key, and the put is no longer reported', () => {
  const file = resolve(FIXTURES, 'LL2101/sqs-sdk-v3/src/handler.mjs');
  const service = new LanguageService({ fs: nodeFileSystem(), today: () => '2026-11-27' });
  const r = fixAll(URI.file(file).toString(), readFileSync(file, 'utf8'), 'LL2101', service);
  assert.equal(r.applied, 1);
  assert.match(
    r.text,
    /Item: \{ orderId: order.id, total: order.total \},\n {8}ConditionExpression: 'attribute_not_exists\(orderId\)',\n/,
  );
  assert.equal(r.left.filter((d) => d.message.startsWith('DynamoDB Put ')).length, 0);
  assert.equal(r.left.length, 5);
});

test('LL2003: the destination stub is valid JSON in a JSON template (new EventInvokeConfig and queue)', () => {
  const json = JSON.stringify(
    {
      AWSTemplateFormatVersion: '2010-09-09',
      Resources: {
        Fn: {
          Type: 'AWS::Lambda::Function',
          Properties: {
            Handler: 'index.handler',
            Runtime: 'nodejs22.x',
            Role: 'arn:aws:iam::1:role/r',
            Code: { ZipFile: 'x' },
          },
        },
        Allow: {
          Type: 'AWS::Lambda::Permission',
          Properties: { FunctionName: { Ref: 'Fn' }, Action: 'lambda:InvokeFunction', Principal: 'sns.amazonaws.com' },
        },
      },
    },
    null,
    2,
  );
  const r = fixAll('file:///c.json', json, 'LL2003');
  assert.equal(r.left.length, 0);
  const fixed = JSON.parse(r.text);
  assert.deepEqual(fixed.Resources.FnFailureQueue, { Type: 'AWS::SQS::Queue' });
  assert.deepEqual(fixed.Resources.FnInvokeConfig.Properties.DestinationConfig.OnFailure.Destination, {
    'Fn::GetAtt': ['FnFailureQueue', 'Arn'],
  });
});
