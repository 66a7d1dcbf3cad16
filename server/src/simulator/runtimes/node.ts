/**
 * The parent side of the Node runtime: which Node binary runs the handler and where the
 * bootstrap is. The processes themselves are started and watched by runtimes/process.ts, for
 * Node and Python alike.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { TraceRuntime } from '../trace';

/** Node major version a Lambda runtime id names (`nodejs22.x` → 22), or null. */
export function runtimeMajor(runtime: string): number | null {
  const m = /^nodejs(\d+)\.x$/.exec(runtime);
  return m ? Number(m[1]) : null;
}

function findOnPath(name: string): string | null {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

/**
 * Use the Node binary the runtime names when the machine has it (`node22` on PATH for
 * nodejs22.x, or the current Node when its major matches), else the current Node; the trace
 * says which (issue 6, point 1). A binary the host chose (an editor setting) is used as given.
 */
export function resolveNodeBinary(runtime: string, chosen?: string): TraceRuntime {
  if (chosen !== undefined) return chosenNodeBinary(runtime, chosen);
  const major = runtimeMajor(runtime);
  const current = process.version;
  const currentMajor = Number(current.slice(1).split('.')[0]);
  if (major !== null && major === currentMajor) {
    return {
      requested: runtime,
      binary: process.execPath,
      version: current,
      exact: true,
      note: `${runtime} runs on Node ${current} (${process.execPath}).`,
    };
  }
  if (major !== null) {
    const named = findOnPath(`node${major}`);
    if (named) {
      try {
        const version = execFileSync(named, ['--version'], { encoding: 'utf8', timeout: 10_000 }).trim();
        if (version.startsWith(`v${major}.`)) {
          return {
            requested: runtime,
            binary: named,
            version,
            exact: true,
            note: `${runtime} runs on Node ${version} (${named}).`,
          };
        }
      } catch {
        // Not runnable: fall back to the current Node below.
      }
    }
  }
  const wanted = major === null ? `${runtime} is not a Node runtime id` : `no node${major} on PATH`;
  const which =
    process.versions['electron'] !== undefined
      ? `the editor's Node ${current} (Electron, ${process.execPath})`
      : `the current Node ${current} (${process.execPath})`;
  return {
    requested: runtime,
    binary: process.execPath,
    version: current,
    exact: false,
    note: `${wanted}, so ${runtime} runs on ${which}; behaviour that differs between Node versions may differ from Lambda.`,
  };
}

/**
 * A Node binary the host chose (a path, or a command on PATH): used as given once it answers
 * `--version` as Node; the trace says whether its major is the runtime's. Throws a sentence
 * saying what is wrong with it.
 */
export function chosenNodeBinary(runtime: string, binary: string): TraceRuntime {
  if (/[\\/]/.test(binary) && !existsSync(binary)) throw new Error(`${binary} does not exist`);
  let version: string;
  try {
    version = execFileSync(binary, ['--version'], {
      encoding: 'utf8',
      timeout: 10_000,
      env: { ...process.env, ...startEnv(binary) },
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch (e) {
    throw new Error(`${binary} does not run (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`, {
      cause: e,
    });
  }
  if (!/^v\d+\.\d+\.\d+$/.test(version))
    throw new Error(`${binary} is not Node: \`${binary} --version\` printed ${JSON.stringify(version.slice(0, 60))}`);
  const major = runtimeMajor(runtime);
  const exact = major !== null && version.startsWith(`v${major}.`);
  return {
    requested: runtime,
    binary,
    version,
    exact,
    note: exact
      ? `${runtime} runs on Node ${version} (${binary}, as configured).`
      : `${runtime} runs on Node ${version} (${binary}, as configured); behaviour that differs between Node versions may differ from Lambda.`,
  };
}

/**
 * Variables a runtime process needs to start as Node. Inside an editor built on Electron (VS
 * Code's extension host), `process.execPath` is the Electron binary, which runs as plain Node
 * only with ELECTRON_RUN_AS_NODE=1; INIT then replaces the whole environment with Lambda's.
 */
export function startEnv(
  binary: string,
  execPath = process.execPath,
  electron = process.versions['electron'],
): Record<string, string> {
  return electron !== undefined && binary === execPath ? { ELECTRON_RUN_AS_NODE: '1' } : {};
}

let cachedBootstrap: string | null = null;

/**
 * The bootstrap script to fork. In the bundled extension and CLI it is
 * dist/runtimes/node-bootstrap.js next to the bundle; when the simulator runs from source
 * (tests, bench) the TypeScript source is bundled once with esbuild into the temp directory.
 */
export function nodeBootstrapPath(): string {
  if (cachedBootstrap && existsSync(cachedBootstrap)) return cachedBootstrap;
  const bundled = join(__dirname, 'runtimes', 'node-bootstrap.js');
  if (existsSync(bundled)) return (cachedBootstrap = bundled);
  const source = join(__dirname, 'node-bootstrap.ts');
  if (!existsSync(source))
    throw new Error(`Lambda Lens: the Node runtime bootstrap is missing (looked for ${bundled})`);
  const protocol = join(__dirname, 'protocol.ts');
  // Every file the bundle takes in: a change to any of them builds a new one.
  const schedstat = join(__dirname, '..', 'durations', 'schedstat.ts');
  const hash = createHash('sha256')
    .update(readFileSync(source))
    .update(readFileSync(protocol))
    .update(readFileSync(join(__dirname, 'sdk-hooks.ts')))
    .update(readFileSync(schedstat))
    .digest('hex')
    .slice(0, 16);
  const dir = join(tmpdir(), 'lambda-lens-bootstrap');
  const out = join(dir, `node-bootstrap-${hash}.js`);
  if (!existsSync(out)) {
    mkdirSync(dir, { recursive: true });
    // esbuild is a development dependency: only the from-source path needs it.
    const esbuild = createRequire(__filename)('esbuild') as typeof import('esbuild');
    const result = esbuild.buildSync({
      entryPoints: [source],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node18',
      write: false,
      logLevel: 'silent',
    });
    const tmp = `${out}.${process.pid}.tmp`;
    writeFileSync(tmp, (result.outputFiles[0] as { text: string }).text);
    renameSync(tmp, out);
  }
  return (cachedBootstrap = out);
}
