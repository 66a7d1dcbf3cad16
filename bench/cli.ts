/**
 * CLI throughput over ../shared/corpus (templates per second), next to a baseline measured
 * in the same run: the same files only read and parsed with `yaml` in one process. Also the
 * time for a one-template run next to a bare `node -e ''` start. Prints figures only.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { stats } from './stats';

const ROOT = resolve(__dirname, '..');
const CORPUS = resolve(ROOT, '../shared/corpus');
const CLI = join(ROOT, 'bin/lambda-lens.js');
const RUNS = 5;

function templatesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...templatesUnder(p));
    else if (/\.(ya?ml|json|template)$/.test(name)) out.push(p);
  }
  return out;
}

function time(f: () => void): number {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
}

if (!existsSync(CORPUS)) {
  console.log(`cli: ${CORPUS} not found; skipped`);
} else {
  const files = templatesUnder(CORPUS);
  const cli: number[] = [];
  const parseOnly: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    cli.push(
      time(() =>
        spawnSync(process.execPath, [CLI, 'check', CORPUS, '--format', 'json'], {
          encoding: 'utf8',
          maxBuffer: 256 * 1024 * 1024,
        }),
      ),
    );
    parseOnly.push(
      time(() => {
        for (const f of files) parseDocument(readFileSync(f, 'utf8'), { uniqueKeys: false, strict: false });
      }),
    );
  }
  const c = stats(cli).median;
  const p = stats(parseOnly).median;
  console.log(
    `cli: ${files.length} corpus templates, median of ${RUNS} runs: ${(c / 1000).toFixed(2)} s → ${(files.length / (c / 1000)).toFixed(0)} templates/s`,
  );
  console.log(
    `cli: baseline, read + YAML parse only, in-process: ${(p / 1000).toFixed(2)} s → ${(files.length / (p / 1000)).toFixed(0)} templates/s (CLI/baseline ${(c / p).toFixed(2)}×)`,
  );

  const one =
    files.find((f) => f.endsWith('serverless-patterns/sqs-lambda-nodejs-sam/template.yaml')) ?? (files[0] as string);
  const single: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < RUNS * 2; i++) {
    single.push(time(() => spawnSync(process.execPath, [CLI, 'check', one])));
    bare.push(time(() => spawnSync(process.execPath, ['-e', ''])));
  }
  const s = stats(single).median;
  const b = stats(bare).median;
  console.log(
    `cli: one template, whole process: median ${s.toFixed(0)} ms; bare node start ${b.toFixed(0)} ms (ratio ${(s / b).toFixed(2)}×)`,
  );
}
