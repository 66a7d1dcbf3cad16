/**
 * Each environment's /tmp is its own and as large as the function's EphemeralStorage: real
 * runtime processes (Node and Python) write to the literal /tmp until the kernel answers ENOSPC.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { simulate } from '../../../server/src/simulator/engine';
import { isolatedTmpCommand, isolatedTmpSupport, tmpEntries } from '../../../server/src/simulator/runtimes/ephemeral';
import { assertAccounting, assertNoOrphans, body, config, fn, sync } from './helpers';

const support = isolatedTmpSupport();
const skip = support.ok ? false : `no tmpfs per environment here: ${support.reason}`;
const MB = 1024 * 1024;

interface Written {
  written: number;
  error: { code?: string; errno?: number; message: string } | null;
  files: string[];
  tmpdir?: string;
}

const bins = (r: Written): string[] => r.files.filter((f) => f.endsWith('.bin'));

test('the /tmp entries a process needs are kept, each once; others are not', () => {
  assert.deepEqual(tmpEntries(['/tmp/work/app/src', '/tmp/work/x', '/usr/bin/node', 'relative', '/tmp', '/tmpx/a']), [
    'work',
  ]);
});

test(
  'Node: /tmp holds EphemeralStorage.Size, keeps its files across warm requests, then ENOSPC',
  { skip },
  async () => {
    const f = fn('tmp-writer', { memorySizeMb: 1769, timeoutMs: 120_000, ephemeralStorageMb: 512 });
    const trace = await simulate(
      config(f, [
        sync(0, { write: { name: 'a.bin', mb: 300 } }),
        sync(300_000, { write: { name: 'b.bin', mb: 300 } }),
        sync(600_000, { remove: 'a.bin', write: { name: 'c.bin', mb: 100 } }),
        sync(900_000, { writeFile: { name: 'd.bin', mb: 600 } }),
      ]),
    );
    assertAccounting(trace);
    assertNoOrphans(trace);
    assert.deepEqual(trace.function.ephemeralStorage, {
      sizeMb: 512,
      enforced: true,
      note: '/tmp: 512 MB per environment (a tmpfs of its own)',
    });
    assert.equal(new Set(trace.invocations.map((i) => i.env)).size, 1, 'one warm environment took every request');
    const [first, second, third, fourth] = [0, 1, 2, 3].map((i) => body(trace, i) as unknown as Written) as [
      Written,
      Written,
      Written,
      Written,
    ];
    assert.equal(first.tmpdir, '/tmp', 'no TMPDIR: os.tmpdir() is /tmp, as on Lambda');
    assert.equal(first.error, null);
    assert.equal(first.written, 300 * MB);
    assert.deepEqual(bins(first), ['a.bin']);
    // 512 MB in all: the second write stops with Lambda's error once the first's 300 MB and its own fill it.
    assert.equal(second.error?.code, 'ENOSPC');
    assert.match(second.error?.message ?? '', /^ENOSPC: no space left on device/);
    assert.ok(
      second.written >= 200 * MB && second.written <= 212 * MB,
      `wrote ${second.written / MB} MB before ENOSPC`,
    );
    assert.deepEqual(bins(second), ['a.bin', 'b.bin'], 'the earlier request’s file is still there');
    // Removing a file frees its space.
    assert.equal(third.error, null);
    assert.deepEqual(bins(third), ['b.bin', 'c.bin']);
    // fs.writeFile of more than is left: ENOSPC.
    assert.equal(fourth.error?.code, 'ENOSPC');
    assert.match(fourth.error?.message ?? '', /^ENOSPC: no space left on device, write/);
    // Nothing reached the host's /tmp, and the environment's folder is gone.
    for (const name of ['a.bin', 'b.bin', 'c.bin', 'd.bin']) assert.equal(existsSync(`/tmp/${name}`), false, name);
    for (const env of trace.environments) assert.equal(existsSync(env.tmpDir), false, `${env.tmpDir} removed`);
  },
);

test('two environments at once: each /tmp is its own', { skip }, async () => {
  const f = fn('tmp-writer', { timeoutMs: 30_000 });
  const trace = await simulate(
    config(f, [sync(0, { write: { name: 'one.bin', mb: 1 } }), sync(0, { write: { name: 'two.bin', mb: 1 } })]),
  );
  assertAccounting(trace);
  assertNoOrphans(trace);
  assert.equal(new Set(trace.invocations.map((i) => i.env)).size, 2);
  const seen = [0, 1].map((i) => bins(body(trace, i) as unknown as Written)).sort();
  assert.deepEqual(seen, [['one.bin'], ['two.bin']]);
  assert.equal(existsSync('/tmp/one.bin') || existsSync('/tmp/two.bin'), false);
});

test('Python: a write past EphemeralStorage.Size raises OSError [Errno 28]', { skip }, async () => {
  const f = fn('tmp-writer', {
    handler: 'app.handler',
    runtime: 'python3.13',
    memorySizeMb: 1769,
    timeoutMs: 120_000,
    ephemeralStorageMb: 512,
  });
  const trace = await simulate(config(f, [sync(0, { write: { name: 'big.bin', mb: 600 } })]));
  assertAccounting(trace);
  assertNoOrphans(trace);
  const r = body(trace, 0) as unknown as Written;
  assert.equal(r.error?.errno, 28);
  assert.equal(r.error?.message, '[Errno 28] No space left on device');
  assert.ok(r.written >= 500 * MB && r.written <= 512 * MB, `wrote ${r.written / MB} MB before ENOSPC`);
  assert.deepEqual(bins(r), ['big.bin']);
  assert.equal(existsSync('/tmp/big.bin'), false);
});

test('code directly in /tmp: its own /tmp would hide it, so the environment keeps a private TMPDIR and says so', async () => {
  const name = `lambda-lens-direct-${process.pid}`;
  writeFileSync(`/tmp/${name}.js`, "exports.handler = async () => require('os').tmpdir();\n");
  try {
    const trace = await simulate(config(fn('', { codeRoot: '/tmp', handler: `${name}.handler` }), [sync(0, {})]));
    assertAccounting(trace);
    assertNoOrphans(trace);
    assert.equal(trace.invocations[0]?.outcome, 'success');
    assert.equal(trace.function.ephemeralStorage?.enforced, false);
    assert.match(trace.function.ephemeralStorage?.note ?? '', /code folder is \/tmp itself/);
    assert.equal(trace.invocations[0]?.response, trace.environments[0]?.tmpDir, 'os.tmpdir() is the private TMPDIR');
  } finally {
    rmSync(`/tmp/${name}.js`, { force: true });
  }
});

test('a kept path whose /tmp entry does not exist is skipped, and the process starts', { skip }, () => {
  // Code under /tmp makes the process look in folders up its tree (/tmp/node_modules) that are not there.
  const stage = mkdtempSync(join(tmpdir(), 'lambda-lens-stage-'));
  try {
    const missing = `/tmp/lambda-lens-missing-${process.pid}/node_modules`;
    const { command, args } = isolatedTmpCommand('/bin/sh', ['-c', 'echo started'], {
      sizeMb: 1,
      stage,
      keep: [missing, stage],
    });
    const r = spawnSync(command, args, { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'started');
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
});
