/**
 * What the template allows is what the simulation allows (issue 22): gates in front of the
 * emulated services that stop a call the deployed function could not make.
 *
 * - `NetworkGate`: a function attached to a VPC reaches a service only where its subnets route
 *   to it (service/templates/network.ts `reachOf`, the decision LL4003 reports); otherwise the
 *   call gets no answer until the function times out, as on Lambda
 *   (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc-internet.html).
 */
import type { FunctionModel } from '../../service/model/types';
import { endpointServiceOf, reachOf, type Reach } from '../../service/templates/network';
import type { TemplateDocument } from '../../service/templates/template';
import type { AwsRequest, CallContext, CallGate, GateDecision } from './types';

const PROCEED: GateDecision = { kind: 'proceed', latencyMs: 0 };

/** The template's functions by logical id, read once per run. */
export function functionsOf(template: TemplateDocument | undefined): ReadonlyMap<string, FunctionModel> {
  return new Map((template?.functions ?? []).map((f) => [f.logicalId, f]));
}

/**
 * Calls from a VPC function to a service its subnets have no route to hang until the function
 * times out. Subnets the template does not describe are assumed to reach everything, and the
 * run says so once per function (`warn`).
 */
export class NetworkGate implements CallGate {
  private readonly warned = new Set<string>();
  private readonly cache = new Map<string, Reach>();

  constructor(
    private readonly template: TemplateDocument,
    private readonly functions: ReadonlyMap<string, FunctionModel>,
    private readonly warn: (text: string) => void,
  ) {}

  decide(request: AwsRequest, caller: CallContext | undefined): GateDecision {
    if (caller === undefined) return PROCEED;
    const vpc = this.functions.get(caller.function)?.vpc;
    if (vpc === undefined) return PROCEED;
    const service = endpointServiceOf(request.service);
    const key = `${caller.function}\n${service}`;
    let reach = this.cache.get(key);
    if (reach === undefined) {
      reach = reachOf(this.template, vpc, service);
      this.cache.set(key, reach);
    }
    if (reach.kind === 'unreachable')
      return { kind: 'hang', reason: reach.reason, enforcement: { kind: 'unreachable', reason: reach.reason } };
    if (reach.kind === 'unknown' && !this.warned.has(caller.function)) {
      this.warned.add(caller.function);
      this.warn(
        `${caller.function} is attached to a VPC whose routes the template does not describe (${reach.reason}): its calls are assumed to reach their services`,
      );
    }
    return PROCEED;
  }
}
