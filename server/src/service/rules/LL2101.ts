import ts from 'typescript';
import type { HandlerFunction, HandlerModel } from '../handlers/model';
import {
  IDEMPOTENCY_KEY_NAMES,
  KEY_NAMES,
  findProperty,
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
  type EffectKind,
} from '../handlers/idempotency';
import type { ExecutionScope } from '../handlers/model';
import { idempotencyGuards, describeRetries, retryingTriggersAt, tableKeyNames } from './retried';
import { repeatWording } from '../model/invocation';
import type { Finding, Fix, HandlerRule } from './types';

/** A call that repeats its effect when the event is processed again. */
interface Effect {
  readonly node: ts.Expression;
  readonly input: ts.Expression | undefined;
  readonly kind: EffectKind;
  readonly what: string;
  readonly scope: ExecutionScope;
  readonly handler: HandlerFunction | undefined;
}

/** `UpdateExpression`s that add to what is there: `ADD`, `SET x = x + :n`, `list_append`. */
const ACCUMULATING_UPDATE = /\bADD\s|\bSET\b[\s\S]*?([#\w.[\]]+)\s*=\s*(?:if_not_exists\s*\(\s*\1\s*,[^)]*\)|\1)\s*[+-]|list_append\s*\(/i;

/**
 * A write or send in a handler whose trigger retries, that does its effect again on each
 * retry: an unconditional put, a counter increment, a message, an email, a charge without
 * an idempotency key, an HTTP POST.
 */
export const LL2101: HandlerRule = {
  id: 'LL2101',
  title: 'Non-idempotent write in a retried handler',
  severity: 'warning',
  scope: 'handler',
  check(ctx) {
    const model = ctx.handler;
    const guards = idempotencyGuards(model);
    const keys = tableKeyNames(ctx);
    const findings: Finding[] = [];
    for (const effect of effects(model)) {
      const triggers = retryingTriggersAt(ctx, effect.scope, effect.handler);
      if (triggers.length === 0 || guards.covers(effect.node, effect.handler)) continue;
      const problem = problemOf(model, effect, keys.all);
      if (problem === undefined) continue;
      const fix = effect.kind === 'put' ? conditionFix(model, effect, keys.partition) : undefined;
      const wording = repeatWording(triggers.map((t) => ({ fn: t.fn, trigger: t.trigger })));
      findings.push({
        ruleId: 'LL2101',
        message: wording.retry(`${effect.what} in ${wording.handler}: ${describeRetries(triggers)}. ${problem}`),
        uri: model.uri,
        span: model.spanOf(effect.node),
        // A put whose key comes from the event often rewrites the same item: a note, not a warning.
        ...(effect.kind === 'put' || wording.severity !== undefined ? { severity: 'info' as const } : {}),
        ...(fix ? { fixes: [fix] } : {}),
      });
    }
    return findings;
  },
};

function effects(model: HandlerModel): Effect[] {
  const out: Effect[] = [];
  for (const c of model.constructions) {
    const cmd = matchCommand(c.import);
    if (cmd) out.push({ node: c.node, input: c.node.arguments?.[0], kind: cmd.kind, what: cmd.what, scope: c.scope, handler: c.handler });
  }
  for (const c of model.calls) {
    const method = matchClientMethod(receiverOrigin(model, c), c.name);
    if (method) {
      out.push({ node: c.node, input: c.node.arguments[0], kind: method.kind, what: method.what, scope: c.scope, handler: c.handler });
      continue;
    }
    const payment = matchPayment(model, c);
    if (payment) {
      out.push({ node: c.node, input: undefined, kind: 'payment', what: `${payment.what} ${c.callee?.split('.').slice(1).join('.') ?? c.name ?? 'call'}`, scope: c.scope, handler: c.handler });
      continue;
    }
    const http = nonIdempotentHttp(model, c);
    if (http) out.push({ node: c.node, input: undefined, kind: 'http', what: `An HTTP ${http} (${c.callee ?? c.name ?? 'request'})`, scope: c.scope, handler: c.handler });
  }
  return out;
}

/** Why the effect repeats on a retry, or `undefined` when it does not (or cannot be told). */
function problemOf(model: HandlerModel, e: Effect, keyNames: ReadonlySet<string>): string | undefined {
  const input = objectArgument(model, e.input);
  const argsText = (e.node as ts.CallExpression | ts.NewExpression).arguments?.map((a) => (objectArgument(model, a) ?? a).getText(model.sourceFile)).join(' ') ?? '';
  switch (e.kind) {
    case 'put': {
      if (!input || mayHaveProperty(input, /^(ConditionExpression|Expected)$/)) return undefined;
      // A random or time-based key is LL2102's finding: a condition would not help.
      const item = objectArgument(model, propertyValue(findProperty(input, 'Item')));
      if (item && item.properties.some((p) => {
        const v = propertyValue(p);
        return isKeyName(propertyName(p), keyNames) && v !== undefined && randomSourceIn(model, v) !== undefined;
      })) return undefined;
      return 'A retry writes the item again without a condition, overwriting whatever changed since the first attempt. Make the put conditional (ConditionExpression: attribute_not_exists(<key>)) and treat ConditionalCheckFailedException as "already done", or wrap the handler with Powertools makeIdempotent.';
    }
    case 'update': {
      if (!input || mayHaveProperty(input, /^(ConditionExpression|Expected)$/)) return undefined;
      const expr = stringProperty(input, 'UpdateExpression');
      if (expr === undefined || !ACCUMULATING_UPDATE.test(expr)) return undefined;
      return `Its UpdateExpression (${JSON.stringify(expr.trim())}) adds to what is stored, so every retry adds again. Record the event id in the same update with a condition that it is not there yet, or use Powertools makeIdempotent.`;
    }
    case 'transaction': {
      const text = input?.getText(model.sourceFile);
      if (text === undefined || /attribute_not_exists\s*\(|ConditionCheck/.test(text)) return undefined;
      const accumulating = [...text.matchAll(/UpdateExpression['"]?\s*:\s*(['"`])([^'"`]*)\1/g)].map((m) => m[2] ?? '').find((x) => ACCUMULATING_UPDATE.test(x));
      if (accumulating === undefined) return undefined;
      return `One of its updates (${JSON.stringify(accumulating.trim())}) adds to what is stored, so every retry adds again. Put a condition on the event id into the same transaction (a Put with attribute_not_exists), or use Powertools makeIdempotent.`;
    }
    case 'events':
      return 'Every retry puts the events again, and EventBridge does not drop duplicates: every consumer sees them twice. Give each event a stable id derived from the source record and make consumers idempotent, or record what was published.';
    case 'message':
    case 'publish': {
      if (/MessageDeduplicationId/.test(argsText) || (e.input !== undefined && !input)) return undefined;
      return `Every retry ${e.kind === 'message' ? 'sends the message' : 'publishes the message'} again. Use a FIFO ${e.kind === 'message' ? 'queue' : 'topic'} with a MessageDeduplicationId derived from the event, or make the consumers idempotent and record what was sent.`;
    }
    case 'execution':
      if (!input || mayHaveProperty(input, 'name')) return undefined;
      return 'Every retry starts another execution. Pass a `name` derived from the event: a standard workflow refuses a second execution with the same name (for 90 days).';
    case 'email':
      return 'Every retry sends the email again. Record that it was sent (a conditional write keyed on the event id) before sending, or use Powertools makeIdempotent.';
    case 'payment':
      if (/idempotency_?key/i.test(argsText)) return undefined;
      return 'Without an idempotencyKey every retry makes the request again (a second charge, refund or transfer). Pass { idempotencyKey } derived from the event (its message id or order id), not a random value.';
    case 'http':
      if (hasIdempotencyHeader(argsText)) return undefined;
      return 'Every retry sends the request again. Send an Idempotency-Key header derived from the event if the API supports one, or record the call with a conditional write first.';
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
const RESERVED = /^(key|name|status|timestamp|date|data|value|values|type|user|count|size|year|month|day|hour|time|zone|order|group|level|state|source|role|comment|action|by|from|to|in|is|as)$/i;

/** Adds `ConditionExpression: 'attribute_not_exists(<key>)'` to a put's input object literal. */
function conditionFix(model: HandlerModel, e: Effect, partitionKeys: ReadonlySet<string>): Fix | undefined {
  const input = objectArgument(model, e.input);
  if (!input) return undefined;
  const item = objectArgument(model, propertyValue(findProperty(input, 'Item')));
  const names = item?.properties.map(propertyName).filter((n): n is string => n !== undefined) ?? [];
  const key = names.find((n) => partitionKeys.has(n)) ?? (partitionKeys.size === 0 ? names.find((n) => /^(pk|PK|id)$/.test(n)) : undefined);
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
