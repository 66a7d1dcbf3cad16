/**
 * The scenario's control over calls (`services.calls`): latency and failures per service,
 * operation or resource, given as a rate (drawn from the run's seed) or as the n-th matching
 * calls. It is the endpoint's CallGate; the execution role and VPC routes (issue 22) will be
 * further gates in front of it.
 */
import type { AwsRequest, CallContext, CallGate, GateDecision } from './types';
import { AwsError } from './types';

/** The failures a scenario can name; any other string is answered as that AWS error code. */
export type FailureKind = 'throttle' | 'conditional-check-failed' | 'http-500' | 'hang' | string;

export interface CallRule {
  service: string;
  operation?: string;
  /** A table, queue, topic, bucket or function (logical id or name) the call must address. */
  resource?: string;
  latencyMs?: number;
  fail?: FailureKind;
  /** Probability 0–1 that a matching call fails. */
  rate?: number;
  /** The matching calls that fail, counted from 1 per rule. */
  calls?: number[];
  /** The body answered instead of the emulation's (for services the emulation does not model). */
  response?: unknown;
}

/** The error a service answers when throttled, as its SDK recognises it (each service's API reference, "Errors"). */
function throttle(service: string): AwsError {
  switch (service) {
    case 'dynamodb':
      return new AwsError(
        'ProvisionedThroughputExceededException',
        'The level of configured provisioned throughput for the table was exceeded. (injected by the scenario)',
      );
    case 'lambda':
      return new AwsError('TooManyRequestsException', 'Rate Exceeded. (injected by the scenario)', 429);
    case 's3':
      return new AwsError('SlowDown', 'Please reduce your request rate. (injected by the scenario)', 503);
    case 'sqs':
      return new AwsError('ThrottlingException', 'Rate exceeded (injected by the scenario)', 400, 'Throttling');
    default:
      return new AwsError('ThrottlingException', 'Rate exceeded (injected by the scenario)', 400, 'Throttling');
  }
}

export function failureError(service: string, kind: FailureKind): AwsError {
  if (kind === 'throttle') return throttle(service);
  if (kind === 'conditional-check-failed')
    return new AwsError('ConditionalCheckFailedException', 'The conditional request failed (injected by the scenario)');
  if (kind === 'http-500')
    return new AwsError(
      service === 's3' ? 'InternalError' : 'InternalServerError',
      'We encountered an internal error. Please try again. (injected by the scenario)',
      500,
      'InternalFailure',
    );
  return new AwsError(kind, `${kind} (injected by the scenario)`);
}

/** A small seeded generator (mulberry32), so a scenario's failure rate repeats run to run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class ScenarioGate implements CallGate {
  private readonly counts: number[];
  private readonly random: () => number;

  constructor(
    private readonly rules: readonly CallRule[],
    seed: number,
    /** The resource a request addresses, as logical id and name, for `resource` rules. */
    private readonly resourceOf: (req: AwsRequest) => string[],
  ) {
    this.counts = rules.map(() => 0);
    this.random = seeded(seed);
  }

  decide(req: AwsRequest, _caller: CallContext | undefined): GateDecision {
    let latencyMs = 0;
    for (const [i, rule] of this.rules.entries()) {
      if (rule.service !== req.service) continue;
      if (rule.operation !== undefined && rule.operation !== req.operation) continue;
      if (rule.resource !== undefined && !this.resourceOf(req).includes(rule.resource)) continue;
      const n = ((this.counts[i] as number) += 1);
      latencyMs += rule.latencyMs ?? 0;
      const failing =
        rule.fail !== undefined &&
        (rule.calls !== undefined
          ? rule.calls.includes(n)
          : rule.rate !== undefined
            ? this.random() < rule.rate
            : true);
      if (failing && rule.fail === 'hang')
        return {
          kind: 'hang',
          reason: `the scenario makes call ${n} of ${req.service} ${rule.operation ?? ''} hang`.replace('  ', ' '),
        };
      if (failing && rule.fail !== undefined)
        return { kind: 'fail', error: failureError(req.service, rule.fail), latencyMs };
      if (rule.response !== undefined && rule.fail === undefined)
        return {
          kind: 'respond',
          response: { body: rule.response, summary: `${req.operation}: the scenario's response` },
          latencyMs,
        };
    }
    return { kind: 'proceed', latencyMs };
  }
}
