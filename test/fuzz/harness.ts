/**
 * A fuzz harness for the analysis (issue 19): mutates real templates (the shared corpus) and
 * real handlers and templates (examples/, test/fixtures/), and feeds each to the language
 * service in a worker thread, as the editor would. It counts crashes (an exception out of the
 * service), rule failures (a rule that threw and was reported as "could not run"), hangs (no
 * answer in `hangMs`: the worker is cut off and replaced) and the process's peak memory.
 * `npm run fuzz` runs it for a time budget; `test/unit/fuzz.test.ts` runs a small budget in
 * `npm test`. Every failure carries what is needed to replay it: the base file, the seed and
 * the mutations applied.
 */
import { Worker } from 'node:worker_threads';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { mutate, random } from './mutate';

export interface FuzzRequest {
  readonly id: number;
  readonly path: string;
  readonly text: string;
  /** Where to ask for hovers and definitions, as fractions of the text's length. */
  readonly offsets: readonly number[];
}

export interface FuzzReply {
  readonly id: number;
  readonly ms: number;
  readonly ruleFailures: readonly string[];
  readonly crash?: string;
}

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
  readonly failures: readonly FuzzFailure[];
  readonly slowestMs: number;
  readonly medianMs: number;
  readonly peakRssMb: number;
  /** Inputs per mutation name, to see that every kind was exercised. */
  readonly byMutation: Readonly<Record<string, number>>;
}

export interface FuzzOptions {
  readonly seed: number;
  readonly maxInputs: number;
  readonly budgetMs: number;
  /** No answer in this long counts as a hang. */
  readonly hangMs: number;
  /** Folders whose templates and handlers are mutated. */
  readonly roots: readonly string[];
  readonly progress?: (done: number, result: () => FuzzResult) => void;
}

const ROOT = resolve(__dirname, '../..');
const EXTENSIONS = new Set(['.yaml', '.yml', '.json', '.template', '.js', '.mjs', '.cjs', '.ts', '.py']);
/** The worker's heap is capped, so that runaway memory is a finding, not a dead machine. */
const WORKER_HEAP_MB = 1024;

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

function baseFiles(roots: readonly string[]): string[] {
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
export function replay(
  seed: number,
  input: number,
  roots: readonly string[],
): { base: string; text: string; mutations: string[]; offsets: number[] } {
  const bases = baseFiles(roots);
  const rng = random(seed);
  for (let i = 0; ; i++) {
    const base = bases[Math.floor(rng() * bases.length)] ?? '';
    const { text, applied } = mutate(readFileSync(base, 'utf8'), rng);
    const offsets = [rng(), rng(), rng()];
    if (i === input) return { base, text, mutations: applied, offsets };
  }
}

export async function fuzz(options: FuzzOptions): Promise<FuzzResult> {
  const bases = baseFiles(options.roots);
  if (bases.length === 0) throw new Error('fuzz: no input files under the roots');
  const rng = random(options.seed);
  const failures: FuzzFailure[] = [];
  const times: number[] = [];
  const byMutation: Record<string, number> = {};
  let peakRss = 0;
  const started = Date.now();
  let worker = startWorker();
  let inputs = 0;
  const result = (): FuzzResult => {
    const sorted = [...times].sort((a, b) => a - b);
    return {
      inputs,
      bases: bases.length,
      seconds: (Date.now() - started) / 1000,
      failures,
      slowestMs: sorted[sorted.length - 1] ?? 0,
      medianMs: sorted[Math.floor(sorted.length / 2)] ?? 0,
      peakRssMb: peakRss / 1024 / 1024,
      byMutation,
    };
  };
  try {
    while (inputs < options.maxInputs && Date.now() - started < options.budgetMs) {
      const base = bases[Math.floor(rng() * bases.length)] ?? '';
      const { text, applied } = mutate(readFileSync(base, 'utf8'), rng);
      for (const m of applied) byMutation[m] = (byMutation[m] ?? 0) + 1;
      const req: FuzzRequest = { id: inputs, path: base, text, offsets: [rng(), rng(), rng()] };
      const failure = (kind: FuzzFailure['kind'], detail: string): FuzzFailure => ({
        kind,
        base,
        seed: options.seed,
        input: inputs,
        mutations: applied,
        detail,
      });
      let reply = await ask(worker, req, options.hangMs);
      if (reply.kind === 'hang') {
        // A hang is confirmed in a fresh worker: on a loaded machine a busy worker can miss the
        // deadline without hanging. Only an input that hangs twice is reported.
        await worker.terminate();
        worker = startWorker();
        reply = await ask(worker, req, options.hangMs);
      }
      if (reply.kind === 'hang' || reply.kind === 'died') {
        failures.push(
          failure(
            reply.kind === 'hang' ? 'hang' : /memory/i.test(reply.detail) ? 'out-of-memory' : 'crash',
            reply.detail,
          ),
        );
        await worker.terminate();
        worker = startWorker();
      } else {
        times.push(reply.reply.ms);
        if (reply.reply.crash !== undefined) failures.push(failure('crash', reply.reply.crash));
        for (const r of reply.reply.ruleFailures) failures.push(failure('rule-failure', r));
      }
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      inputs++;
      options.progress?.(inputs, result);
    }
  } finally {
    await worker.terminate();
  }
  return result();
}

function startWorker(): Worker {
  return new Worker(join(__dirname, 'worker.cjs'), { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
}

type Answer = { kind: 'reply'; reply: FuzzReply } | { kind: 'hang'; detail: string } | { kind: 'died'; detail: string };

function ask(worker: Worker, req: FuzzRequest, hangMs: number): Promise<Answer> {
  return new Promise((done) => {
    const cleanup = (): void => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (reply: FuzzReply): void => {
      if (reply.id !== req.id) return;
      cleanup();
      done({ kind: 'reply', reply });
    };
    const onError = (e: Error): void => {
      cleanup();
      done({ kind: 'died', detail: e.stack ?? e.message });
    };
    const onExit = (code: number): void => {
      cleanup();
      done({ kind: 'died', detail: `the worker exited with ${code}` });
    };
    const timer = setTimeout(() => {
      cleanup();
      done({ kind: 'hang', detail: `no answer in ${hangMs} ms (${req.text.length} characters)` });
    }, hangMs);
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage(req);
  });
}
