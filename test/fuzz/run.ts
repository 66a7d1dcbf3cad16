/**
 * `npm run fuzz [-- --seconds N] [--inputs N] [--seed N] [--json FILE]`: the fuzz harness
 * (harness.ts) over the shared corpus, the examples and the fixtures, for a time budget.
 * Prints the figures docs/reliability.md reports; exits 1 on any crash, hang or rule failure.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { defaultRoots, fuzz, replay, type FuzzResult, type TimeStats } from './harness';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '300' },
      inputs: { type: 'string', default: '100000' },
      seed: { type: 'string', default: String(Date.now() % 100000) },
      json: { type: 'string' },
      replay: { type: 'string' },
      workers: { type: 'string', default: String(availableParallelism()) },
    },
  });
  const seed = Number(values.seed);
  const roots = defaultRoots();
  if (values.replay !== undefined) {
    // Writes the input that failed beside its base file's name, to check it by hand.
    const r = replay(seed, Number(values.replay), roots);
    const out = join(tmpdir(), `fuzz-${seed}-${values.replay}${extname(r.base)}`);
    writeFileSync(out, r.text);
    console.log(`fuzz: input ${values.replay} of seed ${seed}: ${r.base} with ${r.mutations.join('+')} → ${out}`);
    return 0;
  }
  const workers = Number(values.workers);
  console.log(
    `fuzz: seed ${seed}, up to ${values.inputs} inputs or ${values.seconds} s, ${workers} worker processes, over ${roots.join(', ')}`,
  );
  let last = Date.now();
  const result = await fuzz({
    seed,
    maxInputs: Number(values.inputs),
    budgetMs: Number(values.seconds) * 1000,
    hangMs: 10_000,
    workers,
    roots,
    progress: (done, r) => {
      if (Date.now() - last < 15_000) return;
      last = Date.now();
      const s = r();
      console.log(
        `fuzz: ${done} inputs in ${s.seconds.toFixed(0)} s, ${s.failures.length} failures, peak ${s.peakRssMb.toFixed(0)} MB, load ${loadavg()[0]?.toFixed(1)}`,
      );
    },
  });
  const load = loadavg().map((l) => Number(l.toFixed(2)));
  print(result, load);
  if (values.json !== undefined) writeFileSync(values.json, `${JSON.stringify({ seed, load, ...result }, null, 2)}\n`);
  return result.failures.length > 0 ? 1 : 0;
}

function print(r: FuzzResult, load: readonly number[]): void {
  const count = (k: string) => r.failures.filter((f) => f.kind === k).length;
  console.log(
    `fuzz: ${r.inputs} mutated inputs from ${r.bases} files in ${r.seconds.toFixed(0)} s (${(r.inputs / r.seconds).toFixed(1)}/s, ${r.workers} worker processes, load ${load.join(' ')})`,
  );
  console.log(
    `fuzz: crashes ${count('crash')}, hangs (> 10 s) ${count('hang')}, out of memory ${count('out-of-memory')}, rule failures ${count('rule-failure')}`,
  );
  console.log(
    `fuzz: per input median ${r.medianMs.toFixed(1)} ms, slowest ${r.slowestMs.toFixed(0)} ms; peak memory of one worker process (VmHWM) ${r.peakRssMb.toFixed(0)} MB, largest worker heap after an answer ${r.workerHeapMb.toFixed(0)} MB`,
  );
  // Every input has one base file: their times summed are the run's answer time.
  const total = Object.values(r.byExtension).reduce((a, s) => a + (s.cpuTotalMs ?? s.totalMs), 0) || 1;
  const ms = (n: number | undefined, digits = 0): string => (n === undefined ? '-' : n.toFixed(digits));
  const table = (title: string, rows: Readonly<Record<string, TimeStats>>): void => {
    console.log(
      `fuzz: ${title.padEnd(16)} ${'inputs'.padStart(7)} ${'median'.padStart(8)} ${'max'.padStart(7)} ${'cpu med'.padStart(8)} ${'cpu max'.padStart(8)} ${'share'.padStart(6)}  (ms; share of the CPU time)`,
    );
    for (const [k, s] of Object.entries(rows))
      console.log(
        `fuzz:   ${k.padEnd(14)} ${String(s.inputs).padStart(7)} ${ms(s.medianMs, 1).padStart(8)} ${ms(s.maxMs).padStart(7)} ${ms(s.cpuMedianMs).padStart(8)} ${ms(s.cpuMaxMs).padStart(8)} ${`${((100 * (s.cpuTotalMs ?? s.totalMs)) / total).toFixed(0)}%`.padStart(6)}`,
      );
  };
  // An input has one to three mutations: its time counts under each, so their shares overlap.
  table('by mutation', r.byMutation);
  table('by base file', r.byExtension);
  console.log('fuzz: slowest inputs');
  for (const s of r.slowest.slice(0, 8))
    console.log(
      `fuzz:   ${s.ms.toFixed(0)} ms (cpu ${ms(s.cpuMs)}), input ${s.input}: ${s.base} with ${s.mutations.join('+')} (${s.characters} characters)`,
    );
  for (const f of r.failures.slice(0, 20))
    console.log(
      `  ${f.kind}: ${f.base} (seed ${f.seed}, input ${f.input}, ${f.mutations.join('+')}): ${f.detail.split('\n')[0]}`,
    );
}

main().then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    console.error(e);
    process.exitCode = 3;
  },
);
