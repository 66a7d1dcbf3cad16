// The panel's versions and deployments (issue 10), on a real run: the example app's
// QuoteFunction behind alias `live`, steady traffic, and a canary deployment of version 2
// halfway (examples/sam-app/deploy.scenario.json, fixed seed), simulated in real child
// processes. The model, tooltip, details and summary functions need no DOM.
import { before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadScenario } from '../../server/src/simulator/scenario';
import { simulate, type SimulationTrace, type TraceEvent } from '../../server/src/simulator/index';
import { LiveRun, timelineOfTrace } from '../../client/webview/src/model';
import { initLines, tooltipOf } from '../../client/webview/src/describe';
import {
  compareVersions,
  deployFigures,
  deploymentsOf,
  deploySentence,
  versionAccent,
  versionCells,
  versionFigures,
  versionText,
  WINDOW_MS,
} from '../../client/webview/src/versions';

const SCENARIO = join(__dirname, '..', '..', 'examples', 'sam-app', 'deploy.scenario.json');
const DEPLOY_AT = 360_000;
const SHIFT_END = DEPLOY_AT + 5 * 60_000;

let trace: SimulationTrace;
const events: TraceEvent[] = [];

before(async () => {
  trace = await simulate(loadScenario(SCENARIO).config, { onEvent: (e) => events.push(e) });
});

describe('panel: versions and deployments on a real canary run', { timeout: 120_000 }, () => {
  test('the run is what the example promises: version 1, then a canary of version 2 halfway', () => {
    assert.equal(trace.routing?.qualifier, 'live');
    assert.deepEqual(
      trace.routing.deployments.map((d) => [d.atMs, d.version, d.type]),
      [[DEPLOY_AT, '2', 'Canary10Percent5Minutes']],
    );
    assert.ok(
      trace.invocations.some((i) => i.version === '2' && i.cold),
      'version 2 starts cold',
    );
  });

  test("rows: each version's environments together, the old version's first, each row carrying its version", () => {
    const t = timelineOfTrace(trace);
    assert.deepEqual(t.versions, ['1', '2']);
    const rows = t.rows.filter((r) => r.env);
    assert.equal(rows.length, trace.environments.length);
    for (const r of rows) assert.equal(r.version, r.env?.version);
    const firstV2 = rows.findIndex((r) => r.version === '2');
    assert.ok(firstV2 > 0);
    assert.ok(
      rows.slice(0, firstV2).every((r) => r.version === '1') && rows.slice(firstV2).every((r) => r.version === '2'),
      rows.map((r) => r.version).join(','),
    );
    for (const group of [rows.slice(0, firstV2), rows.slice(firstV2)]) {
      for (let i = 1; i < group.length; i++)
        assert.ok(group[i]!.env!.createdMs >= group[i - 1]!.env!.createdMs, 'by creation within a version');
    }
    assert.notEqual(versionAccent(0), versionAccent(1), 'the two versions get different accents');
  });

  test('the deployment marker: its label, and the canary window until all traffic is on the new version', () => {
    const t = timelineOfTrace(trace);
    assert.deepEqual(t.deployments, [
      {
        atMs: DEPLOY_AT,
        version: '2',
        type: 'Canary10Percent5Minutes',
        shiftStartMs: DEPLOY_AT,
        shiftEndMs: SHIFT_END,
        label: 'deploy v2 · Canary10Percent5Minutes',
      },
    ]);
    // The window is what the requests saw: version 1 only before, both during it, version 2 only after.
    const at = (from: number, to: number) =>
      new Set(trace.invocations.filter((i) => i.arrivedMs >= from && i.arrivedMs < to).map((i) => i.version));
    assert.deepEqual([...at(0, DEPLOY_AT)], ['1']);
    assert.deepEqual([...at(DEPLOY_AT, SHIFT_END)].sort(), ['1', '2']);
    assert.deepEqual([...at(SHIFT_END, Infinity)], ['2']);
  });

  test("per-version figures add up to the run's summary; the table shows each version's own", () => {
    const t = timelineOfTrace(trace);
    const figures = versionFigures(t.invocations, trace.environments);
    assert.deepEqual(
      figures.map((f) => f.version),
      ['1', '2'],
    );
    assert.equal(
      figures.reduce((n, f) => n + f.invocations, 0),
      trace.summary.invocations,
    );
    assert.equal(
      figures.reduce((n, f) => n + f.coldStarts, 0),
      trace.summary.coldStarts,
    );
    assert.equal(
      figures.reduce((n, f) => n + f.environments, 0),
      trace.summary.environments,
    );
    for (const f of figures) {
      const own = trace.invocations.filter((i) => i.version === f.version);
      assert.equal(f.invocations, own.length);
      assert.equal(f.coldStarts, own.filter((i) => i.cold).length);
      assert.ok(f.p50 !== null && f.p99 !== null && f.p50 <= f.p99);
      assert.ok(f.p99 <= Math.max(...own.map((i) => i.endMs - i.arrivedMs)));
    }
    const v2 = versionCells(figures[1]!);
    assert.equal(v2.version, 'v2');
    assert.match(v2.coldStarts, new RegExp(`^${figures[1]!.coldStarts} \\(\\d+(\\.\\d)?%\\)$`));
  });

  test('deploy figures: the cold-start wave on the new version, and the minute after each traffic move', () => {
    const t = timelineOfTrace(trace);
    const [d] = deployFigures(t.invocations, t.deployments, t.endMs);
    assert.ok(d);
    const v2Cold = trace.invocations.filter((i) => i.version === '2' && i.cold);
    assert.equal(d.coldOnNew, v2Cold.length);
    assert.deepEqual(
      d.steps.map((s) => [s.step, s.atMs]),
      [
        ['deploy', DEPLOY_AT],
        ['all', SHIFT_END],
      ],
    );
    for (const s of d.steps) {
      const minute = trace.invocations.filter((i) => i.arrivedMs >= s.atMs && i.arrivedMs < s.atMs + WINDOW_MS);
      assert.equal(s.coldStarts, minute.filter((i) => i.cold).length, `${s.step}: cold starts in the minute after`);
      assert.equal(
        s.maxAfter,
        Math.max(...minute.map((i) => i.endMs - i.arrivedMs)),
        `${s.step}: the slowest response includes a cold start's INIT`,
      );
      assert.ok(s.p99Before !== null && s.p99After !== null);
    }
    assert.ok(d.steps[0]!.coldStarts >= 1, 'the first canary requests start cold');
    const sentence = deploySentence(d);
    assert.ok(
      sentence.startsWith(`deploy v2 · Canary10Percent5Minutes at 6 min: ${v2Cold.length} cold start`),
      sentence,
    );
    assert.match(sentence, /once all traffic was on v2 at 11 min/);
  });

  test('tooltips and details name the version and the deployment that published it', () => {
    const t = timelineOfTrace(trace);
    const row = t.rows.find((r) => r.version === '2')!;
    const bar = row.bars.find((b) => b.kind === 'invoke')!;
    const tip = tooltipOf(bar, row, t.invocations);
    assert.ok(tip.lines.includes(`${row.id} · v2 · attempt 1 · sync`), tip.lines.join(' | '));
    assert.match(initLines(row.env!, false)[0]!, /^On-demand · v2 · started /);
    assert.equal(versionText('2', t.deployments), '2 · deployed at 6 min (Canary10Percent5Minutes)');
    assert.equal(versionText('1', t.deployments), '1');
  });

  test('a live run groups rows by version as environments appear, and shows the deployment marker once its time has come', () => {
    const live = new LiveRun();
    const beforeDeploy = events.findIndex((e) => e.atMs >= DEPLOY_AT);
    assert.ok(beforeDeploy > 0);
    for (const e of events.slice(0, beforeDeploy)) live.apply(e);
    assert.deepEqual(live.timeline().deployments, [], 'no marker before the deployment happens');
    for (const e of events.slice(beforeDeploy, -1)) live.apply(e);
    const streamed = live.timeline();
    assert.deepEqual(streamed.versions, ['1', '2']);
    assert.deepEqual(
      streamed.deployments.map((d) => [d.atMs, d.label]),
      [[DEPLOY_AT, 'deploy v2 · Canary10Percent5Minutes']],
      'the marker during the live run',
    );
    const final = timelineOfTrace(trace);
    assert.deepEqual(
      streamed.rows.map((r) => r.id),
      final.rows.map((r) => r.id),
    );
    live.apply(events[events.length - 1]!);
    assert.deepEqual(live.timeline().deployments, final.deployments);
  });

  test('a trace written before versions shows as before: no badges, no markers, no version table', () => {
    const old: SimulationTrace = structuredClone(trace);
    delete old.routing;
    for (const e of old.environments) delete e.version;
    for (const i of old.invocations) delete i.version;
    const t = timelineOfTrace(old);
    assert.deepEqual(t.versions, []);
    assert.deepEqual(t.deployments, []);
    assert.ok(t.rows.every((r) => r.version === null));
    const envRows = t.rows.filter((r) => r.env);
    for (let i = 1; i < envRows.length; i++)
      assert.ok(envRows[i]!.env!.createdMs >= envRows[i - 1]!.env!.createdMs, 'rows by creation, as before');
    assert.deepEqual(versionFigures(t.invocations, old.environments), []);
    assert.deepEqual(deployFigures(t.invocations, t.deployments, t.endMs), []);
    const row = envRows[0]!;
    const tip = tooltipOf(
      row.bars.find((b) => b.kind === 'invoke')!,
      row,
      t.invocations,
    );
    assert.ok(tip.lines.includes(`${row.id} · attempt 1 · sync`), tip.lines.join(' | '));
  });

  test('a shift that starts after the deployment (provisioned environments initialise first) moves the window, not the marker', () => {
    const routing = {
      qualifier: 'live',
      deployments: [{ atMs: 1000, version: '3', type: 'Linear10PercentEvery1Minute', shiftStartMs: 1800 }],
    };
    assert.deepEqual(deploymentsOf(routing), [
      {
        atMs: 1000,
        version: '3',
        type: 'Linear10PercentEvery1Minute',
        shiftStartMs: 1800,
        shiftEndMs: 1800 + 9 * 60_000,
        label: 'deploy v3 · Linear10PercentEvery1Minute',
      },
    ]);
    const allAtOnce = deploymentsOf({
      qualifier: 'live',
      deployments: [{ atMs: 5, version: '2', type: 'AllAtOnce' }],
    })[0]!;
    assert.equal(allAtOnce.shiftEndMs, allAtOnce.shiftStartMs, 'all at once: no window');
  });

  test('a run of $LATEST alone (no qualifier) shows no version badges or table, as runs did before versions', () => {
    const plain: SimulationTrace = structuredClone(trace);
    delete plain.routing;
    for (const e of plain.environments) e.version = '$LATEST';
    for (const i of plain.invocations) i.version = '$LATEST';
    const t = timelineOfTrace(plain);
    assert.deepEqual(t.versions, []);
    assert.ok(t.rows.every((r) => r.version === null));
    assert.deepEqual(versionFigures(t.invocations, plain.environments), []);
    // With a second version, $LATEST gets its own badge and goes first.
    plain.environments[0]!.version = '7';
    assert.deepEqual(timelineOfTrace(plain).versions, ['$LATEST', '7']);
  });

  test('versions sort $LATEST first, then by number', () => {
    assert.deepEqual(['10', '2', '$LATEST', '1'].sort(compareVersions), ['$LATEST', '1', '2', '10']);
  });
});
