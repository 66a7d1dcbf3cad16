// Bundles the extension-host tests (index.ts) into one CommonJS file for VS Code's
// extensionTestsPath: code-server's development payload (test/e2e/run.ts) and
// @vscode/test-electron (test/electron/run.ts).
import { join } from 'node:path';
import { build } from 'esbuild';

export async function bundleHostTests(outfile: string): Promise<void> {
  await build({
    entryPoints: [join(__dirname, 'index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    sourcemap: 'inline',
    logLevel: 'warning',
  });
}
