/**
 * The CLI as a user installs it: `npm pack`, then `npm install -g` of the tarball into a temporary
 * prefix, then `lambda-lens` run from a folder outside the repository. The package must carry the
 * built CLI (no build at run time, no dependency to fetch: the install runs offline). `npm test`
 * builds dist/ before this runs; `npm pack` itself would (prepack).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

function npm(args: string[], cwd: string): { code: number | null; out: string } {
  const r = spawnSync('npm', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

test('npm pack + npm install -g gives a lambda-lens that works in any folder', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'lambda-lens-pack-'));
  try {
    // --ignore-scripts: dist/ is already built by `npm test`; packing rebuilds it otherwise.
    const pack = npm(['pack', '--ignore-scripts', '--pack-destination', tmp], ROOT);
    assert.equal(pack.code, 0, pack.out);
    const tarball = join(tmp, `lambda-lens-${VERSION}.tgz`);
    assert.ok(existsSync(tarball), pack.out);

    const prefix = join(tmp, 'prefix');
    const install = npm(['install', '-g', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', tarball], tmp);
    assert.equal(install.code, 0, install.out);
    assert.doesNotMatch(
      install.out,
      /install-scripts|EBADENGINE/,
      'the package has no install script to run or approve',
    );
    const installed = join(prefix, 'lib', 'node_modules', 'lambda-lens');
    assert.deepEqual(
      readdirSync(installed).sort(),
      ['LICENSE', 'README.md', 'bin', 'dist', 'package.json'],
      'the CLI only: no sources, no dependencies',
    );
    assert.ok(!existsSync(join(installed, 'node_modules')), 'nothing fetched');

    const bin = join(prefix, 'bin', 'lambda-lens');
    const project = join(tmp, 'project');
    cpSync(join(ROOT, 'examples', 'sam-app'), project, { recursive: true });
    cpSync(join(ROOT, 'examples', 'python-app'), join(project, 'python-app'), { recursive: true });
    const run = (args: string[]) =>
      spawnSync(bin, args, { cwd: project, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

    const version = run(['--version']);
    assert.equal(version.stdout.trim(), VERSION, version.stderr);
    const check = run(['check', '--format', 'json']);
    assert.equal(check.status, 1, check.stderr);
    const findings = JSON.parse(check.stdout) as { file: string; ruleId: string }[];
    assert.ok(
      findings.some((f) => f.file === 'template.yaml' && f.ruleId === 'LL1001'),
      check.stdout.slice(0, 500),
    );
    assert.ok(
      findings.some((f) => f.file.startsWith('src/') && f.file.endsWith('.js')),
      'JS handler code is checked (TypeScript bundled)',
    );
    assert.ok(
      findings.some((f) => f.file.startsWith('python-app/') && f.file.endsWith('.py')),
      'Python handler code is checked (its parser ships)',
    );
    assert.doesNotMatch(check.stderr, /not checked|cannot/, 'the Python parser and everything else load');

    // The simulator's runtime bootstrap ships too: a real handler runs.
    const simulate = run(['simulate', 'template.yaml', '--function', 'QuoteFunction']);
    assert.equal(simulate.status, 0, simulate.stderr);
    assert.match(simulate.stdout, /REPORT RequestId: /);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
