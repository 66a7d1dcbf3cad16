import { STREAM_RETENTION_HOURS } from '../limits';
import { isKinesisOrDynamoDbStream, triggerLabel } from '../model/invocation';
import { isKnown, type Setting } from '../model/types';
import { withStakes } from '../model/effects';
import { functionEffects } from './linked';
import type { TemplateRule } from './types';

/** True when the setting leaves retries unbounded: absent (the default, -1) or -1. */
function unbounded(s: Setting<number> | undefined): boolean {
  return s === undefined || (isKnown(s) && s.value === -1);
}

/**
 * A stream mapping that retries a failing batch until its records expire: one bad record
 * holds back its shard for up to the stream's retention. Bisecting alone does not end it:
 * it narrows the batch down to the bad record, which is then retried just as long.
 */
export const LL2005: TemplateRule = {
  id: 'LL2005',
  title: 'Stream trigger that retries forever',
  severity: 'warning',
  template(ctx) {
    const { template } = ctx;
    const found = template.functions.flatMap((fn) =>
      fn.triggers
        .filter(
          (t) =>
            isKinesisOrDynamoDbStream(t) &&
            t.mapping !== undefined &&
            unbounded(t.mapping.maximumRetryAttempts) &&
            unbounded(t.mapping.maximumRecordAgeInSeconds),
        )
        .map((t) => {
          const bisect =
            t.mapping !== undefined &&
            isKnown(t.mapping.bisectBatchOnFunctionError) &&
            t.mapping.bisectBatchOnFunctionError.value;
          const bisectNote = bisect
            ? ' BisectBatchOnFunctionError narrows a failing batch down to the bad record, but that record is still retried until it expires.'
            : '';
          return {
            ruleId: 'LL2005',
            message: `${triggerLabel(t)} invokes function ${fn.logicalId} with no ${fn.resourceType === 'serverless' ? 'maximumRetryAttempts or maximumRecordAgeInSeconds' : fn.kind === 'cdk' ? 'retryAttempts or maxRecordAge' : 'MaximumRetryAttempts or MaximumRecordAgeInSeconds'}: a batch that keeps failing is retried until its records expire (${STREAM_RETENTION_HOURS.default} h by default), and its shard processes nothing else meanwhile.${bisectNote} Set a retry limit or record age${bisect ? '' : `, turn on ${fn.resourceType === 'serverless' ? 'bisectBatchOnFunctionError' : fn.kind === 'cdk' ? 'bisectBatchOnError' : 'BisectBatchOnFunctionError'}`} and add ${fn.resourceType === 'serverless' ? 'destinations.onFailure' : fn.kind === 'cdk' ? 'an onFailure destination' : 'an OnFailure destination'}.`,
            uri: t.uri,
            span: t.span,
            fn: fn.logicalId,
          };
        }),
    );
    if (found.length === 0) return [];
    // A shard held back matters when its records do work; a handler that cannot fail never holds it.
    const effects = functionEffects(ctx, new Set(found.map((f) => f.fn)));
    return found.map(({ fn, ...finding }) => withStakes(finding, effects.get(fn)));
  },
};
