/**
 * The call recorder (server/src/simulator/aws/recorder.ts) on its own: a call still in flight
 * when its invocation ends is listed with that invocation, completed when AWS answers it, and a
 * later attempt's repeat points at it. Found in the e2e suite on a loaded machine: one record of a
 * batch failed while another's payment was on its way, so the payment was missing from attempt 1's
 * calls and the redelivery's duplicate pointed at a call no invocation listed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CallRecorder, effectOf } from '../../../server/src/simulator/aws/recorder';
import type { AwsCall, CallContext } from '../../../server/src/simulator/aws/types';

const put = {
  service: 'dynamodb',
  operation: 'PutItem',
  params: { Item: { paymentId: 'p-1', orderId: 'o-1', amount: 10 } },
};

function attempt(n: number): CallContext {
  return { function: 'Charge', env: `env-${n}`, requestId: `r-${n}`, attempt: n, inputs: ['m-1'] };
}

test('a call in flight when its invocation ends is listed, completed once answered, and its repeat points at it', () => {
  const recorder = new CallRecorder();
  const first = attempt(1);
  const failed = recorder.begin(first, put, 10);
  const slow = recorder.begin(first, put, 11);
  failed.outcome = 'error';
  failed.errorCode = 'PaymentProviderUnavailable';
  recorder.finish(failed, first, undefined);

  // The handler fails here: its calls are taken while `slow` is still on its way.
  const answered: AwsCall[] = [];
  const listed = recorder.forInvocation(first.requestId, first.attempt, (c) => answered.push(c));
  assert.deepEqual(
    listed.map((c) => [c.id, c.summary]),
    [
      [failed.id, 'PutItem'],
      [slow.id, 'PutItem (no answer yet when the invocation ended)'],
    ],
  );
  assert.equal(answered.length, 0, 'not answered yet');

  slow.summary = 'PutItem PaymentsTable: 3 attributes';
  slow.durationMs = 300;
  recorder.finish(slow, first, effectOf(put, 'PaymentsTable', { keyNames: ['paymentId'] }));
  assert.deepEqual(
    answered.map((c) => [c.id, c.summary]),
    [[slow.id, 'PutItem PaymentsTable: 3 attributes']],
  );

  // The redelivery (attempt 2 of the same message) charges again under a new payment id.
  const second = attempt(2);
  const again = recorder.begin(second, put, 500);
  const newPayment = { ...put, params: { Item: { paymentId: 'p-2', orderId: 'o-1', amount: 10 } } };
  recorder.finish(again, second, effectOf(newPayment, 'PaymentsTable', { keyNames: ['paymentId'] }));
  assert.equal(again.duplicateOf, slow.id);
  // Calls taken without a listener, and calls answered before, are not reported late.
  assert.equal(answered.length, 1);
});
