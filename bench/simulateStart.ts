/**
 * `lambda-lens simulate` start cost, whole process, next to a bare `node -e ''` measured in the
 * same run: the command with no scenario (load the CLI, print the usage) and a run of one
 * synchronous request (test/fixtures/simulator/trivial). Needs `npm run build`. Prints figures
 * only; asserts nothing.
 *
 *   node --import tsx bench/simulateStart.ts
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stats } from './stats';

const ROOT = resolve(__dirname, '..');
const CLI = join(ROOT, 'bin/lambda-lens.js');
const RUNS = 15;

const dir = mkdtempSync(join(tmpdir(), 'lambda-lens-bench-start-'));
const scenario = join(dir, 'one.scenario.json');
writeFileSync(
  scenario,
  JSON.stringify({
    name: 'one request',
    function: {
      handler: 'index.handler',
      runtime: 'nodejs22.x',
      codeUri: join(ROOT, 'test/fixtures/simulator/trivial'),
    },
    platform: { spareProcesses: 0 },
    traffic: [{ at: 0, invoke: 'sync', event: {} }],
  }),
);

function time(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.error) throw r.error;
  return ms;
}

const bare: number[] = [];
const usage: number[] = [];
const one: number[] = [];
try {
  // Interleaved, so that a noisy moment on the machine weighs on every series alike.
  for (let i = 0; i < RUNS; i++) {
    bare.push(time(['-e', '']));
    usage.push(time([CLI, 'simulate']));
    one.push(time([CLI, 'simulate', scenario]));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const b = stats(bare).median;
const u = stats(usage).median;
const o = stats(one).median;
console.log(`simulate start: bare node -e '' median ${b.toFixed(0)} ms (${RUNS} runs)`);
console.log(
  `simulate start: \`simulate\` (load + usage) median ${u.toFixed(0)} ms, +${(u - b).toFixed(0)} ms over bare node (${(u / b).toFixed(2)}×)`,
);
console.log(
  `simulate start: one request, whole process, median ${o.toFixed(0)} ms, +${(o - b).toFixed(0)} ms over bare node (${(o / b).toFixed(2)}×)`,
);
