import { BATCHING_WINDOW } from '../limits';
import { isKnown } from '../model/types';
import { rangeFinding } from './format';
import { mappingSites } from './mappings';
import type { Finding, TemplateRule } from './types';

/** MaximumBatchingWindowInSeconds outside 0–300 s, or set on an SQS FIFO queue, which takes no window. */
export const LL1006: TemplateRule = {
  id: 'LL1006',
  title: 'Batching window out of range',
  severity: 'error',
  template({ template }) {
    const out: Finding[] = [];
    for (const site of mappingSites(template)) {
      const w = site.mapping.maximumBatchingWindowInSeconds;
      const range = rangeFinding('LL1006', w, BATCHING_WINDOW, {
        what: 'MaximumBatchingWindowInSeconds',
        unit: BATCHING_WINDOW.unit,
        owner: site.owner,
        whole: true,
      });
      out.push(...range);
      // A window of 0 is the default and changes nothing, so only a real window is reported.
      if (range.length === 0 && site.trigger.type === 'SQS' && site.fifo && isKnown(w) && w.value > 0) {
        out.push({
          ruleId: 'LL1006',
          message: `MaximumBatchingWindowInSeconds ${w.value} seconds is set on an SQS FIFO queue; FIFO queues take no batching window (${site.owner}).`,
          uri: w.uri,
          span: w.span,
        });
      }
    }
    return out;
  },
};
