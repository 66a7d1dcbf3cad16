/**
 * The Python extractor's batch handling facts (`BatchHandlerFact`, handlers/facts.ts): how each
 * handler reports failed records, and the raises that fail a whole batch.
 */
import type { Span } from '../../model/types';
import type { BatchHandlerFact } from '../facts';
import { powertoolsBatchResponse } from './effects';
import { pythonHandlerReturns } from './facts';
import { spanOf, stringValue, type PyFunction, type PythonHandlerModel } from './model';
import type { PyNode } from './parser';

/** The name of the partial batch response's list, as a key or a variable. */
const MENTION = /batchItemFailures|batch_item_failures/g;
/** Powertools batch processing builds the partial batch response. */
const LIBRARY = /batch_processor|process_partial_response/;

export function pythonBatchHandlers(model: PythonHandlerModel): BatchHandlerFact[] {
  const inFile = mentionsIn(model.text, 0);
  return model.handlers.map((h) => ({
    handler: h.name,
    nameSpan: h.nameSpan,
    library: LIBRARY.test(model.text),
    mentions: { inHandler: mentionsIn(h.node.text, h.node.startIndex), inFile },
    returns: pythonHandlerReturns(h),
    responseElsewhere: powertoolsBatchResponse(model, h),
    itemIdentifiers: itemIdentifiers(h),
    failuresInRecordLoops: raisesInRecordLoops(h),
  }));
}

function mentionsIn(text: string, offset: number): Span[] {
  return [...text.matchAll(MENTION)].map((m) => ({
    start: offset + (m.index ?? 0),
    end: offset + (m.index ?? 0) + m[0].length,
  }));
}

/** `{"itemIdentifier": record["receiptHandle"]}`: the record field named last. */
function itemIdentifiers(h: PyFunction): BatchHandlerFact['itemIdentifiers'] {
  const out: { field: string; span: Span }[] = [];
  for (const pair of h.node.descendantsOfType('pair')) {
    const value = pair?.childForFieldName('value');
    if (!value || stringValue(pair?.childForFieldName('key')) !== 'itemIdentifier') continue;
    const field =
      value.type === 'subscript'
        ? stringValue(value.childForFieldName('subscript'))
        : value.type === 'attribute'
          ? value.childForFieldName('attribute')?.text
          : undefined;
    if (field !== undefined) out.push({ field, span: spanOf(value) });
  }
  return out;
}

/** `raise` statements inside a `for` loop over the records, not in a `try` with an `except` inside the loop. */
function raisesInRecordLoops(h: PyFunction): Span[] {
  const raised: Span[] = [];
  for (const loop of h.node.descendantsOfType('for_statement')) {
    if (!loop || !/Records/.test(loop.childForFieldName('right')?.text ?? '')) continue;
    for (const r of loop.childForFieldName('body')?.descendantsOfType('raise_statement') ?? [])
      if (r && !insideTry(r, loop)) raised.push(spanOf(r));
  }
  return raised;
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
