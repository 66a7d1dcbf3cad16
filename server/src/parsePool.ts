/**
 * Parses templates in worker threads (parseWorker.ts, bundled as dist/parse-worker.js) for
 * `lambda-lens check` over many files: the YAML parse is most of such a run, and it is a pure
 * function of the text. The main thread queues texts ahead of the file it is checking; each
 * worker keeps {@link DEPTH} of them in hand; a text still queued when the main thread reaches
 * its file is taken back and parsed there, so no thread waits while there is parsing to do. The
 * trees are used in the main thread's own order: findings and output are the same as with no
 * worker. A worker that throws or dies hands its texts back to the main thread.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ParsedTree } from './service/templates/parse';

export interface ParseRequest {
  readonly id: number;
  readonly text: string;
  readonly format: 'yaml' | 'json' | undefined;
}

export type ParseReply =
  { readonly id: number; readonly parsed: ParsedTree } | { readonly id: number; readonly error: string };

/** A text handed to the pool. */
export interface PendingParse {
  /** The parse, or `undefined` when the caller is to parse the text itself (not sent yet, or a worker failed). */
  result(): Promise<ParsedTree | undefined>;
}

interface Job {
  readonly request: ParseRequest;
  readonly done: Promise<ParsedTree | undefined>;
  readonly resolve: (parsed: ParsedTree | undefined) => void;
  worker?: Worker;
}

/** The bundled worker, beside the bundled CLI (absent when the CLI runs from its sources). */
const WORKER_FILE = join(__dirname, 'parse-worker.js');

export class ParsePool {
  /** Jobs not sent to a worker yet, in order. */
  private readonly queue: Job[] = [];
  /** Jobs sent, by id. */
  private readonly sent = new Map<number, Job>();
  /** Live workers and the number of jobs each has in hand. */
  private readonly inHand = new Map<Worker, number>();
  private nextId = 0;

  private constructor(private readonly workers: readonly Worker[]) {
    for (const w of workers) {
      this.inHand.set(w, 0);
      w.unref();
      w.on('message', (reply: ParseReply) => {
        this.settle(reply.id, 'parsed' in reply ? reply.parsed : undefined);
        this.pump();
      });
      const drop = () => {
        this.inHand.delete(w);
        for (const [id, job] of this.sent) if (job.worker === w) this.settle(id, undefined);
      };
      w.on('error', drop);
      w.on('exit', drop);
    }
  }

  /**
   * Workers for `files` templates: none (`undefined`) for a few files, on one core, or without
   * the bundled worker; else one per core beside the main thread's, at least one, at most four.
   */
  static for(files: number, workerFile = WORKER_FILE): ParsePool | undefined {
    const cores = availableParallelism();
    if (files < MIN_FILES || cores < 2 || !existsSync(workerFile)) return undefined;
    const size = Math.max(1, Math.min(cores - 1, MAX_WORKERS));
    try {
      return new ParsePool(Array.from({ length: size }, () => new Worker(workerFile)));
    } catch {
      return undefined;
    }
  }

  /** Queues a text to be parsed as `parseTreeText(text, format)` would. */
  parse(text: string, format: 'yaml' | 'json' | undefined): PendingParse {
    let resolve: (parsed: ParsedTree | undefined) => void = () => undefined;
    const done = new Promise<ParsedTree | undefined>((r) => (resolve = r));
    const job: Job = { request: { id: this.nextId++, text, format }, done, resolve };
    this.queue.push(job);
    this.pump();
    return {
      result: () => {
        const queued = this.queue.indexOf(job);
        if (queued >= 0) {
          this.queue.splice(queued, 1);
          job.resolve(undefined);
        }
        return job.done;
      },
    };
  }

  /** Sends queued jobs to the workers with fewer than DEPTH in hand. */
  private pump(): void {
    for (const [w, n] of this.inHand) {
      for (let k = n; k < DEPTH; k++) {
        const job = this.queue.shift();
        if (job === undefined) return;
        job.worker = w;
        this.sent.set(job.request.id, job);
        this.inHand.set(w, (this.inHand.get(w) ?? 0) + 1);
        w.postMessage(job.request);
      }
    }
  }

  private settle(id: number, parsed: ParsedTree | undefined): void {
    const job = this.sent.get(id);
    if (job === undefined) return;
    this.sent.delete(id);
    const n = job.worker && this.inHand.get(job.worker);
    if (job.worker && n !== undefined) this.inHand.set(job.worker, n - 1);
    job.resolve(parsed);
  }

  /** Stops the workers; texts not parsed yet go back to the caller. */
  close(): void {
    for (const job of this.queue.splice(0)) job.resolve(undefined);
    for (const w of this.workers) void w.terminate();
  }
}

/** Below this many templates, starting a worker costs more than it saves. */
const MIN_FILES = 8;
const MAX_WORKERS = 4;
/** Texts a worker holds at once: one it parses, one ready for when it is done. */
const DEPTH = 2;
