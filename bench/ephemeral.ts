/**
 * What an environment's own /tmp costs (runtimes/ephemeral.ts): the real time from spawning a
 * Node runtime process until its bootstrap says it is ready, started plainly and started in its
 * own user and mount namespaces with a 512 MB tmpfs on /tmp, interleaved. Prints medians and the
 * difference; asserts nothing. Linux only (elsewhere it says why and exits).
 *
 *   node --import tsx bench/ephemeral.ts [rounds]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveRuntime } from '../server/src/simulator/runtimes';
import { isolatedTmpSupport } from '../server/src/simulator/runtimes/ephemeral';
import { RuntimeChild, type RuntimeChildOptions } from '../server/src/simulator/runtimes/process';
import { startVariables } from '../server/src/simulator/variables';
import { stats } from './stats';

async function readyMs(options: RuntimeChildOptions): Promise<number> {
  const child = await RuntimeChild.start(options);
  const ms = child.startMs;
  await child.kill();
  return ms;
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 20);
  const support = isolatedTmpSupport();
  if (!support.ok) {
    console.log(`no tmpfs per environment here: ${support.reason}`);
    return;
  }
  const runtime = resolveRuntime('nodejs22.x');
  const stage = mkdtempSync(join(tmpdir(), 'lambda-lens-bench-'));
  const plain: RuntimeChildOptions = {
    binary: runtime.trace.binary,
    bootstrap: runtime.bootstrap(),
    cwd: join(__dirname, '..', 'test', 'fixtures', 'simulator', 'echo'),
    env: startVariables(runtime),
  };
  const own: RuntimeChildOptions = {
    ...plain,
    isolatedTmp: { sizeMb: 512, stage, keep: [plain.binary, plain.bootstrap, plain.cwd] },
  };
  const a: number[] = [];
  const b: number[] = [];
  try {
    for (let i = 0; i < rounds; i++) {
      a.push(await readyMs(plain));
      b.push(await readyMs(own));
    }
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
  const p = stats(a);
  const o = stats(b);
  console.log(`process start to ready, ${rounds} rounds each, interleaved (ms):`);
  console.log(`  plain            median ${p.median.toFixed(1)}  p95 ${p.p95.toFixed(1)}`);
  console.log(`  own /tmp (tmpfs) median ${o.median.toFixed(1)}  p95 ${o.p95.toFixed(1)}`);
  console.log(`  difference ${(o.median - p.median).toFixed(1)} ms, ratio ${(o.median / p.median).toFixed(2)}`);
}

void main();
