/**
 * Which version each request runs on (issue 10). A request to an alias goes to its version,
 * or — with weighted routing — to its additional version with the given probability, drawn
 * per request (configuring-alias-routing.html). A deployment moves the alias to a new version
 * at once, or canary/linear as CodeDeploy shifts it (deployment-configurations.html). Every
 * version has its own execution environments, so the engine keys its pool by the version
 * this returns.
 *
 * A deployment's shift starts when the engine says so (`startShift`): at the deployment's
 * time, or — when the alias has provisioned concurrency — once the new version's provisioned
 * environments are initialised, since traffic only moves to a version whose provisioned
 * concurrency is allocated (engine.ts, `deploy`).
 */
import { newVersionShare, shiftDurationMs } from '../service/model/deployment';
import type { Deployment, VersionRouting } from './config';

interface Shift {
  deployment: Deployment;
  /** Simulated time the traffic started moving, ms. */
  startMs: number;
}

export class VersionRouter {
  private rng: number;
  /** Started shifts, in the order they started. */
  private readonly shifts: Shift[] = [];

  constructor(private readonly routing: VersionRouting) {
    this.rng = routing.seed >>> 0;
  }

  /** Traffic starts moving to `deployment.version` at `startMs`. */
  startShift(deployment: Deployment, startMs: number): void {
    this.shifts.push({ deployment, startMs });
  }

  /** Simulated time the shift to `deployment` started, or null if it has not. */
  shiftStartMs(deployment: Deployment): number | null {
    return this.shifts.find((s) => s.deployment === deployment)?.startMs ?? null;
  }

  /** When the alias sends all its traffic to `deployment.version` (the shift's end), or null if the shift has not started. */
  shiftEndMs(deployment: Deployment): number | null {
    const start = this.shiftStartMs(deployment);
    return start === null ? null : start + shiftDurationMs(deployment.shift);
  }

  /** The version that serves a request arriving at `nowMs`. */
  pick(nowMs: number): string {
    const { active, previous } = this.current(nowMs);
    if (active === undefined) {
      const extra = this.routing.additional;
      return extra !== null && this.next() < extra.weight ? extra.version : this.routing.version;
    }
    const share = this.share(active, nowMs);
    if (share >= 1) return active.deployment.version;
    return this.next() < share ? active.deployment.version : previous;
  }

  /** Every version a request arriving at `nowMs` may go to (no random draw). */
  routable(nowMs: number): Set<string> {
    const { active, previous } = this.current(nowMs);
    if (active === undefined) {
      const extra = this.routing.additional;
      return new Set(
        extra !== null && extra.weight > 0 ? [this.routing.version, extra.version] : [this.routing.version],
      );
    }
    return this.share(active, nowMs) >= 1
      ? new Set([active.deployment.version])
      : new Set([previous, active.deployment.version]);
  }

  /** The new version's share of traffic; 1 from the shift's end on, compared the way `shiftEndMs` computes it (no rounding gap). */
  private share(shift: Shift, nowMs: number): number {
    if (nowMs >= shift.startMs + shiftDurationMs(shift.deployment.shift)) return 1;
    return newVersionShare(shift.deployment.shift, nowMs - shift.startMs);
  }

  /** The last shift started by `nowMs` and the version it moves traffic from. */
  private current(nowMs: number): { active: Shift | undefined; previous: string } {
    let previous = this.routing.version;
    let active: Shift | undefined;
    for (const s of this.shifts) {
      if (s.startMs > nowMs) break;
      if (active !== undefined) previous = active.deployment.version;
      active = s;
    }
    return { active, previous };
  }

  /** mulberry32: a small seeded generator, so that a scenario's routing repeats run after run. */
  private next(): number {
    this.rng = (this.rng + 0x6d2b79f5) >>> 0;
    let t = this.rng;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
