import { isKnown, type ResourcePolicyModel } from '../model/types';
import { functionUrlAuthTypesOf, resourcePoliciesOf } from '../templates/security';
import type { Finding, TemplateRule } from './types';

/**
 * Resource policies that let too many callers invoke a function:
 * - `Principal: '*'` with no `SourceAccount`, `SourceArn` or `PrincipalOrgID` to narrow it;
 * - an AWS service principal without `SourceArn` or `SourceAccount`: any account's resource
 *   of that service can then invoke the function (the confused deputy problem);
 * - a function URL with `AuthType: NONE`: anyone on the internet can call it.
 * (docs.aws.amazon.com/lambda/latest/dg/permissions-function-services.html,
 * docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html,
 * docs.aws.amazon.com/lambda/latest/dg/urls-auth.html)
 */
export const LL4005: TemplateRule = {
  id: 'LL4005',
  title: 'Function open to everyone or to a service without a source condition',
  severity: 'warning',
  template({ template }) {
    const out: Finding[] = [];
    for (const p of resourcePoliciesOf(template)) out.push(...permissionFinding(p));
    const urls = [
      ...template.functions.map((fn) => ({
        auth: fn.functionUrl?.authType,
        owner: `The function URL of ${fn.logicalId}`,
      })),
      ...functionUrlAuthTypesOf(template).map((auth) => ({ auth, owner: 'This function URL' })),
    ];
    for (const { auth, owner } of urls) {
      if (!isKnown(auth) || auth.value !== 'NONE') continue;
      // Keeps the value's quoting: `NONE`, `'NONE'`, `"NONE"`.
      const newText = template.text.slice(auth.span.start, auth.span.end).replace('NONE', 'AWS_IAM');
      out.push({
        ruleId: 'LL4005',
        message: `${owner} has AuthType NONE: anyone on the internet who learns the URL can invoke the function, and each call is billed to you. Use AuthType AWS_IAM, or check a token or signature in the handler if the endpoint must be public.`,
        uri: auth.uri,
        span: auth.span,
        fixes: [
          {
            title: 'Require signed requests (AuthType: AWS_IAM)',
            edits: [{ uri: auth.uri, span: auth.span, newText }],
          },
        ],
      });
    }
    return out;
  },
};

function permissionFinding(p: ResourcePolicyModel): Finding[] {
  const principal = p.principal;
  if (!isKnown(principal)) return [];
  const target = p.functionLogicalId !== undefined ? `function ${p.functionLogicalId}` : 'the function';
  const narrowed = p.sourceArn !== undefined || p.sourceAccount !== undefined;
  if (principal.value === '*') {
    if (narrowed || p.principalOrgId !== undefined) return [];
    const url = isKnown(p.action) && p.action.value === 'lambda:InvokeFunctionUrl';
    const open = isKnown(p.functionUrlAuthType) && p.functionUrlAuthType.value === 'NONE';
    const detail = !url
      ? `any AWS account, user or service can invoke ${target}`
      : open
        ? `anyone on the internet can call the function URL of ${target}, without signing the request`
        : `a signed request from any AWS account can call the function URL of ${target}`;
    return [
      {
        ruleId: 'LL4005',
        message: `Permission ${p.logicalId} grants Principal '*' with no SourceAccount, SourceArn or PrincipalOrgID: ${detail}. Name the account or service that calls it, and narrow a service with SourceArn.`,
        uri: principal.uri,
        span: principal.span,
      },
    ];
  }
  if (/\.amazonaws\.com$/.test(principal.value) && !narrowed) {
    return [
      {
        ruleId: 'LL4005',
        message: `Permission ${p.logicalId} lets ${principal.value} invoke ${target} without SourceArn or SourceAccount: a resource of that service in any AWS account can then invoke it (the confused deputy problem). Add SourceArn with the ARN of the resource that calls the function (or at least SourceAccount).`,
        uri: principal.uri,
        span: principal.span,
      },
    ];
  }
  return [];
}
