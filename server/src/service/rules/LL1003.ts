import { TIMEOUT } from '../limits';
import { functionsUsing, rangeFinding } from './format';
import type { TemplateRule } from './types';

/** Timeout outside 1–900 seconds, or not a whole number of seconds. */
export const LL1003: TemplateRule = {
  id: 'LL1003',
  title: 'Timeout out of range',
  severity: 'error',
  template({ template }) {
    return template.functions.flatMap((fn) =>
      rangeFinding('LL1003', fn.timeout, TIMEOUT, {
        what: 'Timeout',
        unit: TIMEOUT.unit,
        owner: functionsUsing(template, fn, (f) => f.timeout),
        whole: true,
      }),
    );
  },
};
