/**
 * The JS/TS extractor's retried effects (`RetriedEffectFact`, handlers/facts.ts): AWS SDK
 * commands and client methods that write, send, publish or start something, payment API calls
 * and HTTP POSTs, with what a retry of the event does with each.
 */
import ts from 'typescript';
import type { Fix } from '../model/findings';
import type { RetriedEffectFact } from './facts';
import {
  IDEMPOTENCY_KEY_NAMES,
  KEY_NAMES,
  findProperty,
  idempotencyGuards,
  matchClientMethod,
  matchCommand,
  matchPayment,
  mayHaveProperty,
  nonIdempotentHttp,
  objectArgument,
  propertyName,
  propertyValue,
  randomSourceIn,
  receiverOrigin,
  stringProperty,
} from './idempotency';
import type { EffectKind } from './facts';
import { runsIn } from './jsFacts';
import type { ExecutionScope, HandlerFunction, HandlerModel } from './model';
import { ACCUMULATING_UPDATE } from './patterns';

/** A call that repeats its effect when the event is processed again. */
interface Effect {
  readonly node: ts.Expression;
  readonly input: ts.Expression | undefined;
  readonly kind: EffectKind;
  readonly what: string;
  readonly scope: ExecutionScope;
  readonly handler: HandlerFunction | undefined;
}

const REPEATS = { how: 'repeats' } as const;

/**
 * `keys`: the key attribute names of the linked templates' tables, partition keys apart (else
 * names shaped like keys count), for telling a changing key and for the conditional put's fix.
 */
export function retriedEffects(
  model: HandlerModel,
  keys: { readonly partition: ReadonlySet<string>; readonly all: ReadonlySet<string> },
): RetriedEffectFact[] {
  const guards = idempotencyGuards(model);
  const out: RetriedEffectFact[] = [];
  for (const e of effects(model)) {
    const where = runsIn(e.scope, e.handler);
    if (where === undefined) continue;
    out.push({
      kind: e.kind,
      what: e.what,
      span: model.spanOf(e.node),
      runsIn: where,
      idempotent: guards.covers(e.node, e.handler),
      repeat: repeatOf(model, e, keys.all),
      conditionFix: e.kind === 'put' ? conditionFix(model, e, keys.partition) : undefined,
      lastInRecord: false,
    });
  }
  return out;
}

function effects(model: HandlerModel): Effect[] {
  const out: Effect[] = [];
  for (const c of model.constructions) {
    const cmd = matchCommand(c.import);
    if (cmd)
      out.push({
        node: c.node,
        input: c.node.arguments?.[0],
        kind: cmd.kind,
        what: cmd.what,
        scope: c.scope,
        handler: c.handler,
      });
  }
  for (const c of model.calls) {
    const method = matchClientMethod(receiverOrigin(model, c), c.name);
    if (method) {
      out.push({
        node: c.node,
        input: c.node.arguments[0],
        kind: method.kind,
        what: method.what,
        scope: c.scope,
        handler: c.handler,
      });
      continue;
    }
    const payment = matchPayment(model, c);
    if (payment) {
      out.push({
        node: c.node,
        input: undefined,
        kind: 'payment',
        what: `${payment.what} ${c.callee?.split('.').slice(1).join('.') ?? c.name ?? 'call'}`,
        scope: c.scope,
        handler: c.handler,
      });
      continue;
    }
    const http = nonIdempotentHttp(model, c);
    if (http)
      out.push({
        node: c.node,
        input: undefined,
        kind: 'http',
        what: `An HTTP ${http} (${c.callee ?? c.name ?? 'request'})`,
        scope: c.scope,
        handler: c.handler,
      });
  }
  return out;
}

/** What a retry does with the effect, or `undefined` when it does not repeat it (or cannot be told). */
function repeatOf(model: HandlerModel, e: Effect, keyNames: ReadonlySet<string>): RetriedEffectFact['repeat'] {
  const input = objectArgument(model, e.input);
  const argsText =
    (e.node as ts.CallExpression | ts.NewExpression).arguments
      ?.map((a) => (objectArgument(model, a) ?? a).getText(model.sourceFile))
      .join(' ') ?? '';
  switch (e.kind) {
    case 'put': {
      if (!input || mayHaveProperty(input, /^(ConditionExpression|Expected)$/)) return undefined;
      // A random or time-based key is LL2102's finding: a condition would not help.
      const item = objectArgument(model, propertyValue(findProperty(input, 'Item')));
      if (
        item &&
        item.properties.some((p) => {
          const v = propertyValue(p);
          return isKeyName(propertyName(p), keyNames) && v !== undefined && randomSourceIn(model, v) !== undefined;
        })
      )
        return undefined;
      return REPEATS;
    }
    case 'update': {
      if (!input || mayHaveProperty(input, /^(ConditionExpression|Expected)$/)) return undefined;
      const expr = stringProperty(input, 'UpdateExpression');
      if (expr === undefined || !ACCUMULATING_UPDATE.test(expr)) return undefined;
      return { how: 'accumulates', expression: expr.trim() };
    }
    case 'transaction': {
      const text = input?.getText(model.sourceFile);
      if (text === undefined || /attribute_not_exists\s*\(|ConditionCheck/.test(text)) return undefined;
      const accumulating = [...text.matchAll(/UpdateExpression['"]?\s*:\s*(['"`])([^'"`]*)\1/g)]
        .map((m) => m[2] ?? '')
        .find((x) => ACCUMULATING_UPDATE.test(x));
      if (accumulating === undefined) return undefined;
      return { how: 'accumulates', expression: accumulating.trim() };
    }
    case 'events':
      return REPEATS;
    case 'message':
    case 'publish': {
      if (/MessageDeduplicationId/.test(argsText) || (e.input !== undefined && !input)) return undefined;
      return REPEATS;
    }
    case 'execution': {
      if (!input) return undefined;
      const name = propertyValue(findProperty(input, 'name'));
      if (name !== undefined && /\bawsRequestId\b/.test(name.getText(model.sourceFile)))
        return { how: 'requestIdName' };
      if (mayHaveProperty(input, 'name')) return undefined;
      return REPEATS;
    }
    case 'invoke':
      return REPEATS;
    case 'email':
      return REPEATS;
    case 'payment':
      if (/idempotency_?key/i.test(argsText)) return undefined;
      return REPEATS;
    case 'http':
      if (hasIdempotencyHeader(argsText)) return undefined;
      return REPEATS;
  }
}

function hasIdempotencyHeader(text: string): boolean {
  return [...text.matchAll(/['"]?([\w-]+)['"]?\s*:/g)].some((m) => IDEMPOTENCY_KEY_NAMES.test(m[1] ?? ''));
}

function isKeyName(name: string | undefined, keyNames: ReadonlySet<string>): boolean {
  if (name === undefined) return false;
  return keyNames.size > 0 ? keyNames.has(name) : KEY_NAMES.test(name);
}

/** Common DynamoDB reserved words that cannot appear bare in an expression (the full list has 573). */
const RESERVED =
  /^(key|name|status|timestamp|date|data|value|values|type|user|count|size|year|month|day|hour|time|zone|order|group|level|state|source|role|comment|action|by|from|to|in|is|as)$/i;

/** Adds `ConditionExpression: 'attribute_not_exists(<key>)'` to a put's input object literal. */
function conditionFix(model: HandlerModel, e: Effect, partitionKeys: ReadonlySet<string>): Fix | undefined {
  const input = objectArgument(model, e.input);
  if (!input) return undefined;
  const item = objectArgument(model, propertyValue(findProperty(input, 'Item')));
  const names = item?.properties.map(propertyName).filter((n): n is string => n !== undefined) ?? [];
  const key =
    names.find((n) => partitionKeys.has(n)) ??
    (partitionKeys.size === 0 ? names.find((n) => /^(pk|PK|id)$/.test(n)) : undefined);
  if (key === undefined || RESERVED.test(key) || !/^[A-Za-z][A-Za-z0-9_]*$/.test(key)) return undefined;
  const text = model.text;
  const quote = (text.match(/'/g)?.length ?? 0) >= (text.match(/"/g)?.length ?? 0) ? "'" : '"';
  const prop = `ConditionExpression: ${quote}attribute_not_exists(${key})${quote}`;
  const last = input.properties[input.properties.length - 1];
  if (!last) return undefined;
  const file = model.sourceFile;
  const lastEnd = last.getEnd();
  const trailingComma = input.properties.hasTrailingComma;
  const multiline = text.slice(input.getStart(file), input.getEnd()).includes('\n');
  let at = lastEnd;
  let newText: string;
  if (multiline) {
    const lineStart = text.lastIndexOf('\n', last.getStart(file)) + 1;
    const indent = /^[ \t]*/.exec(text.slice(lineStart))?.[0] ?? '';
    if (trailingComma) at = text.indexOf(',', lastEnd) + 1;
    newText = trailingComma ? `\n${indent}${prop},` : `,\n${indent}${prop}`;
  } else {
    newText = `, ${prop}`;
  }
  return {
    title: `Make the put conditional: ${prop} (then treat ConditionalCheckFailedException as already processed)`,
    edits: [{ uri: model.uri, span: { start: at, end: at }, newText }],
  };
}
