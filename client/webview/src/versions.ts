/**
 * Versions and deployments on the timeline (issue 10): the order versions are shown in, the
 * deployment markers with their traffic-shift windows, and the figures that answer "why did
 * p99 jump after the deploy?" — per version, and before/after each deployment. Pure: no DOM.
 *
 * Every version has its own execution environments, so a deployment starts cold
 * (docs.aws.amazon.com/lambda/latest/dg/configuration-versions.html); CodeDeploy shifts an
 * alias's traffic all at once, as a canary or linearly
 * (docs.aws.amazon.com/codedeploy/latest/userguide/deployment-configurations.html).
 */
import type { SimulationTrace, TraceEnvironment, TraceInvocation } from '../../../server/src/simulator/trace';
import { parseTrafficShift, shiftDurationMs } from '../../../server/src/service/model/deployment';
import { percentile } from './summary';
import { formatDuration } from './timeaxis';

/** `$LATEST` first, then published versions by number (`2` before `10`). */
export function compareVersions(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '$LATEST') return -1;
  if (b === '$LATEST') return 1;
  return a.localeCompare(b, 'en', { numeric: true });
}

/**
 * The versions environments ran, in display order: what the panel shows badges and figures
 * for. Empty for traces without versions, and for runs of `$LATEST` alone (every run without a
 * qualifier), which look as runs did before versions were simulated.
 */
export function versionsOf(environments: readonly Pick<TraceEnvironment, 'version'>[]): string[] {
  const set = new Set<string>();
  for (const e of environments) if (e.version !== undefined) set.add(e.version);
  if (set.size === 1 && set.has('$LATEST')) return [];
  return [...set].sort(compareVersions);
}

/** A version's label on badges and markers: `v2`, `$LATEST`. */
export function versionLabel(version: string): string {
  return /^\d+$/.test(version) ? `v${version}` : version;
}

/**
 * How versions are told apart without colour (bars keep their colours for cold, warm and
 * errors): the badge in the row header and the strip along the gutter's left edge are outlined
 * for the first version shown, filled for the second, dashed and hatched for the next ones.
 */
export type VersionAccent = 'outline' | 'solid' | 'dashed' | 'hatched';
const ACCENTS: readonly VersionAccent[] = ['outline', 'solid', 'dashed', 'hatched'];

/** The accent of the `index`-th version in row order (they repeat after four). */
export function versionAccent(index: number): VersionAccent {
  return ACCENTS[index % ACCENTS.length]!;
}

/** A deployment during the run, as the timeline draws it. */
export interface Deployment {
  atMs: number;
  version: string;
  /** The DeploymentPreference type as the scenario gave it, e.g. `Canary10Percent5Minutes`. */
  type: string;
  /**
   * When traffic started moving to the new version, ms: `atMs`, or later when the alias's
   * provisioned environments of the new version had to initialise first.
   */
  shiftStartMs: number;
  /** When the new version has all the traffic, ms; `shiftStartMs` for all-at-once (or a type not understood). */
  shiftEndMs: number;
  /** The marker's label, e.g. `deploy v2 · Canary10Percent5Minutes`. */
  label: string;
}

export function deploymentsOf(routing: SimulationTrace['routing']): Deployment[] {
  return (routing?.deployments ?? [])
    .map((d) => {
      const shift = parseTrafficShift(d.type);
      // `shiftStartMs` came to the trace after `atMs`; older traces lack it.
      const shiftStartMs = 'shiftStartMs' in d && typeof d.shiftStartMs === 'number' ? d.shiftStartMs : d.atMs;
      return {
        atMs: d.atMs,
        version: d.version,
        type: d.type,
        shiftStartMs,
        shiftEndMs: shiftStartMs + (shift ? shiftDurationMs(shift) : 0),
        label: `deploy ${versionLabel(d.version)} · ${d.type}`,
      };
    })
    .sort((a, b) => a.atMs - b.atMs);
}

/**
 * What a request waited for, arrival to response, ms: INIT on a cold start included, as the
 * caller (and a p99 latency graph) sees it. REPORT's Duration leaves INIT out.
 */
export function responseMs(inv: Pick<TraceInvocation, 'arrivedMs' | 'endMs'>): number {
  return inv.endMs - inv.arrivedMs;
}

export interface VersionFigures {
  version: string;
  environments: number;
  /** Attempts that ran the handler (throttles not counted), as in the summary. */
  invocations: number;
  coldStarts: number;
  /** Response time (INIT included), ms; null without invocations. */
  p50: number | null;
  p99: number | null;
}

/** Figures per version, in display order; empty for traces without versions. */
export function versionFigures(
  invocations: readonly TraceInvocation[],
  environments: readonly Pick<TraceEnvironment, 'version'>[],
): VersionFigures[] {
  const versions = versionsOf(environments);
  return versions.map((version) => {
    const times: number[] = [];
    let cold = 0;
    for (const inv of invocations) {
      if (inv.version !== version || inv.outcome === 'throttled') continue;
      times.push(responseMs(inv));
      if (inv.cold) cold++;
    }
    times.sort((a, b) => a - b);
    return {
      version,
      environments: environments.filter((e) => e.version === version).length,
      invocations: times.length,
      coldStarts: cold,
      p50: percentile(times, 50),
      p99: percentile(times, 99),
    };
  });
}

/** CloudWatch's standard metric period: "p99 jumped" is read off one-minute points. */
export const WINDOW_MS = 60_000;

/** A moment of a deployment that moves traffic: the deployment itself, and the end of its traffic shift. */
export interface StepFigures {
  atMs: number;
  /** `deploy` when traffic starts to move to the new version, `all` when it has all of it. */
  step: 'deploy' | 'all';
  /** Cold starts of requests that arrived in the minute after it. */
  coldStarts: number;
  /** Response time p99 (INIT included) of requests that arrived in the minute before and the minute after, ms. */
  p99Before: number | null;
  p99After: number | null;
  /** The slowest response in the minute after, ms: a cold start's INIT shows here first. */
  maxAfter: number | null;
}

export interface DeployFigures {
  deployment: Deployment;
  /** Cold starts on the new version from the deployment until the next one (or the end of the run). */
  coldOnNew: number;
  /** Median INIT of those cold starts, ms. */
  initP50: number | null;
  /** The deployment, then the end of its traffic shift when the run reached it. */
  steps: StepFigures[];
}

/** Per deployment: its cold-start wave on the new version, and what each traffic move did to p99. */
export function deployFigures(
  invocations: readonly TraceInvocation[],
  deployments: readonly Deployment[],
  endMs: number,
): DeployFigures[] {
  const ran = invocations.filter((inv) => inv.outcome !== 'throttled');
  return deployments.map((d, i) => {
    const untilMs = i + 1 < deployments.length ? deployments[i + 1]!.atMs : Infinity;
    const init: number[] = [];
    for (const inv of ran)
      if (inv.cold && inv.version === d.version && inv.arrivedMs >= d.atMs && inv.arrivedMs < untilMs)
        init.push(inv.initMs);
    init.sort((a, b) => a - b);
    const points: [number, StepFigures['step']][] = [[d.shiftStartMs, 'deploy']];
    if (d.shiftEndMs > d.shiftStartMs && d.shiftEndMs <= Math.min(endMs, untilMs)) points.push([d.shiftEndMs, 'all']);
    const steps = points.map(([at, step]): StepFigures => {
      const before: number[] = [];
      const after: number[] = [];
      let cold = 0;
      for (const inv of ran) {
        if (inv.arrivedMs >= at - WINDOW_MS && inv.arrivedMs < at) before.push(responseMs(inv));
        else if (inv.arrivedMs >= at && inv.arrivedMs < at + WINDOW_MS) {
          after.push(responseMs(inv));
          if (inv.cold) cold++;
        }
      }
      before.sort((a, b) => a - b);
      after.sort((a, b) => a - b);
      return {
        atMs: at,
        step,
        coldStarts: cold,
        p99Before: percentile(before, 99),
        p99After: percentile(after, 99),
        maxAfter: after.length > 0 ? after[after.length - 1]! : null,
      };
    });
    return { deployment: d, coldOnNew: init.length, initP50: percentile(init, 50), steps };
  });
}

/** A version for the details pane: `2 · deployed at 6 min (Canary10Percent5Minutes)`. */
export function versionText(version: string, deployments: readonly Deployment[]): string {
  const d = deployments.find((x) => x.version === version);
  return d ? `${version} · deployed at ${formatDuration(d.atMs)} (${d.type})` : version;
}

function ms(v: number | null): string {
  return v === null ? '—' : formatDuration(v);
}

/** One version's line of the summary: what the table under the summary strip shows. */
export function versionCells(f: VersionFigures): {
  version: string;
  environments: string;
  invocations: string;
  coldStarts: string;
  response: string;
} {
  const rate = f.invocations === 0 ? '' : ` (${Math.round((f.coldStarts / f.invocations) * 1000) / 10}%)`;
  return {
    version: versionLabel(f.version),
    environments: String(f.environments),
    invocations: f.invocations.toLocaleString('en-US'),
    coldStarts: `${f.coldStarts}${rate}`,
    response: `${ms(f.p50)} / ${ms(f.p99)}`,
  };
}

/**
 * A deployment's sentence: its cold-start wave and what it did to p99, e.g. `deploy v2 ·
 * AllAtOnce at 6 min: 3 cold starts on v2 (INIT p50 183 ms); in the minute after it: 3 cold
 * starts, response p99 4.2 ms → 190 ms, slowest 420 ms.`
 */
export function deploySentence(f: DeployFigures): string {
  const d = f.deployment;
  const v = versionLabel(d.version);
  const wave = `${f.coldOnNew} cold start${f.coldOnNew === 1 ? '' : 's'} on ${v}${f.initP50 === null ? '' : ` (INIT p50 ${ms(f.initP50)})`}`;
  const steps = f.steps.map((s) => {
    const when =
      s.step === 'deploy'
        ? 'in the minute after it'
        : `once all traffic was on ${v} at ${formatDuration(s.atMs)}, in the minute after`;
    const p99 =
      s.p99Before === null ? `response p99 ${ms(s.p99After)}` : `response p99 ${ms(s.p99Before)} → ${ms(s.p99After)}`;
    return `${when}: ${s.coldStarts} cold start${s.coldStarts === 1 ? '' : 's'}, ${p99}, slowest ${ms(s.maxAfter)}`;
  });
  return `${d.label} at ${formatDuration(d.atMs)}: ${wave}; ${steps.join('; ')}.`;
}
