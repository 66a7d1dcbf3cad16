/**
 * Where a function attached to a VPC can send its calls, as far as the template says: the one
 * decision LL4003 reports statically and the simulator enforces while running.
 *
 * A Lambda function in a VPC gets no public IP address, so its calls leave the VPC only through
 * the route table of its subnet: a `0.0.0.0/0` route to a NAT gateway reaches everything public
 * (a route to an internet gateway does not: the function's network interfaces have no public
 * address), a gateway VPC endpoint on that route table reaches S3 or DynamoDB, and an interface
 * endpoint in the VPC reaches its service
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc-internet.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc-endpoints.html,
 * https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html).
 * A subnet with no `AWS::EC2::SubnetRouteTableAssociation` uses its VPC's main route table,
 * which has only the local route and which a template cannot add routes to
 * (https://docs.aws.amazon.com/vpc/latest/userguide/RouteTables.html#RouteTables).
 *
 * Whatever the template does not describe is `unknown`, never unreachable: subnets given as ids,
 * parameters or imports; a default route to a NAT instance, a transit gateway or a peering
 * connection; an endpoint whose service or route tables cannot be read.
 */
import { isKnown, knownValue, type VpcAttachment } from '../model/types';
import type { Resolver } from './resolve';
import type { TemplateDocument } from './template';
import { get, getPath, scalarString, type TMap, type TNode } from './tree';

/** What a function's subnets reach for one service. */
export type Reach =
  | { readonly kind: 'reachable'; readonly via: string }
  | {
      readonly kind: 'unreachable';
      /** One sentence: `no route from subnets A, B to sqs: …`. */
      readonly reason: string;
      /** Why each subnet without a route has none (`subnet A uses its VPC's main route table…`). */
      readonly subnets: readonly string[];
    }
  | { readonly kind: 'unknown'; readonly reason: string };

/** The destination `internet`: any public address that is not an AWS service with an endpoint. */
export const INTERNET = 'internet';

type DefaultRoute =
  | { readonly kind: 'nat'; readonly id: string }
  | { readonly kind: 'no-nat'; readonly what: string }
  | { readonly kind: 'unknown'; readonly what: string };

interface Endpoint {
  readonly logicalId: string;
  /** `s3`, `dynamodb`, `secretsmanager`…; `undefined` when the service name cannot be read. */
  readonly service: string | undefined;
  readonly type: 'Gateway' | 'Interface' | 'other';
  /** Gateway: route tables (logical ids); `undefined` when one cannot be read. */
  readonly routeTables: readonly string[] | undefined;
  /** Interface: the VPC (logical id), `undefined` when it cannot be read. */
  readonly vpc: string | undefined;
}

interface Network {
  /** Subnet → its VPC's logical id (undefined: not in the template). */
  readonly subnetVpc: ReadonlyMap<string, string | undefined>;
  /** Subnet → route table logical id, or `unknown` when the association cannot be read. */
  readonly association: ReadonlyMap<string, string | { readonly unknown: string }>;
  /** Route table → its default (0.0.0.0/0) routes. */
  readonly defaults: ReadonlyMap<string, readonly DefaultRoute[]>;
  /** Route tables with a route the template does not let us read (an intrinsic destination). */
  readonly unreadable: ReadonlyMap<string, string>;
  readonly endpoints: readonly Endpoint[];
}

const cache = new WeakMap<TemplateDocument, Network>();

function resourcesOf(template: TemplateDocument): TMap | undefined {
  const node =
    template.kind === 'serverless' ? getPath(template.root, 'resources', 'Resources') : get(template.root, 'Resources');
  return node?.kind === 'map' ? node : undefined;
}

function networkOf(template: TemplateDocument): Network {
  const hit = cache.get(template);
  if (hit !== undefined) return hit;
  const subnetVpc = new Map<string, string | undefined>();
  const association = new Map<string, string | { unknown: string }>();
  const defaults = new Map<string, DefaultRoute[]>();
  const unreadable = new Map<string, string>();
  const endpoints: Endpoint[] = [];
  const privateNats = new Set<string>();
  const r = template.resolver;
  const entries = resourcesOf(template)?.entries ?? [];
  if (r !== undefined) {
    for (const e of entries) {
      const type = scalarString(get(e.value, 'Type'));
      const props = get(e.value, 'Properties');
      if (type === 'AWS::EC2::Subnet') subnetVpc.set(e.key, r.refTarget(get(props, 'VpcId')));
      // A private NAT gateway reaches other networks only, never the internet
      // (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html#nat-gateway-basics).
      if (type === 'AWS::EC2::NatGateway' && knownValue(r.str(get(props, 'ConnectivityType'))) === 'private')
        privateNats.add(e.key);
    }
    for (const e of entries) {
      const type = scalarString(get(e.value, 'Type'));
      const props = get(e.value, 'Properties');
      if (type === 'AWS::EC2::SubnetRouteTableAssociation') {
        const subnet = r.refTarget(get(props, 'SubnetId'));
        const table = r.refTarget(get(props, 'RouteTableId'));
        if (subnet !== undefined)
          association.set(
            subnet,
            table ?? { unknown: `its route table association ${e.key} names a route table outside the template` },
          );
      } else if (type === 'AWS::EC2::Route') {
        const table = r.refTarget(get(props, 'RouteTableId'));
        if (table === undefined) continue;
        const dest = get(props, 'DestinationCidrBlock');
        const cidr = r.str(dest);
        if (dest !== undefined && !isKnown(cidr)) {
          unreadable.set(table, `route ${e.key} has a destination the template does not give`);
          continue;
        }
        if (knownValue(cidr) !== '0.0.0.0/0') continue;
        const list = defaults.get(table) ?? [];
        defaults.set(table, list);
        list.push(defaultRoute(e.key, props, r, privateNats));
      } else if (type === 'AWS::EC2::VPCEndpoint') {
        const typeSetting = r.str(get(props, 'VpcEndpointType'));
        const t = typeSetting === undefined ? 'Gateway' : knownValue(typeSetting);
        const tables = get(props, 'RouteTableIds');
        const tableIds = tables?.kind === 'seq' ? tables.items.map((i) => r.refTarget(i)) : [];
        endpoints.push({
          logicalId: e.key,
          service: endpointService(get(props, 'ServiceName')),
          type: t === 'Gateway' || t === 'Interface' ? t : 'other',
          routeTables:
            tables === undefined
              ? []
              : tables.kind === 'seq' && tableIds.every((x) => x !== undefined)
                ? (tableIds as string[])
                : undefined,
          vpc: r.refTarget(get(props, 'VpcId')),
        });
      }
    }
  }
  const network = { subnetVpc, association, defaults, unreadable, endpoints };
  cache.set(template, network);
  return network;
}

function defaultRoute(
  id: string,
  props: TNode | undefined,
  r: Resolver,
  privateNats: ReadonlySet<string>,
): DefaultRoute {
  const nat = get(props, 'NatGatewayId');
  if (nat !== undefined) {
    const target = r.refTarget(nat);
    if (target === undefined)
      return { kind: 'unknown', what: `route ${id} goes to a NAT gateway outside the template` };
    if (privateNats.has(target))
      return { kind: 'no-nat', what: `route ${id} goes to the private NAT gateway ${target}` };
    return { kind: 'nat', id: target };
  }
  // An internet gateway gives the function nothing: its network interfaces have no public IP address.
  if (
    get(props, 'GatewayId') !== undefined &&
    r.resourceType(r.refTarget(get(props, 'GatewayId')) ?? '') === 'AWS::EC2::InternetGateway'
  )
    return { kind: 'no-nat', what: `route ${id} goes to an internet gateway` };
  const other = [
    'InstanceId',
    'NetworkInterfaceId',
    'TransitGatewayId',
    'VpcPeeringConnectionId',
    'GatewayId',
    'VpcEndpointId',
    'CoreNetworkArn',
  ].find((p) => get(props, p) !== undefined);
  return {
    kind: 'unknown',
    what: `route ${id} goes through ${other ?? 'a target'} the template does not describe as a NAT gateway`,
  };
}

/**
 * The service a VPC endpoint reaches: `com.amazonaws.us-east-1.s3`, `!Sub com.amazonaws.${AWS::Region}.dynamodb`
 * or a `!Join` of those parts → `s3` / `dynamodb`. `undefined` when it cannot be read.
 */
function endpointService(node: TNode | undefined): string | undefined {
  let text: string | undefined;
  if (node?.kind === 'scalar') text = scalarString(node);
  else if (node?.kind === 'intrinsic' && node.fn === 'Fn::Sub')
    text = node.arg.kind === 'seq' ? scalarString(node.arg.items[0]) : scalarString(node.arg);
  else if (node?.kind === 'intrinsic' && node.fn === 'Fn::Join' && node.arg.kind === 'seq') {
    const parts = node.arg.items[1];
    if (parts?.kind === 'seq')
      text = parts.items.map((p) => scalarString(p) ?? '${}').join(scalarString(node.arg.items[0]) ?? '');
  }
  const m =
    text === undefined
      ? null
      : /^(?:aws\.sagemaker\.|com\.amazonaws\.)(?:[a-z0-9-]+|\$\{[^}]*\})\.(.+)$/.exec(text.trim());
  return m?.[1];
}

/** What one subnet of the template reaches for `service` (an endpoint service name or {@link INTERNET}). */
function subnetReach(n: Network, subnet: string, service: string): Reach {
  const assoc = n.association.get(subnet);
  if (typeof assoc === 'object') return { kind: 'unknown', reason: `subnet ${subnet}: ${assoc.unknown}` };
  let unknown: string | undefined;
  if (assoc !== undefined) {
    for (const d of n.defaults.get(assoc) ?? []) {
      if (d.kind === 'nat') return { kind: 'reachable', via: `NAT gateway ${d.id} (route table ${assoc})` };
      if (d.kind === 'unknown') unknown ??= d.what;
    }
    const bad = n.unreadable.get(assoc);
    if (bad !== undefined) unknown ??= bad;
  }
  if (service !== INTERNET) {
    for (const e of n.endpoints) {
      if (e.service === undefined) {
        unknown ??= `the service of VPC endpoint ${e.logicalId} cannot be read`;
        continue;
      }
      if (e.service !== service) continue;
      if (e.type === 'Gateway') {
        if (e.routeTables === undefined) unknown ??= `the route tables of VPC endpoint ${e.logicalId} cannot be read`;
        else if (assoc !== undefined && e.routeTables.includes(assoc))
          return { kind: 'reachable', via: `gateway endpoint ${e.logicalId} (route table ${assoc})` };
      } else if (e.type === 'Interface') {
        const vpc = n.subnetVpc.get(subnet);
        if (e.vpc === undefined || vpc === undefined)
          unknown ??= `the VPC of interface endpoint ${e.logicalId} cannot be read`;
        else if (e.vpc === vpc) return { kind: 'reachable', via: `interface endpoint ${e.logicalId}` };
      } else unknown ??= `VPC endpoint ${e.logicalId} is neither a gateway nor an interface endpoint`;
    }
  }
  if (unknown !== undefined) return { kind: 'unknown', reason: `subnet ${subnet}: ${unknown}` };
  const table =
    assoc === undefined
      ? `uses its VPC's main route table (no SubnetRouteTableAssociation), which has only the local route`
      : `has route table ${assoc}, with no 0.0.0.0/0 route to a NAT gateway`;
  return { kind: 'unreachable', reason: `subnet ${subnet} ${table}`, subnets: [`subnet ${subnet} ${table}`] };
}

/**
 * What a function attached to `vpc` reaches for `service` (an endpoint service name such as
 * `s3`, `sqs`, `secretsmanager`, `kinesis-streams`, or {@link INTERNET}). Lambda may place an
 * execution environment in any of the function's subnets, so a service is reachable only when
 * every subnet reaches it; one subnet without a route makes it unreachable.
 */
export function reachOf(template: TemplateDocument, vpc: VpcAttachment, service: string): Reach {
  if (!vpc.subnetsInTemplate)
    return {
      kind: 'unknown',
      reason: 'its subnets are given as ids, parameters or imports, so the template does not say where they route',
    };
  const n = networkOf(template);
  const each = vpc.subnetIds.map((s) => subnetReach(n, s, service));
  const blocked = each.filter((x): x is Extract<Reach, { kind: 'unreachable' }> => x.kind === 'unreachable');
  if (blocked.length > 0) {
    const names = vpc.subnetIds.filter((_, i) => each[i]?.kind === 'unreachable').join(', ');
    const endpoint =
      service === INTERNET
        ? ''
        : ['s3', 'dynamodb'].includes(service)
          ? `, and there is no gateway or interface endpoint for ${service}`
          : `, and the VPC has no interface endpoint for ${service}`;
    const subnets = blocked.flatMap((b) => b.subnets);
    return {
      kind: 'unreachable',
      reason: `no route from subnet${blocked.length === 1 ? '' : 's'} ${names} to ${service}: ${subnets.join('; ')}${endpoint}`,
      subnets,
    };
  }
  const unsure = each.find((x) => x.kind === 'unknown');
  if (unsure !== undefined) return unsure;
  const via = [...new Set(each.map((x) => (x.kind === 'reachable' ? x.via : '')))];
  return { kind: 'reachable', via: via.join(', ') };
}

/**
 * The VPC endpoint service name of a SigV4 signing name, where they differ
 * (https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html).
 */
const ENDPOINT_OF_SIGNING_NAME: Readonly<Record<string, string>> = {
  ses: 'email',
  kinesis: 'kinesis-streams',
  firehose: 'kinesis-firehose',
  bedrock: 'bedrock-runtime',
};

/** The endpoint service name for a call signed for `signingName` (`kinesis` → `kinesis-streams`). */
export function endpointServiceOf(signingName: string): string {
  return ENDPOINT_OF_SIGNING_NAME[signingName] ?? signingName;
}
