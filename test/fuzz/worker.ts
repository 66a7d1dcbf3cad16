/**
 * The fuzz harness's worker process: makes each input it is given (from the run's seed and the
 * input's number, so that no multi-megabyte text crosses threads) and answers it with what the
 * language service does on it (validate, hovers, code lenses, definitions, references), as the
 * editor would ask. It runs apart from the harness so that a hang can be cut off and memory
 * watched; it tells the harness where its CPU time can be read, and reports its peak memory.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { URI } from 'vscode-uri';
import { LanguageService, loadPythonParser } from '../../server/src/service';
import { nodeFileSystem } from '../../server/src/nodeFs';
import { makeInput, type FuzzInput } from './mutate';
import { peakRssBytes, resetPeakRss, threadCpuMs, threadStatPath } from './cpu';
import type { FromWorker, ToWorker, WorkerSetup } from './harness';

if (process.send === undefined) throw new Error('test/fuzz/worker.ts runs as a child process of the harness');
const statPath = threadStatPath();
let setup: WorkerSetup | undefined;

/** The base files' texts, read once per worker. */
const texts = new Map<string, string>();
const read = (path: string): string => {
  let text = texts.get(path);
  if (text === undefined) {
    text = readFileSync(path, 'utf8');
    texts.set(path, text);
  }
  return text;
};

const ready = loadPythonParser();
/** Inputs this long (characters) are made with megabytes of garbage. */
const LARGE_INPUT = 100_000;
/** `global.gc`, exposed by the harness (`--expose-gc`). */
const collectGarbage = (globalThis as { gc?: () => void }).gc;
const send = (m: FromWorker): void => void process.send?.(m);

process.on('message', (m: ToWorker) => {
  if ('kind' in m) {
    setup = m.setup;
    void ready.then(() => send({ kind: 'ready', statPath }));
    return;
  }
  void ready.then(() => {
    if (setup === undefined) throw new Error('fuzz worker: an input came before the setup');
    const input = makeInput(setup.seed, m.input, setup.bases, read);
    // Making a megabyte input (string building, byte flips) is the harness's work, not the
    // service's: its garbage is collected first, and the peak is counted from here.
    if (input.text.length >= LARGE_INPUT) collectGarbage?.();
    resetPeakRss();
    const cpuAtStart = threadCpuMs(statPath);
    send({
      kind: 'start',
      input: m.input,
      base: input.base,
      mutations: input.mutations,
      characters: input.text.length,
      cpuMs: cpuAtStart,
    });
    const started = performance.now();
    const outcome = answer(input);
    const cpuAtEnd = threadCpuMs(statPath);
    send({
      kind: 'done',
      input: m.input,
      ms: performance.now() - started,
      cpuMs: cpuAtStart === undefined || cpuAtEnd === undefined ? undefined : cpuAtEnd - cpuAtStart,
      heapMb: process.memoryUsage().heapUsed / 1024 / 1024,
      peakRssMb: ((b) => (b === undefined ? undefined : b / 1024 / 1024))(peakRssBytes()),
      ...outcome,
    });
  });
});
// The harness ending (or dying) ends its workers.
process.on('disconnect', () => process.exit(0));

function answer(req: FuzzInput): { ruleFailures: string[]; crash?: string } {
  const ruleFailures: string[] = [];
  try {
    // The mutated text replaces the file on disk; the rest of its project is read as it is.
    const service = new LanguageService({
      fs: nodeFileSystem((p) => (p === req.base ? req.text : undefined)),
      today: () => '2026-12-01',
    });
    service.setWorkspaceRoots([dirname(req.base)]);
    const doc = { uri: URI.file(req.base).toString(), text: req.text, version: 1 };
    for (const d of service.validate(doc))
      if (/could not run/.test(d.message)) ruleFailures.push(`${d.ruleId}: ${d.message}`);
    const n = req.text.length;
    for (const offset of req.offsets.map((o) => Math.floor(o * (n + 1)))) {
      service.hover(doc, offset);
      service.definition(doc, offset);
      service.references(doc, offset);
    }
    service.codeLenses(doc);
    service.isTemplate(doc);
    return { ruleFailures };
  } catch (e) {
    return { ruleFailures, crash: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
}
