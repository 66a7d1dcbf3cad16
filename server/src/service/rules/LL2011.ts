import { isKnown, knownValue, type FunctionModel, type Trigger } from '../model/types';
import { num } from './format';
import type { TemplateRule } from './types';

/**
 * An event source, permission, rule, subscription or URL that invokes the unqualified
 * function (`$LATEST`) while the function publishes an alias: that traffic bypasses the
 * alias, so it gets none of the alias's provisioned concurrency, SnapStart snapshots or
 * gradual deployment, and it runs code that was never published.
 */
export const LL2011: TemplateRule = {
  id: 'LL2011',
  title: 'Trigger bypasses the published alias',
  severity: 'warning',
  template({ template }) {
    return template.functions.flatMap((fn) => {
      const alias = aliasName(fn);
      if (alias === undefined) return [];
      const missed = missing(fn);
      return fn.triggers
        .filter((t) => t.qualifier === 'unqualified')
        .map((t) => {
          const type = t.definedBy === 'event' ? undefined : template.resolver?.resourceType(t.name);
          const what =
            type === undefined
              ? `Event ${t.name} (${t.type}) invokes`
              : type === 'AWS::Lambda::Permission'
                ? `Permission ${t.name} (${t.type}) lets its caller invoke`
                : `${type} ${t.name} invokes`;
          return {
            ruleId: 'LL2011',
            message: `${what} function ${fn.logicalId} unqualified ($LATEST) although the template publishes alias ${alias}: its requests bypass the alias${missed} and run the unpublished $LATEST. Point it at the alias (${fix(fn, t)}).`,
            uri: t.uri,
            span: t.span,
          };
        });
    });
  },
};

function aliasName(fn: FunctionModel): string | undefined {
  if (fn.autoPublishAlias !== undefined) return knownValue(fn.autoPublishAlias) ?? 'AutoPublishAlias';
  const a = fn.aliases[0];
  return a === undefined ? undefined : (knownValue(a.name) ?? a.logicalId);
}

/** What requests to `$LATEST` do not get that the alias has. */
function missing(fn: FunctionModel): string {
  const parts: string[] = [];
  const pc = [
    fn.provisionedConcurrency,
    ...fn.aliases.map((a) => a.provisionedConcurrency),
    ...fn.versions.map((v) => v.provisionedConcurrency),
  ].find(isKnown);
  if (pc !== undefined)
    parts.push(`its ${num(pc.value)} provisioned environments (each of these requests may start cold)`);
  if (isKnown(fn.snapStart) && fn.snapStart.value === 'PublishedVersions') parts.push('SnapStart');
  if (fn.deploymentPreference?.enabled === true) parts.push('the gradual deployment and its rollback');
  return parts.length > 0 ? `, missing ${parts.join(', ')},` : '';
}

function fix(fn: FunctionModel, t: Trigger): string {
  if (t.definedBy === 'event')
    return "publish the alias with AutoPublishAlias: SAM then wires the function's events to it";
  const a = fn.aliases[0];
  if (fn.autoPublishAlias !== undefined) return `\`!Ref ${fn.logicalId}.Alias\``;
  return a?.logicalId !== undefined ? `\`!Ref ${a.logicalId}\`` : 'the alias ARN';
}
