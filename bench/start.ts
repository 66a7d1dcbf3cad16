/**
 * Start-up and throughput of `lambda-lens check`, whole process against whole process, with
 * baselines measured in the same run (prints figures only; the machine is shared and noisy):
 * - one template with no handler code beside it, against a bare `node -e ''` (target: at most
 *   100 ms more);
 * - the serverless-patterns corpus, against cfn-lint over the same SAM/CloudFormation templates
 *   (target: at least 40× faster). cfn-lint is the command in $CFN_LINT (words split on spaces),
 *   else `cfn-lint` on PATH; without it that part is skipped. docs/architecture.md says how it was
 *   set up from source.
 * The language server's edit → diagnostics time is measured by bench/lsp.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { stats } from './stats';

const ROOT = resolve(__dirname, '..');
const CLI = join(ROOT, 'bin/lambda-lens.js');
const RUNS = Number(process.env.RUNS ?? 15);

function corpusDir(): string | undefined {
  const fromEnv = process.env.LAMBDA_LENS_CORPUS;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  for (let dir = dirname(ROOT); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'shared', 'corpus'))) return join(dir, 'shared', 'corpus');
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * CPU time (user + system, ms) of this process's finished children, from /proc/self/stat (Linux;
 * `undefined` elsewhere). On a loaded machine a child's wall time is mostly waiting for a core; its
 * CPU time is what it costs, and moves much less with the load.
 */
function childrenCpuMs(): number | undefined {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
    // cutime and cstime (fields 16 and 17 of proc(5)), in clock ticks of 10 ms.
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return undefined;
  }
}

/** CPU time of the runs of each kind, summed (ms), when the system tells. */
const cpu = new Map<string, number>();

function time(cmd: string, args: readonly string[], kind?: string): number {
  const c0 = childrenCpuMs();
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw r.error;
  const wall = performance.now() - t0;
  const c1 = childrenCpuMs();
  if (kind !== undefined && c0 !== undefined && c1 !== undefined) cpu.set(kind, (cpu.get(kind) ?? 0) + c1 - c0);
  return wall;
}

function templatesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...templatesUnder(p));
    else if (/\.(ya?ml|json|template)$/.test(name)) out.push(p);
  }
  return out;
}

const corpus = corpusDir();
if (corpus === undefined) {
  console.log('start: the shared corpus was not found (set LAMBDA_LENS_CORPUS); skipped');
  process.exit(0);
}
const patterns = join(corpus, 'serverless-patterns');
const one = join(patterns, 'sqs-lambda-nodejs-sam/template.yaml');

// 1. One template, no handler code beside it (the corpus holds templates only), against bare node.
const bare: number[] = [];
const single: number[] = [];
const version: number[] = [];
time(process.execPath, [CLI, 'check', one]);
for (let i = 0; i < RUNS; i++) {
  bare.push(time(process.execPath, ['-e', ''], 'bare'));
  single.push(time(process.execPath, [CLI, 'check', one], 'check'));
  version.push(time(process.execPath, [CLI, '--version'], 'version'));
}
const b = stats(bare).median;
const s = stats(single).median;
const v = stats(version).median;
console.log(
  `start: median of ${RUNS} alternating runs: bare node ${b.toFixed(0)} ms; lambda-lens --version ${v.toFixed(0)} ms (+${(v - b).toFixed(0)} ms); check <one template> ${s.toFixed(0)} ms (+${(s - b).toFixed(0)} ms, target ≤ +100 ms)`,
);
const cpuBare = cpu.get('bare');
const cpuCheck = cpu.get('check');
const cpuVersion = cpu.get('version');
if (cpuBare !== undefined && cpuCheck !== undefined && cpuVersion !== undefined) {
  const mean = (ms: number) => ms / RUNS;
  console.log(
    `start: CPU time (user + system), mean of the same runs: bare node ${mean(cpuBare).toFixed(0)} ms; --version ${mean(cpuVersion).toFixed(0)} ms (+${mean(cpuVersion - cpuBare).toFixed(0)} ms); check <one template> ${mean(cpuCheck).toFixed(0)} ms (+${mean(cpuCheck - cpuBare).toFixed(0)} ms)`,
  );
}

// 2. The serverless-patterns corpus, whole process against whole process.
const cfnLint = (process.env.CFN_LINT ?? 'cfn-lint').split(' ').filter((w) => w !== '');
const cfnVersion = spawnSync(cfnLint[0] as string, [...cfnLint.slice(1), '--version'], { encoding: 'utf8' });
// cfn-lint reads SAM and CloudFormation templates, not serverless.yml.
const cfnTemplates = templatesUnder(patterns).filter(
  (f) => !/serverless\.ya?ml$/.test(f) && /AWSTemplateFormatVersion|AWS::/.test(readFileSync(f, 'utf8')),
);
const ours: number[] = [];
const theirs: number[] = [];
const corpusRuns = Math.max(1, Math.round(RUNS / 5));
// Wall times move with the machine's load: say what it was.
const loadBefore = loadavg()[0];
for (let i = 0; i < corpusRuns; i++) {
  ours.push(time(process.execPath, [CLI, 'check', patterns, '--format', 'json'], 'ours'));
  if (cfnVersion.status === 0)
    theirs.push(
      time(cfnLint[0] as string, [...cfnLint.slice(1), '--format', 'json', '--', ...cfnTemplates], 'cfn-lint'),
    );
}
const o = stats(ours).median;
console.log(
  `start: serverless-patterns (${templatesUnder(patterns).length} files), lambda-lens check: ${(o / 1000).toFixed(2)} s (median of ${corpusRuns}; load average ${loadBefore.toFixed(1)} → ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores)`,
);
if (cfnVersion.status !== 0) {
  console.log(`start: cfn-lint not found (${cfnLint.join(' ')}); set CFN_LINT to its command to compare`);
} else {
  const c = stats(theirs).median;
  console.log(
    `start: ${cfnVersion.stdout.trim()} over its ${cfnTemplates.length} SAM/CloudFormation templates: ${(c / 1000).toFixed(2)} s → lambda-lens is ${(c / o).toFixed(1)}× faster (target ≥ 40×)`,
  );
  const cpuOurs = cpu.get('ours');
  const cpuTheirs = cpu.get('cfn-lint');
  if (cpuOurs !== undefined && cpuTheirs !== undefined)
    console.log(
      `start: CPU time (user + system) of the same runs: lambda-lens ${(cpuOurs / corpusRuns / 1000).toFixed(2)} s, cfn-lint ${(cpuTheirs / corpusRuns / 1000).toFixed(2)} s → ${(cpuTheirs / cpuOurs).toFixed(1)}×`,
    );
}
