/**
 * Quick fixes of the permission rules (LL4001, LL4002, LL4004: attach a managed policy to the
 * role; LL4005: AuthType AWS_IAM): each fix is applied, the text is validated again, and the
 * finding must be gone without a syntax error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LanguageService } from '../../server/src/service';
import type { Edit } from '../../server/src/service/model/findings';

const FIXTURES = resolve(__dirname, '../fixtures/rules');

function apply(text: string, edits: readonly Edit[]): string {
  const sorted = [...edits].sort((a, b) => b.span.start - a.span.start);
  return sorted.reduce((t, e) => t.slice(0, e.span.start) + e.newText + t.slice(e.span.end), text);
}

/** Applies the first fix of `ruleId` until none is left; returns the final text, the findings left and how many fixes ran. */
function fixAll(rel: string, ruleId: string): { text: string; left: number; applied: number } {
  const service = new LanguageService({ today: () => '2026-11-27' });
  const uri = `file:///${rel}`;
  let text = readFileSync(resolve(FIXTURES, rel), 'utf8');
  for (let version = 1, applied = 0; version < 20; version++) {
    const diags = service.validate({ uri, text, version });
    assert.equal(diags.filter((d) => d.ruleId === 'LL0001').length, 0, `fixed text does not parse:\n${text}`);
    const mine = diags.filter((d) => d.ruleId === ruleId);
    const fixable = mine.find((d) => d.fixes.length > 0);
    if (fixable === undefined) return { text, left: mine.length, applied };
    text = apply(text, fixable.fixes[0]?.edits ?? []);
    applied++;
    const after = service.validate({ uri, text, version: version + 100 }).filter((d) => d.ruleId === ruleId).length;
    assert.equal(after, mine.length - 1, `fix "${fixable.fixes[0]?.title}" did not remove its finding:\n${text}`);
  }
  throw new Error('fixes do not converge');
}

test('LL4001: adding AWSLambdaBasicExecutionRole (to an existing list, a new list, in JSON) clears every finding', () => {
  const yaml = fixAll('LL4001/bad.yaml', 'LL4001');
  assert.deepEqual([yaml.left, yaml.applied], [0, 2]);
  assert.match(
    yaml.text,
    /AmazonDynamoDBReadOnlyAccess\n {8}- !Sub 'arn:\$\{AWS::Partition\}:iam::aws:policy\/service-role\/AWSLambdaBasicExecutionRole'\n/,
  );
  assert.match(
    yaml.text,
    /ManagedPolicyArns: \[!Sub 'arn:\$\{AWS::Partition\}:iam::aws:policy\/service-role\/AWSLambdaBasicExecutionRole'\]/,
  );
  const json = fixAll('LL4001/bad.json', 'LL4001');
  assert.deepEqual([json.left, json.applied], [0, 1]);
  assert.match(
    json.text,
    /"ManagedPolicyArns": \[\{ "Fn::Sub": "arn:\$\{AWS::Partition\}:iam::aws:policy\/service-role\/AWSLambdaBasicExecutionRole" \}\]/,
  );
});

test('LL4002: the source’s execution policy is added to a custom role; a SAM role is left to its Policies', () => {
  const r = fixAll('LL4002/bad.yaml', 'LL4002');
  assert.equal(r.applied, 2);
  assert.equal(r.left, 1);
  assert.match(r.text, /AWSLambdaSQSQueueExecutionRole/);
  assert.match(r.text, /AWSLambdaKinesisExecutionRole/);
});

test('LL4004: adding AWSLambdaVPCAccessExecutionRole clears the finding', () => {
  const r = fixAll('LL4004/bad.yaml', 'LL4004');
  assert.deepEqual([r.left, r.applied], [0, 1]);
});

test('LL4005: AuthType NONE becomes AWS_IAM; resource policies are left to the author', () => {
  const r = fixAll('LL4005/bad.yaml', 'LL4005');
  assert.equal(r.applied, 2);
  assert.equal(r.left, 3);
  assert.doesNotMatch(r.text, /\bAuthType: NONE/);
});
