import { relative, dirname } from 'node:path';
import { uriToPath } from '../handlers/resolve';
import { INTERNET, reachOf } from '../templates/network';
import { linkedCode } from './linked';
import { isKnown, type FunctionModel, type VpcAttachment } from '../model/types';
import type { HttpCall } from '../handlers/awsCalls';
import type { Finding, TemplateRule } from './types';

/** Services with a gateway endpoint (free, route-table based); the rest need interface endpoints. */
const GATEWAY_ENDPOINTS: ReadonlySet<string> = new Set(['s3', 'dynamodb']);

/**
 * A function attached to subnets of this template, whose code creates AWS SDK clients or
 * makes HTTP requests, when its subnets have no route to those services: no 0.0.0.0/0 route to
 * a NAT gateway in their route tables and no VPC endpoint for the service. A function in a VPC
 * gets no public IP address: without a NAT gateway (or an endpoint for the service) its calls
 * cannot leave the VPC and time out.
 * (docs.aws.amazon.com/lambda/latest/dg/configuration-vpc-internet.html,
 * docs.aws.amazon.com/lambda/latest/dg/configuration-vpc-endpoints.html)
 *
 * The decision is templates/network.ts `reachOf`, the one the simulator enforces. Functions
 * attached to subnets from parameters or imports, and routes the template does not describe,
 * are not judged. The handler file itself is read, not the modules it imports.
 */
export const LL4003: TemplateRule = {
  id: 'LL4003',
  title: 'VPC function that calls AWS services or the internet without a route out',
  severity: 'warning',
  template(ctx) {
    const { template } = ctx;
    const inVpc = template.functions.filter((fn) => fn.vpc?.subnetsInTemplate === true);
    if (inVpc.length === 0) return [];
    const code = linkedCode(ctx, new Set(inVpc.map((fn) => fn.logicalId)));
    // Functions that share one VpcConfig (SAM Globals) get one finding that names them all.
    const groups = new Map<
      string,
      {
        vpc: VpcAttachment;
        fns: string[];
        files: Set<string>;
        services: Set<string>;
        http: Set<string>;
        reasons: Set<string>;
      }
    >();
    for (const fn of inVpc) {
      const linked = code.get(fn.logicalId);
      const vpc = fn.vpc;
      if (linked === undefined || vpc === undefined) continue;
      const reasons: string[] = [];
      const blocked = (service: string): boolean => {
        const reach = reachOf(template, vpc, service);
        if (reach.kind !== 'unreachable') return false;
        reasons.push(...reach.subnets);
        return true;
      };
      const services = [...new Set(linked.services.map((s) => s.service))].filter(blocked);
      const http = linked.http.filter((h) => reachesInternet(h, fn)).map((h) => h.what);
      const internetBlocked = http.length > 0 && blocked(INTERNET);
      if (services.length === 0 && !internetBlocked) continue;
      const key = `${vpc.span.start}:${vpc.span.end}`;
      const g = groups.get(key) ?? {
        vpc,
        fns: [],
        files: new Set<string>(),
        services: new Set<string>(),
        http: new Set<string>(),
        reasons: new Set<string>(),
      };
      groups.set(key, g);
      g.fns.push(fn.logicalId);
      g.files.add(
        relative(dirname(uriToPath(template.uri)), uriToPath(linked.uri))
          .split('\\')
          .join('/'),
      );
      services.forEach((x) => g.services.add(x));
      if (internetBlocked) http.forEach((x) => g.http.add(x));
      reasons.forEach((x) => g.reasons.add(x));
    }
    const out: Finding[] = [];
    for (const g of groups.values()) {
      const services = [...g.services];
      const reached: string[] = [];
      if (services.length > 0)
        reached.push(`the AWS service${services.length === 1 ? '' : 's'} ${services.join(', ')}`);
      if (g.http.size > 0) reached.push(`the internet (${[...g.http].join(', ')})`);
      const gateway = services.filter((s) => GATEWAY_ENDPOINTS.has(s));
      const iface = services.filter((s) => !GATEWAY_ENDPOINTS.has(s));
      const fixes: string[] = [];
      if (gateway.length > 0) fixes.push(`a gateway VPC endpoint for ${gateway.join(' and ')} (free)`);
      if (iface.length > 0) fixes.push(`interface VPC endpoints for ${iface.join(', ')}`);
      const fix =
        g.http.size > 0
          ? `Add a NAT gateway in a public subnet and route the function's subnets through it${fixes.length > 0 ? `, or ${fixes.join(' and ')} for the AWS calls` : ''}.`
          : `Add ${fixes.join(' and ')}, or a NAT gateway with a route from the function's subnets.`;
      const one = g.fns.length === 1;
      const who = one
        ? `Function ${g.fns[0] ?? ''} runs`
        : `Functions ${g.fns.slice(0, -1).join(', ')} and ${g.fns[g.fns.length - 1] ?? ''} run`;
      const code = `${one ? 'its code' : 'their code'} (${[...g.files].join(', ')})`;
      out.push({
        ruleId: 'LL4003',
        message: `${who} in subnets of this template that lack a route out (${[...g.reasons].join('; ')}), but ${code} ${one ? 'calls' : 'call'} ${reached.join(' and ')}: a function in a VPC has no public IP address, so these calls cannot leave the VPC and time out. ${fix}`,
        uri: g.vpc.uri,
        span: g.vpc.span,
      });
    }
    return out;
  },
};

/**
 * True when an HTTP request goes to the internet: its URL is a literal, or an environment
 * variable the template sets to a literal, with a public host. URLs built from template
 * resources (`!GetAtt Service.DnsEntry.DomainName`, an internal load balancer) or that cannot
 * be read are taken as reachable: they may well be inside the VPC.
 */
function reachesInternet(call: HttpCall, fn: FunctionModel): boolean {
  const url = call.url;
  if (url === undefined) return false;
  let text: string;
  if ('literal' in url) text = url.literal;
  else {
    const v = fn.environment?.variables.find((x) => x.name === url.env)?.value;
    if (!isKnown(v)) return false;
    text = v.value;
  }
  const host = /^https?:\/\/([^/:?#]+)/i.exec(text.trim())?.[1]?.toLowerCase();
  if (host === undefined) return false;
  return !/^(localhost|127\.|10\.|192\.168\.|169\.254\.|172\.(1[6-9]|2\d|3[01])\.)|\.(internal|local|svc|lan|vpce\.amazonaws\.com)$|\.vpc-lattice-svcs\.[a-z0-9-]+\.on\.aws$/.test(
    host,
  );
}
