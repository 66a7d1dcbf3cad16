/**
 * `lambda-lens tune <scenario.json|template.yaml> [--function Id] [--memory 128,512,…]
 * [--tolerance 10] [--format text|json] [--force]`
 *
 * Runs the same scenario at each memory size and compares Duration, INIT and cost, as AWS Lambda
 * Power Tuning does in an account, here without deploying: CPU follows memory in the
 * simulator (durations/model.ts), and billing is per GB-second with the us-east-1 prices in
 * limits.ts (https://aws.amazon.com/lambda/pricing/). It recommends the cheapest size, and the
 * fastest: the smallest size whose Duration p50 is within the tolerance of the best one.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { EXIT, isOneOf, notOneOf, parseCommandArgs } from '../args';
import { MEMORY, PRICE } from '../service/limits';
import { isTemplate, starterFor } from './target';
import { simulate } from './run';
import { resolveScenario, ScenarioError, type LoadedScenario, type ScenarioInputs } from './scenario';
import { durationStats } from './summary';
import type { SimulationTrace, TuneResult, TuneRow } from './trace';
import { formatRejection } from './validate';
import { TUNE_COLUMNS, tuneTable } from './tuneTable';
import { TUNE_USAGE } from './usage';

export const DEFAULT_MEMORY_SIZES = [128, 256, 512, 1024, 1769, 3008] as const;

/** A run's row: percentiles from the trace, cost per million from its GB-seconds and requests. */
export function tuneRow(memorySizeMb: number, trace: SimulationTrace): TuneRow {
  const ran = trace.invocations.filter((i) => i.outcome !== 'throttled');
  const durations = durationStats(ran.map((i) => i.durationMs));
  const n = Math.max(1, ran.length);
  const s = trace.summary;
  const perMillion = (perGbSecond: number): number => ((s.gbSeconds * perGbSecond) / n + PRICE.perRequest) * 1_000_000;
  return {
    memorySizeMb,
    durationP50Ms: durations.p50,
    durationP95Ms: durations.p95,
    initP50Ms: s.init.p50,
    billedGbS: s.gbSeconds,
    costPerMillionUsd: { x86_64: perMillion(PRICE.x86PerGbSecond), arm64: perMillion(PRICE.arm64PerGbSecond) },
    invocations: ran.length,
    errors: s.errors,
  };
}

/** The recommendation over the rows (sorted by memory). */
export function recommend(
  rows: readonly TuneRow[],
  architecture: 'x86_64' | 'arm64',
  tolerancePct: number,
): Pick<TuneResult, 'cheapestMb' | 'fastestMb'> {
  const sorted = [...rows].sort((a, b) => a.memorySizeMb - b.memorySizeMb);
  const first = sorted[0];
  if (!first) throw new Error('no memory sizes to compare');
  const cheapest = sorted.reduce(
    (best, r) => (r.costPerMillionUsd[architecture] < best.costPerMillionUsd[architecture] ? r : best),
    first,
  );
  const timed = sorted.filter((r) => r.durationP50Ms !== null);
  const best = Math.min(...timed.map((r) => r.durationP50Ms as number));
  const fastest = timed.find((r) => (r.durationP50Ms as number) <= best * (1 + tolerancePct / 100)) ?? first;
  return { cheapestMb: cheapest.memorySizeMb, fastestMb: fastest.memorySizeMb };
}

/** Runs the scenario (its JSON and path) once per memory size, in order. */
export async function tune(
  json: object,
  path: string,
  sizes: readonly number[],
  tolerancePct: number,
  signal?: AbortSignal,
  /** Templates the caller rendered (a CDK stack: ScenarioInputs.templates). */
  inputs: ScenarioInputs = {},
): Promise<TuneResult & { traces: SimulationTrace[] }> {
  const rows: TuneRow[] = [];
  const traces: SimulationTrace[] = [];
  let architecture: 'x86_64' | 'arm64' = 'x86_64';
  for (const memorySizeMb of sizes) {
    const base = json as { overrides?: object };
    const loaded = resolveScenario(
      { ...base, overrides: { ...(base.overrides ?? {}), memorySize: memorySizeMb } },
      path,
      {},
      inputs,
    );
    architecture = loaded.config.function.architecture;
    const trace = await simulate(loaded.config, signal ? { signal } : {});
    if (trace.cancelled) throw new Error('interrupted');
    traces.push(trace);
    rows.push(tuneRow(memorySizeMb, trace));
  }
  return { rows, traces, ...recommend(rows, architecture, tolerancePct), tolerancePct, architecture };
}

export function formatTune(result: TuneResult, name: string): string {
  const lines = [`Lambda Lens tune: ${name} (${result.architecture})`, ''];
  const header = TUNE_COLUMNS;
  const table = tuneTable(result).map((r) => [...r.cells, r.marks]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => (row[i] as string).length)));
  for (const row of [header, ...table])
    lines.push(
      row
        .map((c, i) =>
          i === 0 || i === row.length - 1 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number),
        )
        .join('  ')
        .trimEnd(),
    );
  lines.push('');
  lines.push(
    `Cheapest: ${result.cheapestMb} MB. Fastest: ${result.fastestMb} MB (the smallest size within ${result.tolerancePct} % of the best Duration p50).`,
  );
  lines.push(
    "Costs per million requests like the scenario's, us-east-1 prices (https://aws.amazon.com/lambda/pricing/); INIT billed for on-demand cold starts.",
  );
  return `${lines.join('\n')}\n`;
}

interface TuneArgs {
  target: string;
  fn: string | null;
  sizes: number[];
  tolerancePct: number;
  format: 'text' | 'json';
  force: boolean;
}

const FORMATS = ['text', 'json'] as const;

function parseTuneArgs(args: readonly string[]): TuneArgs | string {
  const parsed = parseCommandArgs(args, {
    function: { type: 'string' },
    memory: { type: 'string' },
    tolerance: { type: 'string' },
    format: { type: 'string' },
    force: { type: 'boolean' },
  });
  if (typeof parsed === 'string') return parsed;
  const { values, positionals } = parsed;
  const format = values.format ?? 'text';
  if (!isOneOf(format, FORMATS)) return notOneOf('--format', format, FORMATS);
  if (values.function === '') return '--function needs a value';
  let sizes: number[] = [...DEFAULT_MEMORY_SIZES];
  if (values.memory !== undefined) {
    const list = values.memory
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
    const bad = list.filter((x) => !/^\d+$/.test(x) || Number(x) < MEMORY.min || Number(x) > MEMORY.max);
    if (list.length === 0 || bad.length > 0)
      return `--memory takes sizes in MB from ${MEMORY.min} to ${MEMORY.max}, comma-separated (got ${JSON.stringify(values.memory)})`;
    sizes = [...new Set(list.map(Number))].sort((x, y) => x - y);
  }
  const tolerancePct = values.tolerance === undefined ? 10 : Number(values.tolerance);
  if (!Number.isFinite(tolerancePct) || tolerancePct < 0 || tolerancePct > 1000)
    return '--tolerance takes a percentage (e.g. 10)';
  const [target, extra] = positionals;
  if (target === undefined) return 'missing the scenario or template file';
  if (extra !== undefined) return `unexpected argument ${extra}`;
  return { target, fn: values.function ?? null, sizes, tolerancePct, format, force: values.force ?? false };
}

/**
 * The `tune` command: resolves to the exit code (args.ts EXIT: 0 done, 1 Lambda would reject the
 * configuration, 2 bad usage or a scenario that cannot be used, 3 a run failed, 130 interrupted).
 */
export async function runTune(
  argv: string[],
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
  /** CDK stacks the CLI rendered as templates (cdkTargets.ts), by absolute path. */
  templates: ReadonlyMap<string, string> = new Map(),
): Promise<number> {
  const rest = argv[0] === 'tune' ? argv.slice(1) : argv;
  if (rest.includes('--help') || rest.includes('-h')) {
    out.write(`${TUNE_USAGE}\n`);
    return EXIT.ok;
  }
  const args = parseTuneArgs(rest);
  if (typeof args === 'string') {
    err.write(`lambda-lens tune: ${args}\n\n${TUNE_USAGE}`);
    return EXIT.usage;
  }
  let json: object;
  let path: string;
  let first: LoadedScenario;
  try {
    if (isTemplate(args.target, templates)) {
      const starter = starterFor(args.target, args.fn, templates.get(resolve(args.target)));
      if (typeof starter === 'string') {
        err.write(`lambda-lens tune: ${starter}\n`);
        return EXIT.usage;
      }
      ({ json, path } = starter);
    } else {
      if (args.fn) {
        err.write(`lambda-lens tune: --function goes with a template, not a scenario\n\n${TUNE_USAGE}`);
        return EXIT.usage;
      }
      path = resolve(args.target);
      json = JSON.parse(readFileSync(path, 'utf8')) as object;
    }
    first = resolveScenario(json, path, {}, { templates });
  } catch (e) {
    err.write(
      `lambda-lens tune: ${e instanceof ScenarioError ? e.message : `cannot load the scenario: ${e instanceof Error ? e.message : String(e)}`}\n`,
    );
    return EXIT.usage;
  }
  // The sizes tried replace MemorySize: the template's other settings must still deploy.
  const rejections = first.rejections.filter((r) => r.ruleId !== 'LL1001');
  if (rejections.length > 0) {
    for (const r of rejections) err.write(`${formatRejection(r)}\n`);
    if (!args.force) {
      err.write(
        `lambda-lens tune: Lambda would reject ${first.config.function.name}'s configuration (above); fix it, or run anyway with --force\n`,
      );
      return EXIT.findings;
    }
  }
  const controller = new AbortController();
  const interrupt = (): void => controller.abort();
  process.once('SIGINT', interrupt);
  try {
    const result = await tune(json, path, args.sizes, args.tolerancePct, controller.signal, { templates });
    if (args.format === 'json') out.write(`${JSON.stringify(result.rows, null, 2)}\n`);
    else out.write(formatTune(result, first.config.scenario.name));
    return EXIT.ok;
  } catch (e) {
    if (controller.signal.aborted) {
      err.write('lambda-lens tune: interrupted\n');
      return EXIT.interrupted;
    }
    err.write(`lambda-lens tune: the runs failed: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.failure;
  } finally {
    process.removeListener('SIGINT', interrupt);
  }
}
