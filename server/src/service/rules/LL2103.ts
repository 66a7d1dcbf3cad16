import type { ReturnFacts } from '../handlers/facts';
import { batchHandlersOf } from '../handlers/extract';
import type { Span } from '../model/types';
import { reportsBatchItemFailures, triggerLabel } from '../model/invocation';
import { ITEM_IDENTIFIERS, RECORD_FIELDS, batchTriggers, singleRecordBatches } from './batch';
import type { RetryingTrigger } from './retried';
import type { Finding, Rule } from './types';

/** How each language spells the partial batch response, and how a failure leaves the handler. */
const WORDS = {
  js: {
    response: '{ batchItemFailures }',
    withItem: (id: string) => `{ batchItemFailures: [{ itemIdentifier: ${id} }] }`,
    thrown: 'thrown',
  },
  python: {
    response: '{"batchItemFailures": [...]}',
    withItem: (id: string) => `{"batchItemFailures": [{"itemIdentifier": ${id}}]}`,
    thrown: 'raised',
  },
} as const;

/**
 * Partial batch responses that do not match between template and code: the template turns
 * on ReportBatchItemFailures but the handler never returns `batchItemFailures` (or returns
 * them in a shape Lambda rejects), or the handler returns them but the template does not
 * turn the feature on, so Lambda ignores the list and deletes the failed messages too.
 */
export const LL2103: Rule = {
  id: 'LL2103',
  title: 'Partial batch response does not match the template',
  severity: 'error',
  handler({ file }) {
    const words = WORDS[file.language];
    const findings: Finding[] = [];
    for (const h of batchHandlersOf(file)) {
      const triggers = batchTriggers(file, h.handler);
      // Batches of one record: failing the invocation fails just that record, a partial response adds nothing.
      if (triggers.length === 0 || singleRecordBatches(triggers) || h.library) continue;
      const on = triggers.filter((t) => reportsBatchItemFailures(t.trigger) === true);
      const off = triggers.filter((t) => reportsBatchItemFailures(t.trigger) === false);
      const labels = (ts: readonly RetryingTrigger[]) => ts.map((t) => triggerLabel(t.trigger)).join(', ');
      const { inHandler, inFile } = h.mentions;
      if (on.length > 0 && inFile.length === 0 && !h.responseElsewhere) {
        const example = ITEM_IDENTIFIERS[on[0]?.trigger.type ?? 'SQS']?.example[file.language] ?? '';
        findings.push({
          ruleId: 'LL2103',
          message: `ReportBatchItemFailures is on for ${labels(on)}, but this handler never returns ${words.response}: a failure is either ${words.thrown} (the whole batch comes back) or swallowed (the failed record is deleted or skipped as if it succeeded). Return ${words.withItem(example)} for the records that failed.`,
          uri: file.uri,
          span: h.nameSpan,
        });
      }
      if (on.length > 0 && inHandler.length > 0) {
        const dropped = droppedList(h.returns);
        if (dropped) {
          findings.push({
            ruleId: 'LL2103',
            message: `This handler collects batchItemFailures but ${dropped.returns}: Lambda reads an empty response as "every record succeeded" and deletes (or skips) the failed records of ${labels(on)}. Return ${words.response}.`,
            uri: file.uri,
            span: dropped.at ?? h.nameSpan,
          });
        }
      }
      // `itemIdentifier: record.receiptHandle` for SQS, `record.eventID` for DynamoDB, …: Lambda fails the whole batch.
      const first = on[0];
      const expected = first ? ITEM_IDENTIFIERS[first.trigger.type] : undefined;
      if (first && expected && new Set(on.map((t) => t.trigger.type)).size === 1) {
        for (const id of h.itemIdentifiers) {
          if (!RECORD_FIELDS.test(id.field) || expected.field.test(id.field)) continue;
          findings.push({
            ruleId: 'LL2103',
            message: `itemIdentifier is set to ${id.field}, but ${triggerLabel(first.trigger)} identifies a record by ${expected.example[file.language]}: Lambda cannot match it and fails the whole batch.`,
            uri: file.uri,
            span: id.span,
          });
        }
      }
      if (off.length > 0 && on.length === 0 && inFile.length > 0) {
        findings.push({
          ruleId: 'LL2103',
          message: `This handler returns batchItemFailures, but ${labels(off)} does not enable FunctionResponseTypes: [ReportBatchItemFailures]: Lambda ignores the list, treats the batch as a success and deletes (or skips) the records that failed. Enable it on the event source mapping.`,
          uri: file.uri,
          span: inHandler[0] ?? inFile[0] ?? h.nameSpan,
        });
      }
    }
    return findings;
  },
};

/**
 * A handler that builds the list but visibly never returns it, in any language: every `return`
 * returns nothing (`return;`, `None`) or an object literal without batchItemFailures (and no
 * spread), or there is no `return` at all. Anything else (a variable, a call, middleware, a
 * decorator, a callback) may carry the list and is left alone.
 */
function droppedList(returns: ReturnFacts): { returns: string; at: Span | undefined } | undefined {
  if (returns === undefined) return undefined;
  for (const r of returns) {
    if (r.kind === 'nothing') continue;
    if (r.kind !== 'object' || r.keys === undefined || r.keys.some((k) => /batchItemFailures/.test(k)))
      return undefined;
  }
  const first = returns[0];
  if (first === undefined) return { returns: 'never returns anything', at: undefined };
  return {
    returns:
      first.text !== '' ? `returns ${first.text.replace(/\s+/g, ' ').slice(0, 40)} without it` : 'returns nothing',
    at: first.span,
  };
}
