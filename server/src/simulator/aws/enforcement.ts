/**
 * What the template allows is what the simulation allows (issue 22): gates in front of the
 * emulated services that stop a call the deployed function could not make.
 *
 * - `NetworkGate`: a function attached to a VPC reaches a service only where its subnets route
 *   to it (service/templates/network.ts `reachOf`, the decision LL4003 reports); otherwise the
 *   call gets no answer until the function times out, as on Lambda
 *   (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc-internet.html).
 * - `deliveryCheck`: SNS, S3 and EventBridge invoke a function only when its resource policy
 *   allows the service's principal from that topic, bucket or rule: an `AWS::Lambda::Permission`
 *   or the one SAM generates for the function's event
 *   (https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html).
 */
import { isKnown, type FunctionModel, type ResourcePolicyModel } from '../../service/model/types';
import { invokePermissionsOf } from '../../service/templates/security';
import { endpointServiceOf, reachOf, type Reach } from '../../service/templates/network';
import type { TemplateDocument } from '../../service/templates/template';
import type { DeliveryCheck, DeliveryOrigin } from './emulator';
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

/** The service principal that delivers for each origin. */
const PRINCIPAL: Readonly<Record<DeliveryOrigin['service'], string>> = {
  sns: 'sns.amazonaws.com',
  s3: 's3.amazonaws.com',
  events: 'events.amazonaws.com',
};

/** What the sending service reports when Lambda refuses its invocation. */
const SERVICE_NAME: Readonly<Record<DeliveryOrigin['service'], string>> = {
  sns: 'SNS',
  s3: 'S3',
  events: 'EventBridge',
};

/** An IAM-style wildcard pattern (`*`, `?`) against a value. */
function globMatches(pattern: string, value: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(value);
}

/** 2: the permission allows the delivery; 1: cannot tell (a value the template does not give); 0: it does not. */
function allows(p: ResourcePolicyModel, principal: string, origin: DeliveryOrigin): 0 | 1 | 2 {
  let tell: 0 | 1 | 2 = 2;
  const action = p.action;
  if (action === undefined) return 0;
  if (!isKnown(action)) tell = 1;
  else if (!['lambda:invokefunction', 'lambda:*', '*'].includes(action.value.toLowerCase())) return 0;
  if (p.principal === undefined) return 0;
  if (!isKnown(p.principal)) tell = 1;
  else if (p.principal.value !== principal && p.principal.value !== '*') return 0;
  if (p.sourceArn !== undefined) {
    if (p.sourceLogicalId !== undefined) {
      if (p.sourceLogicalId !== origin.logicalId) return 0;
    } else if (!isKnown(p.sourceArn)) tell = 1;
    // A literal ARN names the deployed resource, whose physical name the simulation does not know: a mismatch is not proof.
    else if (!globMatches(p.sourceArn.value, origin.arn)) tell = 1;
  }
  if (p.sourceAccount !== undefined && !isKnown(p.sourceAccount)) tell = 1;
  return tell;
}

/**
 * The delivery check of a run: a delivery that a SAM event defines is allowed (SAM adds its
 * permission); any other is allowed only by an `AWS::Lambda::Permission` for that function, the
 * service's principal (or `*`) and that source. A permission whose function, principal, action
 * or source the template does not give lets it through, and the run says so once per function.
 * `SourceAccount` is taken to be the stack's account. Refused: why, with Lambda's error code.
 */
export function deliveryCheck(template: TemplateDocument, warn: (text: string) => void): DeliveryCheck {
  const warned = new Set<string>();
  return (fn, target, origin) => {
    if (target.samEvent !== undefined) return null;
    const principal = PRINCIPAL[origin.service];
    const { permissions, unattributed } = invokePermissionsOf(template, fn.logicalId);
    let unsure: string | undefined;
    for (const entry of permissions) {
      if (entry.kind !== 'permission') continue;
      const v = allows(entry.permission, principal, origin);
      if (v === 2) return null;
      if (v === 1) unsure ??= entry.permission.logicalId;
    }
    const loose = unattributed.find((p) => allows(p, principal, origin) !== 0);
    if (loose !== undefined) unsure ??= `${loose.logicalId} (its FunctionName is not a function of the template)`;
    if (unsure !== undefined) {
      if (!warned.has(fn.logicalId)) {
        warned.add(fn.logicalId);
        warn(
          `${fn.logicalId}: whether ${unsure} allows ${principal} to invoke it cannot be told from the template; deliveries to it are allowed`,
        );
      }
      return null;
    }
    const hint =
      origin.service === 's3'
        ? '; deploying this would already fail, as S3 checks a notification\'s destination ("Unable to validate the following destination configurations")'
        : '';
    return `${SERVICE_NAME[origin.service]} could not deliver to ${fn.logicalId}: Lambda refused the invocation (AccessDeniedException): no statement of its resource-based policy allows ${principal} to perform lambda:InvokeFunction on ${fn.arn} from ${origin.arn} (no AWS::Lambda::Permission for ${origin.logicalId})${hint}`;
  };
}
