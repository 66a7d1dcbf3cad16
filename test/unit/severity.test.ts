/**
 * Severities the rule fixtures cannot express (their markers name rules, not severities):
 * findings that are true but low-stakes are infos (issue 17).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { URI } from 'vscode-uri';
import { LanguageService, loadPythonParser } from '../../server/src/service';
import { nodeFileSystem } from '../../server/src/nodeFs';

const RULES = resolve(__dirname, '../fixtures/rules');

before(async () => {
  assert.ok(await loadPythonParser(), 'the Python parser loads');
});

function findings(file: string, ruleId: string): { severity: string; message: string }[] {
  const service = new LanguageService({ fs: nodeFileSystem(), today: () => '2026-11-27' });
  const path = resolve(RULES, file);
  const uri = URI.file(path).toString();
  return service
    .validate({ uri, text: readFileSync(path, 'utf8'), version: 1 })
    .filter((d) => d.ruleId === ruleId)
    .map((d) => ({ severity: d.severity, message: d.message }));
}

test('LL3005: an async handler with an unused third parameter is an info', () => {
  const got = findings('LL3005/async-with-callback.mjs', 'LL3005');
  assert.equal(got.length, 1);
  assert.equal(got[0]?.severity, 'info');
  assert.match(got[0]?.message ?? '', /never calls: harmless/);
});

test('LL2104: once per handler, counting the other raises; an info when the handler has no effects', () => {
  const got = findings('LL2104/python/app.py', 'LL2104');
  assert.equal(got.length, 1);
  assert.match(got[0]?.message ?? '', /so do 1 more raise statement/);
  assert.equal(got[0]?.severity, 'info');
});

test('LL2101 with MaximumRetryAttempts 0: an info that speaks of duplicate deliveries, not retries', () => {
  const got = findings('LL2101/no-retries/app.py', 'LL2101');
  assert.equal(got.length, 1);
  assert.equal(got[0]?.severity, 'info');
  assert.match(
    got[0]?.message ?? '',
    /MaximumRetryAttempts 0: Lambda does not retry a failed event, but may still deliver an event twice/,
  );
  assert.match(got[0]?.message ?? '', /Each duplicate delivery sends the email again/);
  assert.doesNotMatch(got[0]?.message ?? '', /retries a failed event 0 times|Each retry/);
});

test('LL2002: a Globals timeout is one finding naming every synchronous function it affects, not the asynchronous one', () => {
  const got = findings('LL2002/globals-async.yaml', 'LL2002');
  assert.equal(got.length, 1);
  assert.match(got[0]?.message ?? '', /applies to 2 functions/);
  assert.match(got[0]?.message ?? '', /Status by a REST API/);
  assert.match(got[0]?.message ?? '', /Report by a REST API/);
  assert.doesNotMatch(got[0]?.message ?? '', /Starter/);
});

test('LL3002 implicit globals: a warning in sloppy CommonJS (an info for a constant), an error in strict mode and ES modules', () => {
  const sloppy = findings('LL3002/implicit.js', 'LL3002');
  assert.deepEqual(
    sloppy.map((f) => f.severity),
    ['warning', 'warning', 'info', 'info', 'warning'],
  );
  assert.match(
    sloppy[0]?.message ?? '',
    /`user` is assigned but declared nowhere: in this CommonJS module \(sloppy mode\)/,
  );
  assert.match(sloppy[2]?.message ?? '', /the value is a constant/);
  // A client built from constants is an info too; one built from the request is not.
  assert.match(sloppy[3]?.message ?? '', /`rekognition` is assigned.*the value is a constant/);
  assert.match(sloppy[4]?.message ?? '', /`signer` is assigned/);
  for (const file of ['LL3002/implicit-strict.js', 'LL3002/implicit-esm.mjs']) {
    const got = findings(file, 'LL3002');
    assert.equal(got.length, 1, file);
    assert.equal(got[0]?.severity, 'error', file);
    assert.match(got[0]?.message ?? '', /throws "ReferenceError: \w+ is not defined"/, file);
  }
});

test('LL2004 on a handler that returns batchItemFailures through Powertools: says Lambda ignores them, a warning (the record handler writes)', () => {
  const got = findings('LL2004/python-powertools/template.yaml', 'LL2004');
  assert.equal(got.length, 1);
  assert.equal(got[0]?.severity, 'warning');
  assert.match(got[0]?.message ?? '', /this handler returns batchItemFailures, which Lambda ignores without it/);
});

test('LL2101 under partial batch responses: an info only for a send nothing can fail after, in the per-record try', () => {
  const got = findings('LL2101/python-partial-batch/app.py', 'LL2101');
  assert.deepEqual(
    got.map((f) => f.severity),
    ['info', 'warning', 'warning'],
  );
  assert.match(got[0]?.message ?? '', /nothing after this call can fail its record/);
});

test('LL0001: a Jinja (cookiecutter) source of a template is an info that says so, other syntax errors stay errors', () => {
  const jinja = findings('LL0001/jinja.yaml', 'LL0001');
  assert.equal(jinja.length, 1);
  assert.equal(jinja[0]?.severity, 'info');
  assert.match(jinja[0]?.message ?? '', /Jinja tags .* cookiecutter/);
  const expression = findings('LL0001/jinja-expression.yaml', 'LL0001');
  assert.equal(expression[0]?.severity, 'info');
  const broken = findings('LL0001/bad.yaml', 'LL0001');
  assert.equal(broken.length, 1);
  assert.equal(broken[0]?.severity, 'error');
});

test('LL5001: a missing code folder is an error beside other code, an info for a template kept without any code', () => {
  // A missing folder (Orders), a Python module (Refunds) and a Node module (Receipts) not in the template's own folder.
  const alone = findings('../templates-only/orders/template.yaml', 'LL5001');
  assert.equal(alone.length, 3);
  for (const f of alone) {
    assert.equal(f.severity, 'info');
    assert.match(f.message, /no code anywhere around this template/);
  }
  const project = findings('LL5001/missing/template.yaml', 'LL5001');
  assert.ok(project.length > 0);
  assert.ok(project.every((f) => f.severity === 'error'));
});
