/**
 * `npm run fuzz [-- --seconds N] [--inputs N] [--seed N] [--json FILE]`: the fuzz harness
 * (harness.ts) over the shared corpus, the examples and the fixtures, for a time budget.
 * Prints the figures docs/reliability.md reports; exits 1 on any crash, hang or rule failure.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { defaultRoots, fuzz, replay, type FuzzResult } from './harness';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '300' },
      inputs: { type: 'string', default: '100000' },
      seed: { type: 'string', default: String(Date.now() % 100000) },
      json: { type: 'string' },
      replay: { type: 'string' },
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
  console.log(`fuzz: seed ${seed}, up to ${values.inputs} inputs or ${values.seconds} s, over ${roots.join(', ')}`);
  let last = Date.now();
  const result = await fuzz({
    seed,
    maxInputs: Number(values.inputs),
    budgetMs: Number(values.seconds) * 1000,
    hangMs: 10_000,
    roots,
    progress: (done, r) => {
      if (Date.now() - last < 15_000) return;
      last = Date.now();
      const s = r();
      console.log(`fuzz: ${done} inputs, ${s.failures.length} failures, peak ${s.peakRssMb.toFixed(0)} MB`);
    },
  });
  print(result);
  if (values.json !== undefined) writeFileSync(values.json, `${JSON.stringify(result, null, 2)}\n`);
  return result.failures.length > 0 ? 1 : 0;
}

function print(r: FuzzResult): void {
  const count = (k: string) => r.failures.filter((f) => f.kind === k).length;
  console.log(`fuzz: ${r.inputs} mutated inputs from ${r.bases} files in ${r.seconds.toFixed(0)} s`);
  console.log(
    `fuzz: crashes ${count('crash')}, hangs (> 10 s) ${count('hang')}, out of memory ${count('out-of-memory')}, rule failures ${count('rule-failure')}`,
  );
  console.log(
    `fuzz: per input median ${r.medianMs.toFixed(1)} ms, slowest ${r.slowestMs.toFixed(0)} ms; peak memory (process RSS) ${r.peakRssMb.toFixed(0)} MB`,
  );
  console.log(
    `fuzz: mutations ${Object.entries(r.byMutation)
      .sort()
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
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
