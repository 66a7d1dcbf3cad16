/**
 * Template findings that read handler code (LL4003: a VPC function's SDK calls) follow edits
 * to the handler in the editor, even when the handler's exports (and so its links) stay.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { URI } from 'vscode-uri';
import { LanguageService } from '../../server/src/service';
import { nodeFileSystem } from '../../server/src/nodeFs';

const CASE = resolve(__dirname, '../fixtures/rules/LL4003/no-route');

test('editing a handler re-runs the template rules that read its code', () => {
  const templatePath = join(CASE, 'template.yaml');
  const handlerPath = join(CASE, 'src/app.mjs');
  const open = new Map<string, string>();
  const service = new LanguageService({ fs: nodeFileSystem((p) => open.get(p)), today: () => '2026-11-27' });
  service.setWorkspaceRoots([CASE]);
  const template = { uri: URI.file(templatePath).toString(), text: readFileSync(templatePath, 'utf8'), version: 1 };
  const original = readFileSync(handlerPath, 'utf8');
  const ll4003 = () => service.validate(template).filter((d) => d.ruleId === 'LL4003');

  const edit = (text: string, version: number) => {
    open.set(handlerPath, text);
    service.validate({ uri: URI.file(handlerPath).toString(), text, version });
  };
  edit(original, 1);
  const before = ll4003();
  assert.equal(before.length, 1, 'the fixture reports its VPC function');
  assert.match(before[0]?.message ?? '', /s3/);

  // The same exports, but no AWS calls and no HTTP: nothing left to reach from the VPC.
  edit('export const handler = async (event) => ({ ok: true, key: event.key });\n', 2);
  assert.deepEqual(ll4003(), []);

  edit(original, 3);
  assert.equal(ll4003().length, 1);
});
