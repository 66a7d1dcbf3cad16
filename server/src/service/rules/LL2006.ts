import { knownValue, type FunctionModel } from '../model/types';
import type { TemplateDocument } from '../templates/template';
import { getPath, scalarString } from '../templates/tree';
import type { Finding, TemplateRule } from './types';

/**
 * Provisioned concurrency that is not attached to a published version or an alias: SAM's
 * ProvisionedConcurrencyConfig without AutoPublishAlias (the transform rejects it), or an
 * alias with provisioned concurrency that points at `$LATEST` (Lambda rejects it).
 */
export const LL2006: TemplateRule = {
  id: 'LL2006',
  title: 'Provisioned concurrency without a version or alias',
  severity: 'error',
  template({ template }) {
    return template.functions.flatMap((fn) => [...samFinding(fn), ...aliasFindings(template, fn)]);
  },
};

function samFinding(fn: FunctionModel): Finding[] {
  const pc = fn.provisionedConcurrency;
  if (pc === undefined || fn.resourceType !== 'AWS::Serverless::Function' || fn.autoPublishAlias !== undefined)
    return [];
  return [
    {
      ruleId: 'LL2006',
      message: `Function ${fn.logicalId} sets ProvisionedConcurrencyConfig without AutoPublishAlias: provisioned concurrency applies only to a published version or alias, so the deploy fails. Add AutoPublishAlias (e.g. \`live\`) and invoke that alias.`,
      uri: pc.uri,
      span: pc.span,
    },
  ];
}

function aliasFindings(template: TemplateDocument, fn: FunctionModel): Finding[] {
  return fn.aliases.flatMap((alias) => {
    const pc = alias.provisionedConcurrency;
    if (pc === undefined || alias.logicalId === undefined) return [];
    const version = getPath(template.resolver?.resource(alias.logicalId), 'Properties', 'FunctionVersion');
    if (scalarString(version) !== '$LATEST' || version === undefined) return [];
    const name = knownValue(alias.name) ?? alias.logicalId;
    return [
      {
        ruleId: 'LL2006',
        message: `Alias ${name} of function ${fn.logicalId} has provisioned concurrency but points at $LATEST: provisioned concurrency needs a published version, so the deploy fails. Point the alias at an AWS::Lambda::Version.`,
        uri: alias.uri,
        span: version.span,
      },
    ];
  });
}
