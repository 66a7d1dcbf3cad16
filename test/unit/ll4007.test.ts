/**
 * LL4007's quick fix, applied for real: the fixture is copied to a temporary folder, the fix's
 * edits are written into its template, and the handler is checked again through the language
 * service. Each fix must remove its own finding and nothing else may appear.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { URI } from 'vscode-uri';
import { LanguageService } from '../../server/src/service';
import { nodeFileSystem } from '../../server/src/nodeFs';
import type { Edit } from '../../server/src/service/model/findings';

function apply(text: string, edits: readonly Edit[]): string {
  return [...edits]
    .sort((a, b) => b.span.start - a.span.start)
    .reduce((t, e) => t.slice(0, e.span.start) + e.newText + t.slice(e.span.end), text);
}

test('LL4007 quick fix adds the narrowest SAM policy template and the finding goes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'll4007-'));
  try {
    cpSync(resolve(__dirname, '../fixtures/rules/LL4007/sam-v3'), dir, { recursive: true });
    const handler = join(dir, 'src/app.mjs');
    const template = join(dir, 'template.yaml');
    const check = () => {
      const service = new LanguageService({ fs: nodeFileSystem() });
      const uri = URI.file(handler).toString();
      return service
        .validate({ uri, text: readFileSync(handler, 'utf8'), version: 1 })
        .filter((d) => d.ruleId === 'LL4007');
    };
    const before = check();
    assert.equal(before.length, 3);
    const titles: string[] = [];
    for (let round = 0; round < 3; round++) {
      const fixable = check().find((d) => d.fixes.length > 0);
      assert.ok(fixable, 'every finding of this fixture has a fix');
      const fix = fixable.fixes[0];
      assert.ok(fix);
      titles.push(fix.title);
      assert.ok(fix.edits.every((e) => URI.parse(e.uri).fsPath === template));
      writeFileSync(template, apply(readFileSync(template, 'utf8'), fix.edits));
    }
    assert.deepEqual(titles, [
      "Add DynamoDBWritePolicy for Orders to function Writer's Policies",
      "Add SQSPollerPolicy for Jobs to function Writer's Policies",
      "Add S3WritePolicy for Uploads to function Writer's Policies",
    ]);
    assert.deepEqual(check(), []);
    const text = readFileSync(template, 'utf8');
    assert.match(text, /\n {8}- DynamoDBWritePolicy: \{ TableName: !Ref Orders \}\n/);
    assert.match(text, /- SQSPollerPolicy: \{ QueueName: !GetAtt Jobs\.QueueName \}/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('hovers: Policies says what the code calls and whether each is allowed; a function says who may invoke it', () => {
  const fixture = resolve(__dirname, '../fixtures/rules/LL4007/sam-v3');
  const service = new LanguageService({ fs: nodeFileSystem() });
  const path = join(fixture, 'template.yaml');
  const text = readFileSync(path, 'utf8');
  const doc = { uri: URI.file(path).toString(), text, version: 1 };
  const policies = service.hover(doc, text.indexOf('Policies:') + 2)?.markdown ?? '';
  assert.match(policies, /What the code of Writer calls/);
  assert.match(
    policies,
    /`PutItemCommand` → `dynamodb:PutItem` on Orders: \*\*denied\*\*: no statement of the role allows dynamodb:PutItem/,
  );
  assert.match(policies, /`GetItemCommand` → `dynamodb:GetItem` on Orders: allowed \(DynamoDBReadPolicy\)/);
  assert.match(policies, /`SendMessageCommand` → `sqs:SendMessage` on Jobs: allowed \(SQSSendMessagePolicy\)/);
  const writer = service.hover(doc, text.indexOf('  Writer:') + 3)?.markdown ?? '';
  assert.match(writer, /Who may invoke Writer:\*\* no permission in this template/);

  const invoked = `Transform: AWS::Serverless-2016-10-31
Resources:
  Topic:
    Type: AWS::SNS::Topic
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: nodejs22.x
      InlineCode: exports.handler = async () => {};
      Events:
        Alerts:
          Type: SNS
          Properties:
            Topic: !Ref Topic
  FromBucket:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !Ref Fn
      Action: lambda:InvokeFunction
      Principal: s3.amazonaws.com
      SourceAccount: !Ref AWS::AccountId
      SourceArn: arn:aws:s3:::uploads
  Open:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !GetAtt Fn.Arn
      Action: lambda:InvokeFunction
      Principal: events.amazonaws.com
`;
  const uri = 'file:///tmp/ll4007-invokers/template.yaml';
  const h = service.hover({ uri, text: invoked, version: 1 }, invoked.indexOf('  Fn:') + 3)?.markdown ?? '';
  assert.match(h, /Who may invoke Fn\*\* \(its resource policy/);
  assert.match(h, /`sns\.amazonaws\.com`: the permission SAM generates for event Alerts \(SNS\)/);
  assert.match(
    h,
    /`s3\.amazonaws\.com` \(FromBucket, `lambda:InvokeFunction`\): SourceArn `arn:aws:s3:::uploads`, SourceAccount `!Ref AWS::AccountId`/,
  );
  assert.match(h, /`events\.amazonaws\.com` \(Open, `lambda:InvokeFunction`\): \*\*no source condition\*\*/);
});
