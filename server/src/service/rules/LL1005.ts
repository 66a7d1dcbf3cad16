import { BATCH_SIZE, SQS_BATCH_WITHOUT_WINDOW_MAX } from '../limits';
import { isKnown } from '../model/types';
import { num } from './format';
import { mappingSites } from './mappings';
import type { Finding, TemplateRule } from './types';

/** The largest batch size any source accepts, for mappings whose source cannot be told. */
const ANY_SOURCE_MAX = Math.max(...Object.values(BATCH_SIZE).map((b) => b.max));

/**
 * BatchSize out of range for its source (SQS standard ≤ 10,000, FIFO ≤ 10, streams ≤ 10,000),
 * and an SQS batch above 10 without a batching window of at least 1 s, which the API rejects.
 */
export const LL1005: TemplateRule = {
  id: 'LL1005',
  title: 'Batch size out of range for its source',
  severity: 'error',
  template({ template }) {
    const out: Finding[] = [];
    for (const site of mappingSites(template)) {
      const b = site.mapping.batchSize;
      if (!isKnown(b)) continue;
      const sourceKey = site.trigger.type === 'SQS' && site.fifo ? 'SQS FIFO' : site.trigger.type;
      const limit = BATCH_SIZE[sourceKey];
      const max = limit?.max ?? ANY_SOURCE_MAX;
      const sourceName =
        limit !== undefined
          ? sourceKey === 'SQS FIFO'
            ? 'an SQS FIFO queue'
            : sourceKey === 'SQS'
              ? 'an SQS queue'
              : sourceKey
          : 'any source';
      const at = { ruleId: 'LL1005', uri: b.uri, span: b.span };
      if (b.value < 1 || b.value > max) {
        out.push({
          ...at,
          message: `BatchSize ${num(b.value)} records is outside the range for ${sourceName}: 1–${num(max)} records (${site.owner}).`,
        });
        continue;
      }
      if (!Number.isInteger(b.value)) {
        out.push({ ...at, message: `BatchSize ${b.value} is not a whole number of records (${site.owner}).` });
        continue;
      }
      if (sourceKey === 'SQS' && b.value > SQS_BATCH_WITHOUT_WINDOW_MAX) {
        const w = site.mapping.maximumBatchingWindowInSeconds;
        // An unresolved window may well be ≥ 1 s: say nothing.
        if (w !== undefined && !isKnown(w)) continue;
        if (w === undefined || w.value < 1) {
          out.push({
            ...at,
            message:
              `BatchSize ${num(b.value)} records on an SQS queue needs MaximumBatchingWindowInSeconds of at least 1 second ` +
              `(${w === undefined ? 'none is set' : `it is ${w.value}`}): Lambda rejects SQS batches larger than ${SQS_BATCH_WITHOUT_WINDOW_MAX} records without a batching window (${site.owner}).`,
          });
        }
      }
    }
    return out;
  },
};
