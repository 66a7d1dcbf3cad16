/**
 * The handler's effects set the severity of the retry-wiring rules (LL2003, LL2004, LL2005):
 * a handler that only logs, or that catches every error and returns, gets infos that say why;
 * one that writes and lets errors escape keeps the warnings. JS/TS and Python alike.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { URI } from 'vscode-uri';
import { LanguageService, loadPythonParser } from '../../server/src/service';
import { nodeFileSystem } from '../../server/src/nodeFs';

const FIXTURES = resolve(__dirname, '../fixtures/effects');
const RULES = new Set(['LL2003', 'LL2004', 'LL2005']);

before(async () => {
  assert.ok(await loadPythonParser(), 'the Python parser loads');
});

function retryFindings(folder: string): { ruleId: string; severity: string; message: string }[] {
  const service = new LanguageService({ fs: nodeFileSystem(), today: () => '2026-11-27' });
  const path = join(FIXTURES, folder, 'template.yaml');
  const uri = URI.file(path).toString();
  return service
    .validate({ uri, text: readFileSync(path, 'utf8'), version: 1 })
    .filter((d) => RULES.has(d.ruleId))
    .map((d) => ({ ruleId: d.ruleId, severity: d.severity, message: d.message }));
}

const CASES: readonly [string, 'info' | 'warning', RegExp | undefined][] = [
  ['js-logs-only', 'info', /no effect beyond reading, logging/],
  ['js-catch-all', 'info', /catches every error and returns/],
  // A client built, the event serialised and the clock read before the try: none of it throws.
  ['js-catch-all-prelude', 'info', /catches every error and returns/],
  ['js-parse-before-try', 'warning', undefined],
  // The work is in a helper of the file whose body catches every error (and one whose catch rethrows).
  ['js-catch-all-helper', 'info', /catches every error and returns/],
  ['js-helper-rethrows', 'warning', undefined],
  // SDK reads (v3 GetItem, DetectLabels) change nothing: reading again repeats nothing.
  ['js-reads-only', 'info', /no effect beyond reading, logging/],
  // Telemetry (PutMetricData, PutTraceSegments) is a data point, like a log line.
  ['js-metrics-only', 'info', /no effect beyond reading, logging/],
  ['js-writes', 'warning', undefined],
  ['js-rethrows', 'warning', undefined],
  ['py-logs-only', 'info', /no effect beyond reading, logging/],
  ['py-chained', 'info', /no effect beyond reading, logging/],
  ['py-catch-all', 'info', /catches every error and returns/],
  ['py-reads-only', 'info', /no effect beyond reading, logging/],
  ['py-metrics-only', 'info', /no effect beyond reading, logging/],
  ['py-writes', 'warning', undefined],
  // Code written in the template (InlineCode / Code.ZipFile) is read too.
  ['inline-js-logs-only', 'info', /no effect beyond reading, logging/],
  ['inline-py-writes', 'warning', undefined],
  // Powertools batch: the record handler's calls are the handler's (process_partial_response only runs it).
  ['py-powertools-logs-only', 'info', /no effect beyond reading, logging/],
  ['py-powertools-writes', 'warning', undefined],
];

for (const [folder, severity, why] of CASES) {
  test(`retry wiring on ${folder}: ${severity}`, () => {
    const found = retryFindings(folder);
    // Each case has an async trigger (LL2003), a stream (LL2003, LL2005) and an SQS queue (LL2004).
    assert.deepEqual([...new Set(found.map((f) => f.ruleId))].sort(), ['LL2003', 'LL2004', 'LL2005']);
    for (const f of found) {
      assert.equal(f.severity, severity, `${f.ruleId}: ${f.message}`);
      if (why) assert.match(f.message, why);
      else assert.doesNotMatch(f.message, /Reported as info/);
    }
  });
}
