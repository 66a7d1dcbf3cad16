/**
 * The AWS SDK for JavaScript v3 as Lambda's Node runtimes provide it
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html#nodejs-sdk-included): a copy
 * kept in Lambda Lens's cache folder, installed once on request (`lambda-lens sdk install`, or
 * the Install button in VS Code) with npm from the npm registry, never downloaded unasked.
 * Handlers resolve their own node_modules first; the copy is the fallback (runtimes/sdk-hooks.ts).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The clients the copy holds: the services the local endpoint emulates, and the common others. */
export const SDK_PACKAGES = [
  '@aws-sdk/client-dynamodb',
  '@aws-sdk/lib-dynamodb',
  '@aws-sdk/client-sqs',
  '@aws-sdk/client-sns',
  '@aws-sdk/client-s3',
  '@aws-sdk/client-eventbridge',
  '@aws-sdk/client-ses',
  '@aws-sdk/client-sesv2',
  '@aws-sdk/client-ssm',
  '@aws-sdk/client-secrets-manager',
  '@aws-sdk/client-kinesis',
  '@aws-sdk/client-lambda',
  '@aws-sdk/client-sts',
  '@aws-sdk/client-sfn',
];

/** Lambda Lens's cache folder: `$LAMBDA_LENS_CACHE`, else the platform's user cache folder. */
export function cacheDir(): string {
  const env = process.env['LAMBDA_LENS_CACHE'];
  if (env) return env;
  if (process.platform === 'win32')
    return join(process.env['LOCALAPPDATA'] ?? join(homedir(), 'AppData', 'Local'), 'lambda-lens', 'Cache');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'lambda-lens');
  return join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'lambda-lens');
}

/** The folder of the SDK copy (its node_modules beside a package.json). */
export function sdkDir(): string {
  return join(cacheDir(), 'aws-sdk-js-v3');
}

/** The copy's folder when it is installed, else undefined. */
export function installedSdkDir(): string | undefined {
  const dir = sdkDir();
  return existsSync(join(dir, 'node_modules', '@aws-sdk', 'client-dynamodb', 'package.json')) ? dir : undefined;
}

/** How a user installs the copy, for messages. */
export const SDK_INSTALL_HINT =
  'run `lambda-lens sdk install` (or press Install in VS Code) to install the AWS SDK for JavaScript v3 that Lambda provides';

/**
 * Installs the copy with npm (`npm install` of SDK_PACKAGES into the cache folder). `log` gets
 * npm's output. Resolves with npm's exit code.
 */
export async function installSdk(
  log: (text: string) => void,
  npm = process.platform === 'win32' ? 'npm.cmd' : 'npm',
): Promise<number> {
  // Loaded on use: the CLI imports this module for the sdk command, and check should not pay for child_process.
  const { spawn } = await import('node:child_process');
  const dir = sdkDir();
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, 'package.json'))) {
    writeFileSync(
      join(dir, 'package.json'),
      `${JSON.stringify({ name: 'lambda-lens-aws-sdk', private: true, description: 'The AWS SDK for JavaScript v3 for simulated Lambda functions (lambda-lens sdk install)' }, null, 2)}\n`,
    );
  }
  return new Promise((resolve) => {
    const child = spawn(npm, ['install', '--no-audit', '--no-fund', '--omit=dev', ...SDK_PACKAGES], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: process.platform === 'win32',
    });
    child.stdout.on('data', (d: Buffer) => log(d.toString()));
    child.stderr.on('data', (d: Buffer) => log(d.toString()));
    child.on('error', (e) => {
      log(`could not run ${npm}: ${e.message}\n`);
      resolve(127);
    });
    child.on('close', (code) => resolve(code ?? 1));
  });
}
