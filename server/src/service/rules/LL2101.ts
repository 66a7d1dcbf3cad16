import { retriedEffectsOf } from '../handlers/extract';
import type { EffectKind, RetriedEffectFact } from '../handlers/facts';
import { repeatWording, reportsBatchItemFailures } from '../model/invocation';
import { describeRetries, retryingTriggersAt, tableKeyNames } from './retried';
import type { Finding, Rule } from './types';

type Repeat = NonNullable<RetriedEffectFact['repeat']>;

/**
 * Why each kind of effect repeats on a retry, and what to do, in each language's terms
 * (Powertools `makeIdempotent` for JS/TS, `@idempotent` for Python). Python's boto3 writes are
 * a subset of the kinds; a kind without words there is never extracted for Python.
 */
const PROBLEMS: Readonly<
  Record<'js' | 'python', Partial<Readonly<Record<EffectKind, (r: Repeat, kind: EffectKind) => string>>>>
> = {
  js: {
    put: () =>
      'A retry writes the item again without a condition, overwriting whatever changed since the first attempt. Make the put conditional (ConditionExpression: attribute_not_exists(<key>)) and treat ConditionalCheckFailedException as "already done", or wrap the handler with Powertools makeIdempotent.',
    update: (r) =>
      `Its UpdateExpression (${JSON.stringify(r.how === 'accumulates' ? r.expression : '')}) adds to what is stored, so every retry adds again. Record the event id in the same update with a condition that it is not there yet, or use Powertools makeIdempotent.`,
    transaction: (r) =>
      `One of its updates (${JSON.stringify(r.how === 'accumulates' ? r.expression : '')}) adds to what is stored, so every retry adds again. Put a condition on the event id into the same transaction (a Put with attribute_not_exists), or use Powertools makeIdempotent.`,
    events: () =>
      'Every retry puts the events again, and EventBridge does not drop duplicates: every consumer sees them twice. Give each event a stable id derived from the source record and make consumers idempotent, or record what was published.',
    message: () =>
      'Every retry sends the message again. Use a FIFO queue with a MessageDeduplicationId derived from the event, or make the consumers idempotent and record what was sent.',
    publish: () =>
      'Every retry publishes the message again. Use a FIFO topic with a MessageDeduplicationId derived from the event, or make the consumers idempotent and record what was sent.',
    execution: (r) =>
      r.how === 'requestIdName'
        ? REQUEST_ID_NAME
        : 'Every retry starts another execution. Pass a `name` derived from the event: a standard workflow refuses a second execution with the same name (for 90 days).',
    invoke: () =>
      'Every retry invokes the other function again, and its work is done twice (with InvocationType Event it is queued again). Make that function idempotent on an id taken from this event (Powertools), or record the call with a conditional write first.',
    email: () =>
      'Every retry sends the email again. Record that it was sent (a conditional write keyed on the event id) before sending, or use Powertools makeIdempotent.',
    payment: () =>
      'Without an idempotencyKey every retry makes the request again (a second charge, refund or transfer). Pass { idempotencyKey } derived from the event (its message id or order id), not a random value.',
    http: () =>
      'Every retry sends the request again. Send an Idempotency-Key header derived from the event if the API supports one, or record the call with a conditional write first.',
  },
  python: {
    put: () =>
      'Without a ConditionExpression (e.g. "attribute_not_exists(pk)") a retry overwrites the item, and any change made since is lost. Add the condition and treat ConditionalCheckFailedException as "already done", or use Powertools @idempotent.',
    update: () =>
      'The UpdateExpression adds to the stored value, so each retry adds again. Record the event id in the item and add a ConditionExpression that skips events already applied, or use Powertools @idempotent.',
    message: () =>
      'Each retry sends the message again, and the consumers see duplicates. Give it a deduplication id from the event (FIFO), make the consumers idempotent, or use Powertools @idempotent.',
    publish: () =>
      'Each retry publishes again, and the consumers see duplicates. Give it a deduplication id from the event (FIFO), make the consumers idempotent, or use Powertools @idempotent.',
    email: () =>
      'Each retry sends the email again. Record that it was sent (a conditional put keyed by the event id) before sending, or use Powertools @idempotent.',
    execution: (r) =>
      r.how === 'requestIdName'
        ? REQUEST_ID_NAME
        : 'Each retry starts another execution. Pass a `name` derived from the event: a standard workflow refuses a second execution with the same name (for 90 days).',
    invoke: () =>
      'Each retry invokes the other function again, and its work is done twice (with InvocationType Event it is queued again). Make that function idempotent on an id taken from this event (Powertools @idempotent), or record the call with a conditional write first.',
  },
};

const REQUEST_ID_NAME =
  'The name comes from the request id, which changes with every retry (each retry is a new invocation), so a retry starts a second execution under a new name. Derive the name from the event (its message id, sequence number or business id): a standard workflow refuses a second execution with the same name (for 90 days).';

/**
 * A write or send in a handler whose trigger retries, that does its effect again on each
 * retry: an unconditional put, a counter increment, a message, an email, a charge without
 * an idempotency key, an HTTP POST.
 */
export const LL2101: Rule = {
  id: 'LL2101',
  title: 'Non-idempotent write in a retried handler',
  severity: 'warning',
  handler({ file }) {
    const findings: Finding[] = [];
    for (const effect of retriedEffectsOf(file, tableKeyNames(file))) {
      const triggers = retryingTriggersAt(file, effect.runsIn);
      if (triggers.length === 0 || effect.idempotent || effect.repeat === undefined) continue;
      const problem = PROBLEMS[file.language][effect.kind]?.(effect.repeat, effect.kind);
      if (problem === undefined) continue;
      const wording = repeatWording(triggers);
      // A message sent or published under partial batch responses, in a per-record `try` that nothing can
      // fail after it: a retry of the record cannot repeat it, only a duplicate delivery can
      // (services-sqs-errorhandling.html); and a queue or topic delivers at least once anyway, so its
      // consumers must already bear duplicates. Counters and executions stay warnings.
      const lastInRecord =
        (effect.kind === 'message' || effect.kind === 'publish') &&
        triggers.every((t) => t.trigger.type === 'SQS' && reportsBatchItemFailures(t.trigger) === true) &&
        effect.lastInRecord;
      findings.push({
        ruleId: 'LL2101',
        message:
          wording.retry(`${effect.what} in ${wording.handler}: ${describeRetries(triggers)}. ${problem}`) +
          (lastInRecord
            ? ' Reported as info: the handler catches errors per record and reports the failed ones in batchItemFailures, and nothing after this call can fail its record, so only a duplicate delivery repeats it (which the consumers of a queue or topic must bear anyway).'
            : ''),
        uri: file.uri,
        span: effect.span,
        // A put whose key comes from the event often rewrites the same item: a note, not a warning.
        ...(effect.kind === 'put' || wording.severity !== undefined || lastInRecord
          ? { severity: 'info' as const }
          : {}),
        ...(effect.conditionFix ? { fixes: [effect.conditionFix] } : {}),
      });
    }
    return findings;
  },
};
