/**
 * Issue 19: no process outlives its environment, however the handler detaches it — a new
 * session or process group, during INIT or INVOKE, in Node.js and Python — and `simulate` ends
 * when the run does, even while such a process holds the runtime's output. Each handler is
 * written here, as the reliability run crafted it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, after } from 'node:test';
import { simulate } from '../../../server/src/simulator/engine';
import type { SimulationTrace } from '../../../server/src/simulator/trace';
import { assertAccounting, assertNoOrphans, config, fn, isAlive, sync } from './helpers';

const ROOT = join(__dirname, '..', '..', '..');
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function code(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-lens-escape-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** The pids the handler reported, all gone once the run is over. */
async function assertGone(trace: SimulationTrace, pids: number[]): Promise<void> {
  assertAccounting(trace);
  assert.ok(
    pids.length > 0 && pids.every((p) => Number.isInteger(p) && p > 0),
    `the handler reported its processes: ${JSON.stringify(pids)}`,
  );
  // SIGKILL is delivered at once, but a killed process is collected by its new parent a moment later.
  for (let i = 0; i < 50 && pids.some(isAlive); i++) await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(pids.filter(isAlive), [], 'every process the handler started is gone');
  assertNoOrphans(trace);
}

const NODE_DETACHED = `
const { spawn } = require('node:child_process');
const start = () => {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore' });
  child.unref();
  return child.pid;
};
const atInit = start();
exports.handler = async () => ({ atInit, atInvoke: start() });
`;

test('Node: processes spawned detached (a new session), during INIT and during a request, end with the environment', async () => {
  const trace = await simulate(config(fn('', { codeRoot: code({ 'index.js': NODE_DETACHED }) }), [sync(0, {})]));
  assert.equal(trace.invocations[0]?.outcome, 'success');
  const { atInit, atInvoke } = trace.invocations[0]?.response as { atInit: number; atInvoke: number };
  await assertGone(trace, [atInit, atInvoke]);
});

test('Node: a detached process that dropped every variable is still killed by its process group or the run ends anyway', async () => {
  const dir = code({
    'index.js': `
const { spawn } = require('node:child_process');
exports.handler = async () => {
  // Same group as the runtime (not detached), empty environment: the group kill takes it.
  const child = spawn('/bin/sh', ['-c', 'sleep 600'], { env: {}, stdio: 'ignore' });
  child.unref();
  return { pid: child.pid };
};`,
  });
  const trace = await simulate(config(fn('', { codeRoot: dir }), [sync(0, {})]));
  await assertGone(trace, [(trace.invocations[0]?.response as { pid: number }).pid]);
});

const PY = { handler: 'app.handler', runtime: 'python3.13' };

test('Python: fork + setsid and Popen(start_new_session=True) end with the environment', async () => {
  const dir = code({
    'app.py': `
import os, subprocess, time

def forked():
    pid = os.fork()
    if pid == 0:
        os.setsid()
        time.sleep(600)
        os._exit(0)
    return pid

at_init = forked()

def handler(event, context):
    popen = subprocess.Popen(["sleep", "600"], start_new_session=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return {"atInit": at_init, "forked": forked(), "popen": popen.pid}
`,
  });
  const trace = await simulate(config(fn('', { ...PY, codeRoot: dir }), [sync(0, {})]));
  assert.equal(trace.invocations[0]?.outcome, 'success', JSON.stringify(trace.invocations[0]?.error));
  const r = trace.invocations[0]?.response as { atInit: number; forked: number; popen: number };
  await assertGone(trace, [r.atInit, r.forked, r.popen]);
});

test(
  "lambda-lens simulate exits when the run ends, while a detached process holds the handler's output",
  { skip: process.platform !== 'linux' },
  () => {
    const dir = code({
      'index.js': `
const { spawn } = require('node:child_process');
exports.handler = async () => {
  // Inherits the runtime's stdout and stderr pipes, in a session of its own.
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: ['ignore', 'inherit', 'inherit'] });
  child.unref();
  return { pid: child.pid };
};`,
    });
    const scenario = join(dir, 'hold.scenario.json');
    writeFileSync(
      scenario,
      JSON.stringify({
        function: { handler: 'index.handler', runtime: 'nodejs22.x', codeUri: dir },
        traffic: [{ at: 0, invoke: 'sync', event: {} }],
      }),
    );
    const r = spawnSync(
      process.execPath,
      [join(ROOT, 'bin', 'lambda-lens.js'), 'simulate', scenario, '--format', 'json'],
      { encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(r.error, undefined, 'simulate ended by itself');
    assert.equal(r.status, 0, r.stderr);
    const trace = JSON.parse(r.stdout) as SimulationTrace;
    const pid = (trace.invocations[0]?.response as { pid: number }).pid;
    assert.equal(isAlive(pid), false);
  },
);
