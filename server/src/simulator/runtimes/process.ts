/**
 * The runtime child processes, whatever the language: one per execution environment, started
 * with an IPC channel over which the bootstrap (node-bootstrap.ts, python-bootstrap.py) speaks
 * protocol.ts, and a pool of pre-forked spares so that a simulated cold start costs module
 * load, not `fork` (docs/lambda.md, "How other local tools run handlers": fork to first IPC message ≈ 85 ms here).
 *
 * Every child started here is registered and killed when the host process exits, with every
 * process it started (see `MARKER_VARIABLE`).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { isolatedTmpCommand, type IsolatedTmp } from './ephemeral';
import { LineSplitter, parseChildMessage, type ChildMessage, type ParentMessage } from './protocol';

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * The variable that marks every process of an environment. A process group does not hold what
 * a handler starts in a new session or group (Node `spawn(…, { detached: true })`, Python
 * `os.setsid()` or `Popen(start_new_session=True)`), and such a process is reparented away from
 * the runtime once its parent exits. Its environment, though, is inherited: the runtime process
 * starts with this variable and INIT keeps it, so every descendant that inherits the
 * environment carries it, and /proc/<pid>/environ (the environment the process started with)
 * still shows it after the code removed it from its own variables. The value is this host's
 * token and the runtime process's number.
 */
export const MARKER_VARIABLE = 'LAMBDA_LENS_ENVIRONMENT';
const HOST_TOKEN = `${process.pid}-${randomBytes(6).toString('hex')}`;
let markerSeq = 0;

/**
 * Process ids of the live processes (not zombies) whose starting environment has the marker
 * `value` (`prefix`: a value starting with it), read from /proc. Processes of another user
 * cannot be read and are not ours. Empty without /proc.
 */
export function markedProcesses(value: string, prefix = false): number[] {
  if (!HAS_PROC_FS) return [];
  const needle = Buffer.from(`${MARKER_VARIABLE}=${value}${prefix ? '' : '\0'}`);
  const found: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${name}/environ`);
      const at = environ.indexOf(needle);
      // The variable starts the block or follows a NUL, so that FOO_LAMBDA_LENS_ENVIRONMENT does not match.
      if (at < 0 || (at > 0 && environ[at - 1] !== 0)) continue;
      // A zombie has exited already; only its parent can remove it.
      if (/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${name}/stat`, 'utf8'))) continue;
      found.push(Number(name));
    } catch {
      // Gone, or not ours to read.
    }
  }
  return found;
}

/**
 * SIGKILL every live process marked with `value` (or a value starting with it), again until
 * none is left: one may start another between the scan and the kill. Synchronous, so that it
 * also runs in an 'exit' listener.
 */
export function killMarked(value: string, prefix = false): void {
  for (let round = 0; round < 20; round++) {
    const pids = markedProcesses(value, prefix);
    if (pids.length === 0) return;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
}

/**
 * Signal an environment's whole process group (it leads its own group, see `detached`), so
 * processes the handler started are frozen, thawed and killed with it, as a sandbox would be.
 */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (typeof child.pid === 'number') process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    // The group is gone; make sure the leader gets it if it is still there.
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  }
}

function killAll(): void {
  for (const child of live) signalGroup(child, 'SIGKILL');
  killMarked(HOST_TOKEN, true);
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // No orphans: whatever way the host exits, every environment's process goes with it. A
  // normal exit runs 'exit' listeners; a terminating signal does not, so when nobody else
  // handles the signal, kill the children and then let the signal take its default course.
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      // First in line, so that the count still includes a `once` listener (the CLI's Ctrl-C,
      // which ends the run and writes the trace): Node removes those just before calling them.
      if (process.listenerCount(signal) > 1) return;
      killAll();
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.prependListener(signal, onSignal);
  }
}

/** Live processes any environment of this host started, however detached (tests use it to check for orphans). */
export function markedHostProcesses(): number[] {
  return markedProcesses(HOST_TOKEN, true);
}

/** Process ids of every runtime child currently alive (tests use it to check for orphans). */
export function liveRuntimePids(): number[] {
  return [...live].map((c) => c.pid).filter((p): p is number => typeof p === 'number');
}

export interface RuntimeChildOptions {
  binary: string;
  bootstrap: string;
  cwd: string;
  /** The environment the process starts with (the function's own is set at INIT). */
  env: Record<string, string>;
  /** Real time a new process has to say it is ready before it is killed and the start fails, ms (default 60 s). */
  readyTimeoutMs?: number;
  /** Start it with its own /tmp of the function's ephemeral storage size (runtimes/ephemeral.ts). */
  isolatedTmp?: IsolatedTmp;
}

/**
 * Starting a process is the one wait in the simulator that no Lambda limit bounds (INIT and
 * INVOKE have their timeouts): a child that never says it is ready — stopped, or stuck
 * starting on an overloaded machine — would hold the simulated clock for ever. Past this, the
 * start fails with an error that says so, and the request that needed it reports it.
 */
const READY_TIMEOUT_MS = 60_000;

/** How long the output pipes of an exited runtime process are still read, ms (real time). */
const STDIO_GRACE_MS = 250;

/** One runtime child process. */
export class RuntimeChild {
  readonly pid: number;
  /** Real time from fork until the bootstrap said it was ready, ms. */
  startMs = 0;
  private frozen = false;
  private freezeTimer: NodeJS.Timeout | null = null;
  private otherPeakMb = 0;
  private messageListener: ((m: ChildMessage) => void) | null = null;
  private exitListener: ((code: number | null, signal: NodeJS.Signals | null) => void) | null = null;
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private readonly exited: Promise<void>;
  private stderrTail = '';
  private readonly toChild: Writable | null;
  private channelEnded = false;
  private channelEnd: (() => void) | null = null;

  private constructor(
    private readonly child: ChildProcess,
    /** The value of `MARKER_VARIABLE` in this process and everything it starts. */
    readonly marker: string,
  ) {
    this.pid = child.pid as number;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        live.delete(child);
        // The environment ends with its runtime process: kill what the handler started in its
        // group now, while the group id is still ours. Once the group is empty the kernel may
        // give the number to an unrelated process, so a dead process is never signalled later.
        if (process.platform !== 'win32' && typeof child.pid === 'number') {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            // The group is already empty.
          }
        }
        // Then what it started in a session or group of its own.
        killMarked(this.marker);
        // The exit is handled once the channel's last lines are read (its end, normally at
        // once), so that a message written just before exiting (an uncaught exception's error)
        // is not overtaken by the exit. A descendant that dropped the marker may hold the pipes
        // open: then stop waiting, and reading, shortly.
        let done = false;
        const finish = (): void => {
          if (done) return;
          done = true;
          this.exitInfo = { code, signal };
          resolve();
          this.exitListener?.(code, signal);
        };
        if (this.channelEnded) finish();
        else this.channelEnd = finish;
        setTimeout(() => {
          for (const stream of child.stdio) stream?.destroy();
          finish();
        }, STDIO_GRACE_MS);
      });
    });
    const [, stdout, stderr, toChild, toParent] = child.stdio;
    this.toChild = toChild as Writable | null;
    // A pipe that breaks (the child is gone) is not the host's error: the exit says what happened.
    for (const stream of child.stdio) stream?.on('error', () => undefined);
    const lines = new LineSplitter((line) => this.receive(line));
    toParent?.on('data', (d: Buffer) => lines.push(d));
    toParent?.on('end', () => {
      lines.end();
      this.channelEnded = true;
      this.channelEnd?.();
    });
    // Output the bootstrap could not intercept (V8 fatal errors, native writes).
    stdout?.setEncoding('utf8');
    stderr?.setEncoding('utf8');
    stdout?.on('data', (text: string) => this.messageListener?.({ t: 'out', text }));
    stderr?.on('data', (text: string) => {
      this.stderrTail = (this.stderrTail + text).slice(-2000);
      this.messageListener?.({ t: 'out', text });
    });
  }

  /** One line from the channel: a message, or (anything the code wrote there) output. */
  private receive(line: string): void {
    if (!line.trim()) return;
    const message = parseChildMessage(line);
    this.messageListener?.(message ?? { t: 'out', text: `${line}\n` });
  }

  /** Start a child and wait for its bootstrap's `ready`. */
  static start(options: RuntimeChildOptions): Promise<RuntimeChild> {
    installExitHook();
    const forkedAt = performance.now();
    const marker = `${HOST_TOKEN}.${++markerSeq}`;
    // The bootstrap alone, without the host's flags (e.g. a TypeScript loader): the handler runs on plain Node.
    const { command, args } = options.isolatedTmp
      ? isolatedTmpCommand(options.binary, [options.bootstrap], options.isolatedTmp)
      : { command: options.binary, args: [options.bootstrap] };
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...options.env, [MARKER_VARIABLE]: marker },
      // stdin, stdout, stderr, then the channel (protocol.ts, CHANNEL_FDS): 3 to the child, 4 from it.
      stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'],
      // Own process group: a terminal's Ctrl-C reaches the host, which cancels the run and
      // kills the environments itself, instead of killing them mid-request behind its back.
      // (Not on Windows, where there are no process groups and a detached process would get a
      // console window of its own.)
      detached: process.platform !== 'win32',
    });
    live.add(child);
    const proc = new RuntimeChild(child, marker);
    const limitMs = options.readyTimeoutMs ?? READY_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const fail = (e: Error): void => {
        clearTimeout(timer);
        proc.messageListener = null;
        proc.exitListener = null;
        reject(e);
      };
      const timer = setTimeout(() => {
        fail(
          new Error(
            `runtime process ${proc.pid} did not say it was ready within ${limitMs / 1000} s, so it was killed${proc.stderrTail.trim() ? `: ${proc.stderrTail.trim()}` : ''}`,
          ),
        );
        void proc.kill();
      }, limitMs);
      proc.messageListener = (m) => {
        if (m.t === 'ready') {
          clearTimeout(timer);
          proc.startMs = performance.now() - forkedAt;
          proc.messageListener = null;
          proc.exitListener = null;
          resolve(proc);
        }
      };
      proc.exitListener = (code, signal) =>
        fail(
          new Error(
            `runtime process exited before it was ready (code ${code}, signal ${signal}): ${proc.stderrTail.trim()}`,
          ),
        );
      child.once('error', (e) => fail(e));
    });
  }

  get alive(): boolean {
    return this.exitInfo === null;
  }

  get exit(): { code: number | null; signal: NodeJS.Signals | null } | null {
    return this.exitInfo;
  }

  onMessage(listener: ((m: ChildMessage) => void) | null): void {
    this.messageListener = listener;
  }

  onExit(listener: ((code: number | null, signal: NodeJS.Signals | null) => void) | null): void {
    this.exitListener = listener;
  }

  send(message: ParentMessage): void {
    if (this.alive && this.toChild?.writable) this.toChild.write(`${JSON.stringify(message)}\n`);
  }

  /**
   * Freeze between invokes, as Lambda does (docs/lambda.md, "Execution environments").
   * The SIGSTOP goes out 1 ms (real) after the response, like the short moment Lambda's
   * sandbox keeps running after one; a request that arrives within it finds the process
   * running and costs no SIGSTOP/SIGCONT pair (back-to-back requests are the common case).
   */
  freeze(): void {
    if (!this.alive || this.frozen || this.freezeTimer) return;
    this.freezeTimer = setTimeout(() => {
      this.freezeTimer = null;
      if (!this.alive) return;
      signalGroup(this.child, 'SIGSTOP');
      this.frozen = true;
    }, 1);
  }

  thaw(): void {
    if (this.freezeTimer) {
      clearTimeout(this.freezeTimer);
      this.freezeTimer = null;
    }
    if (this.frozen && this.alive) signalGroup(this.child, 'SIGCONT');
    this.frozen = false;
  }

  /**
   * SIGKILL the process and everything it started (works on frozen processes too); resolves
   * when the process is gone.
   */
  kill(): Promise<void> {
    if (this.freezeTimer) clearTimeout(this.freezeTimer);
    this.freezeTimer = null;
    // Only a live process: its number may belong to another process once it is gone (see the exit handler).
    if (this.alive) signalGroup(this.child, 'SIGKILL');
    return this.exited;
  }

  /** A peak resident memory figure from elsewhere (the child's own report, a `ps` sample), MB. */
  notePeak(mb: number): void {
    if (mb > this.otherPeakMb) this.otherPeakMb = mb;
  }

  /**
   * Peak resident memory so far, MB: VmHWM from /proc/<pid>/status where the system has it
   * (≈18 µs a read), else the best figure noted. Buffers live off the V8 heap, so resident
   * memory is what Lambda's limit sees (docs/lambda.md, "Errors as the runtimes report them"). `procFs` false: only
   * the noted figures.
   */
  peakMemoryMb(procFs = HAS_PROC_FS): number | null {
    if (procFs) {
      try {
        const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
        if (hwm) return Math.max(Number(hwm[1]) / 1024, this.otherPeakMb);
      } catch {
        // Gone: fall back to what was noted.
      }
    }
    return this.otherPeakMb > 0 ? this.otherPeakMb : null;
  }
}

/** Linux has /proc; macOS and others get `ps` samples instead (slower, so sampled less often). */
export const HAS_PROC_FS = existsSync('/proc/self/status');

/** Sample the resident memory of processes with one `ps` call and note it on each. */
export function sampleWithPs(procs: RuntimeChild[]): Promise<void> {
  if (procs.length === 0) return Promise.resolve();
  return new Promise((resolve) => {
    execFile(
      'ps',
      ['-o', 'pid=,rss=', '-p', procs.map((p) => p.pid).join(',')],
      { timeout: 5000 },
      (_error, stdout) => {
        const byPid = new Map(procs.map((p) => [p.pid, p]));
        for (const line of String(stdout ?? '').split('\n')) {
          const m = /^\s*(\d+)\s+(\d+)/.exec(line);
          if (m) byPid.get(Number(m[1]))?.notePeak(Number(m[2]) / 1024);
        }
        resolve();
      },
    );
  });
}

/** Pre-forked processes waiting for INIT, so that a cold start does not pay for `fork`. */
export class SparePool {
  private spares: Promise<RuntimeChild>[] = [];
  private closed = false;

  constructor(
    private readonly options: RuntimeChildOptions,
    private readonly size: number,
  ) {
    this.refill();
  }

  /** A ready process: a spare when one is there, else a fresh fork. */
  take(): Promise<RuntimeChild> {
    const spare = this.spares.shift();
    this.refill();
    return spare ?? RuntimeChild.start(this.options);
  }

  /** Kill the spares; later `take` calls still work but are not refilled. */
  async close(): Promise<void> {
    this.closed = true;
    const spares = this.spares;
    this.spares = [];
    await Promise.all(
      spares.map((p) =>
        p.then(
          (proc) => proc.kill(),
          () => undefined,
        ),
      ),
    );
  }

  private refill(): void {
    while (!this.closed && this.spares.length < this.size) {
      const started = RuntimeChild.start(this.options);
      started.catch(() => undefined);
      this.spares.push(started);
    }
  }
}
