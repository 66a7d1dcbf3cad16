import type { NetworkModel, ResourcePolicyModel, Setting } from '../model/types';
import type { TemplateDocument } from './template';
import { get, getPath, scalarString, type TMap, type TNode } from './tree';

/**
 * Template-wide views that security and networking rules share: the function resource
 * policies (`AWS::Lambda::Permission`) and the network (NAT gateways, VPC endpoints). Each is
 * read once per template version, on first use.
 */
const policiesCache = new WeakMap<TemplateDocument, readonly ResourcePolicyModel[]>();
const networkCache = new WeakMap<TemplateDocument, NetworkModel>();
const urlCache = new WeakMap<TemplateDocument, readonly Setting<string>[]>();

function resourcesOf(template: TemplateDocument): TMap | undefined {
  const node =
    template.kind === 'serverless' ? getPath(template.root, 'resources', 'Resources') : get(template.root, 'Resources');
  return node?.kind === 'map' ? node : undefined;
}

/** Every `AWS::Lambda::Permission` of the template. */
export function resourcePoliciesOf(template: TemplateDocument): readonly ResourcePolicyModel[] {
  const hit = policiesCache.get(template);
  if (hit !== undefined) return hit;
  const out: ResourcePolicyModel[] = [];
  const r = template.resolver;
  const resources = resourcesOf(template);
  if (r !== undefined && resources !== undefined) {
    for (const e of resources.entries) {
      if (scalarString(get(e.value, 'Type')) !== 'AWS::Lambda::Permission') continue;
      const props = get(e.value, 'Properties');
      const fnId = r.refTarget(get(props, 'FunctionName'));
      out.push({
        logicalId: e.key,
        uri: r.uri,
        idSpan: e.keySpan,
        functionLogicalId:
          fnId !== undefined && /^AWS::(Serverless|Lambda)::Function$/.test(r.resourceType(fnId) ?? '')
            ? fnId
            : undefined,
        action: r.str(get(props, 'Action')),
        principal: r.str(get(props, 'Principal')),
        sourceArn: r.str(get(props, 'SourceArn')),
        sourceAccount: r.str(get(props, 'SourceAccount')),
        principalOrgId: r.str(get(props, 'PrincipalOrgID')),
        functionUrlAuthType: r.str(get(props, 'FunctionUrlAuthType')),
      });
    }
  }
  policiesCache.set(template, out);
  return out;
}

/**
 * The `AuthType` of every `AWS::Lambda::Url` of the template. A SAM function's model keeps
 * only one function URL (its `FunctionUrlConfig` wins), so rules about URLs read these too.
 */
export function functionUrlAuthTypesOf(template: TemplateDocument): readonly Setting<string>[] {
  const hit = urlCache.get(template);
  if (hit !== undefined) return hit;
  const out: Setting<string>[] = [];
  const r = template.resolver;
  for (const e of resourcesOf(template)?.entries ?? []) {
    if (r === undefined || scalarString(get(e.value, 'Type')) !== 'AWS::Lambda::Url') continue;
    const auth = r.str(getPath(e.value, 'Properties', 'AuthType'));
    if (auth !== undefined) out.push(auth);
  }
  urlCache.set(template, out);
  return out;
}

/** NAT gateways and VPC endpoints of the template. */
export function networkOf(template: TemplateDocument): NetworkModel {
  const hit = networkCache.get(template);
  if (hit !== undefined) return hit;
  const natGateways: string[] = [];
  const endpoints: { logicalId: string; service: string | undefined }[] = [];
  for (const e of resourcesOf(template)?.entries ?? []) {
    const type = scalarString(get(e.value, 'Type'));
    if (type === 'AWS::EC2::NatGateway') natGateways.push(e.key);
    if (type === 'AWS::EC2::VPCEndpoint')
      endpoints.push({ logicalId: e.key, service: endpointService(getPath(e.value, 'Properties', 'ServiceName')) });
  }
  const network = { natGateways, endpoints };
  networkCache.set(template, network);
  return network;
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
