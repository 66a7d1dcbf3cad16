/**
 * Shared by LL2103 and LL2104: the batch triggers (SQS, Kinesis, DynamoDB Streams) of a
 * handler, and how each names a record in `batchItemFailures`.
 */
import { linksOf } from '../handlers/extract';
import type { HandlerFile } from '../handlers/facts';
import { knownValue, type Trigger } from '../model/types';
import type { RetryingTrigger } from './retried';

/**
 * The record field each batch source expects as `itemIdentifier`, and how a record's is
 * written in each language (services-sqs-errorhandling.html, services-kinesis-batchfailurereporting.html).
 */
export const ITEM_IDENTIFIERS: Readonly<
  Record<string, { readonly field: RegExp; readonly example: Readonly<Record<HandlerFile['language'], string>> }>
> = {
  SQS: { field: /^messageId$/, example: { js: 'record.messageId', python: "record['messageId']" } },
  Kinesis: {
    field: /^sequenceNumber$/,
    example: { js: 'record.kinesis.sequenceNumber', python: "record['kinesis']['sequenceNumber']" },
  },
  DynamoDB: {
    field: /^SequenceNumber$/,
    example: { js: 'record.dynamodb.SequenceNumber', python: "record['dynamodb']['SequenceNumber']" },
  },
};

/** Record fields that people put in `itemIdentifier`; one that does not belong to the source is a wrong shape. */
export const RECORD_FIELDS =
  /^(messageId|receiptHandle|md5OfBody|body|eventID|eventId|sequenceNumber|SequenceNumber|partitionKey)$/;

/** The batch triggers of the template functions linked to one handler of the file. */
export function batchTriggers(file: HandlerFile, handler: string): RetryingTrigger[] {
  return linksOf(file, handler).flatMap((l) =>
    l.fn.triggers
      .filter((t) => t.invocation === 'poll' && ITEM_IDENTIFIERS[t.type] !== undefined && t.mapping !== undefined)
      .map((trigger) => ({ fn: l.fn, trigger })),
  );
}

/** True when every batch holds one record (nothing to report partially, and a throw fails only that record). */
export function singleRecordBatches(triggers: readonly { readonly trigger: Trigger }[]): boolean {
  return triggers.length > 0 && triggers.every((t) => knownValue(t.trigger.mapping?.batchSize) === 1);
}
