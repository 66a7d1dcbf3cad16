import { isKnown, knownValue } from '../model/types';
import { getEntry, getPath, scalarString } from '../templates/tree';
import type { Finding, TemplateRule } from './types';

/**
 * Provisioned concurrency aimed at the unpublished `$LATEST`, in the forms LL2006 does not
 * cover: `ProvisionedConcurrencyConfig` on an `AWS::Lambda::Function` (it is not a property
 * of the function: CloudFormation rejects it, and Lambda has no provisioned concurrency for
 * `$LATEST`), and an alias with provisioned concurrency whose `FunctionVersion` resolves to
 * `$LATEST` through a parameter or mapping (LL2006 reports the literal).
 */
export const LL2008: TemplateRule = {
  id: 'LL2008',
  title: 'Provisioned concurrency on $LATEST',
  severity: 'error',
  template({ template }) {
    return template.functions.flatMap((fn): Finding[] => {
      const out: Finding[] = [];
      if (fn.resourceType === 'AWS::Lambda::Function') {
        const pc = getEntry(
          getPath(template.resolver?.resource(fn.logicalId), 'Properties'),
          'ProvisionedConcurrencyConfig',
        );
        if (pc !== undefined) {
          const alias = fn.aliases[0];
          const fix =
            alias !== undefined
              ? `Move it to alias ${alias.logicalId ?? knownValue(alias.name) ?? ''}`
              : 'Publish an AWS::Lambda::Version, add an AWS::Lambda::Alias that points at it, and set ProvisionedConcurrencyConfig on the alias (or the version)';
          out.push({
            ruleId: 'LL2008',
            message: `Function ${fn.logicalId} sets ProvisionedConcurrencyConfig on the AWS::Lambda::Function itself: it is not a property of the function (CloudFormation rejects it), and the unqualified function ($LATEST) cannot have provisioned concurrency. ${fix}.`,
            uri: fn.uri,
            span: pc.keySpan,
          });
        }
      }
      for (const alias of fn.aliases) {
        const v = alias.functionVersion;
        if (
          alias.provisionedConcurrency === undefined ||
          !isKnown(v) ||
          v.value !== '$LATEST' ||
          alias.logicalId === undefined
        )
          continue;
        // LL2006 reports the literal `$LATEST`; this is the value reached through a parameter or mapping.
        const node = getPath(template.resolver?.resource(alias.logicalId), 'Properties', 'FunctionVersion');
        if (scalarString(node) === '$LATEST') continue;
        out.push({
          ruleId: 'LL2008',
          message: `Alias ${knownValue(alias.name) ?? alias.logicalId} of function ${fn.logicalId} has provisioned concurrency, but its FunctionVersion resolves to $LATEST: provisioned concurrency needs a published version, so the deploy fails. Point the alias at an AWS::Lambda::Version.`,
          uri: v.uri,
          span: v.span,
        });
      }
      return out;
    });
  },
};
