import { isKnown, knownValue, type Located } from '../model/types';
import { num } from './format';
import type { TemplateRule } from './types';

/**
 * Provisioned concurrency above the function's reserved concurrency: the provisioned
 * environments count against the reservation, so Lambda rejects the configuration.
 */
export const LL2007: TemplateRule = {
  id: 'LL2007',
  title: 'Provisioned concurrency above reserved concurrency',
  severity: 'error',
  template({ template }) {
    return template.functions.flatMap((fn) => {
      const reserved = knownValue(fn.reservedConcurrency);
      if (reserved === undefined) return [];
      const settings: { readonly owner: string; readonly pc: Located<number> }[] = [];
      if (isKnown(fn.provisionedConcurrency))
        settings.push({
          owner:
            fn.autoPublishAlias !== undefined
              ? `alias ${knownValue(fn.autoPublishAlias) ?? 'AutoPublishAlias'}`
              : 'the function',
          pc: fn.provisionedConcurrency,
        });
      for (const v of fn.versions)
        if (isKnown(v.provisionedConcurrency))
          settings.push({ owner: `version ${v.logicalId}`, pc: v.provisionedConcurrency });
      for (const a of fn.aliases)
        if (isKnown(a.provisionedConcurrency))
          settings.push({ owner: `alias ${knownValue(a.name) ?? a.logicalId ?? ''}`, pc: a.provisionedConcurrency });
      const total = settings.reduce((sum, s) => sum + s.pc.value, 0);
      if (total <= reserved) return [];
      const parts =
        settings.length > 1 ? ` (${settings.map((s) => `${num(s.pc.value)} on ${s.owner}`).join(', ')})` : '';
      return settings.map(({ pc }) => ({
        ruleId: 'LL2007',
        message: `Function ${fn.logicalId} has ${num(total)} provisioned concurrency${parts} but only ${num(reserved)} reserved concurrency: provisioned environments count against the reservation, so Lambda rejects this. Raise ReservedConcurrentExecutions to at least ${num(total)} or lower the provisioned concurrency.`,
        uri: pc.uri,
        span: pc.span,
      }));
    });
  },
};
