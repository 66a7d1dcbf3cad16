/**
 * outcome.ts without processes: how each way a request can end becomes Lambda's outcome, log
 * lines, REPORT fields, billing and environment reset.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  billedDuration,
  cancelledResult,
  exitText,
  initReportLine,
  interpret,
  invocationDuration,
  reportLine,
  RESPONSE_LIMIT_BYTES,
  throttledInvocation,
  type OutcomeContext,
} from '../../../server/src/simulator/outcome';

const ctx: OutcomeContext = { requestId: 'r-1', timeoutMs: 3000, endIso: '2026-01-01T00:00:03.000Z', initError: null };

test('a response is a success with the parsed payload, no REPORT status, and the environment lives on', () => {
  const o = interpret({ kind: 'response', durationMs: 12, responseJson: '{"ok":true}' }, ctx);
  assert.equal(o.outcome, 'success');
  assert.deepEqual(o.response, { ok: true });
  assert.equal(o.error, null);
  assert.equal(o.status, null);
  assert.equal(o.endReason, null);
  assert.deepEqual(o.lines, []);
  assert.equal(interpret({ kind: 'response', durationMs: 1, responseJson: null }, ctx).response, null);
});

test('a response over 6 MB is Function.ResponseSizeTooLarge, logged as an ERROR line, and the environment lives on', () => {
  const big = JSON.stringify('x'.repeat(RESPONSE_LIMIT_BYTES));
  const o = interpret({ kind: 'response', durationMs: 5, responseJson: big }, ctx);
  assert.equal(o.outcome, 'error');
  assert.equal(o.errorType, 'Function.ResponseSizeTooLarge');
  assert.match(o.error?.errorMessage ?? '', /6291556 bytes/);
  assert.equal(o.lines.length, 1);
  assert.match(
    o.lines[0] ?? '',
    /^2026-01-01T00:00:03\.000Z\tr-1\tERROR\t\{"errorType":"Function\.ResponseSizeTooLarge"/,
  );
  assert.equal(o.endReason, null);
});

test('a function error is returned as thrown; after a failed re-init it resets the environment with the INIT error type', () => {
  const error = { errorType: 'TypeError', errorMessage: 'boom', trace: ['TypeError: boom'] };
  const plain = interpret({ kind: 'error', durationMs: 3, error }, ctx);
  assert.equal(plain.outcome, 'error');
  assert.equal(plain.errorType, 'TypeError');
  assert.equal(plain.status, null);
  assert.equal(plain.endReason, null);
  const initError = { errorType: 'Runtime.ImportModuleError', errorMessage: 'no module', trace: [] };
  const reinit = interpret({ kind: 'error', durationMs: 3, error: initError }, { ...ctx, initError });
  assert.equal(reinit.status, 'error');
  assert.equal(reinit.reportErrorType, 'Runtime.ImportModuleError');
  assert.equal(reinit.endReason, 'init-error');
});

test('a timeout writes "Task timed out after N seconds", is Sandbox.Timedout with Status: timeout, and resets', () => {
  const o = interpret({ kind: 'timeout', durationMs: 3000 }, ctx);
  assert.equal(o.outcome, 'timeout');
  assert.equal(o.errorType, 'Sandbox.Timedout');
  assert.deepEqual(o.lines, ['2026-01-01T00:00:03.000Z r-1 Task timed out after 3.00 seconds']);
  assert.equal(o.error?.errorMessage, o.lines[0]);
  assert.equal(o.status, 'timeout');
  assert.equal(o.endReason, 'timeout');
});

test('an uncaught exception keeps the posted error and reports Runtime.ExitError with the exit status', () => {
  const error = { errorType: 'Error', errorMessage: 'late', trace: [] };
  const o = interpret({ kind: 'fatal', durationMs: 4, error, exitCode: 129 }, ctx);
  assert.equal(o.outcome, 'crash');
  assert.equal(o.errorType, 'Error');
  assert.deepEqual(o.error, error);
  assert.equal(o.reportErrorType, 'Runtime.ExitError');
  assert.deepEqual(o.lines, ['RequestId: r-1 Error: Runtime exited with error: exit status 129', 'Runtime.ExitError']);
  assert.equal(o.endReason, 'crash');
});

test('an exit without a response is Runtime.ExitError worded by exit code or signal', () => {
  const byCode = interpret({ kind: 'exit', durationMs: 2, code: 3, signal: null }, ctx);
  assert.equal(byCode.errorType, 'Runtime.ExitError');
  assert.equal(byCode.error?.errorMessage, 'RequestId: r-1 Error: Runtime exited with error: exit status 3');
  const bySignal = interpret({ kind: 'exit', durationMs: 2, code: null, signal: 'SIGSEGV' }, ctx);
  assert.match(bySignal.error?.errorMessage ?? '', /signal: segmentation fault$/);
  assert.equal(exitText(null, 'SIGUSR1'), 'signal: sigusr1');
  assert.equal(exitText(null, null), 'exit status 0');
});

test('going over memory is Runtime.OutOfMemory in REPORT, a "signal: killed" exit error to the caller, and memory at MemorySize', () => {
  const o = interpret({ kind: 'oom', durationMs: 80 }, ctx);
  assert.equal(o.outcome, 'oom');
  assert.equal(o.errorType, 'Runtime.OutOfMemory');
  assert.equal(o.error?.errorType, 'Runtime.ExitError');
  assert.match(o.error?.errorMessage ?? '', /signal: killed$/);
  assert.equal(o.reportErrorType, 'Runtime.OutOfMemory');
  assert.equal(o.overMemory, true);
  assert.equal(o.endReason, 'oom');
});

test('a cancelled request is a Simulation.Cancelled error', () => {
  const o = interpret(cancelledResult(7), ctx);
  assert.equal(o.errorType, 'Simulation.Cancelled');
});

test('Duration is capped at the timeout, includes a successful re-init, and billing rounds up and adds INIT when asked', () => {
  assert.equal(invocationDuration({ kind: 'timeout', durationMs: 12 }, 3000, 0, false), 3000);
  assert.equal(invocationDuration({ kind: 'response', durationMs: 100, responseJson: null }, 3000, 50, false), 150);
  assert.equal(invocationDuration({ kind: 'response', durationMs: 100, responseJson: null }, 3000, 50, true), 100);
  assert.equal(invocationDuration({ kind: 'response', durationMs: 2990, responseJson: null }, 3000, 50, false), 3000);
  assert.equal(billedDuration(10.2, 0), 11);
  assert.equal(billedDuration(10.2, 150.5), 161);
});

test("REPORT has its fields in Lambda's order, tab-separated, and only the optional ones that apply", () => {
  const warm = reportLine({
    requestId: 'r-1',
    durationMs: 1.234,
    billedMs: 2,
    memorySizeMb: 128,
    maxMemoryMb: 60,
    initMs: null,
    status: null,
    errorType: null,
  });
  assert.equal(
    warm,
    'REPORT RequestId: r-1\tDuration: 1.23 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB',
  );
  const cold = reportLine({
    requestId: 'r-2',
    durationMs: 3000,
    billedMs: 3200,
    memorySizeMb: 128,
    maxMemoryMb: 128,
    initMs: 199.5,
    status: 'error',
    errorType: 'Runtime.OutOfMemory',
  });
  assert.equal(
    cold,
    'REPORT RequestId: r-2\tDuration: 3000.00 ms\tBilled Duration: 3200 ms\tMemory Size: 128 MB\tMax Memory Used: 128 MB\tInit Duration: 199.50 ms\tStatus: error\tError Type: Runtime.OutOfMemory',
  );
  assert.equal(
    initReportLine(10000, 'timeout'),
    'INIT_REPORT Init Duration: 10000.00 ms\tPhase: init\tStatus: timeout',
  );
});

test('a throttle is TooManyRequestsException with its reason, no environment and no log', () => {
  const inv = throttledInvocation({
    requestId: 'r-3',
    attempt: 1,
    source: 'sync',
    version: '$LATEST',
    atMs: 40,
    memorySizeMb: 128,
    event: { a: 1 },
    inputs: ['in-1'],
    reason: 'ConcurrentInvocationLimitExceeded',
  });
  assert.equal(inv.outcome, 'throttled');
  assert.equal(inv.env, null);
  assert.equal(inv.errorType, 'TooManyRequestsException');
  assert.equal(inv.throttleReason, 'ConcurrentInvocationLimitExceeded');
  assert.equal(inv.startMs, 40);
  assert.deepEqual(inv.logs, []);
  assert.equal(inv.report, '');
});

test('a response that is not JSON (Python NaN, Infinity) is a success whose payload is kept as its text', () => {
  const o = interpret({ kind: 'response', durationMs: 1, responseJson: '{"v": NaN, "w": Infinity}' }, ctx);
  assert.equal(o.outcome, 'success');
  assert.equal(o.response, '{"v": NaN, "w": Infinity}');
});
