/**
 * The examples' scenarios with the local AWS endpoint: every function of examples/ runs its
 * happy path without an error (the SDKs from this repository's node_modules, as a workspace
 * would have them), and the payment scenario shows the duplicate charge LL2102 warns about.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { simulate } from '../../../server/src/simulator/run';
import { loadScenario } from '../../../server/src/simulator/scenario';
import type { SimulationTrace } from '../../../server/src/simulator/trace';
import { pythonsWithBoto3 } from './pythons';

const examples = join(__dirname, '../../../examples');

async function run(file: string, python?: string): Promise<SimulationTrace> {
  return simulate(loadScenario(join(examples, file)).config, python !== undefined ? { executables: { python } } : {});
}

function outcomes(trace: SimulationTrace): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const i of [...trace.invocations].sort((a, b) => a.startMs - b.startMs))
    (out[i.function ?? '?'] ??= []).push(i.outcome);
  return out;
}

test('the happy paths: API, queue and worker of each example app, and the nightly report', async (t) => {
  const sam = await run('sam-app/orders.scenario.json');
  assert.deepEqual(outcomes(sam), {
    OrdersApiFunction: ['success', 'success', 'success'],
    ChargeOrderFunction: ['success', 'success', 'success'],
  });
  assert.ok(sam.invocations.every((i) => (i.awsCalls ?? []).every((c) => c.outcome === 'ok')));
  // The worker the queue reaches has MemorySize 100 (the example's LL1001): it runs, and the trace says Lambda would reject it.
  assert.ok(
    (sam.aws?.warnings ?? []).some((w) =>
      /^ChargeOrderFunction: Lambda would reject this configuration \(LL1001: MemorySize 100 MB/.test(w),
    ),
    JSON.stringify(sam.aws?.warnings),
  );
  // The Python app needs boto3 in the interpreter, as Lambda's Python runtime has it.
  const withBoto3 = pythonsWithBoto3()[0];
  if (withBoto3 === undefined)
    t.diagnostic('python-app skipped: no Python interpreter with boto3 here (.ci/run installs python3-boto3)');
  else {
    const python = await run('python-app/orders.scenario.json', withBoto3.binary);
    assert.deepEqual(outcomes(python), { CreateOrder: ['success', 'success'], ProcessOrders: ['success', 'success'] });
  }
  const sls = await run('serverless-app/orders.scenario.json');
  assert.deepEqual(outcomes(sls), { createOrder: ['success', 'success'], processOrders: ['success', 'success'] });
  // NightlyReportFunction keeps its deliberate LL1009/LL1011 findings: the scenario runs it anyway, as --force does.
  const nightly = await run('sam-app/nightly.scenario.json');
  assert.deepEqual(outcomes(nightly), { NightlyReportFunction: ['success'] });
  const state = nightly.aws?.state as { buckets: Record<string, Record<string, { text?: string }>> };
  const report = Object.values(state.buckets['ReportsBucket'] ?? {})[0];
  assert.match(report?.text ?? '', /^id,status,amount\n/);
});

test('the payment provider fails once: the redelivered batch charges an order again, marked as a duplicate', async () => {
  const trace = await run('sam-app/payment-fails-once.scenario.json');
  const charge = trace.invocations
    .filter((i) => i.function === 'ChargeOrderFunction')
    .sort((a, b) => a.startMs - b.startMs);
  assert.equal(charge[0]?.errorType, 'PaymentProviderUnavailable');
  assert.ok(charge.length >= 2);
  const payments = charge.flatMap((i) =>
    (i.awsCalls ?? []).filter((c) => c.operation === 'PutItem' && c.resource === 'PaymentsTable' && c.outcome === 'ok'),
  );
  const duplicates = payments.filter((c) => c.duplicateOf !== null);
  assert.ok(duplicates.length >= 1, 'a later attempt charged again');
  assert.ok(
    duplicates.every((d) => payments.some((p) => p.id === d.duplicateOf && (p.attempt ?? 0) < (d.attempt ?? 0))),
  );
  assert.equal(
    trace.summary.duplicateSideEffects,
    trace.invocations.flatMap((i) => i.awsCalls ?? []).filter((c) => c.duplicateOf !== null).length,
  );
  // Every input still ends with a fate (here the queue's DLQ after maxReceiveCount).
  assert.ok(trace.inputs.every((i) => i.reason !== 'pending'));
});
