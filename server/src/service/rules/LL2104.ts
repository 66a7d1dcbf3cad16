import ts from 'typescript';
import type { HandlerFunction } from '../handlers/model';
import { isFunctionLike, skipOuter } from '../handlers/scope';
import { reportsBatchItemFailures, triggerLabel } from '../model/invocation';
import { handlerEffects } from '../handlers/effects';
import { pythonHandlerEffects } from '../handlers/python/effects';
import { withStakes } from '../model/effects';
import { ITEM_IDENTIFIERS, batchTriggers, singleRecordBatches } from './batch';
import { ITEM_IDENTIFIER, pythonBatchTriggers } from './python';
import { spanOf } from '../handlers/python/model';
import type { PyNode } from '../handlers/python/parser';
import { byLanguage, type PythonRuleContext, type Finding, type Rule } from './types';

/** An expression that is the batch's records: `event.Records`, `records`, `Records`. */
const RECORDS = /(^|\.)(Records|records)$/;

/**
 * A batch handler that throws while looping over its records: one bad record fails the
 * whole batch, and every record in it — including those already processed — is delivered
 * again. Reporting the record in `batchItemFailures` retries only that one.
 */
export const LL2104: Rule = {
  id: 'LL2104',
  title: 'Batch handler throws for one record',
  severity: 'warning',
  handler: byLanguage({
    js(ctx) {
      const model = ctx.handler;
      const findings: Finding[] = [];
      for (const handler of model.handlers) {
        const triggers = batchTriggers(ctx, handler);
        const first = triggers[0];
        if (!first || singleRecordBatches(triggers)) continue;
        const enabled = triggers.some((t) => reportsBatchItemFailures(t.trigger) === true);
        const example = ITEM_IDENTIFIERS[first.trigger.type]?.example ?? 'record.messageId';
        const again =
          first.trigger.type === 'SQS' ? 'comes back after the visibility timeout' : 'is retried while the shard waits';
        // Once per handler, at the first throw: the fix (catch per record) is one change for all of them.
        const [thrown, ...more] = throwsInRecordLoops(handler);
        if (thrown === undefined) continue;
        const others =
          more.length > 0
            ? ` (so do ${more.length} more throw${more.length === 1 ? '' : 's'} in this handler's record loops)`
            : '';
        const finding: Finding = {
          ruleId: 'LL2104',
          message: `Throwing here fails the whole batch from ${triggerLabel(first.trigger)}${others}: every record in it, including those already processed, ${again}. Catch the error and add { itemIdentifier: ${example} } to batchItemFailures${enabled ? '' : ' (and turn on FunctionResponseTypes: [ReportBatchItemFailures])'}.`,
          uri: model.uri,
          span: { start: thrown.getStart(model.sourceFile), end: thrown.getEnd() },
        };
        // Records processed again repeat work only when the handler has effects.
        findings.push(withStakes(finding, handlerEffects(model, handler.exportName)));
      }
      return findings;
    },
    python: pythonLL2104,
  }),
};

/** `throw` statements inside a loop over the records, not caught inside the handler. */
function throwsInRecordLoops(handler: HandlerFunction): ts.ThrowStatement[] {
  const out: ts.ThrowStatement[] = [];
  const loops: ts.Node[] = [];
  const visit = (n: ts.Node): void => {
    if (isRecordLoop(n)) loops.push(n);
    if (ts.isThrowStatement(n) && loops.some((l) => isWithin(n, l)) && !caughtBefore(n, handler.node)) out.push(n);
    ts.forEachChild(n, visit);
  };
  if (handler.node.body) visit(handler.node.body);
  return out;
}

function isRecordLoop(n: ts.Node): boolean {
  if (ts.isForOfStatement(n)) return RECORDS.test(skipOuter(n.expression).getText());
  if (ts.isForStatement(n)) return /\b(Records|records)\s*\[/.test(n.statement.getText());
  // `event.Records.forEach(record => …)`: the callback is the loop body.
  if (isFunctionLike(n) && ts.isCallExpression(n.parent) && n.parent.arguments.includes(n as ts.Expression)) {
    const callee = skipOuter(n.parent.expression);
    if (
      !ts.isPropertyAccessExpression(callee) ||
      !/^(forEach|map|flatMap)$/.test(callee.name.text) ||
      !RECORDS.test(skipOuter(callee.expression).getText())
    )
      return false;
    // `Promise.allSettled(records.map(…))` keeps going when one record fails.
    const outer = n.parent.parent;
    return !(ts.isCallExpression(outer) && /allSettled$/.test(outer.expression.getText()));
  }
  return false;
}

function isWithin(node: ts.Node, outer: ts.Node): boolean {
  for (let n: ts.Node | undefined = node; n !== undefined; n = n.parent) if (n === outer) return true;
  return false;
}

/** True when a `try` block around the throw (inside the handler) catches it, or a function boundary other than a loop callback stops it. */
function caughtBefore(thrown: ts.Node, handlerNode: ts.Node): boolean {
  let child: ts.Node = thrown;
  for (let n: ts.Node | undefined = thrown.parent; n !== undefined && n !== handlerNode; n = n.parent) {
    if (ts.isTryStatement(n) && n.tryBlock === child && n.catchClause !== undefined) return true;
    if (isFunctionLike(n) && !isRecordLoop(n)) return true;
    child = n;
  }
  return false;
}

// ---- Python ----

function pythonLL2104(ctx: PythonRuleContext): Finding[] {
  const out: Finding[] = [];
  for (const h of ctx.model.handlers) {
    const batches = pythonBatchTriggers(ctx, h);
    const first = batches[0];
    if (first === undefined || singleRecordBatches(batches)) continue;
    const enabled = batches.some((b) => reportsBatchItemFailures(b.trigger) === true);
    const raised: PyNode[] = [];
    for (const loop of h.node.descendantsOfType('for_statement')) {
      if (!loop || !/Records/.test(loop.childForFieldName('right')?.text ?? '')) continue;
      for (const r of loop.childForFieldName('body')?.descendantsOfType('raise_statement') ?? [])
        if (r && !insideTry(r, loop)) raised.push(r);
    }
    // Once per handler, at the first raise: the fix (catch per record) is one change for all of them.
    const [r, ...more] = raised;
    if (r === undefined) continue;
    const others =
      more.length > 0
        ? ` (so do ${more.length} more raise statement${more.length === 1 ? '' : 's'} in this handler's record loops)`
        : '';
    const finding: Finding = {
      ruleId: 'LL2104',
      message: `Raising here fails the whole batch from ${triggerLabel(first.trigger)}${others}: every record in it, including those already processed, is delivered again. Catch the error and add {"itemIdentifier": ${ITEM_IDENTIFIER[first.trigger.type] ?? "record['messageId']"}} to batchItemFailures${enabled ? '' : ' (and turn on ReportBatchItemFailures for the event source)'}.`,
      uri: ctx.model.uri,
      span: spanOf(r),
    };
    // Records processed again repeat work only when the handler has effects.
    out.push(withStakes(finding, pythonHandlerEffects(ctx.model, h.name)));
  }
  return out;
}

/** True when `node` is in a `try` body (with an `except`) between it and `outer`. */
function insideTry(node: PyNode, outer: PyNode): boolean {
  for (let n = node.parent; n && n.id !== outer.id; n = n.parent) {
    if (
      n.type === 'block' &&
      n.parent?.type === 'try_statement' &&
      n.parent.childForFieldName('body')?.id === n.id &&
      n.parent.namedChildren.some((c) => c?.type === 'except_clause')
    )
      return true;
  }
  return false;
}
