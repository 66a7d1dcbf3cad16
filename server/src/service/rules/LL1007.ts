import { STREAM } from '../limits';
import { isKnown } from '../model/types';
import { num, rangeFinding } from './format';
import { mappingSites } from './mappings';
import type { Finding, TemplateRule } from './types';

/**
 * Stream event source mapping settings out of range: ParallelizationFactor 1–10,
 * MaximumRetryAttempts −1–10,000, MaximumRecordAgeInSeconds −1 or 60–604,800,
 * TumblingWindowInSeconds 0–900. Ranges hold whatever the source, so every mapping is checked.
 */
export const LL1007: TemplateRule = {
  id: 'LL1007',
  title: 'Stream settings out of range',
  severity: 'error',
  template({ template }) {
    const out: Finding[] = [];
    for (const { mapping: m, owner } of mappingSites(template)) {
      out.push(
        ...rangeFinding('LL1007', m.parallelizationFactor, STREAM.parallelizationFactor, {
          what: 'ParallelizationFactor',
          unit: '',
          owner,
          whole: true,
        }),
        ...rangeFinding('LL1007', m.maximumRetryAttempts, STREAM.maximumRetryAttempts, {
          what: 'MaximumRetryAttempts',
          unit: STREAM.maximumRetryAttempts.unit,
          owner,
          whole: true,
        }),
        ...rangeFinding('LL1007', m.tumblingWindowInSeconds, STREAM.tumblingWindowInSeconds, {
          what: 'TumblingWindowInSeconds',
          unit: STREAM.tumblingWindowInSeconds.unit,
          owner,
          whole: true,
        }),
      );
      const age = m.maximumRecordAgeInSeconds;
      const a = STREAM.maximumRecordAgeInSeconds;
      if (isKnown(age) && age.value !== -1) {
        const bad = age.value < a.min || age.value > a.max || !Number.isInteger(age.value);
        if (bad) {
          out.push({
            ruleId: 'LL1007',
            message: `MaximumRecordAgeInSeconds ${num(age.value)} ${a.unit} is not allowed: use -1 (records never expire for the mapping) or a whole number in ${num(a.min)}–${num(a.max)} ${a.unit} (${owner}).`,
            uri: age.uri,
            span: age.span,
          });
        }
      }
    }
    return out;
  },
};
