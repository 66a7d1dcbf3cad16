// The panel's live model fed by the real simulator: a burst runs in real child processes, its
// streamed events go through LiveRun, and the result must match the finished trace.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { simulate, type TraceEvent } from '../../server/src/simulator/index';
import { LiveRun, timelineOfTrace } from '../../client/webview/src/model';
import { computeFigures } from '../../client/webview/src/summary';
import { config, fn, sync } from './simulator/helpers';

test(
  'panel: a live burst streamed from the simulator shows cold environments, then warm reuse',
  { timeout: 60_000 },
  async () => {
    const events: TraceEvent[] = [];
    const live = new LiveRun();
    let sawRunning = false;
    const trace = await simulate(
      config(fn('node-basic'), [
        sync(0, { sleepMs: 30, log: '<img src=x onerror=alert(1)>' }, 4),
        sync(2000, { sleepMs: 5 }, 3, 50),
      ]),
      {
        onEvent: (e) => {
          events.push(e);
          if (e.type === 'run-end') return;
          live.apply(e);
          if (e.type === 'invoke-start')
            sawRunning ||= live.timeline().rows.some((r) => r.bars.some((b) => b.open && b.style === 'running'));
        },
      },
    );
    assert.ok(sawRunning, 'a running invocation was drawn while it ran');
    const before = live.timeline();
    assert.equal(before.invocations.length, trace.invocations.length, 'every invocation arrived as an event');
    assert.deepEqual(
      computeFigures(before.invocations, before.rows.filter((r) => r.env).length).coldStarts,
      trace.summary.coldStarts,
    );
    live.apply(events[events.length - 1]!);
    const t = live.timeline();
    const final = timelineOfTrace(trace);
    assert.deepEqual(
      t.rows.map((r) => r.id),
      final.rows.map((r) => r.id),
    );
    const envRows = t.rows.filter((r) => r.env);
    assert.equal(envRows.length, 4, 'four cold environments for a burst of four');
    const invokes = envRows.flatMap((r) => r.bars.filter((b) => b.kind === 'invoke'));
    assert.equal(invokes.filter((b) => b.style === 'cold').length, 4);
    assert.equal(invokes.filter((b) => b.style === 'warm').length, 3, 'the later requests reuse warm environments');
    assert.ok(
      trace.invocations.some((i) => i.logs.some((l) => l.includes('<img src=x onerror=alert(1)>'))),
      'the payload is in the logs, for the panel to show as text',
    );
  },
);
