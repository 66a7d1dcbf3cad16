/**
 * Defence in depth (issue 19): what the webview sends is validated at the boundary, a restored
 * panel reads only saved runs or traces opened by hand, and the executable-path settings are
 * restricted in untrusted workspaces.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readFromWebview } from '../../client/shared/protocol';
import { mayReopen, rememberOpened, runsDir } from '../../client/src/panel/runs';

const ROOT = resolve(__dirname, '../..');

test('webview messages: the four shapes pass, field by field; anything else is refused', () => {
  assert.deepEqual(readFromWebview({ type: 'ready', source: null }), { type: 'ready', source: null });
  assert.deepEqual(
    readFromWebview({ type: 'ready', source: { kind: 'file', path: '/w/.lambda-lens/runs/a.json', extra: 1 } }),
    { type: 'ready', source: { kind: 'file', path: '/w/.lambda-lens/runs/a.json' } },
  );
  assert.deepEqual(readFromWebview({ type: 'cancel-run', runId: 'r1' }), { type: 'cancel-run', runId: 'r1' });
  assert.deepEqual(readFromWebview({ type: 'reveal-logs', requestId: 'q', attempt: 2 }), {
    type: 'reveal-logs',
    requestId: 'q',
    attempt: 2,
  });
  assert.deepEqual(readFromWebview({ type: 'export-chrome-trace' }), { type: 'export-chrome-trace' });
  for (const bad of [
    null,
    42,
    'ready',
    [],
    { type: 'ready' },
    { type: 'ready', source: { kind: 'file', path: 7 } },
    { type: 'ready', source: { kind: 'disk', path: '/etc/passwd' } },
    { type: 'cancel-run' },
    { type: 'cancel-run', runId: 'x'.repeat(10_000) },
    { type: 'reveal-logs', requestId: 'q', attempt: '1' },
    { type: 'reveal-logs', requestId: 'q', attempt: 1.5 },
    { type: 'run-shell', command: 'rm -rf /' },
    { type: '__proto__' },
  ]) {
    assert.equal(readFromWebview(bad), undefined, JSON.stringify(bad));
  }
});

test('a restored panel reopens only saved runs and traces opened by hand', () => {
  const ws = '/work/space';
  assert.ok(mayReopen(join(runsDir(ws), '2026-01-01-F.json'), [ws]));
  assert.ok(!mayReopen('/etc/passwd', [ws]));
  assert.ok(!mayReopen(join(runsDir(ws), '../../../etc/passwd.json'), [ws]), '.. does not leave the runs folder');
  assert.ok(!mayReopen(join(runsDir(ws), 'sub/x.json'), [ws]));
  assert.ok(!mayReopen('/tmp/trace.json', [ws]));
  rememberOpened('/tmp/trace.json');
  assert.ok(mayReopen('/tmp/trace.json', [ws]), 'a trace the user opened in this session');
});

test('the executable-path settings are restricted in untrusted workspaces', () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    capabilities: { untrustedWorkspaces: { restrictedConfigurations?: string[] } };
  };
  assert.deepEqual(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations?.sort(), [
    'lambdaLens.simulator.nodePath',
    'lambdaLens.simulator.pythonPath',
  ]);
});
