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
  assert.deepEqual(fired, [
    ['first', 0],
    ['a', 1000],
    ['b', 1000],
    ['late', 900_000],
  ]);
  assert.ok(performance.now() - started < 5000, '15 simulated minutes took no real waiting');
});

test('a phase that follows real time advances the clock while it runs; nothing else does', async () => {
  const clock = new SimClock();
  assert.equal(clock.now(), 0);
  const phase = clock.beginPhase({ followRealTime: true });
  await new Promise((r) => setTimeout(r, 30));
  const during = clock.now();
  assert.ok(during >= 25, `ran ${during} ms`);
  const end = await phase.finish(during);
  assert.equal(end, during);
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(clock.now(), during, 'no code ran: the clock stood still');
});

test('a phase moves the clock by its reported Lambda time, not by real time, and ends at start + its duration', async () => {
  const clock = new SimClock();
  const phase = clock.beginPhase();
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(clock.now(), 0, 'no progress reported: real time does not count');
  phase.progress(500);
  assert.equal(clock.now(), 500);
  phase.progress(400);
  assert.equal(clock.now(), 500, 'progress never goes back');
  const end = await phase.finish(1382);
  assert.equal(end, 1382);
  assert.equal(clock.now(), 1382, 'the caller resumes at exactly start + duration');
});

test('the slowest running phase sets the time; timers fire in order, at their time, while phases run', async () => {
  const clock = new SimClock();
  const fired: [string, number][] = [];
  clock.at(100, () => fired.push(['arrival', clock.now()]));
  const a = clock.beginPhase();
  const b = clock.beginPhase();
  a.progress(300);
  assert.equal(clock.now(), 0, 'b has not progressed');
  b.progress(50);
  assert.equal(clock.now(), 50);
  b.progress(250);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(fired, [['arrival', 100]], 'the clock stopped at the timer, which fired at 100');
  // a finishes first in real time but later in simulated time: b's end comes first.
  const aEnd = a.finish(1000);
  const bEnd = b.finish(400);
  const order: string[] = [];
  void aEnd.then(() => order.push(`a@${clock.now()}`));
  void bEnd.then(() => order.push(`b@${clock.now()}`));
  await Promise.all([aEnd, bEnd]);
  assert.deepEqual(order, ['b@400', 'a@1000']);
});

test('a phase may start earlier than now (host work before it is off the clock); the clock waits for it', async () => {
  const clock = new SimClock();
  const a = clock.beginPhase();
  a.progress(200);
  assert.equal(clock.now(), 200);
  const late = clock.beginPhase({ startAtMs: 120 });
  assert.equal(late.startMs, 120);
  a.progress(400);
  assert.equal(clock.now(), 200, 'held until the late phase catches up');
  late.progress(150);
  assert.equal(clock.now(), 270);
  await Promise.all([a.finish(400), late.finish(150)]);
  assert.equal(clock.now(), 400);
});

test('held, the clock still moves through code that already ran: timers before its end fire, in order', async () => {
  const clock = new SimClock();
  const fired: [string, number][] = [];
  clock.at(1, () => fired.push(['arrival', clock.now()]));
  clock.at(500, () => fired.push(['later', clock.now()]));
  const release = clock.hold();
  const phase = clock.beginPhase();
  // The phase finishes on the host before reporting any progress: its end is 160.
  const end = await phase.finish(160);
  assert.equal(end, 160);
  assert.deepEqual(fired, [['arrival', 1]]);
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(fired, [['arrival', 1]], "the hold keeps the clock from going past the phase's end");
  release();
  await clock.whenIdle();
  assert.deepEqual(fired, [
    ['arrival', 1],
    ['later', 500],
  ]);
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
