/**
 * Activation of the packaged extension in a real VS Code (code-server), as a user meets it:
 * `npm run package`, then N times a fresh code-server session with the .vsix installed and
 * the example project (media/example) opened. Per run it reads VS Code's own activation
 * time of each extension from Developer: Show Running Extensions — loading the module plus
 * the synchronous part of activate(), not the promise it returns — and the extension's
 * "Lambda Lens activated in N ms (server ready)" line: module load until the language server
 * answered, when the output channel has one.
 * Baseline in the same window: the built-in extensions VS Code activated, and the time the
 * workbench took to open. Prints medians and ranges and the .vsix size; asserts nothing.
 *
 *   node --import tsx bench/activation.ts [--runs 3]
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import {
  CODE_SERVER_VERSION,
  createSessionDirs,
  ensureCodeServer,
  installExtension,
  repoRoot,
  run,
  startCodeServer,
  workbenchUrl,
  type CodeServerInstall,
} from '../test/e2e/codeServer';
import { EXTENSION_ID } from '../test/e2e/expectations';
import { launchBrowser, Workbench } from '../test/e2e/workbench';
import { stats } from './stats';

const args = process.argv.slice(2);
const runsArg = args.indexOf('--runs');
const RUNS = runsArg >= 0 ? Number(args[runsArg + 1]) : 3;
const WAIT_MS = 120_000;
const ACTIVATED_LINE = /Lambda Lens activated in (\d+) ms/;

interface Sample {
  /** code-server start until /healthz answers. */
  serverMs: number;
  /** Page navigation until the workbench and its explorer are laid out. */
  workbenchMs: number;
  /** VS Code's activation time of Lambda Lens (Running Extensions: code loading + activate() call). */
  activationMs: number;
  /** The extension's own figure, module load until the language server is ready, if logged. */
  serverReadyMs: number | undefined;
  /** VS Code's activation times of the built-in extensions activated in the same window. */
  builtinMs: Map<string, number>;
}

/**
 * `npm run package` (production bundles, vsce), written to `out`. A development build
 * (`npm run build`, the e2e suite) in the same tree meanwhile would put its bundles in the
 * .vsix; they end with a source map comment, which production bundles do not have.
 */
async function packageVsix(out: string): Promise<void> {
  await run('npm', ['run', '--silent', 'package', '--', '--out', out], { quiet: true });
  const development = ['client.js', 'server.js', 'simulator.js'].filter((f) =>
    readFileSync(join(repoRoot, 'dist', f), 'utf8').includes('//# sourceMappingURL='),
  );
  if (development.length > 0)
    throw new Error(
      `dist/${development.join(', dist/')} was rebuilt for development while packaging; run the bench again`,
    );
}

/** The extension's "activated in N ms" figure from its output channel's log file, once written. */
async function serverReadyMs(userData: string): Promise<number | undefined> {
  const logs = join(userData, 'logs');
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    const files = existsSync(logs)
      ? readdirSync(logs, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('Lambda Lens.log'))
      : [];
    for (const file of files) {
      const match = ACTIVATED_LINE.exec(readFileSync(join(logs, file), 'utf8'));
      if (match) return Number(match[1]);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return undefined;
}

/** Opens Developer: Show Running Extensions and reads "Activation: N ms" of every row, by extension name. */
async function activationTimes(workbench: Workbench): Promise<Map<string, number>> {
  const { page } = workbench;
  // Tall enough for every row: the list renders only the rows in view.
  await page.setViewportSize({ width: 1400, height: 2400 });
  await workbench.runCommand('Developer: Show Running Extensions');
  const name = EXTENSION_ID.split('.')[1] ?? EXTENSION_ID;
  const rows = page.locator('.runtime-extensions-editor .monaco-list-row');
  await rows
    .filter({ has: page.locator('.activation-time', { hasText: /\d+\s*ms/ }) })
    .filter({ hasText: 'Lambda Lens' })
    .first()
    .waitFor({ timeout: WAIT_MS });
  const times = new Map<string, number>();
  for (const row of await rows.all()) {
    const label = await row.getAttribute('aria-label');
    const match = /(\d+)\s*ms/.exec(await row.locator('.activation-time').innerText());
    if (label && match) times.set(label === name ? EXTENSION_ID : label, Number(match[1]));
  }
  return times;
}

async function once(browser: Browser, install: CodeServerInstall, vsix: string, example: string): Promise<Sample> {
  const dirs = createSessionDirs();
  try {
    await installExtension(install, dirs, vsix);
    let started = performance.now();
    const server = await startCodeServer(install, dirs);
    const serverMs = performance.now() - started;
    try {
      const workspace = join(dirs.root, 'workspace');
      cpSync(example, workspace, { recursive: true });
      started = performance.now();
      const workbench = await Workbench.open(
        browser,
        workbenchUrl(server, workspace),
        join(dirs.root, 'artifacts'),
        'activation',
      );
      const workbenchMs = performance.now() - started;
      try {
        await workbench.openFile('template.yaml');
        const times = await activationTimes(workbench);
        const activationMs = times.get(EXTENSION_ID);
        if (activationMs === undefined)
          throw new Error(`${EXTENSION_ID} is not among the running extensions: ${[...times.keys()].join(', ')}`);
        times.delete(EXTENSION_ID);
        return {
          serverMs,
          workbenchMs,
          activationMs,
          serverReadyMs: await serverReadyMs(dirs.userData),
          builtinMs: times,
        };
      } finally {
        await workbench.close();
      }
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dirs.root, { recursive: true, force: true });
  }
}

function line(label: string, samples: readonly number[]): string {
  if (samples.length === 0) return `${label.padEnd(52)} n/a`;
  const s = stats(samples);
  return `${label.padEnd(52)} median ${String(Math.round(s.median)).padStart(6)} ms   range ${Math.round(s.min)}–${Math.round(s.max)} ms   (n=${samples.length})`;
}

async function main(): Promise<void> {
  const example = existsSync(join(repoRoot, 'media', 'example'))
    ? join(repoRoot, 'media', 'example')
    : join(repoRoot, 'examples', 'sam-app');
  const out = mkdtempSync(join(tmpdir(), 'lambda-lens-bench-'));
  const browser = await launchBrowser();
  try {
    const vsix = join(out, 'lambda-lens.vsix');
    await packageVsix(vsix);
    const install = await ensureCodeServer();
    const samples: Sample[] = [];
    for (let i = 0; i < RUNS; i++) {
      samples.push(await once(browser, install, vsix, example));
      console.error(`run ${i + 1}/${RUNS}: Lambda Lens ${samples[i]!.activationMs} ms`);
    }
    const builtins = new Map<string, number[]>();
    for (const s of samples)
      for (const [name, ms] of s.builtinMs) builtins.set(name, [...(builtins.get(name) ?? []), ms]);
    const perRunBuiltinMedian = samples
      .filter((s) => s.builtinMs.size > 0)
      .map((s) => stats([...s.builtinMs.values()]).median);
    const ready = samples.flatMap((s) => (s.serverReadyMs === undefined ? [] : [s.serverReadyMs]));

    console.log(
      `Activation in code-server ${CODE_SERVER_VERSION}, ${RUNS} fresh sessions, workspace ${example.slice(repoRoot.length + 1)}`,
    );
    console.log(
      `.vsix (npm run package): ${statSync(vsix).size} bytes (${(statSync(vsix).size / 1024 / 1024).toFixed(2)} MB)`,
    );
    console.log(
      line(
        'Lambda Lens load + activate() call (VS Code)',
        samples.map((s) => s.activationMs),
      ),
    );
    console.log(line('Lambda Lens load to server ready (own log)', ready));
    console.log('baseline, same windows:');
    console.log(line('  built-in extensions (the median of each window)', perRunBuiltinMedian));
    for (const [name, ms] of [...builtins].sort((a, b) => stats(b[1]).median - stats(a[1]).median))
      console.log(line(`  ${name}`, ms));
    console.log(
      line(
        '  code-server start to /healthz',
        samples.map((s) => s.serverMs),
      ),
    );
    console.log(
      line(
        '  page open to workbench laid out',
        samples.map((s) => s.workbenchMs),
      ),
    );
  } finally {
    await browser.close();
    rmSync(out, { recursive: true, force: true });
  }
}

void main();
