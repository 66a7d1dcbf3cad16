import { batchHandlersOf, effectsOf } from '../handlers/extract';
import { reportsBatchItemFailures, triggerLabel } from '../model/invocation';
import { withStakes } from '../model/effects';
import { ITEM_IDENTIFIERS, batchTriggers, singleRecordBatches } from './batch';
import type { Finding, Rule } from './types';

/** How each language fails, and how the message spells the response and the setting. */
const WORDS = {
  js: {
    failing: 'Throwing',
    failure: 'throw',
    again: (type: string) =>
      type === 'SQS' ? 'comes back after the visibility timeout' : 'is retried while the shard waits',
    item: (id: string) => `{ itemIdentifier: ${id} }`,
    turnOn: 'FunctionResponseTypes: [ReportBatchItemFailures]',
  },
  python: {
    failing: 'Raising',
    failure: 'raise statement',
    again: () => 'is delivered again',
    item: (id: string) => `{"itemIdentifier": ${id}}`,
    turnOn: 'ReportBatchItemFailures for the event source',
  },
} as const;

/**
 * A batch handler that throws while looping over its records: one bad record fails the
 * whole batch, and every record in it — including those already processed — is delivered
 * again. Reporting the record in `batchItemFailures` retries only that one.
 */
export const LL2104: Rule = {
  id: 'LL2104',
  title: 'Batch handler throws for one record',
  severity: 'warning',
  handler({ file }) {
    const words = WORDS[file.language];
    const findings: Finding[] = [];
    for (const h of batchHandlersOf(file)) {
      const triggers = batchTriggers(file, h.handler);
      const first = triggers[0];
      if (!first || singleRecordBatches(triggers)) continue;
      // Once per handler, at the first throw: the fix (catch per record) is one change for all of them.
      const [thrown, ...more] = h.failuresInRecordLoops;
      if (thrown === undefined) continue;
      const enabled = triggers.some((t) => reportsBatchItemFailures(t.trigger) === true);
      const example = ITEM_IDENTIFIERS[first.trigger.type]?.example[file.language] ?? '';
      const others =
        more.length > 0
          ? ` (so do ${more.length} more ${words.failure}${more.length === 1 ? '' : 's'} in this handler's record loops)`
          : '';
      const finding: Finding = {
        ruleId: 'LL2104',
        message: `${words.failing} here fails the whole batch from ${triggerLabel(first.trigger)}${others}: every record in it, including those already processed, ${words.again(first.trigger.type)}. Catch the error and add ${words.item(example)} to batchItemFailures${enabled ? '' : ` (and turn on ${words.turnOn})`}.`,
        uri: file.uri,
        span: thrown,
      };
      // Records processed again repeat work only when the handler has effects.
      findings.push(withStakes(finding, effectsOf(file, h.handler)));
    }
    return findings;
  },
};
