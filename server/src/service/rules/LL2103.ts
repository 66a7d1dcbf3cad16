import ts from 'typescript';
import type { ReturnFacts } from '../handlers/facts';
import { handlerReturns } from '../handlers/jsFacts';
import { pythonHandlerReturns } from '../handlers/python/facts';
import { returnsBatchItemFailures } from '../handlers/python/effects';
import type { Span } from '../model/types';
import type { HandlerFunction, HandlerModel } from '../handlers/model';
import { propertyName, propertyValue } from '../handlers/idempotency';
import { dottedName, skipOuter } from '../handlers/scope';
import { reportsBatchItemFailures, triggerLabel } from '../model/invocation';
import { ITEM_IDENTIFIERS, RECORD_FIELDS, batchTriggers, singleRecordBatches } from './batch';
import { BATCH_RESPONSE_LIBRARIES } from '../handlers/patterns';
import type { RetryingTrigger } from './retried';
import { ITEM_IDENTIFIER, pythonBatchTriggers } from './python';
import { byLanguage, type PythonRuleContext, type Finding, type Rule } from './types';

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
  handler: byLanguage({
    js(ctx) {
      const model = ctx.handler;
      const findings: Finding[] = [];
      const usesLibrary = BATCH_RESPONSE_LIBRARIES.test(model.text);
      const mentions = batchItemFailuresNodes(model);
      for (const handler of model.handlers) {
        const triggers = batchTriggers(ctx, handler);
        if (triggers.length === 0 || singleRecordBatches(triggers)) continue;
        const on = triggers.filter((t) => reportsBatchItemFailures(t.trigger) === true);
        const off = triggers.filter((t) => reportsBatchItemFailures(t.trigger) === false);
        const labels = (ts: readonly RetryingTrigger[]) => ts.map((t) => triggerLabel(t.trigger)).join(', ');
        if (on.length > 0 && !usesLibrary && mentions.length === 0 && !responseBuiltElsewhere(model, handler)) {
          findings.push({
            ruleId: 'LL2103',
            message: `ReportBatchItemFailures is on for ${labels(on)}, but this handler never returns { batchItemFailures }: a failure is either thrown (the whole batch comes back) or swallowed (the failed record is deleted or skipped as if it succeeded). Return { batchItemFailures: [{ itemIdentifier: ${ITEM_IDENTIFIERS[on[0]?.trigger.type ?? 'SQS']?.example} }] } for the records that failed.`,
            uri: model.uri,
            span: handler.nameSpan,
          });
        }
        if (on.length > 0 && !usesLibrary && mentions.some((n) => model.handlerOf(n) === handler)) {
          const dropped = droppedList(handlerReturns(model, handler));
          if (dropped) {
            findings.push({
              ruleId: 'LL2103',
              message: `This handler collects batchItemFailures but ${dropped.returns}: Lambda reads an empty response as "every record succeeded" and deletes (or skips) the failed records of ${labels(on)}. Return { batchItemFailures }.`,
              uri: model.uri,
              span: dropped.at ?? handler.nameSpan,
            });
          }
        }
        if (on.length > 0 && !usesLibrary) findings.push(...wrongIdentifiers(model, handler, on));
        if (off.length > 0 && on.length === 0 && mentions.length > 0 && !usesLibrary) {
          const at = mentions.find((n) => model.handlerOf(n) === handler) ?? mentions[0];
          findings.push({
            ruleId: 'LL2103',
            message: `This handler returns batchItemFailures, but ${labels(off)} does not enable FunctionResponseTypes: [ReportBatchItemFailures]: Lambda ignores the list, treats the batch as a success and deletes (or skips) the records that failed. Enable it on the event source mapping.`,
            uri: model.uri,
            span: at ? model.spanOf(at) : handler.nameSpan,
          });
        }
      }
      return findings;
    },
    python: pythonLL2103,
  }),
};

/** Property names and identifiers spelled `batchItemFailures` anywhere in the file. */
function batchItemFailuresNodes(model: HandlerModel): ts.Node[] {
  const out: ts.Node[] = [];
  const visit = (n: ts.Node): void => {
    if ((ts.isIdentifier(n) || ts.isStringLiteral(n)) && n.text === 'batchItemFailures') out.push(n);
    ts.forEachChild(n, visit);
  };
  visit(model.sourceFile);
  return out;
}

/** `itemIdentifier: record.receiptHandle` for SQS, `record.eventID` for DynamoDB, …: Lambda fails the whole batch. */
function wrongIdentifiers(model: HandlerModel, handler: HandlerFunction, on: readonly RetryingTrigger[]): Finding[] {
  const types = new Set(on.map((t) => t.trigger.type));
  if (types.size !== 1) return [];
  const first = on[0];
  const expected = first ? ITEM_IDENTIFIERS[first.trigger.type] : undefined;
  if (!first || !expected) return [];
  const out: Finding[] = [];
  const visit = (n: ts.Node): void => {
    if ((ts.isPropertyAssignment(n) || ts.isShorthandPropertyAssignment(n)) && propertyName(n) === 'itemIdentifier') {
      const v = propertyValue(n);
      const last = v ? dottedName(skipOuter(v))?.at(-1) : undefined;
      if (v && last !== undefined && RECORD_FIELDS.test(last) && !expected.field.test(last)) {
        out.push({
          ruleId: 'LL2103',
          message: `itemIdentifier is set to ${last}, but ${triggerLabel(first.trigger)} identifies a record by ${expected.example}: Lambda cannot match it and fails the whole batch.`,
          uri: model.uri,
          span: model.spanOf(v),
        });
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(handler.node);
  return out;
}

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

/**
 * True when the handler's response may be built where this file cannot see it: the handler
 * is wrapped (middleware can set the response) or returns the result of an imported function.
 */
function responseBuiltElsewhere(model: HandlerModel, handler: HandlerFunction): boolean {
  if (handler.wrappers.length > 0) return true;
  const returned = [...handler.returns.map((r) => r.expression), handler.expressionBody].filter(
    (e): e is ts.Expression => e !== undefined,
  );
  return returned.some((e) => {
    let x = skipOuter(e);
    if (ts.isAwaitExpression(x)) x = skipOuter(x.expression);
    return ts.isCallExpression(x) && model.importOf(x.expression) !== undefined;
  });
}

// ---- Python ----

function pythonLL2103(ctx: PythonRuleContext): Finding[] {
  const out: Finding[] = [];
  for (const h of ctx.model.handlers) {
    const all = pythonBatchTriggers(ctx, h);
    const on = all.filter((b) => reportsBatchItemFailures(b.trigger) === true);
    const first = on[0];
    // Batches of one record: failing the invocation fails just that record, a partial response adds nothing.
    if (first === undefined || singleRecordBatches(all)) continue;
    const dropped =
      /batchItemFailures|batch_item_failures/.test(h.node.text) &&
      !/batch_processor|process_partial_response/.test(ctx.model.text)
        ? droppedList(pythonHandlerReturns(h))
        : undefined;
    if (dropped) {
      out.push({
        ruleId: 'LL2103',
        message: `This handler collects batchItemFailures but ${dropped.returns}: Lambda reads an empty response as "every record succeeded" and deletes (or skips) the failed records of ${on.map((b) => triggerLabel(b.trigger)).join(', ')}. Return {"batchItemFailures": [...]}.`,
        uri: ctx.model.uri,
        span: dropped.at ?? h.nameSpan,
      });
      continue;
    }
    if (returnsBatchItemFailures(ctx.model, h)) continue;
    out.push({
      ruleId: 'LL2103',
      message: `ReportBatchItemFailures is on for ${on.map((b) => triggerLabel(b.trigger)).join(', ')}, but this handler never returns {"batchItemFailures": [...]}: a failure is either raised (the whole batch comes back) or swallowed (the failed record is deleted or skipped as if it succeeded). Return {"batchItemFailures": [{"itemIdentifier": ${ITEM_IDENTIFIER[first.trigger.type] ?? "record['messageId']"}}]} for the records that failed.`,
      uri: ctx.model.uri,
      span: h.nameSpan,
    });
  }
  return out;
}
