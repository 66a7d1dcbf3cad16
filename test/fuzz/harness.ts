/**
 * A fuzz harness for the analysis (issue 19): mutates real templates (the shared corpus) and
 * real handlers and templates (examples/, test/fixtures/), and feeds each to the language
 * service in worker processes, as the editor would (each worker is one language service in its
 * own process, as the language server is). It counts crashes (an exception out of the service),
 * rule failures (a rule that threw and was reported as "could not run"), hangs (see
 * {@link FuzzOptions.hangMs}) and each worker's peak memory, and times every input per kind of
 * mutation and of file. `npm run fuzz` runs it for a time budget; `test/unit/fuzz.test.ts` runs
 * a small budget in `npm test`. Every failure carries what is needed to replay it: the base
 * file, the seed and the input's number (each input is made from those two alone).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { makeInput, type FuzzInput } from './mutate';
import { peakRssBytes, threadCpuMs } from './cpu';

/** What a worker is started with: it makes input N itself from these. */
export interface WorkerSetup {
  readonly seed: number;
  readonly bases: readonly string[];
}

/** The first message to a worker is its setup; then one message per input. */
export type ToWorker = { readonly kind: 'setup'; readonly setup: WorkerSetup } | { readonly input: number };

export type FromWorker =
  | { readonly kind: 'ready'; readonly statPath: string | undefined }
  | {
      readonly kind: 'start';
      readonly input: number;
      readonly base: string;
      readonly mutations: readonly string[];
      readonly characters: number;
      /** The worker's main thread's CPU time when it started on the input (ms), when /proc tells it. */
      readonly cpuMs: number | undefined;
    }
  | {
      readonly kind: 'done';
      readonly input: number;
      /** Wall time of the answer. */
      readonly ms: number;
      /** The worker thread's own CPU time for the answer. */
      readonly cpuMs: number | undefined;
      /** The worker's JavaScript heap in use after the answer. */
      readonly heapMb: number;
      /** The worker process's peak resident memory so far (VmHWM), when /proc tells it. */
      readonly peakRssMb: number | undefined;
      readonly ruleFailures: readonly string[];
      readonly crash?: string;
    };

export interface FuzzFailure {
  readonly kind: 'crash' | 'hang' | 'rule-failure' | 'out-of-memory';
  readonly base: string;
  readonly seed: number;
  readonly input: number;
  readonly mutations: readonly string[];
  readonly detail: string;
}

export interface FuzzResult {
  readonly inputs: number;
  readonly bases: number;
  readonly seconds: number;
  /** Worker processes that answered inputs side by side. */
  readonly workers: number;
  readonly failures: readonly FuzzFailure[];
  readonly slowestMs: number;
  readonly medianMs: number;
  /**
   * The largest resident memory (VmHWM) one worker process reached while answering an input: what
   * one language service took at most, as the language server's process would. The peak is
   * counted from after the input was made (after a garbage collection for inputs of 100,000
   * characters or more, whose making leaves megabytes of garbage). Linux; 0 without /proc.
   */
  readonly peakRssMb: number;
  /** The largest JavaScript heap a worker held after an answer. */
  readonly workerHeapMb: number;
  /**
   * Per mutation name: the inputs it was applied to (an input has one to three) and their
   * answer times, to see that every kind was exercised and where the time goes.
   */
  readonly byMutation: Readonly<Record<string, TimeStats>>;
  /** The same per kind of base file (its extension). */
  readonly byExtension: Readonly<Record<string, TimeStats>>;
  /** The slowest answers, with what is needed to replay them. */
  readonly slowest: readonly SlowInput[];
}

export interface TimeStats {
  readonly inputs: number;
  /** Wall times of the answers. */
  readonly medianMs: number;
  readonly maxMs: number;
  /** The answer times summed: the share of the run this kind took. */
  readonly totalMs: number;
  /** The worker thread's own CPU time for the answers, which a loaded machine does not inflate (Linux). */
  readonly cpuMedianMs?: number;
  readonly cpuMaxMs?: number;
  readonly cpuTotalMs?: number;
}

export interface SlowInput {
  readonly input: number;
  readonly base: string;
  readonly mutations: readonly string[];
  readonly characters: number;
  readonly ms: number;
  readonly cpuMs: number | undefined;
}

type Timed = SlowInput;

const SLOWEST_KEPT = 15;

function summary(ms: readonly number[]): { median: number; max: number; total: number } {
  const sorted = [...ms].sort((a, b) => a - b);
  return {
    median: sorted[Math.floor(sorted.length / 2)] ?? 0,
    max: sorted[sorted.length - 1] ?? 0,
    total: sorted.reduce((a, b) => a + b, 0),
  };
}

function stats(timed: readonly Timed[]): TimeStats {
  const wall = summary(timed.map((t) => t.ms));
  const cpuTimes = timed.flatMap((t) => (t.cpuMs === undefined ? [] : [t.cpuMs]));
  const cpu = cpuTimes.length === timed.length && timed.length > 0 ? summary(cpuTimes) : undefined;
  return {
    inputs: timed.length,
    medianMs: wall.median,
    maxMs: wall.max,
    totalMs: wall.total,
    ...(cpu ? { cpuMedianMs: cpu.median, cpuMaxMs: cpu.max, cpuTotalMs: cpu.total } : {}),
  };
}

function grouped(timed: readonly Timed[], keys: (t: Timed) => readonly string[]): Record<string, TimeStats> {
  const groups = new Map<string, Timed[]>();
  for (const t of timed)
    for (const k of new Set(keys(t))) {
      const g = groups.get(k);
      if (g) g.push(t);
      else groups.set(k, [t]);
    }
  return Object.fromEntries([...groups].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, stats(v)]));
}

export interface FuzzOptions {
  readonly seed: number;
  readonly maxInputs: number;
  readonly budgetMs: number;
  /**
   * A hang: no answer after this much of the worker thread's own CPU time (read from /proc on
   * Linux, so that waiting for a core on a loaded machine does not count). Where the CPU time
   * cannot be read, no answer in this much wall time, confirmed by a second try in a fresh worker.
   */
  readonly hangMs: number;
  /**
   * With CPU time, a worker that does not answer in this much wall time (stuck without
   * computing, say in a blocking read) is a hang too, confirmed in a fresh worker. Default 60 s.
   */
  readonly wallHangMs?: number;
  /** Worker processes answering side by side (default: the cores, `os.availableParallelism()`). */
  readonly workers?: number;
  /** Folders whose templates and handlers are mutated. */
  readonly roots: readonly string[];
  readonly progress?: (done: number, result: () => FuzzResult) => void;
}

const ROOT = resolve(__dirname, '../..');
const EXTENSIONS = new Set(['.yaml', '.yml', '.json', '.template', '.js', '.mjs', '.cjs', '.ts', '.py']);
/** The worker's heap is capped, so that runaway memory is a finding, not a dead machine. */
const WORKER_HEAP_MB = 1024;
const DEFAULT_WALL_HANG_MS = 60_000;

/** The default inputs: the shared corpus (beside the clone), the examples and the rule fixtures. */
export function defaultRoots(): string[] {
  const corpus = [
    process.env.LAMBDA_LENS_CORPUS,
    resolve(ROOT, '../shared/corpus'),
    resolve(ROOT, '../../shared/corpus'),
  ].find((p) => p !== undefined && existsSync(p));
  return [
    ...(corpus ? [corpus] : []),
    join(ROOT, 'examples'),
    join(ROOT, 'test/fixtures/rules'),
    join(ROOT, 'test/fixtures/effects'),
  ].filter((p) => existsSync(p));
}

export function baseFiles(roots: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number): void => {
    if (depth > 12) return;
    for (const name of readdirSync(dir).sort()) {
      if (name === 'node_modules' || name.startsWith('.')) continue;
      const p = join(dir, name);
      const s = statSync(p);
      if (s.isDirectory()) walk(p, depth + 1);
      else if (s.isFile() && EXTENSIONS.has(extname(name)) && s.size < 2_000_000) out.push(p);
    }
  };
  for (const r of roots) walk(r, 0);
  return out;
}

/** The `input`-th input of a run with this seed, to replay a failure (`npm run fuzz -- --replay`). */
export function replay(seed: number, input: number, roots: readonly string[]): FuzzInput {
  return makeInput(seed, input, baseFiles(roots), (p) => readFileSync(p, 'utf8'));
}

/** A worker process, the /proc file its CPU time is read from, and the end of what it wrote to stderr. */
interface Lane {
  readonly worker: ChildProcess;
  statPath: string | undefined;
  stderr: string;
}

type Answer =
  | { kind: 'reply'; start: Started; done: Extract<FromWorker, { kind: 'done' }> }
  | { kind: 'hang'; start: Started | undefined; detail: string; byCpu: boolean }
  | { kind: 'died'; start: Started | undefined; detail: string };

type Started = Extract<FromWorker, { kind: 'start' }>;

export async function fuzz(options: FuzzOptions): Promise<FuzzResult> {
  const bases = baseFiles(options.roots);
  if (bases.length === 0) throw new Error('fuzz: no input files under the roots');
  const setup: WorkerSetup = { seed: options.seed, bases };
  const lanes = Math.max(1, options.workers ?? availableParallelism());
  const wallHangMs = options.wallHangMs ?? DEFAULT_WALL_HANG_MS;
  const failures: FuzzFailure[] = [];
  const timed: Timed[] = [];
  let peakRss = 0;
  let workerHeap = 0;
  const started = Date.now();
  let next = 0;
  let inputs = 0;
  const result = (): FuzzResult => {
    const all = stats(timed);
    return {
      inputs,
      bases: bases.length,
      workers: lanes,
      seconds: (Date.now() - started) / 1000,
      failures: [...failures].sort((a, b) => a.input - b.input),
      slowestMs: all.maxMs,
      medianMs: all.medianMs,
      peakRssMb: peakRss,
      workerHeapMb: workerHeap,
      byMutation: grouped(timed, (t) => t.mutations),
      byExtension: grouped(timed, (t) => [extname(t.base) || '(none)']),
      slowest: [...timed].sort((a, b) => b.ms - a.ms).slice(0, SLOWEST_KEPT),
    };
  };
  const runLane = async (): Promise<void> => {
    let lane = await startLane(setup);
    try {
      while (next < options.maxInputs && Date.now() - started < options.budgetMs) {
        const input = next++;
        let answer = await ask(lane, input, options.hangMs, wallHangMs);
        if (answer.kind !== 'reply') {
          peakRss = Math.max(peakRss, workerPeakMb(lane));
          await stop(lane);
          lane = await startLane(setup);
        }
        if (answer.kind === 'hang' && !answer.byCpu) {
          // Past the wall-time limit without the CPU-time one (or without /proc): on a loaded
          // machine a worker can wait that long for a core. Confirmed in a fresh worker; only an
          // input that hangs twice is reported.
          answer = await ask(lane, input, options.hangMs, wallHangMs);
          if (answer.kind !== 'reply') {
            peakRss = Math.max(peakRss, workerPeakMb(lane));
            await stop(lane);
            lane = await startLane(setup);
          }
        }
        const made = answer.start ?? replay(options.seed, input, options.roots);
        const failure = (kind: FuzzFailure['kind'], detail: string): FuzzFailure => ({
          kind,
          base: made.base,
          seed: options.seed,
          input,
          mutations: made.mutations,
          detail,
        });
        if (answer.kind === 'hang') failures.push(failure('hang', answer.detail));
        else if (answer.kind === 'died')
          failures.push(
            failure(/heap out of memory|memory/i.test(answer.detail) ? 'out-of-memory' : 'crash', answer.detail),
          );
        else {
          const { start, done } = answer;
          timed.push({
            input,
            base: start.base,
            mutations: start.mutations,
            characters: start.characters,
            ms: done.ms,
            cpuMs: done.cpuMs,
          });
          workerHeap = Math.max(workerHeap, done.heapMb);
          peakRss = Math.max(peakRss, done.peakRssMb ?? 0);
          if (done.crash !== undefined) failures.push(failure('crash', done.crash));
          for (const r of done.ruleFailures) failures.push(failure('rule-failure', r));
        }
        inputs++;
        options.progress?.(inputs, result);
      }
    } finally {
      await stop(lane);
    }
  };
  await Promise.all(Array.from({ length: lanes }, runLane));
  return result();
}

function startLane(setup: WorkerSetup): Promise<Lane> {
  // A process per worker: its peak memory is one language service's, and a hang or a heap
  // exhausted ends that process alone.
  const worker = fork(join(__dirname, 'worker.ts'), [], {
    execArgv: ['--import', 'tsx', `--max-old-space-size=${WORKER_HEAP_MB}`, '--expose-gc'],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  const lane: Lane = { worker, statPath: undefined, stderr: '' };
  // The end of what the worker wrote to stderr says why it died (V8's "heap out of memory").
  worker.stderr?.on('data', (b: Buffer) => {
    lane.stderr = (lane.stderr + b.toString('utf8')).slice(-2000);
  });
  worker.send({ kind: 'setup', setup } satisfies ToWorker);
  return new Promise((done, fail) => {
    const onMessage = (m: FromWorker): void => {
      if (m.kind !== 'ready') return;
      worker.off('message', onMessage);
      worker.off('error', fail);
      lane.statPath = m.statPath;
      done(lane);
    };
    worker.on('message', onMessage);
    worker.on('error', fail);
  });
}

/** A worker's peak resident memory (VmHWM) in MB, read while it is still alive; 0 where /proc is missing. */
function workerPeakMb(lane: Lane): number {
  const bytes = lane.worker.pid === undefined ? undefined : peakRssBytes(lane.worker.pid);
  return (bytes ?? 0) / 1024 / 1024;
}

/** Ends a worker process and waits until it is gone. */
function stop(lane: Lane): Promise<void> {
  const { worker } = lane;
  if (worker.exitCode !== null || worker.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    worker.once('exit', () => done());
    worker.kill('SIGKILL');
  });
}

/** How often a busy worker's CPU time and wall time are looked at. */
const POLL_MS = 250;

function ask(lane: Lane, input: number, hangMs: number, wallHangMs: number): Promise<Answer> {
  const { worker, statPath } = lane;
  return new Promise((done) => {
    let start: Started | undefined;
    const asked = Date.now();
    const cleanup = (): void => {
      clearInterval(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (m: FromWorker): void => {
      if (m.kind === 'start' && m.input === input) start = m;
      if (m.kind !== 'done' || m.input !== input || start === undefined) return;
      cleanup();
      done({ kind: 'reply', start, done: m });
    };
    const onError = (e: Error): void => {
      cleanup();
      done({ kind: 'died', start, detail: e.stack ?? e.message });
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      cleanup();
      const why = lane.stderr.trim().split('\n').slice(-5).join('\n');
      done({ kind: 'died', start, detail: `the worker exited with ${code ?? signal}${why ? `: ${why}` : ''}` });
    };
    const timer = setInterval(() => {
      const size = start === undefined ? '' : ` (${start.characters} characters)`;
      const now = threadCpuMs(statPath);
      const cpu = now === undefined || start?.cpuMs === undefined ? undefined : now - start.cpuMs;
      const wall = Date.now() - asked;
      if (cpu !== undefined && cpu >= hangMs) {
        cleanup();
        done({ kind: 'hang', start, byCpu: true, detail: `no answer after ${cpu} ms of the worker's CPU time${size}` });
      } else if (wall >= (cpu === undefined ? hangMs : wallHangMs)) {
        cleanup();
        done({
          kind: 'hang',
          start,
          byCpu: false,
          detail: `no answer in ${wall} ms${cpu === undefined ? '' : ` (${cpu} ms of CPU time)`}${size}`,
        });
      }
    }, POLL_MS);
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.send({ input } satisfies ToWorker);
  });
}
