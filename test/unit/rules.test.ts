/**
 * Runs every rule fixture through the language service. Fixtures live in
 * test/fixtures/rules/<ruleId>/; each file (or each file of a case folder) carries caret
 * markers for the findings it must produce (see helpers/fixtures.ts). Findings of the
 * folder's rule that are not marked fail the test, and so do marks that get no finding.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { LanguageService, loadPythonParser } from '../../server/src/service';
import { nodeFileSystem } from '../../server/src/nodeFs';
import { filesUnder, formatExpectation, readExpectations } from './helpers/fixtures';

const FIXTURES = resolve(__dirname, '../fixtures/rules');
/** A fixed day, so that runtime lifecycle findings do not change with the calendar. */
const TODAY = '2026-11-27';

// Python fixtures need the tree-sitter parser, which loads asynchronously once per process.
before(async () => {
  assert.ok(await loadPythonParser(), 'the Python parser loads');
});

for (const ruleId of readdirSync(FIXTURES).sort()) {
  for (const file of filesUnder(join(FIXTURES, ruleId))) {
    if (/\.(md|txt)$/.test(file)) continue;
    test(`${ruleId}: ${file.slice(FIXTURES.length + 1)}`, () => {
      const service = new LanguageService({ fs: nodeFileSystem(), today: () => TODAY });
      const text = readFileSync(file, 'utf8');
      const uri = URI.file(file).toString();
      const doc = TextDocument.create(uri, 'text', 1, text);
      const got = service
        .validate({ uri, text, version: 1 })
        .filter((d) => d.ruleId === ruleId && d.uri === uri)
        .map((d) => {
          const p = doc.positionAt(d.span.start);
          return formatExpectation({ line: p.line + 1, column: p.character + 1, ruleId: d.ruleId });
        })
        .sort();
      const want = readExpectations(file)
        .filter((e) => e.ruleId === ruleId)
        .map(formatExpectation)
        .sort();
      assert.deepEqual(got, want);
    });
  }
}
