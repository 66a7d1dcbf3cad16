/**
 * Every registered rule has a docs page (diagnostics link to it) with the sections the
 * rule catalogue asks for, and the docs index lists it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RULES } from '../../server/src/service';

const DOCS = resolve(__dirname, '../../docs/rules');

test('each rule has docs/rules/<id>.md with what, why (with a source), how to fix, an example and how to turn it off', () => {
  const index = readFileSync(join(DOCS, 'README.md'), 'utf8');
  for (const rule of RULES) {
    const page = join(DOCS, `${rule.id}.md`);
    assert.ok(existsSync(page), `${rule.id}: docs page`);
    const text = readFileSync(page, 'utf8');
    assert.match(text, new RegExp(`^# ${rule.id}\\b`), `${rule.id}: title`);
    assert.match(text, /https:\/\//, `${rule.id}: a source URL`);
    assert.match(text, /```/, `${rule.id}: an example`);
    assert.match(text, /"off"/, `${rule.id}: how to turn it off`);
    assert.ok(index.includes(`(${rule.id}.md)`), `${rule.id}: listed in docs/rules/README.md`);
  }
});
