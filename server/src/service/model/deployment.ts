/**
 * CodeDeploy's traffic-shifting configurations for Lambda, as SAM's DeploymentPreference
 * names them (`Canary10Percent5Minutes`, `Linear10PercentEvery1Minute`, `AllAtOnce`).
 * Used by the hover and by the simulator's scheduled deployments.
 * (docs.aws.amazon.com/codedeploy/latest/userguide/deployment-configurations.html)
 */
export type TrafficShift =
  /** `percent` of traffic on the new version for `minutes`, then all of it. */
  | { readonly kind: 'canary'; readonly percent: number; readonly minutes: number }
  /** `percent` more of the traffic every `minutes` until all of it. */
  | { readonly kind: 'linear'; readonly percent: number; readonly minutes: number }
  | { readonly kind: 'all-at-once' };

export const TRAFFIC_SHIFT_SOURCE =
  'https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-configurations.html';

/** Reads a DeploymentPreference `Type`; `undefined` for a name that is not a canary, linear or all-at-once configuration. */
export function parseTrafficShift(type: string): TrafficShift | undefined {
  const name = type.replace(/^CodeDeployDefault\.Lambda/, '');
  if (name === 'AllAtOnce') return { kind: 'all-at-once' };
  const canary = /^Canary(\d+)Percent(\d+)Minutes?$/.exec(name);
  if (canary) return { kind: 'canary', percent: Number(canary[1]), minutes: Number(canary[2]) };
  const linear = /^Linear(\d+)PercentEvery(\d+)Minutes?$/.exec(name);
  if (linear) return { kind: 'linear', percent: Number(linear[1]), minutes: Number(linear[2]) };
  return undefined;
}

/** The share (0–1) of traffic on the new version `elapsedMs` after the shift started. */
export function newVersionShare(shift: TrafficShift, elapsedMs: number): number {
  if (shift.kind === 'all-at-once') return 1;
  const stepMs = shift.minutes * 60_000;
  if (shift.kind === 'canary') return elapsedMs < stepMs ? shift.percent / 100 : 1;
  return Math.min(1, (Math.floor(elapsedMs / stepMs) + 1) * (shift.percent / 100));
}

/** How long a shift takes until the new version has all the traffic, ms. */
export function shiftDurationMs(shift: TrafficShift): number {
  if (shift.kind === 'all-at-once') return 0;
  const stepMs = shift.minutes * 60_000;
  return shift.kind === 'canary' ? stepMs : (Math.ceil(100 / shift.percent) - 1) * stepMs;
}

/** How a shift reads in a sentence. */
export function describeTrafficShift(shift: TrafficShift): string {
  switch (shift.kind) {
    case 'all-at-once':
      return 'all traffic moves to the new version at once';
    case 'canary':
      return `${shift.percent} % of the alias's requests go to the new version for ${shift.minutes} minute${shift.minutes === 1 ? '' : 's'}, then all of them`;
    case 'linear':
      return `${shift.percent} % more of the alias's requests move to the new version every ${shift.minutes} minute${shift.minutes === 1 ? '' : 's'}, reaching all of them after ${shiftDurationMs(shift) / 60_000} minutes`;
  }
}
