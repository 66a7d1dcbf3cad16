// The extension-host tests (test/e2e/host) in desktop VS Code, with the standard runner
// @vscode/test-electron: for contributors whose machine can download VS Code. CI and the
// machines without that access run the same tests in code-server (npm run test:e2e).
//
//   npm run test:electron          (on Linux without a display: xvfb-run -a npm run test:electron)
//
// Builds the extension and loads it unpacked from the repository (extensionDevelopmentPath),
// opens a copy of examples/ with no other extension and a fresh user-data folder, and exits
// non-zero when a test fails: the host module's run() throws then.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests, TestRunFailedError } from '@vscode/test-electron';
import { cacheRoot, repoRoot, run } from '../e2e/codeServer';
import { bundleHostTests } from '../e2e/host/bundle';

/** Error codes of a download that cannot reach the VS Code update server. */
const NETWORK_ERRORS = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

async function main(): Promise<number> {
  const root = mkdtempSync(join(tmpdir(), 'lambda-lens-electron-'));
  try {
    await run(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], { quiet: true });
    const extensionTestsPath = join(root, 'host-tests', 'index.js');
    await bundleHostTests(extensionTestsPath);
    const workspace = join(root, 'workspace');
    cpSync(join(repoRoot, 'examples'), workspace, { recursive: true });
    await runTests({
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath,
      // The download (the newest stable VS Code that satisfies engines.vscode) is kept beside code-server's install.
      cachePath: join(cacheRoot(), 'vscode-test'),
      launchArgs: [
        workspace,
        '--disable-extensions',
        `--user-data-dir=${join(root, 'user-data')}`,
        `--extensions-dir=${join(root, 'extensions')}`,
      ],
    });
    return 0;
  } catch (error) {
    if (error instanceof TestRunFailedError) {
      console.error(
        `test:electron: the extension-host tests failed in VS Code (${error.signal ?? `exit code ${error.code}`}); the results are above.`,
      );
      return 1;
    }
    const code = errorCode(error);
    if (code && NETWORK_ERRORS.has(code)) {
      const reason = error instanceof Error ? error.message : code;
      console.error(
        `test:electron: cannot download desktop VS Code (${reason}); on machines without access to update.code.visualstudio.com run the same tests in code-server: npm run test:e2e`,
      );
      return 1;
    }
    throw error;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().then((code) => {
  process.exitCode = code;
});
