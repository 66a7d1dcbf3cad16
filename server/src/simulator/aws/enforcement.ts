/**
 * What the template allows is what the simulation allows (issue 22): gates in front of the
 * emulated services that stop a call the deployed function could not make.
 *
 * - `NetworkGate`: a function attached to a VPC reaches a service only where its subnets route
 *   to it (service/templates/network.ts `reachOf`, the decision LL4003 reports); otherwise the
 *   call gets no answer until the function times out, as on Lambda
 *   (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc-internet.html).
 * - `RoleGate`: each call is authorised against the function's execution role with the IAM
 *   evaluator LL4007 uses (service/iam.ts `authorize`); a denied call gets AWS's access-denied
 *   error with AWS's message
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html).
 * - `deliveryCheck`: SNS, S3 and EventBridge invoke a function only when its resource policy
 *   allows the service's principal from that topic, bucket or rule: an `AWS::Lambda::Permission`
 *   or the one SAM generates for the function's event
 *   (https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html).
 */
import { isKnown, type FunctionModel, type ResourcePolicyModel } from '../../service/model/types';
import { invokePermissionsOf } from '../../service/templates/security';
import { authorize } from '../../service/iam';
import { iamAction, requestResource } from '../../service/iamActions';
import { TemplateValues } from '../../service/templates/arns';
import type { Resources } from './resources';
import { AwsError } from './types';
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

/**
 * The access-denied error each service answers, as its SDK parses it: the code and HTTP status
 * (each service's "Common errors"; S3 `AccessDenied` 403, SNS `AuthorizationError` 403, Lambda
 * `AccessDeniedException` 403, JSON services `AccessDeniedException` 400).
 */
function accessDenied(service: string, message: string): AwsError {
  switch (service) {
    case 's3':
      return new AwsError('AccessDenied', message, 403);
    case 'sns':
      return new AwsError('AuthorizationError', message, 403);
    case 'lambda':
      return new AwsError('AccessDeniedException', message, 403);
    case 'sqs':
      return new AwsError('AccessDeniedException', message, 400, 'AccessDenied');
    case 'ses':
      return new AwsError('AccessDenied', message, 403);
    default:
      return new AwsError('AccessDeniedException', message, 400);
  }
}

/** One resource a call is authorised on: as the evaluator spells it (tokens) and as the message shows it. */
interface CallResource {
  evaluated: string | undefined;
  shown: string;
}

/**
 * Every call is authorised against the caller's execution role: an `implicit-deny` or
 * `explicit-deny` answers AWS's access-denied error and marks the call `denied`; `allow`
 * proceeds; `unknown` (the role or a grant cannot be read) proceeds, and the run says once per
 * function that its role could not be evaluated. Operations the action table does not cover
 * are not judged.
 */
export class RoleGate implements CallGate {
  private readonly warned = new Set<string>();
  private readonly values: TemplateValues | undefined;

  constructor(
    template: TemplateDocument,
    private readonly functions: ReadonlyMap<string, FunctionModel>,
    private readonly resources: Resources,
    private readonly warn: (text: string) => void,
  ) {
    this.values = template.resolver !== undefined ? new TemplateValues(template.resolver) : undefined;
  }

  decide(request: AwsRequest, caller: CallContext | undefined): GateDecision {
    if (caller === undefined) return PROCEED;
    const fn = this.functions.get(caller.function);
    if (fn === undefined) return PROCEED;
    // The SigV4 signing name of Step Functions is `states`; the action table knows its SDK name.
    const action = iamAction(request.service === 'states' ? 'sfn' : request.service, request.operation);
    if (action === undefined) return PROCEED;
    for (const resource of this.resourcesOf(request, action)) {
      const a = authorize(fn.executionRole, action, resource.evaluated);
      if (a.decision === 'allow') continue;
      if (a.decision === 'unknown') {
        if (!this.warned.has(fn.logicalId)) {
          this.warned.add(fn.logicalId);
          this.warn(
            `${fn.logicalId}: its execution role could not be evaluated for ${action} (${a.reason}); the calls it cannot judge are allowed`,
          );
        }
        continue;
      }
      const region = this.resources.region;
      const def = this.resources.functions.get(fn.logicalId);
      const session = def?.name ?? fn.logicalId;
      const role = fn.executionRole.roleLogicalId ?? `${fn.logicalId}Role`;
      const why =
        a.decision === 'explicit-deny'
          ? 'with an explicit deny in an identity-based policy'
          : `because no identity-based policy allows the ${action} action`;
      const message = `User: arn:aws:sts::${region.accountId}:assumed-role/${role}/${session} is not authorized to perform: ${action} on resource: ${resource.shown} ${why}`;
      return {
        kind: 'fail',
        error: accessDenied(request.service, message),
        latencyMs: 0,
        enforcement: { kind: 'denied', reason: `${message} (${a.reason})` },
      };
    }
    return PROCEED;
  }

  /** The resources a call is authorised on: each from the template's logical id where the emulation knows it. */
  private resourcesOf(request: AwsRequest, action: string): CallResource[] {
    const r = this.resources;
    const p = request.params;
    const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
    const arnOf = (id: string | undefined): string | undefined => (id !== undefined ? this.values?.arn(id) : undefined);
    const find = <T extends { logicalId: string; name: string }>(
      defs: Iterable<T>,
      match: (d: T) => boolean,
    ): T | undefined => [...defs].find(match);
    switch (request.service) {
      case 'dynamodb': {
        const names =
          str(p['TableName']) !== undefined
            ? [str(p['TableName']) as string]
            : Object.keys((p['RequestItems'] as object | undefined) ?? {});
        const index = str(p['IndexName']);
        const onIndex = index !== undefined && /:(Query|Scan)$/.test(action);
        return names.map((name) => {
          const t = find(r.tables.values(), (d) => d.name === name || d.logicalId === name);
          const base = arnOf(t?.logicalId);
          return {
            evaluated:
              base !== undefined
                ? onIndex
                  ? `${base}/index/${index}`
                  : base
                : requestResource(action, { TableName: name, IndexName: index }),
            shown: `${t?.arn ?? name}${onIndex ? `/index/${index}` : ''}`,
          };
        });
      }
      case 'sqs': {
        const url = str(p['QueueUrl']) ?? str(p['QueueName']) ?? '';
        const q = find(r.queues.values(), (d) => d.url === url || d.name === url.split('/').pop());
        return [{ evaluated: arnOf(q?.logicalId), shown: q?.arn ?? url }];
      }
      case 'sns': {
        const arn = str(p['TopicArn']) ?? str(p['TargetArn']) ?? '';
        const t = find(r.topics.values(), (d) => d.arn === arn || d.name === arn.split(':').pop());
        return [{ evaluated: arnOf(t?.logicalId), shown: t?.arn ?? arn }];
      }
      case 's3': {
        const [bucketName = '', ...rest] = request.path.split('/').slice(1).map(decodeURIComponent);
        const key = rest.join('/');
        const b = find(r.buckets.values(), (d) => d.name === bucketName || d.logicalId === bucketName);
        const base = arnOf(b?.logicalId);
        const onBucket = /:(ListBucket|ListBucketVersions|GetBucketLocation)$/.test(action);
        return [
          {
            evaluated: base === undefined ? undefined : onBucket ? base : `${base}/${key}`,
            shown: `${b?.arn ?? `arn:aws:s3:::${bucketName}`}${onBucket ? '' : `/${key}`}`,
          },
        ];
      }
      case 'lambda': {
        const raw = decodeURIComponent(/functions\/([^/]+)/.exec(request.path)?.[1] ?? '');
        const name = raw.startsWith('arn:') ? (raw.split(':')[6] ?? raw) : (raw.split(':')[0] ?? raw);
        const f = r.functions.get(name) ?? find(r.functions.values(), (d) => d.name === name);
        return [{ evaluated: arnOf(f?.logicalId), shown: f?.arn ?? raw }];
      }
      default: {
        // Services whose resources the emulation does not tie to the template: the request's own names.
        const params: Record<string, string | undefined> = {};
        for (const [k, v] of Object.entries(p)) if (typeof v === 'string') params[k] = v;
        if (request.service === 'events') {
          const buses = ((p['Entries'] as Record<string, unknown>[] | undefined) ?? []).map(
            (e) => str(e['EventBusName']) ?? 'default',
          );
          return [...new Set(buses.length > 0 ? buses : ['default'])].map((bus) => ({
            evaluated: requestResource(action, { EventBusName: bus }),
            shown: bus.startsWith('arn:')
              ? bus
              : `arn:aws:events:${r.region.region}:${r.region.accountId}:event-bus/${bus}`,
          }));
        }
        const evaluated = requestResource(action, params);
        return [{ evaluated, shown: evaluated?.replace(/\uE000[^\uE001]*\uE001/g, '*') ?? '*' }];
      }
    }
  }
}
