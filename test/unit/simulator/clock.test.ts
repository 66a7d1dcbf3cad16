/** The simulated clock: jumps over idle gaps, follows real time while code runs, holds, daemons. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SimClock } from '../../../server/src/simulator/clock';

test('with nothing running, the clock jumps straight to each timer, in time then creation order', async () => {
  const clock = new SimClock();
  const fired: [string, number][] = [];
  clock.at(15 * 60_000, () => fired.push(['late', clock.now()]));
  clock.at(1000, () => fired.push(['a', clock.now()]));
  clock.at(1000, () => fired.push(['b', clock.now()]));
  clock.at(0, () => fired.push(['first', clock.now()]));
  const started = performance.now();
  await clock.whenIdle();
  assert.deepEqual(fired, [['first', 0], ['a', 1000], ['b', 1000], ['late', 900_000]]);
  assert.ok(performance.now() - started < 5000, '15 simulated minutes took no real waiting');
});

test('while code runs the clock follows real time, and stands still otherwise', async () => {
  const clock = new SimClock();
  assert.equal(clock.now(), 0);
  clock.begin();
  await new Promise((r) => setTimeout(r, 30));
  clock.end();
  const afterRun = clock.now();
  assert.ok(afterRun >= 25, `ran ${afterRun} ms`);
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(clock.now(), afterRun, 'no code ran: the clock stood still');
});

test('a timer due while code runs fires in real time, without a jump', async () => {
  const clock = new SimClock();
  clock.begin();
  const firedAt = await new Promise<number>((resolve) => clock.after(20, () => resolve(clock.now())));
  clock.end();
  assert.ok(firedAt >= 20);
});

test('a hold keeps the clock from jumping until it is released', async () => {
  const clock = new SimClock();
  let fired = false;
  clock.at(60_000, () => (fired = true));
  const release = clock.hold();
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(fired, false);
  assert.equal(clock.now(), 0);
  release();
  await clock.whenIdle();
  assert.equal(fired, true);
  assert.equal(clock.now(), 60_000);
});

test('daemon timers do not keep a run alive; cancelled timers never fire', async () => {
  const clock = new SimClock();
  let daemon = false;
  let cancelled = false;
  clock.at(10 * 60_000, () => (daemon = true), { daemon: true });
  clock.at(5000, () => (cancelled = true)).cancel();
  await clock.whenIdle();
  assert.equal(daemon, false);
  assert.equal(cancelled, false);
  // A daemon timer before a real one still fires on the way.
  const c2 = new SimClock();
  const order: string[] = [];
  c2.at(100, () => order.push('daemon'), { daemon: true });
  c2.at(200, () => order.push('work'));
  await c2.whenIdle();
  assert.deepEqual(order, ['daemon', 'work']);
});
