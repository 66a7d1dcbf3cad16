/**
 * The JS/TS extractor's batch handling facts (`BatchHandlerFact`, handlers/facts.ts): how each
 * handler reports failed records, and the throws that fail a whole batch.
 */
import ts from 'typescript';
import type { Span } from '../model/types';
import type { BatchHandlerFact } from './facts';
import { propertyName, propertyValue } from './idempotency';
import { handlerReturns } from './jsFacts';
import type { HandlerFunction, HandlerModel } from './model';
import { BATCH_RESPONSE_LIBRARIES } from './patterns';
import { dottedName, isFunctionLike, skipOuter } from './scope';

/** An expression that is the batch's records: `event.Records`, `records`, `Records`. */
const RECORDS = /(^|\.)(Records|records)$/;

export function batchHandlers(model: HandlerModel): BatchHandlerFact[] {
  const library = BATCH_RESPONSE_LIBRARIES.test(model.text);
  const mentions = batchItemFailuresNodes(model);
  const inFile = mentions.map((n) => model.spanOf(n));
  return model.handlers.map((handler) => ({
    handler: handler.exportName,
    nameSpan: handler.nameSpan,
    library,
    mentions: { inHandler: mentions.filter((n) => model.handlerOf(n) === handler).map((n) => model.spanOf(n)), inFile },
    returns: handlerReturns(model, handler),
    responseElsewhere: responseBuiltElsewhere(model, handler),
    itemIdentifiers: itemIdentifiers(model, handler),
    failuresInRecordLoops: throwsInRecordLoops(handler).map((t) => ({
      start: t.getStart(model.sourceFile),
      end: t.getEnd(),
    })),
  }));
}

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

/** `itemIdentifier: record.receiptHandle`: the record field named last. */
function itemIdentifiers(model: HandlerModel, handler: HandlerFunction): BatchHandlerFact['itemIdentifiers'] {
  const out: { field: string; span: Span }[] = [];
  const visit = (n: ts.Node): void => {
    if ((ts.isPropertyAssignment(n) || ts.isShorthandPropertyAssignment(n)) && propertyName(n) === 'itemIdentifier') {
      const v = propertyValue(n);
      const last = v ? dottedName(skipOuter(v))?.at(-1) : undefined;
      if (v && last !== undefined) out.push({ field: last, span: model.spanOf(v) });
    }
    ts.forEachChild(n, visit);
  };
  visit(handler.node);
  return out;
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
