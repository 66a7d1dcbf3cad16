/**
 * `lambda-lens simulate <scenario.json> [--out trace.json] [--format text|json] [--chrome file]`
 * `lambda-lens simulate <template.yaml> [--function <LogicalId>] [--print-scenario]`
 *
 * Runs a scenario (or a starter scenario for a template function) and prints a readable summary
 * with the REPORT lines (text) or the whole trace (json). Exit codes (`EXIT`): 0 the run completed
 * (function errors are results, not failures), 1 Lambda would reject the configuration, 2 bad
 * usage or a scenario with problems, 3 the run or writing its output failed, 130 interrupted.
 */
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { toChromeTrace } from './chrome';
import { simulate } from './run';
import { loadScenario, resolveScenario, ScenarioError, type LoadedScenario } from './scenario';
import { formatRejection } from './validate';
import { isTemplate, starterFor } from './target';
import type { DurationStats, SimulationTrace } from './trace';
import { EXIT, isOneOf, notOneOf, parseCommandArgs } from '../args';
import { SIMULATE_USAGE } from './usage';

export { SIMULATE_USAGE } from './usage';

interface Args {
  scenario: string;
  out: string | null;
  chrome: string | null;
  format: 'text' | 'json';
  fn: string | null;
  printScenario: boolean;
  force: boolean;
  dumpState: string | null;
  /** Folders besides the workspace (the current folder and the scenario's) that files the scenario names may be in. */
  allowDirs: string[];
}

const FORMATS = ['text', 'json'] as const;

function readArgs(argv: readonly string[]): Args | string {
  const parsed = parseCommandArgs(argv[0] === 'simulate' ? argv.slice(1) : argv, {
    out: { type: 'string' },
    chrome: { type: 'string' },
    format: { type: 'string' },
    function: { type: 'string' },
    'print-scenario': { type: 'boolean' },
    force: { type: 'boolean' },
    'dump-state': { type: 'string' },
    'allow-dir': { type: 'string', multiple: true },
  });
  if (typeof parsed === 'string') return parsed;
  const { values, positionals } = parsed;
  const format = values.format ?? 'text';
  if (!isOneOf(format, FORMATS)) return notOneOf('--format', format, FORMATS);
  for (const option of ['out', 'chrome', 'function', 'dump-state'] as const)
    if (values[option] === '') return `--${option} needs a value`;
  const [scenario, extra] = positionals;
  if (scenario === undefined) return 'missing the scenario file';
  if (extra !== undefined) return `unexpected argument ${extra}`;
  const allowDirs = values['allow-dir'] ?? [];
  if (allowDirs.includes('')) return '--allow-dir needs a folder';
  return {
    scenario,
    out: values.out ?? null,
    chrome: values.chrome ?? null,
    format,
    fn: values.function ?? null,
    printScenario: values['print-scenario'] ?? false,
    force: values.force ?? false,
    dumpState: values['dump-state'] ?? null,
    allowDirs: allowDirs.map((d) => resolve(d)),
  };
}

function ms(v: number | null): string {
  return v === null ? '–' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(2)} ms`;
}

function stats(name: string, s: DurationStats): string {
  return `${name} p50 ${ms(s.p50)}, p95 ${ms(s.p95)} (${s.count})`;
}

function clockTime(msValue: number): string {
  const s = msValue / 1000;
  if (Math.abs(s) < 60) return `${s.toFixed(3)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${(s - m * 60).toFixed(1)} s`;
}

const MAX_LINES = 200;

/** The text report of a run. */
export function formatTrace(trace: SimulationTrace, warnings: string[] = []): string {
  const f = trace.function;
  const lines: string[] = [];
  lines.push(`Lambda Lens simulation: ${trace.scenario.name}${trace.cancelled ? ' (cancelled)' : ''}`);
  lines.push(
    `Function ${f.name}  ${f.runtime}  ${f.handler}  ${f.memorySizeMb} MB  timeout ${f.timeoutMs / 1000} s${f.reservedConcurrency !== null ? `  reserved ${f.reservedConcurrency}` : ''}${f.provisionedConcurrency ? `  provisioned ${f.provisionedConcurrency}` : ''}`,
  );
  lines.push(`Runtime: ${trace.runtime.note}`);
  if (f.ephemeralStorage) lines.push(f.ephemeralStorage.note);
  if (trace.routing) {
    lines.push(`Invoked: ${trace.routing.qualifier}`);
    for (const d of trace.routing.deployments) {
      const shift =
        d.shiftStartMs === undefined
          ? 'traffic had not shifted when the run ended'
          : d.shiftStartMs > d.atMs
            ? `traffic shifting from ${clockTime(d.shiftStartMs)}, once its provisioned environments were ready`
            : 'traffic shifting at once';
      lines.push(`Deployment at ${clockTime(d.atMs)}: version ${d.version} (${d.type}), ${shift}`);
    }
  }
  for (const w of [...warnings, ...(trace.aws?.warnings ?? [])]) lines.push(`warning: ${w}`);
  if (trace.functions && trace.functions.length > 1)
    lines.push(
      `Also ran (reached through the emulated AWS resources): ${trace.functions
        .slice(1)
        .map((x) => x.logicalId)
        .join(', ')}`,
    );
  for (const l of trace.environmentLogs)
    if (l.line.startsWith('LAMBDA_LENS note: ')) lines.push(`note: ${l.line.slice('LAMBDA_LENS note: '.length)}`);
  lines.push('');
  // The trace lists invocations as they finished; the report reads in start order.
  const shown = [...trace.invocations].sort((a, b) => a.startMs - b.startMs).slice(0, MAX_LINES);
  for (const inv of shown) {
    const where = inv.env ?? '—';
    const kind = inv.outcome === 'throttled' ? 'throttled' : `${inv.cold ? 'cold' : 'warm'} ${inv.outcome}`;
    const retry = inv.attempt > 1 ? ` attempt ${inv.attempt}` : '';
    const detail =
      inv.outcome === 'throttled'
        ? `429 TooManyRequestsException (${inv.throttleReason})`
        : inv.report.replace(/\t/g, '  ');
    lines.push(
      `${clockTime(inv.startMs).padStart(14)}  ${where.padEnd(7)} ${inv.source.padEnd(8)} ${(kind + retry).padEnd(22)} ${detail}`,
    );
    if (inv.error && inv.outcome !== 'throttled')
      lines.push(
        `${''.padStart(14)}  ${''.padEnd(7)} ${inv.error.errorType}: ${String(inv.error.errorMessage).split('\n')[0]}`,
      );
    for (const c of inv.awsCalls ?? []) {
      const what =
        c.outcome === 'ok'
          ? ms(c.durationMs)
          : c.outcome === 'hang'
            ? 'no answer'
            : `${c.errorCode} after ${ms(c.durationMs)}`;
      lines.push(`${''.padStart(14)}  ${''.padEnd(7)}   ${c.duplicateOf ? 'DUPLICATE ' : ''}${c.summary} (${what})`);
      // What the template allows stopped it (denied, unreachable, refused): say why, once, under the call.
      if (c.enforcement)
        lines.push(
          `${''.padStart(14)}  ${''.padEnd(7)}     ${c.enforcement.kind.toUpperCase()}: ${c.enforcement.reason}`,
        );
    }
  }
  if (trace.invocations.length > shown.length)
    lines.push(`… ${trace.invocations.length - shown.length} more invocations (write them all with --out)`);
  if (trace.deliveries.length > 0) {
    lines.push('');
    lines.push('Deliveries:');
    for (const d of trace.deliveries.slice(0, MAX_LINES))
      lines.push(
        `${clockTime(d.atMs).padStart(14)}  ${d.kind} (${d.condition}) → ${d.target}  [${d.inputs.length} input${d.inputs.length === 1 ? '' : 's'}]`,
      );
    if (trace.deliveries.length > MAX_LINES) lines.push(`… ${trace.deliveries.length - MAX_LINES} more`);
  }
  const s = trace.summary;
  lines.push('');
  lines.push('Summary');
  lines.push(
    `  invocations ${s.invocations} (cold ${s.coldStarts}, warm ${s.invocations - s.coldStarts}), errors ${s.errors}, throttles ${s.throttles}, retries ${s.retries}`,
  );
  lines.push(`  environments ${s.environments}, peak concurrency ${s.peakConcurrency}`);
  lines.push(`  duration: ${stats('warm', s.warm)}; ${stats('cold', s.cold)}; ${stats('init', s.init)}`);
  lines.push(
    `  billed ${s.billedMs} ms = ${s.gbSeconds.toFixed(6)} GB-s; cost x86_64 $${s.cost.x86_64.toFixed(8)}, arm64 $${s.cost.arm64.toFixed(8)} (INIT billed for on-demand since Aug 2025)`,
  );
  const a = s.accounting;
  lines.push(
    `  inputs ${a.put}: ${a.succeeded} succeeded, ${a.delivered} delivered to a destination/DLQ, ${a.dropped} dropped`,
  );
  const reasons = new Map<string, number>();
  for (const input of trace.inputs)
    if (input.fate === 'dropped') reasons.set(input.reason, (reasons.get(input.reason) ?? 0) + 1);
  for (const [reason, n] of [...reasons].slice(0, 10)) lines.push(`    ${n} dropped: ${reason}`);
  lines.push(`  simulated ${clockTime(s.simulatedMs)} in ${clockTime(s.wallMs)} of real time`);
  lines.push(...awsReport(trace));
  return `${lines.join('\n')}\n`;
}

/** AWS calls per service and operation with their p50 latency, and the duplicate side effects. */
function awsReport(trace: SimulationTrace): string[] {
  const calls = trace.invocations.flatMap((i) => i.awsCalls ?? []);
  if (trace.aws === undefined) return [];
  const lines = [
    '',
    `AWS calls: ${calls.length}, answered by the local endpoint ${trace.aws.endpoint} (nothing left this machine)`,
  ];
  const groups = new Map<string, typeof calls>();
  for (const c of calls) {
    const key = `${c.service} ${c.operation}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  for (const [key, list] of [...groups].sort((a, b) => b[1].length - a[1].length)) {
    const durations = list.map((c) => c.durationMs).sort((a, b) => a - b);
    const p50 = durations[Math.floor((durations.length - 1) / 2)] ?? 0;
    const errors = list.filter((c) => c.outcome !== 'ok');
    const codes = [...new Set(errors.map((c) => c.errorCode ?? c.outcome))].join(', ');
    const dups = list.filter((c) => c.duplicateOf !== null).length;
    lines.push(
      `  ${key.padEnd(36)} ${String(list.length).padStart(5)} call${list.length === 1 ? ' ' : 's'}  p50 ${ms(p50).padStart(9)}${errors.length ? `  ${errors.length} failed (${codes})` : ''}${dups ? `  ${dups} duplicate${dups === 1 ? '' : 's'}` : ''}`,
    );
  }
  const byId = new Map(calls.map((c) => [c.id, c]));
  const duplicates = calls.filter((c) => c.duplicateOf !== null);
  if (duplicates.length > 0) {
    lines.push(
      `  Duplicate side effects: ${duplicates.length} (a later attempt of the same input repeated a write that is not idempotent)`,
    );
    for (const d of duplicates.slice(0, 20)) {
      const first = byId.get(d.duplicateOf as string);
      lines.push(
        `    ${d.function ?? '?'} attempt ${d.attempt}: ${d.summary} repeats attempt ${first?.attempt ?? '?'}'s call at ${clockTime(first?.startMs ?? 0)}`,
      );
    }
  }
  return lines;
}

/**
 * `lambda-lens simulate …` as the whole process: runs it and sets the exit code. bin/lambda-lens.js
 * calls it from the simulator bundle (dist/simulator.js), so a simulation never loads the rules
 * or the TypeScript compiler the `check` CLI needs.
 */
export function runSimulateProcess(argv: string[]): void {
  // The process ends when the run does, once its output is written: nothing a handler left
  // behind (a timer in the host, a pipe held open) can keep it waiting.
  const exit = (code: number): void => {
    process.exitCode = code;
    process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
  };
  runSimulate(argv, process.stdout, process.stderr).then(exit, (e: unknown) => {
    process.stderr.write(`lambda-lens: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    exit(EXIT.failure);
  });
}

/**
 * The `simulate` command. `argv` is the arguments after `simulate` (a leading `simulate` is
 * accepted too). Resolves to the exit code.
 */
export async function runSimulate(
  argv: string[],
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
  /** CDK stacks the CLI rendered as templates (service/cdk/simulation.ts), by absolute path. */
  templates: ReadonlyMap<string, string> = new Map(),
): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    // As `lambda-lens help simulate` prints it (a line written by the CLI ends with a newline).
    out.write(`${SIMULATE_USAGE}\n`);
    return EXIT.ok;
  }
  const args = readArgs(argv);
  if (typeof args === 'string') {
    err.write(`lambda-lens simulate: ${args}\n\n${SIMULATE_USAGE}`);
    return EXIT.usage;
  }
  let loaded: LoadedScenario;
  try {
    if (isTemplate(args.scenario, templates)) {
      const starter = starterFor(args.scenario, args.fn, templates.get(resolve(args.scenario)));
      if (typeof starter === 'string') {
        err.write(`lambda-lens simulate: ${starter}\n`);
        return EXIT.usage;
      }
      if (args.printScenario) {
        out.write(`${JSON.stringify(starter.json, null, 2)}\n`);
        return EXIT.ok;
      }
      loaded = resolveScenario(starter.json, starter.path, {}, { templates });
    } else {
      if (args.fn || args.printScenario) {
        err.write(
          `lambda-lens simulate: --function and --print-scenario go with a template, not a scenario\n\n${SIMULATE_USAGE}`,
        );
        return EXIT.usage;
      }
      // The files a scenario names must be in the workspace (here: the current folder or the scenario's) or an allowed folder.
      loaded = loadScenario(
        args.scenario,
        {},
        { roots: [process.cwd(), dirname(resolve(args.scenario)), ...args.allowDirs], templates },
      );
    }
  } catch (e) {
    // A scenario with problems is bad input; anything else thrown while reading it is our failure.
    if (e instanceof ScenarioError) {
      err.write(`lambda-lens simulate: ${e.message}\n`);
      return EXIT.usage;
    }
    err.write(`lambda-lens simulate: cannot load the scenario: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.failure;
  }
  if (loaded.rejections.length > 0) {
    // Lambda would refuse to deploy this: nothing to simulate, unless asked to anyway.
    for (const r of loaded.rejections) err.write(`${formatRejection(r)}\n`);
    if (!args.force) {
      err.write(
        `lambda-lens simulate: Lambda would reject ${loaded.config.function.name}'s configuration (above); fix it, or run anyway with --force\n`,
      );
      return EXIT.findings;
    }
    err.write('lambda-lens simulate: running anyway (--force)\n');
  }
  const controller = new AbortController();
  const interrupt = (): void => controller.abort();
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  let trace: SimulationTrace;
  try {
    trace = await simulate(loaded.config, { signal: controller.signal });
  } catch (e) {
    err.write(`lambda-lens simulate: the run failed: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.failure;
  } finally {
    process.removeListener('SIGINT', interrupt);
    process.removeListener('SIGTERM', interrupt);
  }
  try {
    if (args.out) writeFileSync(args.out, `${JSON.stringify(trace, null, 2)}\n`);
    if (args.chrome) writeFileSync(args.chrome, `${JSON.stringify(toChromeTrace(trace))}\n`);
    if (args.dumpState && args.dumpState !== '-')
      writeFileSync(args.dumpState, `${JSON.stringify(trace.aws?.state ?? {}, null, 2)}\n`);
  } catch (e) {
    err.write(`lambda-lens simulate: cannot write the output: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.failure;
  }
  if (args.format === 'json') out.write(`${JSON.stringify(trace, null, 2)}\n`);
  else {
    out.write(formatTrace(trace, loaded.warnings));
    if (args.out) out.write(`Trace written to ${args.out}\n`);
    if (args.chrome) out.write(`Chrome trace written to ${args.chrome}\n`);
    if (args.dumpState && args.dumpState !== '-')
      out.write(`Final state of the emulated resources written to ${args.dumpState}\n`);
  }
  if (args.dumpState === '-') out.write(`${JSON.stringify(trace.aws?.state ?? {}, null, 2)}\n`);
  if (trace.cancelled) {
    err.write('lambda-lens simulate: interrupted; the trace covers the run so far\n');
    return EXIT.interrupted;
  }
  return EXIT.ok;
}
