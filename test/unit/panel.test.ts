import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { barAt, buildTimeline, LiveRun, timelineOfTrace } from '../../client/webview/src/model';
import {
  buildTimeAxis,
  CLUSTER_SHARE,
  DEFAULT_AXIS_OPTIONS,
  formatDuration,
  linearAxis,
  niceStep,
  scaleLabel,
  scaleRuns,
  segmentScale,
  ticks,
} from '../../client/webview/src/timeaxis';
import {
  advance,
  changeSpeed,
  initialPlayback,
  nextEventTime,
  previousEventTime,
  seek,
  step,
  togglePlay,
  validSpeed,
} from '../../client/webview/src/playback';
import { clampView, fitView, panView, zoomView } from '../../client/webview/src/viewport';
import { computeFigures, pair, percentile, summaryItems, figuresOfSummary } from '../../client/webview/src/summary';
import { findMatches, matcher, stepMatch } from '../../client/webview/src/search';
import { badgesOf, tooltipOf } from '../../client/webview/src/describe';
import { rangeFigures } from '../../client/webview/src/selection';
import type { TraceEvent } from '../../server/src/simulator/trace';
import { syntheticTrace } from './helpers/panelTrace';

describe('panel: timeline model', () => {
  const trace = syntheticTrace({ invocations: 60, burst: 12, reserved: 10 });

  test('one row per environment, plus a throttle row first when something was throttled', () => {
    const t = timelineOfTrace(trace);
    assert.equal(t.rows[0]!.id, 'throttled');
    assert.deepEqual(
      t.rows.slice(1).map((r) => r.id),
      [...trace.environments].sort((a, b) => a.createdMs - b.createdMs).map((e) => e.id),
    );
    assert.ok(t.rows[0]!.bars.every((b) => b.kind === 'throttle' && b.start === b.end));
  });

  test('a cold start is an INIT bar then an INVOKE bar on the same row; warm starts have no INIT', () => {
    const t = timelineOfTrace(trace);
    for (const row of t.rows.slice(1)) {
      const inits = row.bars.filter((b) => b.kind === 'init');
      assert.equal(inits.length, 1, row.id);
      const firstInvoke = row.bars.find((b) => b.kind === 'invoke')!;
      assert.equal(
        firstInvoke.style,
        t.invocations[firstInvoke.inv]!.outcome === 'success' ? 'cold' : firstInvoke.style,
      );
      assert.ok(firstInvoke.cold);
      assert.ok(inits[0]!.end <= firstInvoke.start + 1e-9);
      for (const b of row.bars.filter((x) => x.kind === 'invoke').slice(1)) assert.equal(b.cold, false);
    }
  });

  test('bars in a row are sorted and do not overlap; event times are sorted and unique', () => {
    const t = timelineOfTrace(syntheticTrace({ invocations: 2000 }));
    for (const row of t.rows) {
      const bars = row.bars.filter((b) => b.kind !== 'env-end');
      for (let i = 1; i < bars.length; i++) assert.ok(bars[i]!.start >= bars[i - 1]!.end - 1e-9, `${row.id} bar ${i}`);
    }
    for (let i = 1; i < t.eventTimes.length; i++) assert.ok(t.eventTimes[i]! > t.eventTimes[i - 1]!);
    assert.equal(t.order.length, t.invocations.length);
  });

  test('styles tell outcomes apart', () => {
    const t = timelineOfTrace(trace);
    const styles = new Set(t.rows.flatMap((r) => r.bars.map((b) => b.style)));
    for (const s of ['init', 'cold', 'warm', 'error', 'throttle']) assert.ok(styles.has(s as never), s);
  });

  test('hit testing finds the bar under a time, with slack for thin bars', () => {
    const t = timelineOfTrace(trace);
    const row = t.rows[1]!;
    const bar = row.bars.find((b) => b.kind === 'invoke')!;
    assert.equal(barAt(row, (bar.start + bar.end) / 2, 0), bar);
    assert.equal(barAt(row, bar.end + 0.5, 1), bar);
    assert.equal(barAt(row, -10_000, 1), null);
  });

  test('a live run is rebuilt from streamed events, with running bars up to now', () => {
    const live = new LiveRun();
    const env = trace.environments[0]!;
    const inv = trace.invocations.find((i) => i.env === env.id)!;
    const events: TraceEvent[] = [
      {
        type: 'run-start',
        atMs: 0,
        epochMs: trace.epochMs,
        function: trace.function,
        runtime: trace.runtime,
        scenario: trace.scenario,
      },
      { type: 'env-start', atMs: env.createdMs, env: { ...env, endedMs: null, endReason: null } },
    ];
    for (const e of events) live.apply(e);
    let t = live.timeline();
    assert.equal(t.rows.length, 1);
    assert.equal(t.rows[0]!.bars[0]!.open, true);
    live.apply({ type: 'init-end', atMs: env.createdMs + env.initMs, env: { ...env, endedMs: null, endReason: null } });
    live.apply({
      type: 'invoke-start',
      atMs: inv.startMs,
      requestId: inv.requestId,
      env: env.id,
      attempt: 1,
      source: 'sync',
      cold: true,
    });
    live.apply({ type: 'log', atMs: inv.startMs + 5, env: env.id, requestId: inv.requestId, line: 'hello' });
    t = live.timeline();
    const running = t.rows[0]!.bars.find((b) => b.kind === 'invoke')!;
    assert.equal(running.style, 'running');
    assert.equal(running.end, inv.startMs + 5);
    live.apply({ type: 'invoke-end', atMs: inv.endMs, invocation: inv });
    t = live.timeline();
    assert.equal(t.rows[0]!.bars.find((b) => b.kind === 'invoke')!.style, 'cold');
    live.apply({ type: 'run-end', atMs: trace.summary.simulatedMs, trace });
    assert.equal(live.timeline().invocations.length, trace.invocations.length);
  });

  test('an empty trace gives an empty timeline', () => {
    const t = buildTimeline([], []);
    assert.equal(t.rows.length, 0);
    assert.equal(t.endMs, 0);
  });
});

describe('panel: time axis with idle breaks', () => {
  test('a long idle gap becomes a visible break, much narrower than the gap', () => {
    const axis = buildTimeAxis([0, 100, 900_100, 900_200], 900_200);
    assert.equal(axis.breaks.length, 1);
    const br = axis.breaks[0]!;
    assert.equal(br.simStart, 100);
    assert.equal(br.simEnd, 900_100);
    assert.ok(br.dispEnd - br.dispStart > 0, 'the break has a width');
    assert.ok(br.dispEnd - br.dispStart < 50, 'the break is narrow');
    assert.equal(axis.toDisplay(50), 50, 'active time is 1:1');
    assert.ok(Math.abs(axis.toDisplay(900_150) - (br.dispEnd + 50)) < 1e-9);
  });

  test('toDisplay and toSim are inverse and monotonic, breaks included', () => {
    const axis = buildTimeAxis([0, 10, 5000, 5010, 20_000, 20_500], 25_000);
    let last = -Infinity;
    for (let t = 0; t <= 25_000; t += 37) {
      const d = axis.toDisplay(t);
      assert.ok(d >= last);
      last = d;
      assert.ok(Math.abs(axis.toSim(d) - t) < 1e-6, `t=${t}`);
    }
  });

  test('short gaps are kept as they are; a leading gap and a trailing gap are broken', () => {
    assert.equal(buildTimeAxis([0, 100, 300, 400], 400).breaks.length, 0);
    const axis = buildTimeAxis([60_000, 60_100], 200_000);
    assert.deepEqual(
      axis.breaks.map((b) => [b.simStart, b.simEnd]),
      [
        [0, 60_000],
        [60_100, 200_000],
      ],
    );
  });

  test('gaps short next to a long run are not broken (threshold grows with active time)', () => {
    const axis = buildTimeAxis([0, 100_000, 102_000, 200_000], 200_000);
    assert.equal(axis.breaks.length, 0);
  });

  test('ticks fall on round values inside active segments only', () => {
    const axis = buildTimeAxis([0, 100, 900_100, 900_200], 900_200);
    const ts = ticks(axis, 0, axis.displayEnd, 1000);
    assert.ok(ts.length > 2);
    for (const t of ts) {
      assert.ok(!axis.breaks.some((b) => t.sim > b.simStart && t.sim < b.simEnd));
    }
    assert.equal(niceStep(7), 10);
    assert.equal(niceStep(130), 200);
    assert.equal(formatDuration(900_000), '15 min');
    assert.equal(formatDuration(1250), '1.25 s');
    assert.equal(formatDuration(599_900), '10 min', 'no "9 min 60 s"');
    assert.equal(formatDuration(3_599_800), '1 h');
  });
});

describe('panel: playback', () => {
  const axis = buildTimeAxis([0, 1000, 601_000, 602_000], 602_000);

  test('playing from the end restarts at 0; 1× follows real time in active segments', () => {
    let p = togglePlay(initialPlayback(602_000), 602_000);
    assert.equal(p.playheadMs, 0);
    p = advance(p, axis, 500, 602_000);
    assert.ok(Math.abs(p.playheadMs - 500) < 1e-6);
  });

  test('an idle break is crossed in the time its narrow break takes, not in ten minutes', () => {
    let p = seek({ ...initialPlayback(602_000), playing: true }, 999, 602_000);
    p = { ...p, playing: true };
    const br = axis.breaks[0]!;
    p = advance(p, axis, br.dispEnd - br.dispStart + 2, 602_000);
    assert.ok(p.playheadMs > 601_000, `${p.playheadMs}`);
  });

  test('speed scales the motion and stops at the end', () => {
    let p = { ...initialPlayback(602_000), playheadMs: 0, playing: true, speed: 100 };
    p = advance(p, axis, 1000, 602_000);
    assert.equal(p.playheadMs, 602_000);
    assert.equal(p.playing, false);
    assert.equal(changeSpeed({ ...p, speed: 100 }, 1).speed, 100);
    assert.equal(changeSpeed({ ...p, speed: 0.25 }, -1).speed, 0.25);
    assert.equal(changeSpeed({ ...p, speed: 1 }, 1).speed, 2);
    assert.equal(validSpeed(3), 2);
    assert.equal(validSpeed(Number.NaN), 1);
  });

  test('step goes to the next and previous event', () => {
    const times = [0, 10, 20, 35];
    assert.equal(nextEventTime(times, 10), 20);
    assert.equal(previousEventTime(times, 10), 0);
    assert.equal(nextEventTime(times, 35), 35);
    const p = step({ ...initialPlayback(35), playheadMs: 12, playing: true }, times, 1);
    assert.equal(p.playheadMs, 20);
    assert.equal(p.playing, false);
    assert.equal(step(p, times, -1).playheadMs, 10);
  });

  test('following a live run keeps the playhead at the newest event', () => {
    const p = advance({ ...initialPlayback(10), following: true }, axis, 16, 1234);
    assert.equal(p.playheadMs, 1234);
  });
});

describe('panel: viewport', () => {
  test('zoom keeps the anchor still; pan moves by a fraction; clamps to the run', () => {
    const v = { start: 0, end: 1000 };
    const z = zoomView(v, 0.5, 0.5, 1000);
    assert.deepEqual(z, { start: 250, end: 750 });
    const p = panView(z, 0.5, 1000);
    assert.deepEqual(p, { start: 500, end: 1000 });
    const far = panView(p, 100, 1000);
    assert.ok(Math.abs(far.end - fitView(1000).end) < 1e-9);
    const out = zoomView(v, 100, 0.5, 1000);
    assert.deepEqual(out, fitView(1000));
    assert.ok(clampView({ start: 5, end: 5 }, 1000).end > 5);
  });
});

describe('panel: summary', () => {
  test('figures from a live run match the trace summary of the same invocations', () => {
    const trace = syntheticTrace({ invocations: 300, burst: 12, reserved: 10 });
    const f = computeFigures(trace.invocations, trace.environments.length);
    assert.equal(f.invocations, trace.summary.invocations);
    assert.equal(f.throttles, trace.summary.throttles);
    assert.ok(f.throttles > 0);
    assert.ok(f.peakConcurrency <= 10);
    assert.equal(percentile([1, 2, 3, 4], 50), 2);
    assert.equal(percentile([], 50), null);
    const items = summaryItems(figuresOfSummary(trace.summary));
    assert.deepEqual(
      items.map((i) => i.key),
      [
        'invocations',
        'cold-rate',
        'environments',
        'peak',
        'throttles',
        'retries',
        'errors',
        'cold-p',
        'warm-p',
        'init-p50',
        'gb-s',
        'cost',
      ],
    );
    assert.equal(summaryItems(f).find((i) => i.key === 'cost')!.value, 'at the end');
    const half = { ...f, invocations: 6, coldStarts: 3 };
    assert.equal(summaryItems(half).find((i) => i.key === 'cold-rate')!.value, '50% (3)');
    assert.equal(summaryItems({ ...half, coldStarts: 1 }).find((i) => i.key === 'cold-rate')!.value, '16.7% (1)');
  });
});

describe('panel: search', () => {
  test('regular expressions, plain text when the regex is invalid, across request ids, errors and logs', () => {
    const trace = syntheticTrace({ invocations: 80, burst: 12, reserved: 10, spacingMs: 30 });
    const t = timelineOfTrace(trace);
    const errors = findMatches(t.invocations, t.order, 'card declined');
    assert.equal(errors.length, trace.invocations.filter((i) => i.error?.errorMessage === 'card declined').length);
    assert.ok(errors.length > 0);
    const id = trace.invocations[5]!.requestId;
    assert.deepEqual(findMatches(t.invocations, t.order, id.slice(0, 13)), [5]);
    assert.equal(findMatches(t.invocations, t.order, 'alert(1)').length, 1, 'text with regex characters finds itself');
    assert.equal(
      findMatches(t.invocations, t.order, 'onerror=alert(1').length,
      1,
      'an invalid regex is searched as text',
    );
    assert.equal(findMatches(t.invocations, t.order, '^throttled$').length, trace.summary.throttles);
    assert.equal(matcher('   '), null);
    assert.equal(stepMatch(3, -1, 1), 0);
    assert.equal(stepMatch(3, -1, -1), 2);
    assert.equal(stepMatch(3, 2, 1), 0);
    assert.equal(stepMatch(0, 0, 1), -1);
  });
});

describe('panel: tooltips and badges', () => {
  test('a bar says what it is in words: cold/warm, retry, error, throttle, INIT', () => {
    const trace = syntheticTrace({ invocations: 80, burst: 12, reserved: 10, spacingMs: 30 });
    const t = timelineOfTrace(trace);
    const envRow = t.rows.find((r) => r.env)!;
    const coldBar = envRow.bars.find((b) => b.kind === 'invoke' && b.cold)!;
    const inv = t.invocations[coldBar.inv]!;
    const tip = tooltipOf(coldBar, envRow, t.invocations);
    assert.match(tip.heading, /^Cold/);
    assert.ok(tip.lines.includes(`Request ${inv.requestId}`));
    assert.ok(
      tip.lines.some((l) => /^Init .* Duration .* Billed \d+ ms$/.test(l)),
      tip.lines.join('|'),
    );
    const initTip = tooltipOf(envRow.bars[0]!, envRow, t.invocations);
    assert.match(initTip.heading, /^INIT · env-/);
    const throttleRow = t.rows.find((r) => r.id === 'throttled')!;
    const th = tooltipOf(throttleRow.bars[0]!, throttleRow, t.invocations);
    assert.equal(th.heading, 'Throttled');
    assert.ok(th.lines.includes('ReservedFunctionConcurrentInvocationLimitExceeded'));
    assert.deepEqual(
      badgesOf({ ...inv, attempt: 3, cold: false, outcome: 'error', errorType: 'TypeError' }).map((b) => b.text),
      ['Warm', 'Retry #2', 'TypeError'],
    );
    assert.deepEqual(
      badgesOf({ ...inv, outcome: 'oom', errorType: 'Runtime.OutOfMemory' }).map((b) => b.kind),
      ['cold', 'crash'],
    );
  });
});

describe('panel: range figures', () => {
  test('a stretch of the run counts what started in it', () => {
    const trace = syntheticTrace({ invocations: 300, burst: 12, reserved: 10, spacingMs: 20 });
    const t = timelineOfTrace(trace);
    const all = rangeFigures(t, 0, t.endMs);
    assert.equal(all.invocations, trace.summary.invocations);
    assert.equal(all.cold, trace.summary.coldStarts);
    assert.equal(all.throttles, trace.summary.throttles);
    assert.equal(all.errors, trace.summary.errors);
    const firstHalf = rangeFigures(t, t.endMs / 2, 0);
    const secondHalf = rangeFigures(t, t.endMs / 2 + 1e-9, t.endMs);
    assert.equal(firstHalf.invocations + secondHalf.invocations, all.invocations);
    assert.equal(rangeFigures(t, -10, -5).invocations, 0);
    assert.equal(rangeFigures(t, -10, -5).duration.p50, null);
  });
});

describe('panel: compressed time', () => {
  // A burst of 10 after a 1.6 s INIT (0.2 s cold invocations), then a warm wave of 4 ms at 5 s:
  // the shape of examples/sam-app's QuoteFunction burst, where INIT dominates.
  const busy = [1600, 1800, 5035, 5039, 5000, 5000];
  const background = [0, 1600, 5000, 5035];

  test('INIT-only time is drawn at one scale, at most as wide as the busy time; idle is a break', () => {
    const axis = buildTimeAxis(busy, 5039, DEFAULT_AXIS_OPTIONS, background);
    const init = axis.segments.find((s) => s.kind === 'background' && s.simStart === 0)!;
    assert.ok(segmentScale(init) < 1, 'INIT is compressed');
    assert.ok(init.dispEnd - init.dispStart <= 200 + 35 + 4 + 1e-9, 'no wider than the busy time');
    assert.equal(axis.breaks.length, 1);
    assert.deepEqual([axis.breaks[0]!.simStart, axis.breaks[0]!.simEnd], [1800, 5000]);
  });

  test('a short cluster after a break is widened to a visible share of the whole', () => {
    const axis = buildTimeAxis(busy, 5039, DEFAULT_AXIS_OPTIONS, background);
    const warm = axis.segments.filter((s) => s.simStart >= 5000);
    const width = warm.reduce((n, s) => n + s.dispEnd - s.dispStart, 0);
    assert.ok(width >= CLUSTER_SHARE * axis.displayEnd - 1e-6, `${width} of ${axis.displayEnd}`);
    assert.ok(segmentScale(warm.find((s) => s.kind === 'active')!) > 1, 'the warm invocations are widened');
    assert.ok(axis.rescaled);
  });

  test('compressed time stays monotonic and invertible; ticks stay round and apart', () => {
    const axis = buildTimeAxis(busy, 5039, DEFAULT_AXIS_OPTIONS, background);
    let last = -Infinity;
    for (let t = 0; t <= 5039; t += 3.7) {
      const d = axis.toDisplay(t);
      assert.ok(d >= last - 1e-9, `t=${t}`);
      last = d;
      assert.ok(Math.abs(axis.toSim(d) - t) < 1e-6, `t=${t}`);
    }
    const ts = ticks(axis, 0, axis.displayEnd, 1000);
    for (let i = 1; i < ts.length; i++) assert.ok(ts[i]!.disp > ts[i - 1]!.disp);
  });

  test('a run where invocations dominate is drawn 1:1; real time is one linear segment', () => {
    const steady = buildTimeAxis([300, 2000], 2000, DEFAULT_AXIS_OPTIONS, [0, 300]);
    assert.equal(steady.rescaled, false);
    assert.equal(steady.toDisplay(1234), 1234);
    const real = linearAxis(5039);
    assert.equal(real.segments.length, 1);
    assert.equal(real.toDisplay(4000), 4000);
  });

  test('the scale labels: ×1/N for compressed time, ×N for widened, none for 1:1', () => {
    assert.equal(scaleLabel(1 / 44), 'time ×1/44');
    assert.equal(scaleLabel(92.3), 'time ×92');
    assert.equal(scaleLabel(1.2), '');
    const runs = scaleRuns(buildTimeAxis(busy, 5039, DEFAULT_AXIS_OPTIONS, background).segments);
    assert.deepEqual(
      runs.map((r) => (r.idle ? 'idle' : scaleLabel(r.scale).replace(/[1-9][\d,]*$|\d{2,}/g, 'N'))),
      ['time ×1/N', 'idle', 'time ×N'],
    );
  });
});

describe('panel: summary strip', () => {
  test('two durations with one unit say it once', () => {
    assert.equal(pair(0.15, 0.17), '0.15 / 0.17 ms');
    assert.equal(pair(850, 1250), '850 ms / 1.25 s');
    assert.equal(pair(null, 3), '— / 3 ms');
  });
});
