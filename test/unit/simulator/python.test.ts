/**
 * The Python runtime: one real interpreter process per execution environment, INIT measured,
 * Lambda's context object and error shapes, prints and `logging` captured as logs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simulate } from '../../../server/src/simulator/engine';
import { resolvePythonBinary } from '../../../server/src/simulator/runtimes/python';
import { assertAccounting, assertNoOrphans, body, config, fn, sync } from './helpers';

const PY = { handler: 'app.handler', runtime: 'python3.13' };

test('Python: cold then warm starts in one environment, module state kept, INIT measured', async () => {
  const trace = await simulate(
    config(fn('python-basic', PY), [sync(0, { a: 1 }), sync(1000, {}), sync(2000, {}), sync(2000 + 15 * 60_000, {})]),
  );
  assertAccounting(trace);
  assertNoOrphans(trace);
  assert.deepEqual(
    trace.invocations.map((i) => i.cold),
    [true, false, false, true],
  );
  assert.deepEqual(
    trace.invocations.map((_, i) => body(trace, i)['count']),
    [1, 2, 3, 1],
  );
  const first = trace.environments[0];
  assert.ok(first);
  // Module scope sleeps 50 ms: INIT is measured, not invented.
  assert.ok(first.initMs >= 50, `INIT took ${first.initMs} ms`);
  assert.match(trace.runtime.binary, /python/);
  const response = body(trace, 0);
  assert.equal(response['functionName'], 'TestFunction');
  assert.equal(response['memory'], '256', 'memory_limit_in_mb is a string, as in awslambdaric');
  assert.equal(response['requestId'], trace.invocations[0]?.requestId);
  assert.equal(response['executionEnv'], 'AWS_Lambda_python3.13');
  assert.ok(
    typeof response['remaining'] === 'number' &&
      (response['remaining'] as number) > 2000 &&
      (response['remaining'] as number) <= 3000,
  );
  assert.match(String(response['traceId']), /^Root=/);
  // print() and logging lines are the request's logs, in order, in Lambda's format.
  const logs = trace.invocations[0]?.logs ?? [];
  assert.ok(logs.includes('handling {"a": 1}'), logs.join('\n'));
  assert.ok(
    logs.some((l) => /^\[INFO\]\t\d{4}-\d\d-\d\dT[\d:.]+Z\t[0-9a-f-]+\tcount is 1$/.test(l)),
    logs.join('\n'),
  );
  assert.ok(
    trace.environmentLogs.some((l) => l.line === 'init done'),
    'INIT output is logged',
  );
});

test("Python errors: Lambda's shape, the environment survives; sys.exit resets it", async () => {
  const trace = await simulate(
    config(fn('python-basic', PY), [
      sync(0, { fail: 7 }),
      sync(1000, {}),
      sync(2000, { exit: 3 }),
      sync(3000, {}),
      sync(4000, { unserialisable: true }),
    ]),
  );
  assertAccounting(trace);
  assertNoOrphans(trace);
  const [failed, after, exited, cold, marshal] = trace.invocations;
  assert.ok(failed && after && exited && cold && marshal);
  assert.equal(failed.outcome, 'error');
  assert.equal(failed.error?.errorType, 'ValueError');
  assert.equal(failed.error?.errorMessage, 'bad order 7');
  assert.equal(failed.error?.requestId, failed.requestId);
  assert.ok((failed.error?.stackTrace ?? []).some((l) => /app\.py", line \d+, in handler/.test(l)));
  assert.ok(
    failed.logs.some((l) => l.startsWith('[ERROR] ValueError: bad order 7\nTraceback (most recent call last):')),
  );
  assert.equal(after.cold, false, 'an error does not reset the environment');
  assert.equal(exited.errorType, 'Runtime.ExitError');
  assert.match(exited.error?.errorMessage ?? '', /exit status 3/);
  assert.equal(cold.cold, true, 'after sys.exit the next request is a cold start');
  assert.equal(marshal.error?.errorType, 'Runtime.MarshalError');
});

test('Python INIT errors: missing module and missing handler, as awslambdaric words them; packages resolve', async () => {
  const missing = await simulate(config(fn('python-basic', { ...PY, handler: 'broken.handler' }), [sync(0, {})]));
  assertAccounting(missing);
  assertNoOrphans(missing);
  assert.equal(missing.invocations[0]?.error?.errorType, 'Runtime.ImportModuleError');
  assert.match(
    missing.invocations[0]?.error?.errorMessage ?? '',
    /^Unable to import module 'broken': No module named 'module_that_does_not_exist'/,
  );
  const noHandler = await simulate(config(fn('python-basic', { ...PY, handler: 'app.nope' }), [sync(0, {})]));
  assertAccounting(noHandler);
  assert.equal(noHandler.invocations[0]?.error?.errorType, 'Runtime.HandlerNotFound');
  assert.equal(noHandler.invocations[0]?.error?.errorMessage, "Handler 'nope' missing on module 'app'");
  const pkg = await simulate(config(fn('python-basic', { ...PY, handler: 'pkg/jobs.run' }), [sync(0, {})]));
  assertAccounting(pkg);
  assertNoOrphans(pkg);
  assert.deepEqual(pkg.invocations[0]?.response, { ran: true });
});

test('the interpreter is resolved once per runtime id', () => {
  const a = resolvePythonBinary('python3.13');
  assert.equal(resolvePythonBinary('python3.13'), a);
  assert.ok(!a.binary.includes('/shims/'), `the real interpreter, not a shim: ${a.binary}`);
});
