import { ALIAS_ROUTING } from '../limits';
import { isKnown, knownValue } from '../model/types';
import type { Finding, TemplateRule } from './types';

/**
 * An alias's `RoutingConfig` that Lambda rejects: more than one entry in
 * `AdditionalVersionWeights`, or a `FunctionWeight` outside 0.0–1.0.
 */
export const LL2009: TemplateRule = {
  id: 'LL2009',
  title: 'Alias routing weights out of range',
  severity: 'error',
  template({ template }) {
    return template.functions.flatMap((fn) =>
      fn.aliases.flatMap((alias): Finding[] => {
        const routing = alias.routing;
        if (routing === undefined) return [];
        const name = knownValue(alias.name) ?? alias.logicalId ?? 'alias';
        const out: Finding[] = [];
        if (routing.weights.length > ALIAS_ROUTING.maxAdditionalVersions) {
          out.push({
            ruleId: 'LL2009',
            message: `Alias ${name} of function ${fn.logicalId} lists ${routing.weights.length} additional versions: an alias routes to its FunctionVersion and at most ${ALIAS_ROUTING.maxAdditionalVersions} other version, so Lambda rejects this. Keep one entry in AdditionalVersionWeights.`,
            uri: routing.uri,
            span: routing.span,
          });
        }
        for (const w of routing.weights) {
          if (!isKnown(w.weight)) continue;
          const weight = w.weight.value;
          if (weight >= ALIAS_ROUTING.minWeight && weight <= ALIAS_ROUTING.maxWeight) continue;
          const percent =
            weight > 1 && weight <= 100
              ? ` It looks like a percentage: ${weight}% is FunctionWeight ${weight / 100}.`
              : '';
          out.push({
            ruleId: 'LL2009',
            message: `Alias ${name} of function ${fn.logicalId} sends FunctionWeight ${weight} of its traffic to another version: the weight is a fraction from ${ALIAS_ROUTING.minWeight}.0 to ${ALIAS_ROUTING.maxWeight}.0, so Lambda rejects it.${percent}`,
            uri: w.weight.uri,
            span: w.weight.span,
          });
        }
        return out;
      }),
    );
  },
};
