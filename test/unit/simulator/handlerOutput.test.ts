/**
 * Issue 19: nothing a handler returns, throws or writes takes the simulator down. Each handler
 * is written here as the reliability run crafted it; each run must end with Lambda's shapes in
 * a complete trace, a readable report, and no process left.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { formatTrace } from '../../../server/src/simulator/cli';
import { simulate } from '../../../server/src/simulator/engine';
import type { SimulationTrace } from '../../../server/src/simulator/trace';
import { assertAccounting, assertNoOrphans, config, fn, sync } from './helpers';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function code(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-lens-output-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** A complete trace: accounted for, serialisable, reportable, and nothing left running. */
function assertComplete(trace: SimulationTrace): void {
  assertAccounting(trace);
  assertNoOrphans(trace);
  assert.doesNotThrow(() => JSON.stringify(trace));
  assert.match(formatTrace(trace), /Summary/);
}

const PY = { handler: 'app.handler', runtime: 'python3.13' };

test('Python NaN and Infinity in a response: returned as Lambda returns them, kept as the payload text', async () => {
  const dir = code({
    'app.py': 'def handler(event, context):\n    return {"v": float("nan"), "w": float("inf"), "x": -float("inf")}\n',
  });
  const trace = await simulate(config(fn('', { ...PY, codeRoot: dir }), [sync(0, {})]));
  assertComplete(trace);
  const inv = trace.invocations[0];
  assert.equal(inv?.outcome, 'success');
  assert.equal(inv?.response, '{"v": NaN, "w": Infinity, "x": -Infinity}');
});

test('garbage on the runtime channel is kept as output; the request still ends with its result (Node and Python)', async () => {
  const node = code({
    'index.js': `const { writeSync } = require('node:fs');
exports.handler = async () => {
  writeSync(4, 'not a message\\n');
  writeSync(4, '{"t":"result","requestId":42}\\n');
  writeSync(4, '[1,2,3]\\n');
  return { ok: true };
};`,
  });
  const python = code({
    'app.py':
      'import os\n\ndef handler(event, context):\n    os.write(4, b"\\x00\\xff garbage\\n")\n    return {"ok": True}\n',
  });
  for (const f of [fn('', { codeRoot: node }), fn('', { ...PY, codeRoot: python })]) {
    const trace = await simulate(config(f, [sync(0, {}), sync(1000, {})]));
    assertComplete(trace);
    assert.deepEqual(
      trace.invocations.map((i) => i.outcome),
      ['success', 'success'],
      f.runtime,
    );
    assert.deepEqual(trace.invocations[1]?.response, { ok: true });
    const logs = trace.invocations[0]?.logs ?? [];
    assert.ok(
      logs.some((l) => l.includes('garbage') || l === 'not a message'),
      `${f.runtime}: the garbage is in the logs:\n${logs.join('\n')}`,
    );
  }
});

test("odd thrown values get the Node runtime's error shapes: null, 42, a cyclic object, an Error whose message is an object or cyclic, an Error without a stack", async () => {
  const dir = code({
    'index.js': `exports.handler = async (event) => {
  const cyclic = { name: 'loop' };
  cyclic.self = cyclic;
  switch (event.kind) {
    case 'null': throw null;
    case 'number': throw 42;
    case 'cyclic': throw cyclic;
    case 'object-message': { const e = new Error('x'); e.message = { code: 7 }; throw e; }
    case 'cyclic-message': { const e = new Error('x'); e.message = cyclic; throw e; }
    case 'no-stack': { const e = new Error('x'); delete e.stack; Object.defineProperty(e, 'stack', { value: undefined }); throw e; }
    case 'reject-odd': { Promise.reject({ toString() { throw new Error('no'); } }); return new Promise(() => {}); }
  }
  return 'fine';
};`,
  });
  const kinds = ['null', 'number', 'cyclic', 'object-message', 'cyclic-message', 'no-stack', 'reject-odd'];
  const trace = await simulate(
    config(
      fn('', { codeRoot: dir }),
      kinds.map((kind, i) => sync(i * 1000, { kind })),
    ),
  );
  assertComplete(trace);
  const errors = trace.invocations.map((i) => i.error);
  const handled = {
    errorType: 'handled',
    errorMessage:
      'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    trace: [],
  };
  assert.deepEqual(errors[0], handled, 'throw null');
  assert.deepEqual(errors[1], { errorType: 'number', errorMessage: '42', trace: [] });
  assert.deepEqual(errors[2], { errorType: 'object', errorMessage: '[object Object]', trace: [] });
  assert.equal(errors[3]?.errorType, 'Error');
  assert.equal(errors[3]?.errorMessage, '{"code":7}');
  assert.equal(errors[4]?.errorType, 'Error');
  assert.match(errors[4]?.errorMessage ?? '', /<ref \*1> \{ name: 'loop', self: \[Circular \*1\] \}/);
  assert.deepEqual(errors[5], handled, 'an Error without a stack');
  // An unhandled rejection of a value whose toString throws still ends the runtime with Lambda's error.
  assert.equal(trace.invocations[6]?.outcome, 'crash');
  assert.equal(errors[6]?.errorType, 'Runtime.UnhandledPromiseRejection');
  for (const e of errors) assert.equal(typeof e?.errorMessage, 'string');
});

test("a log flood (50,000 × 1 KB console.log at 128 MB) does not count against the function's memory", async () => {
  const dir = code({
    'index.js': `exports.handler = async () => {
  const line = 'x'.repeat(1024);
  for (let i = 0; i < 50000; i++) console.log(line);
  return { logged: 50000 };
};`,
  });
  const trace = await simulate(config(fn('', { codeRoot: dir, memorySizeMb: 128, timeoutMs: 120_000 }), [sync(0, {})]));
  assertComplete(trace);
  const inv = trace.invocations[0];
  assert.equal(inv?.outcome, 'success', `${inv?.errorType}: ${inv?.report}`);
  assert.equal(inv?.logs.filter((l) => l.endsWith('x'.repeat(1024))).length, 50_000, 'every line is kept');
  assert.ok((inv?.maxMemoryMb ?? 0) < 128, inv?.report);
});
