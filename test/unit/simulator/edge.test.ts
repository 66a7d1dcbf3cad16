/**
 * Issue 19: scenarios are validated where they enter. Each bad scenario from the reliability run
 * is rebuilt here: device files, FIFOs and files outside the workspace as `eventFile`, files over
 * the payload limit, content that must not be echoed, 5,000-level events, a million requests at
 * once; and a UTF-8 BOM, which is accepted. A rejected scenario starts no process.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, test } from 'node:test';
import { runSimulate } from '../../../server/src/simulator/cli';
import { simulate } from '../../../server/src/simulator/engine';
import { liveRuntimePids, markedHostProcesses } from '../../../server/src/simulator/runtimes/process';
import { loadScenario, ScenarioError } from '../../../server/src/simulator/scenario';
import { assertAccounting, assertNoOrphans, FIXTURES } from './helpers';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-lens-edge-'));
  dirs.push(dir);
  return dir;
}

/** A scenario invoking the echo fixture with `entry`'s event, written into `dir`. */
function scenario(dir: string, entry: Record<string, unknown>, name = 'edge.scenario.json', prefix = ''): string {
  const file = join(dir, name);
  const json = JSON.stringify({
    function: { handler: 'index.handler', runtime: 'nodejs22.x', codeUri: join(FIXTURES, 'echo') },
    traffic: [{ at: 0, invoke: 'sync', ...entry }],
  });
  writeFileSync(file, prefix + json);
  return file;
}

/** The problems of a scenario that must be rejected; no process may have started. */
function problems(file: string, roots?: string[]): string {
  let error: unknown;
  try {
    loadScenario(file, {}, roots ? { roots } : {});
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof ScenarioError, `rejected with a ScenarioError: ${String(error)}`);
  assert.deepEqual(liveRuntimePids(), []);
  assert.deepEqual(markedHostProcesses(), []);
  return error.message;
}

test('eventFile: /dev/zero, an absolute path and ../../etc/passwd are outside the workspace; nothing of them is quoted', () => {
  const dir = workspace();
  const started = performance.now();
  assert.match(problems(scenario(dir, { eventFile: '/dev/zero' })), /eventFile: \/dev\/zero is outside the workspace/);
  assert.ok(performance.now() - started < 10_000, 'rejected without reading it');
  for (const path of ['/etc/passwd', `${relative(dir, '/')}/etc/passwd`, '../../../../../../../../etc/passwd']) {
    const message = problems(scenario(dir, { eventFile: path }));
    assert.match(message, /is outside the workspace/);
    assert.doesNotMatch(message, /root:/, 'the file is not quoted');
  }
});

test(
  'eventFile: a FIFO in the workspace is not a regular file and is refused without blocking',
  { skip: process.platform === 'win32' },
  () => {
    const dir = workspace();
    execFileSync('mkfifo', [join(dir, 'event.fifo')]);
    assert.match(problems(scenario(dir, { eventFile: 'event.fifo' })), /event\.fifo is not a regular file/);
    mkdirSync(join(dir, 'folder'));
    assert.match(problems(scenario(dir, { eventFile: 'folder' })), /folder is not a regular file/);
  },
);

test('eventFile: over the payload limit of its invocation type (6 MB sync, 1 MB async) is refused by size', () => {
  const dir = workspace();
  writeFileSync(join(dir, 'big.json'), JSON.stringify('x'.repeat(6 * 2 ** 20)));
  assert.match(
    problems(scenario(dir, { eventFile: 'big.json' })),
    /big\.json is 6291458 bytes, over the sync invocation payload limit \(6291456 bytes\)/,
  );
  writeFileSync(join(dir, 'medium.json'), JSON.stringify('x'.repeat(2 ** 20)));
  assert.match(
    problems(scenario(dir, { invoke: 'async', eventFile: 'medium.json' })),
    /medium\.json is 1048578 bytes, over the async invocation payload limit \(1048576 bytes\)/,
  );
  // The same file is fine for a synchronous request.
  assert.doesNotThrow(() => loadScenario(scenario(dir, { eventFile: 'medium.json' })));
});

test('a file that is not JSON is reported by line and column, never by its content', () => {
  const dir = workspace();
  writeFileSync(join(dir, 'secrets.env'), 'API_KEY=hunter2\nDB_PASSWORD=swordfish\n');
  const message = problems(scenario(dir, { eventFile: 'secrets.env' }));
  assert.match(message, /secrets\.env is not valid JSON: \w+ at line 1, column 1/);
  assert.doesNotMatch(message, /hunter2|swordfish|API_KEY/);
  // The scenario file itself too.
  writeFileSync(join(dir, 'broken.scenario.json'), '{"traffic": [}\nTOKEN=abc123');
  const broken = problems(join(dir, 'broken.scenario.json'));
  assert.match(broken, /the scenario is not valid JSON: \w+ at line 1, column 14/);
  assert.doesNotMatch(broken, /abc123/);
});

test('an event nested 5,000 levels deep is refused cleanly, inline or in a file, by the CLI too', async () => {
  const dir = workspace();
  const deep = '{"a":'.repeat(5000) + '{}' + '}'.repeat(5000);
  writeFileSync(join(dir, 'deep.json'), deep);
  assert.match(
    problems(scenario(dir, { eventFile: 'deep.json' })),
    /deep\.json nests values more than 1000 levels deep/,
  );
  const inline = join(dir, 'inline.scenario.json');
  writeFileSync(
    inline,
    `{"function":{"handler":"index.handler","codeUri":${JSON.stringify(join(FIXTURES, 'echo'))}},"traffic":[{"at":0,"invoke":"sync","event":${deep}}]}`,
  );
  assert.match(problems(inline), /nests values more than 1000 levels deep/);
  const err = new PassThrough();
  let text = '';
  err.on('data', (d: Buffer) => (text += d.toString()));
  assert.equal(await runSimulate([inline], new PassThrough(), err), 2);
  assert.match(text, /more than 1000 levels deep/);
});

test('count 1,000,000 at intervalMs 0 is refused with the bound, before any process starts', () => {
  const dir = workspace();
  const message = problems(scenario(dir, { event: {}, count: 1_000_000, intervalMs: 0 }));
  assert.match(message, /traffic: 1000000 requests, messages and records in all; a run takes at most 100000/);
});

test('a UTF-8 BOM is accepted in the scenario and in its event file; the run is complete and leaves nothing behind', async () => {
  const dir = workspace();
  writeFileSync(join(dir, 'event.json'), '\uFEFF{"orderId": "bom"}');
  const loaded = loadScenario(scenario(dir, { eventFile: 'event.json' }, 'bom.scenario.json', '\uFEFF'));
  const trace = await simulate(loaded.config);
  assertAccounting(trace);
  assertNoOrphans(trace);
  assert.equal(trace.invocations[0]?.outcome, 'success');
  assert.deepEqual(trace.invocations[0]?.response, { orderId: 'bom' });
});

test('a folder allowed explicitly may hold the event file; the CLI takes it as --allow-dir', async () => {
  const dir = workspace();
  const shared = workspace();
  writeFileSync(join(shared, 'event.json'), '{"from": "shared"}');
  const file = scenario(dir, { eventFile: join(shared, 'event.json') });
  assert.match(problems(file, [dir]), /is outside the workspace/);
  assert.deepEqual(loadScenario(file, {}, { roots: [dir, shared] }).config.traffic[0], {
    at: 0,
    kind: 'sync',
    event: { from: 'shared' },
    count: 1,
    intervalMs: 0,
  });
  const out = new PassThrough();
  let json = '';
  out.on('data', (d: Buffer) => (json += d.toString()));
  assert.equal(await runSimulate([file, '--allow-dir', shared, '--format', 'json'], out, new PassThrough()), 0);
  assert.deepEqual(JSON.parse(json).invocations[0].response, { from: 'shared' });
});
