/**
 * Which version each request runs on (issue 10). A request to an alias goes to its version,
 * or — with weighted routing — to its additional version with the given probability, drawn
 * per request (configuring-alias-routing.html). A deployment moves the alias to a new version
 * at once, or canary/linear as CodeDeploy shifts it (deployment-configurations.html). Every
 * version has its own execution environments, so the engine keys its pool by the version
 * this returns.
 */
import { newVersionShare } from '../service/model/deployment';
import type { Deployment, VersionRouting } from './config';

export class VersionRouter {
  private state: number;

  constructor(private readonly routing: VersionRouting) {
    this.state = routing.seed >>> 0;
  }

  /** The version that serves a request arriving at `nowMs`. */
  pick(nowMs: number): string {
    let previous = this.routing.version;
    let active: Deployment | undefined;
    // Deployments are sorted by time; the last one started is shifting (or has shifted) traffic.
    for (const d of this.routing.deployments) {
      if (d.at > nowMs) break;
      if (active !== undefined) previous = active.version;
      active = d;
    }
    if (active === undefined) {
      const extra = this.routing.additional;
      return extra !== null && this.next() < extra.weight ? extra.version : this.routing.version;
    }
    const share = newVersionShare(active.shift, nowMs - active.at);
    if (share >= 1) return active.version;
    return this.next() < share ? active.version : previous;
  }

  /** mulberry32: a small seeded generator, so that a scenario's routing repeats run after run. */
  private next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
