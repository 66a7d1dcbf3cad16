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
