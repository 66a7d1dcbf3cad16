/**
 * Failures give Lambda's outcomes and error shapes, never a crash of the simulator: throws,
 * timeouts (also a CPU loop), OOM, process.exit, uncaught exceptions, unhandled rejections,
 * init errors, bad handler names, and the module forms (CommonJS, ESM, callback).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simulate } from '../../../server/src/simulator/engine';
import { assertAccounting, assertNoOrphans, async, config, fn, sync } from './helpers';

test('a thrown error returns Lambda error shape and keeps the environment warm', async () => {
  const trace = await simulate(config(fn('node-basic'), [sync(0, { fail: 'bad input' }), sync(10_000, {})]));
  assertAccounting(trace);
  assertNoOrphans(trace);
  const [failed, next] = trace.invocations;
  assert.ok(failed && next);
  assert.equal(failed.outcome, 'error');
  assert.equal(failed.errorType, 'TypeError');
  assert.equal(failed.error?.errorType, 'TypeError');
  assert.equal(failed.error?.errorMessage, 'bad input');
  assert.match(failed.error?.trace[0] ?? '', /^TypeError: bad input/);
  assert.ok(
    failed.logs.some((l) =>
      /\tERROR\tInvoke Error \t\{"errorType":"TypeError","errorMessage":"bad input","stack":\[/.test(l),
    ),
  );
  assert.doesNotMatch(failed.report, /Status:/);
  assert.equal(next.cold, false, 'a thrown error does not reset the environment');
  assert.equal(next.env, failed.env);
  assert.match(trace.inputs[0]!.reason, /X-Amz-Function-Error: Unhandled/);
});

test('throwing something that is not an Error: errorType is its typeof, errorMessage its string', async () => {
  const trace = await simulate(
    config(fn('node-basic'), [sync(0, { throwValue: 'plain string' }), sync(10_000, { throwValue: { code: 42 } })]),
  );
  assertAccounting(trace);
  assertNoOrphans(trace);
  assert.deepEqual(trace.invocations[0]!.error, { errorType: 'string', errorMessage: 'plain string', trace: [] });
  assert.deepEqual(trace.invocations[1]!.error, { errorType: 'object', errorMessage: '[object Object]', trace: [] });
});

test('a timeout ends the environment and the next request is cold', async () => {
  const trace = await simulate(
    config(fn('node-basic', { timeoutMs: 1000 }), [sync(0, { hang: true }), sync(5000, {})]),
  );
  assertAccounting(trace);
  assertNoOrphans(trace);
  const [timedOut, next] = trace.invocations;
  assert.ok(timedOut && next);
  assert.equal(timedOut.outcome, 'timeout');
  assert.equal(timedOut.errorType, 'Sandbox.Timedout');
  assert.equal(timedOut.durationMs, 1000);
  assert.match(
    timedOut.error?.errorMessage ?? '',
    new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[^ ]+Z ${timedOut.requestId} Task timed out after 1\\.00 seconds$`),
  );
  assert.match(timedOut.report, /Duration: 1000\.00 ms\t.*Status: timeout/);
  assert.equal(trace.environments[0]!.endReason, 'timeout');
  assert.equal(next.cold, true);
  assert.notEqual(next.env, timedOut.env);
  assert.equal(next.outcome, 'success');
});

test('a CPU loop that blocks the event loop still times out', async () => {
  const trace = await simulate(config(fn('node-basic', { timeoutMs: 1000 }), [sync(0, { spin: true })]));
  assertAccounting(trace);
  assertNoOrphans(trace);
  assert.equal(trace.invocations[0]!.outcome, 'timeout');
});

test('going over MemorySize reports Runtime.OutOfMemory and resets the environment', async () => {
  const trace = await simulate(
    config(fn('node-basic', { memorySizeMb: 128 }), [sync(0, { oom: true }), sync(10_000, {})]),
  );
  assertAccounting(trace);
  assertNoOrphans(trace);
  const [oom, next] = trace.invocations;
  assert.ok(oom && next);
  assert.equal(oom.outcome, 'oom');
  assert.equal(oom.errorType, 'Runtime.OutOfMemory');
  assert.deepEqual(oom.error, {
    errorType: 'Runtime.ExitError',
    errorMessage: `RequestId: ${oom.requestId} Error: Runtime exited with error: signal: killed`,
    trace: [],
  });
  assert.match(oom.report, /Max Memory Used: 128 MB\t.*Status: error\tError Type: Runtime\.OutOfMemory$/);
  assert.equal(trace.environments[0]!.endReason, 'oom');
  assert.equal(next.cold, true);
  assert.equal(next.outcome, 'success');
});

test('process.exit(n) reports Runtime.ExitError with the exit status', async () => {
  const trace = await simulate(config(fn('node-basic'), [sync(0, { exit: 3 }), sync(10_000, {})]));
  assertAccounting(trace);
  assertNoOrphans(trace);
  const [exited, next] = trace.invocations;
  assert.ok(exited && next);
  assert.equal(exited.outcome, 'crash');
  assert.equal(exited.errorType, 'Runtime.ExitError');
  assert.equal(
    exited.error?.errorMessage,
    `RequestId: ${exited.requestId} Error: Runtime exited with error: exit status 3`,
  );
  assert.match(exited.report, /Status: error\tError Type: Runtime\.ExitError$/);
  assert.equal(trace.environments[0]!.endReason, 'crash');
  assert.equal(next.cold, true);
});

test('an uncaught exception and an unhandled rejection end the runtime with the posted error', async () => {
  const trace = await simulate(
    config(fn('node-basic'), [
      sync(0, { uncaught: 'late' }),
      sync(10_000, { reject: 'nobody awaited' }),
      sync(20_000, {}),
    ]),
  );
  assertAccounting(trace);
  assertNoOrphans(trace);
  const [uncaught, rejected, next] = trace.invocations;
  assert.ok(uncaught && rejected && next);
  assert.equal(uncaught.outcome, 'crash');
  assert.equal(uncaught.errorType, 'RangeError');
  assert.ok(
    uncaught.logs.some((l) => /\tERROR\tUncaught Exception \t\{"errorType":"RangeError","errorMessage":"late"/.test(l)),
  );
  assert.ok(
    uncaught.logs.includes(`RequestId: ${uncaught.requestId} Error: Runtime exited with error: exit status 129`),
  );
  assert.equal(rejected.outcome, 'crash');
  assert.equal(rejected.errorType, 'Runtime.UnhandledPromiseRejection');
  assert.equal(rejected.error?.errorMessage, 'Error: nobody awaited');
  assert.ok(
    rejected.logs.includes(`RequestId: ${rejected.requestId} Error: Runtime exited with error: exit status 128`),
  );
  assert.equal(next.cold, true);
  assert.equal(next.outcome, 'success');
});

test('an init error is retried inside the first invoke (suppressed init) and reported', async () => {
  const trace = await simulate(config(fn('init-throws'), [sync(0, {})]));
  assertAccounting(trace);
  assertNoOrphans(trace);
  const inv = trace.invocations[0]!;
  assert.equal(inv.outcome, 'error');
  assert.equal(inv.errorType, 'Error');
  assert.equal(inv.error?.errorMessage, 'cannot connect at init');
  assert.doesNotMatch(inv.report, /Init Duration/);
  assert.match(inv.report, /Status: error\tError Type: Error$/);
  const env = trace.environments[0]!;
  assert.equal(env.initStatus, 'error');
  assert.equal(env.endReason, 'init-error');
  assert.equal(env.pids.length, 2, 'the suppressed init ran in a fresh process');
  assert.ok(
    trace.environmentLogs.some((l) =>
      /^INIT_REPORT Init Duration: \d+\.\d\d ms\tPhase: init\tStatus: error$/.test(l.line),
    ),
  );
});

test('handler resolution errors: not exported, missing module, syntax error, malformed name', async () => {
  const cases: [string, string, string, RegExp][] = [
    ['node-basic', 'index.nothere', 'Runtime.HandlerNotFound', /^index\.nothere is undefined or not exported$/],
    ['node-basic', 'missing.handler', 'Runtime.ImportModuleError', /^Error: Cannot find module 'missing'/],
    ['syntax-error', 'index.handler', 'Runtime.UserCodeSyntaxError', /^SyntaxError: /],
    ['node-basic', 'index', 'Runtime.MalformedHandlerName', /^Bad handler$/],
    ['node-basic', '../node-basic/index.handler', 'Runtime.MalformedHandlerName', /not a valid handler name/],
  ];
  for (const [dir, handler, errorType, message] of cases) {
    const trace = await simulate(config(fn(dir, { handler }), [sync(0, {})]));
    assertAccounting(trace);
    assertNoOrphans(trace);
    const inv = trace.invocations[0]!;
    assert.equal(inv.errorType, errorType, handler);
    assert.match(inv.error?.errorMessage ?? '', message, handler);
  }
});

test('ES modules (.mjs with top-level await, .js in a type: module package), nested handler paths, and callback handlers (accepted on nodejs22.x, rejected at init on nodejs24.x)', async () => {
  const esm = await simulate(config(fn('esm', { handler: 'index.handler' }), [sync(0, { name: 'x' })]));
  assertAccounting(esm);
  assert.deepEqual(esm.invocations[0]!.response, { greeting: 'hello from esm', name: 'x' });

  const pkg = await simulate(config(fn('esm-pkg'), [sync(0, {})]));
  assertAccounting(pkg);
  assert.deepEqual(pkg.invocations[0]!.response, { kind: 'esm', file: 'index.js' });

  const nested = await simulate(config(fn('nested', { handler: 'src/app.handlers.main' }), [sync(0, {})]));
  assertAccounting(nested);
  assert.deepEqual(nested.invocations[0]!.response, { nested: true });

  const plain = await simulate(config(fn('sync-return'), [sync(0, {})]));
  assertAccounting(plain);
  assert.equal(plain.invocations[0]!.outcome, 'success');
  assert.equal(plain.invocations[0]!.response, null, 'a plain return value is dropped, as on Lambda');

  const cb22 = await simulate(config(fn('callback', { runtime: 'nodejs22.x' }), [sync(0, { value: 7 })]));
  assertAccounting(cb22);
  assert.deepEqual(cb22.invocations[0]!.response, { via: 'callback', value: 7 });

  const cb24 = await simulate(config(fn('callback', { runtime: 'nodejs24.x' }), [sync(0, {})]));
  assertAccounting(cb24);
  assertNoOrphans(cb24);
  assert.equal(cb24.invocations[0]!.errorType, 'Runtime.CallbackHandlerDeprecated');
});

test('payload limits: a request over 6 MB (sync) or 1 MB (async) never runs; a response over 6 MB is an error', async () => {
  const big = { data: 'x'.repeat(6 * 2 ** 20) };
  const medium = { data: 'x'.repeat(2 * 2 ** 20) };
  const trace = await simulate(
    config(fn('big-response'), [
      sync(0, big),
      async(0, medium),
      sync(0, { bytes: 7 * 2 ** 20 }),
      sync(0, { bytes: 10 }),
    ]),
  );
  assertAccounting(trace);
  assertNoOrphans(trace);
  const dropped = trace.inputs.filter((i) => /RequestEntityTooLargeException/.test(i.reason));
  assert.equal(dropped.length, 2);
  assert.equal(trace.invocations.length, 2);
  const tooLarge = trace.invocations.find((i) => i.outcome === 'error')!;
  assert.equal(tooLarge.errorType, 'Function.ResponseSizeTooLarge');
  assert.equal(trace.invocations.filter((i) => i.outcome === 'success').length, 1);
});

test('INIT past the init limit is logged as a timeout and re-run inside the first invoke', async () => {
  // slow-init spends 50 ms at module scope; an init limit of 20 ms forces the suppressed init.
  const trace = await simulate(config(fn('slow-init'), [sync(0, {})], { initTimeoutMs: 20 }));
  assertAccounting(trace);
  assertNoOrphans(trace);
  const inv = trace.invocations[0]!;
  assert.equal(inv.outcome, 'success');
  assert.equal(inv.cold, true);
  assert.equal(inv.initMs, 0);
  assert.ok(inv.durationMs >= 50, `Duration ${inv.durationMs} includes the re-init`);
  assert.doesNotMatch(inv.report, /Init Duration/);
  assert.equal(trace.environments[0]!.initStatus, 'timeout');
  assert.ok(
    trace.environmentLogs.some((l) =>
      /^INIT_REPORT Init Duration: \d+\.\d\d ms\tPhase: init\tStatus: timeout$/.test(l.line),
    ),
  );
});

test("a missing @aws-sdk v3 module is Lambda's ImportModuleError, with a note that the runtime would provide it", async () => {
  const trace = await simulate(config(fn('needs-sdk'), [sync(0, {})]));
  assertAccounting(trace);
  assertNoOrphans(trace);
  assert.equal(trace.invocations[0]!.errorType, 'Runtime.ImportModuleError');
  assert.match(
    trace.invocations[0]!.error!.errorMessage,
    /^Error: Cannot find module '@aws-sdk\/client-lambda-lens-missing'/,
  );
  assert.ok(
    trace.environmentLogs.some((l) =>
      /^LAMBDA_LENS note: .*AWS SDK for JavaScript v3.*npm install --save-dev @aws-sdk\/client-lambda-lens-missing/.test(
        l.line,
      ),
    ),
  );
});

test('a callback handler answers once the event loop is empty (callbackWaitsForEmptyEventLoop), or at once when it set it to false', async () => {
  const trace = await simulate(
    config(fn('callback-loop', { timeoutMs: 2000 }), [
      sync(0, { pendingMs: 400 }),
      sync(5_000, { pendingMs: 400, dontWait: true }),
      sync(10_000, { forever: true }),
      sync(20_000, { forever: true, dontWait: true }),
    ]),
  );
  assertAccounting(trace);
  assertNoOrphans(trace);
  const [waits, early, never, frozen] = trace.invocations;
  assert.ok(waits && early && never && frozen);
  // The timer it left runs inside the invocation: its log line and its 400 ms are this request's.
  assert.equal(waits.outcome, 'success');
  assert.deepEqual(waits.response, { calledBack: true, ticks: 0 });
  assert.ok(waits.durationMs >= 380, `waited ${waits.durationMs} ms for the timer`);
  assert.ok(waits.logs.some((l) => /background work done after 400 ms/.test(l)));
  // callbackWaitsForEmptyEventLoop = false: the response goes at once; the timer runs later.
  assert.equal(early.outcome, 'success');
  assert.ok(early.durationMs < 300, `answered after ${early.durationMs} ms`);
  assert.ok(!early.logs.some((l) => /background work done/.test(l)));
  // An interval (an open connection) never lets the loop empty: the invocation times out.
  assert.equal(never.outcome, 'timeout');
  assert.equal(never.errorType, 'Sandbox.Timedout');
  // …unless the handler does not wait for it.
  assert.equal(frozen.outcome, 'success');
  assert.equal(frozen.cold, true, 'the timeout before ended that environment');
});

test('an async handler whose promise never settles answers null once the event loop is empty, or times out while work is pending', async () => {
  const trace = await simulate(
    config(fn('async-unsettled', { timeoutMs: 2000 }), [
      sync(0, { pendingMs: 300 }),
      sync(5_000, { resolveAfterMs: 100 }),
      sync(10_000, { pendingMs: 100, keepAlive: true }),
    ]),
  );
  assertAccounting(trace);
  assertNoOrphans(trace);
  const [forgotten, resolved, busy] = trace.invocations;
  assert.ok(forgotten && resolved && busy);
  assert.equal(forgotten.outcome, 'success');
  assert.equal(forgotten.response, null);
  assert.ok(forgotten.durationMs >= 280 && forgotten.durationMs < 1500, `answered after ${forgotten.durationMs} ms`);
  assert.ok(forgotten.logs.some((l) => /resolve forgotten/.test(l)));
  // The same environment serves the next request, whose promise settles as usual.
  assert.equal(resolved.cold, false);
  assert.equal(resolved.outcome, 'success');
  assert.deepEqual(resolved.response, { resolved: true });
  // An interval keeps the loop busy: nothing ends the invocation but the timeout.
  assert.equal(busy.outcome, 'timeout');
});

test('a plain handler without a callback answers null once the timer it left has run', async () => {
  const trace = await simulate(config(fn('sync-pending'), [sync(0, { pendingMs: 300 })]));
  assertAccounting(trace);
  assertNoOrphans(trace);
  const inv = trace.invocations[0]!;
  assert.equal(inv.outcome, 'success');
  assert.equal(inv.response, null);
  assert.ok(inv.durationMs >= 280, `answered after ${inv.durationMs} ms`);
  assert.ok(inv.logs.some((l) => /timer ran/.test(l)));
});
