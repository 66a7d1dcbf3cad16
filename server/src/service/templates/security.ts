import type { ResourcePolicyModel, Setting } from '../model/types';
import type { TemplateDocument } from './template';
import { get, getPath, scalarString, type TMap } from './tree';

/**
 * Template-wide views that security and networking rules share: the function resource
 * policies (`AWS::Lambda::Permission`) and function URLs (the network is network.ts). Each is
 * read once per template version, on first use.
 */
const policiesCache = new WeakMap<TemplateDocument, readonly ResourcePolicyModel[]>();
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
