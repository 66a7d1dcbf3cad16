/**
 * The parent side of the Python runtime: which interpreter runs the handler and where the
 * bootstrap is. The processes themselves are runtimes/process.ts's, as for Node: `fork` starts
 * any executable with the IPC channel, and the Python bootstrap speaks the same protocol over
 * it (python-bootstrap.py).
 *
 * The interpreter is resolved once per runtime id: `python3.13` (then `python3`) on PATH may be
 * a version manager's shim that costs tens of milliseconds per start, so the real executable
 * (`sys.executable`) is asked for once and started directly (docs/lambda.md, "How other local tools run handlers").
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TraceRuntime } from '../trace';

/** `python3.13` → `3.13`; null when the id is not a Python runtime. */
export function pythonVersion(runtime: string): string | null {
  const m = /^python(\d+\.\d+)$/.exec(runtime);
  return m ? (m[1] as string) : null;
}

export function isPythonRuntime(runtime: string): boolean {
  return pythonVersion(runtime) !== null;
}

const resolved = new Map<string, TraceRuntime>();

/** Asks an interpreter (or its shim) for its real executable and version. */
function probe(command: string): { executable: string; version: string } | null {
  try {
    const out = execFileSync(
      command,
      ['-c', 'import sys; print(sys.executable); print("%d.%d.%d" % sys.version_info[:3])'],
      { encoding: 'utf8', timeout: 15_000, stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const [executable, version] = out.trim().split('\n');
    return executable && version && existsSync(executable) ? { executable, version } : null;
  } catch {
    return null;
  }
}

/**
 * The interpreter for a Python runtime: `python3.13` when the machine has it, else `python3`
 * (the trace says it is not the same version). An interpreter the host chose (an editor
 * setting) is used as given.
 */
export function resolvePythonBinary(runtime: string, chosen?: string): TraceRuntime {
  if (chosen !== undefined) return chosenPythonBinary(runtime, chosen);
  const hit = resolved.get(runtime);
  if (hit) return hit;
  const wanted = pythonVersion(runtime);
  let result: TraceRuntime;
  const exact = wanted !== null ? probe(`python${wanted}`) : null;
  if (exact && exact.version.startsWith(`${wanted}.`)) {
    result = {
      requested: runtime,
      binary: exact.executable,
      version: exact.version,
      exact: true,
      note: `${runtime} runs on Python ${exact.version} (${exact.executable}).`,
    };
  } else {
    const fallback = probe('python3');
    if (!fallback)
      throw new Error(
        `Lambda Lens: no Python interpreter found to simulate ${runtime} (looked for python${wanted ?? '3'} and python3 on PATH)`,
      );
    result = {
      requested: runtime,
      binary: fallback.executable,
      version: fallback.version,
      exact: wanted !== null && fallback.version.startsWith(`${wanted}.`),
      note: `no python${wanted ?? ''} on PATH, so ${runtime} runs on Python ${fallback.version} (${fallback.executable}); behaviour that differs between Python versions may differ from Lambda.`,
    };
  }
  resolved.set(runtime, result);
  return result;
}

/**
 * An interpreter the host chose (a path, or a command on PATH): used once it answers as
 * Python 3; the trace says whether its version is the runtime's. Throws a sentence saying what
 * is wrong with it.
 */
export function chosenPythonBinary(runtime: string, command: string): TraceRuntime {
  if (/[\\/]/.test(command) && !existsSync(command)) throw new Error(`${command} does not exist`);
  const found = probe(command);
  if (!found || !found.version.startsWith('3.')) throw new Error(`${command} does not run as a Python 3 interpreter`);
  const wanted = pythonVersion(runtime);
  const exact = wanted !== null && found.version.startsWith(`${wanted}.`);
  return {
    requested: runtime,
    binary: found.executable,
    version: found.version,
    exact,
    note: exact
      ? `${runtime} runs on Python ${found.version} (${found.executable}, as configured).`
      : `${runtime} runs on Python ${found.version} (${found.executable}, as configured); behaviour that differs between Python versions may differ from Lambda.`,
  };
}

/** The bootstrap script: next to the bundle (dist/runtimes/), or beside this file when run from source. */
export function pythonBootstrapPath(): string {
  for (const candidate of [
    join(__dirname, 'runtimes', 'python-bootstrap.py'),
    join(__dirname, 'python-bootstrap.py'),
  ]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`Lambda Lens: the Python runtime bootstrap is missing (looked in ${__dirname})`);
}
