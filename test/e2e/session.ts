// One code-server session with Lambda Lens installed: builds the extension, packages it
// as a .vsix exactly as it would ship, installs it into a fresh extensions folder and
// starts code-server. Shared by the end-to-end suite and `npm run try`.
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  createSessionDirs,
  ensureCodeServer,
  installExtension,
  repoRoot,
  run,
  restrictedModeSettings,
  startCodeServer,
  type CodeServer,
  type CodeServerInstall,
  type SessionDirs,
} from './codeServer';
import { EXTENSION_ID } from './expectations';

export interface Session {
  install: CodeServerInstall;
  dirs: SessionDirs;
  server: CodeServer;
  /** The packaged extension. */
  vsix: string;
  /** Where code-server unpacked the installed extension. */
  extensionFolder: string;
  /** Stops code-server's process group and removes the session's folders. */
  stop(): Promise<void>;
}

export interface SessionOptions {
  /** Accept a development payload in the page URL (for the extension-host tests). */
  smokeTestDriver?: boolean;
  /** Report progress on stderr. */
  log?: (message: string) => void;
  /** Leave Workspace Trust on, so that the workspace opens untrusted (Restricted Mode). */
  workspaceTrust?: boolean;
}

/** Bundles the extension and packages it with vsce into `outFile`. */
export async function packageExtension(outFile: string): Promise<void> {
  // The development build: the same code as `npm run package` ships, unminified, so that
  // stack traces in the extension host's log stay readable.
  await run(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], { quiet: true });
  const vsce = join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
  await run(process.execPath, [vsce, 'package', '--no-dependencies', '--out', outFile], { quiet: true });
}

export async function startSession(options: SessionOptions = {}): Promise<Session> {
  const log = options.log ?? (() => undefined);
  const timed = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    const result = await work();
    log(`${label} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return result;
  };
  const install = await timed('code-server ready', ensureCodeServer);
  const dirs = createSessionDirs(undefined, options.workspaceTrust ? restrictedModeSettings : {});
  let server: CodeServer | undefined;
  const cleanup = async () => {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await server?.stop();
    if (!process.env.LAMBDA_LENS_E2E_KEEP) rmSync(dirs.root, { recursive: true, force: true });
  };
  // Ctrl+C ends Node without an 'exit' event; stop code-server (its own process group) first.
  const onSignal = (signal: NodeJS.Signals) => {
    void cleanup().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const vsix = join(dirs.root, 'lambda-lens.vsix');
    await timed(`built and packaged ${vsix}`, () => packageExtension(vsix));
    await timed('installed the .vsix into a fresh extensions folder', () => installExtension(install, dirs, vsix));
    const extensionFolder = installedFolder(dirs);
    server = await timed('code-server started', () =>
      startCodeServer(install, dirs, {
        smokeTestDriver: options.smokeTestDriver,
        workspaceTrust: options.workspaceTrust,
      }),
    );
    return { install, dirs, server, vsix, extensionFolder, stop: cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

function installedFolder(dirs: SessionDirs): string {
  const name = readdirSync(dirs.extensions).find((n) => n.toLowerCase().startsWith(`${EXTENSION_ID}-`));
  if (!name) throw new Error(`${EXTENSION_ID} is not in ${dirs.extensions} after installing the .vsix`);
  return join(dirs.extensions, name);
}

/** Copies `examples/` into the session, so that tests never change the repository's files. */
export function copyExamples(session: Session): string {
  const workspace = join(session.dirs.root, 'workspace');
  cpSync(join(repoRoot, 'examples'), workspace, { recursive: true });
  return workspace;
}

/** Log files of the session's VS Code windows (extension hosts, output channels, server). */
export function logFiles(session: Session): string[] {
  const root = join(session.dirs.userData, 'logs');
  if (!existsSync(root)) return [];
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.log')) files.push(path);
    }
  };
  walk(root);
  return files.sort();
}

/**
 * Copies the session's logs into `artifacts/logs` and returns the last lines of the
 * extension host's log and of Lambda Lens's output channel, for a failure message.
 */
export function collectLogs(session: Session, artifacts: string, lines = 40): string {
  const files = logFiles(session);
  const target = join(artifacts, 'logs');
  if (existsSync(join(session.dirs.userData, 'logs')))
    cpSync(join(session.dirs.userData, 'logs'), target, { recursive: true });
  const interesting = files.filter((f) => /exthost\.log$|Lambda Lens/i.test(f));
  const tails = interesting.map((f) => {
    const text = readFileSync(f, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    return `--- ${f.slice(session.dirs.userData.length + 1)} (last ${lines} lines) ---\n${text}`;
  });
  return `${tails.join('\n') || '(no extension host log was written)'}\nall logs copied to ${target}`;
}
