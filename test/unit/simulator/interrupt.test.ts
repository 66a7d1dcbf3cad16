/**
 * Ctrl-C on `lambda-lens simulate` (a real SIGINT to the process, as a terminal sends it): the
 * trace so far is written and printed, the exit code is 130 (README.md, "The CLI"), and no
 * process of the run is left.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { markedProcesses } from '../../../server/src/simulator/runtimes/process';
import type { SimulationTrace } from '../../../server/src/simulator/trace';
import { FIXTURES } from './helpers';

const ROOT = join(__dirname, '..', '..', '..');

test(
  'SIGINT mid-run writes the trace so far, exits 130 and leaves no process',
  { skip: process.platform !== 'linux' },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lambda-lens-interrupt-'));
    try {
      const scenario = join(dir, 'hang.scenario.json');
      const tracePath = join(dir, 'trace.json');
      writeFileSync(
        scenario,
        JSON.stringify({
          function: {
            handler: 'index.handler',
            runtime: 'nodejs22.x',
            codeUri: join(FIXTURES, 'node-basic'),
            timeout: 60,
          },
          traffic: [{ at: 0, invoke: 'sync', event: { hang: true }, count: 2 }],
        }),
      );
      const child = spawn(
        process.execPath,
        [join(ROOT, 'bin', 'lambda-lens.js'), 'simulate', scenario, '--out', tracePath],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      // Interrupt once both requests run: two runtime processes of this host carry its marker.
      const host = `${child.pid}-`;
      for (let i = 0; i < 600 && markedProcesses(host, true).length < 2; i++)
        await new Promise((r) => setTimeout(r, 100));
      assert.ok(markedProcesses(host, true).length >= 2, 'the run started its environments');
      child.kill('SIGINT');
      const code = await exited;
      assert.equal(code, 130, stderr);
      assert.match(stderr, /interrupted; the trace covers the run so far/);
      assert.match(stdout, /\(cancelled\)/);
      assert.ok(existsSync(tracePath), 'the trace file is written');
      const trace = JSON.parse(readFileSync(tracePath, 'utf8')) as SimulationTrace;
      assert.equal(trace.cancelled, true);
      assert.equal(trace.invocations.length, 2);
      assert.ok(trace.invocations.every((i) => i.errorType === 'Simulation.Cancelled'));
      assert.ok(
        trace.inputs.every((i) => i.reason !== 'pending'),
        'every input is settled',
      );
      assert.deepEqual(markedProcesses(host, true), [], 'no process of the run is left');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
