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
import { repeatWording, reportsBatchItemFailures } from '../model/invocation';
import { returnsBatchItemFailures } from '../handlers/python/effects';
import { describePythonRetries, isIdempotent, retrying } from './python';
import { isHandlerScope, localValue } from '../handlers/python/scope';
import {
  type PyCall,
  type PythonHandlerModel,
  hasSplat,
  keywordArgument,
  positionalArguments,
  stringValue,
} from '../handlers/python/model';
import type { PyNode } from '../handlers/python/parser';
import { byLanguage, type PythonRuleContext, type Finding, type Fix, type Rule } from './types';

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
const ACCUMULATING_UPDATE =
  /\bADD\s|\bSET\b[\s\S]*?([#\w.[\]]+)\s*=\s*(?:if_not_exists\s*\(\s*\1\s*,[^)]*\)|\1)\s*[+-]|list_append\s*\(/i;

/**
 * A write or send in a handler whose trigger retries, that does its effect again on each
 * retry: an unconditional put, a counter increment, a message, an email, a charge without
 * an idempotency key, an HTTP POST.
 */
export const LL2101: Rule = {
  id: 'LL2101',
  title: 'Non-idempotent write in a retried handler',
  severity: 'warning',
  handler: byLanguage({
    js(ctx) {
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
    python: pythonLL2101,
  }),
};

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

/** Why the effect repeats on a retry, or `undefined` when it does not (or cannot be told). */
function problemOf(model: HandlerModel, e: Effect, keyNames: ReadonlySet<string>): string | undefined {
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
      const accumulating = [...text.matchAll(/UpdateExpression['"]?\s*:\s*(['"`])([^'"`]*)\1/g)]
        .map((m) => m[2] ?? '')
        .find((x) => ACCUMULATING_UPDATE.test(x));
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
    case 'execution': {
      if (!input) return undefined;
      const name = propertyValue(findProperty(input, 'name'));
      if (name !== undefined && /\bawsRequestId\b/.test(name.getText(model.sourceFile)))
        return 'The name comes from the request id, which changes with every retry (each retry is a new invocation), so a retry starts a second execution under a new name. Derive the name from the event (its message id, sequence number or business id): a standard workflow refuses a second execution with the same name (for 90 days).';
      if (mayHaveProperty(input, 'name')) return undefined;
      return 'Every retry starts another execution. Pass a `name` derived from the event: a standard workflow refuses a second execution with the same name (for 90 days).';
    }
    case 'invoke':
      return 'Every retry invokes the other function again, and its work is done twice (with InvocationType Event it is queued again). Make that function idempotent on an id taken from this event (Powertools), or record the call with a conditional write first.';
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

// ---- Python ----

/** boto3 writes that repeat their effect on a retry, with the keyword that makes them idempotent. */
interface WritePattern {
  readonly what: string;
  readonly kind: 'put' | 'update' | 'message' | 'publish' | 'email' | 'execution' | 'invoke';
  /** The boto3 service names of the client (or resource) the method belongs to. */
  readonly services: readonly string[];
  /** The method name is common outside boto3 (MQTT and Redis `publish`, mailers' `send_email`): the client must be known to be boto3's. */
  readonly needsKnownClient?: true;
}
const WRITES: Readonly<Record<string, WritePattern>> = {
  put_item: { what: 'DynamoDB put_item', kind: 'put', services: ['dynamodb'] },
  update_item: { what: 'DynamoDB update_item', kind: 'update', services: ['dynamodb'] },
  send_message: { what: 'SQS send_message', kind: 'message', services: ['sqs'] },
  send_message_batch: { what: 'SQS send_message_batch', kind: 'message', services: ['sqs'] },
  publish: { what: 'SNS publish', kind: 'publish', services: ['sns'], needsKnownClient: true },
  publish_batch: { what: 'SNS publish_batch', kind: 'publish', services: ['sns'] },
  send_email: { what: 'SES send_email', kind: 'email', services: ['ses', 'sesv2'], needsKnownClient: true },
  send_raw_email: { what: 'SES send_raw_email', kind: 'email', services: ['ses'] },
  send_templated_email: { what: 'SES send_templated_email', kind: 'email', services: ['ses'] },
  start_execution: {
    what: 'Step Functions start_execution',
    kind: 'execution',
    services: ['stepfunctions'],
    needsKnownClient: true,
  },
  invoke: { what: 'Lambda invoke', kind: 'invoke', services: ['lambda'], needsKnownClient: true },
};

function pythonLL2101(ctx: PythonRuleContext): Finding[] {
  const { model } = ctx;
  const out: Finding[] = [];
  for (const c of model.calls) {
    const write = c.name !== undefined && c.receiver !== undefined ? WRITES[c.name] : undefined;
    if (write === undefined || !isHandlerScope(c) || hasSplat(c.node)) continue;
    const service = receiverService(model, c);
    if (service !== undefined ? !write.services.includes(service) : write.needsKnownClient === true) continue;
    const triggers = retrying(ctx, c.handler);
    if (triggers.length === 0 || isIdempotent(model, c)) continue;
    const problem = pythonProblemOf(c.node, write);
    if (problem === undefined) continue;
    const wording = repeatWording(triggers);
    // A message sent or published under partial batch responses, in a per-record `try` that nothing can
    // fail after it: a retry of the record cannot repeat it, only a duplicate delivery can
    // (services-sqs-errorhandling.html); and a queue or topic delivers at least once anyway, so its
    // consumers must already bear duplicates. Counters and executions stay warnings.
    const lastInRecord =
      (write.kind === 'message' || write.kind === 'publish') &&
      triggers.every((t) => t.trigger.type === 'SQS' && reportsBatchItemFailures(t.trigger) === true) &&
      c.handler !== undefined &&
      returnsBatchItemFailures(model, c.handler) &&
      nothingFailsAfter(c.node);
    out.push({
      ruleId: 'LL2101',
      message:
        wording.retry(`${write.what} in ${wording.handler}: ${describePythonRetries(triggers)}. ${problem}`) +
        (lastInRecord
          ? ' Reported as info: the handler catches errors per record and reports the failed ones in batchItemFailures, and nothing after this call can fail its record, so only a duplicate delivery repeats it (which the consumers of a queue or topic must bear anyway).'
          : ''),
      uri: model.uri,
      span: c.span,
      // A put whose key comes from the event usually rewrites the same item: a note, not a warning (as for JS/TS).
      ...(write.kind === 'put' || wording.severity !== undefined || lastInRecord ? { severity: 'info' as const } : {}),
    });
  }
  return out;
}

/**
 * True when the call sits in the body of a `try` inside a loop (and not inside an `except`),
 * whose `except` clauses do not raise, and no statement after the call's statement up to the end of that body makes another
 * call (besides printing and logging): once the call succeeded, its record cannot fail.
 */
function nothingFailsAfter(call: PyNode): boolean {
  let stmt: PyNode = call;
  for (let n = call.parent; n; n = n.parent) {
    if (n.type === 'function_definition' || n.type === 'lambda') return false;
    if (n.type === 'block') {
      let after = false;
      for (const s of n.namedChildren) {
        if (!s) continue;
        if (
          after &&
          s
            .descendantsOfType('call')
            .some((x) => x !== null && !LOGGING.test(x.childForFieldName('function')?.text ?? ''))
        )
          return false;
        if (s.id === stmt.id) after = true;
      }
      const owner = n.parent;
      if (owner?.type === 'try_statement' && owner.childForFieldName('body')?.id === n.id) {
        const clauses = owner.namedChildren.filter((x): x is PyNode => x?.type === 'except_clause');
        if (clauses.length === 0 || clauses.some((x) => x.descendantsOfType('raise_statement').length > 0))
          return false;
        if (owner.namedChildren.some((x) => x?.type === 'else_clause' || x?.type === 'finally_clause')) return false;
        // In error handling already (an `except` around this `try`), the record is on its way to fail.
        for (let l = owner.parent; l && l.type !== 'function_definition'; l = l.parent) {
          if (l.type === 'except_clause') return false;
          if (l.type === 'for_statement') return true;
        }
        return false;
      }
    }
    stmt = n;
  }
  return false;
}

const LOGGING = /^(print|(self\.)?(logger|log|_logger|LOGGER|logging)\.\w+)$/;

/**
 * The boto3 service of a method call's receiver: `sns` for `sns.publish(...)` when
 * `sns = boto3.client("sns")`, `dynamodb` for a `Table` of `boto3.resource("dynamodb")`.
 * Follows names assigned in the enclosing functions and at module scope.
 */
function receiverService(model: PythonHandlerModel, c: PyCall): string | undefined {
  const receiver = c.node.childForFieldName('function')?.childForFieldName('object');
  return receiver ? serviceOf(model, receiver, c.node, 0) : undefined;
}

function serviceOf(model: PythonHandlerModel, node: PyNode, at: PyNode, depth: number): string | undefined {
  if (depth > 4) return undefined;
  if (node.type === 'identifier') {
    const value = localValue(node.text, at) ?? model.moduleValues.get(node.text);
    return value ? serviceOf(model, value, at, depth + 1) : undefined;
  }
  if (node.type === 'attribute' && node.childForFieldName('object')?.text === 'self') {
    // `self.table = boto3.resource(...).Table(...)` anywhere in the module.
    const name = node.childForFieldName('attribute')?.text;
    for (const a of model.tree.rootNode.descendantsOfType('assignment')) {
      if (a?.childForFieldName('left')?.text === `self.${name}`) {
        const v = a.childForFieldName('right');
        if (v) return serviceOf(model, v, at, depth + 1);
      }
    }
    return undefined;
  }
  if (node.type !== 'call') return undefined;
  const call = model.callAt.get(node.id);
  if (call?.origin === 'boto3.client' || call?.origin === 'boto3.resource')
    return stringValue(positionalArguments(node)[0] ?? keywordArgument(node, 'service_name'));
  // `session.client("sqs")`, `dynamodb.Table("orders")`, `boto3.resource("dynamodb").Table(...)`.
  const fn = node.childForFieldName('function');
  const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
  if (method === 'client' || method === 'resource')
    return stringValue(positionalArguments(node)[0] ?? keywordArgument(node, 'service_name'));
  const obj = fn?.type === 'attribute' ? fn.childForFieldName('object') : undefined;
  return method === 'Table' && obj ? serviceOf(model, obj, at, depth + 1) : undefined;
}

function pythonProblemOf(call: PyNode, write: WritePattern): string | undefined {
  switch (write.kind) {
    case 'put':
      if (keywordArgument(call, 'ConditionExpression') !== undefined || keywordArgument(call, 'Expected') !== undefined)
        return undefined;
      return 'Without a ConditionExpression (e.g. "attribute_not_exists(pk)") a retry overwrites the item, and any change made since is lost. Add the condition and treat ConditionalCheckFailedException as "already done", or use Powertools @idempotent.';
    case 'update': {
      const expr = stringValue(keywordArgument(call, 'UpdateExpression'));
      if (
        expr === undefined ||
        !ACCUMULATING_UPDATE.test(expr) ||
        keywordArgument(call, 'ConditionExpression') !== undefined
      )
        return undefined;
      return 'The UpdateExpression adds to the stored value, so each retry adds again. Record the event id in the item and add a ConditionExpression that skips events already applied, or use Powertools @idempotent.';
    }
    case 'message':
    case 'publish':
      if (
        keywordArgument(call, 'MessageDeduplicationId') !== undefined ||
        (keywordArgument(call, 'Entries') !== undefined && /MessageDeduplicationId/.test(call.text))
      )
        return undefined;
      return `Each retry ${write.kind === 'message' ? 'sends the message' : 'publishes'} again, and the consumers see duplicates. Give it a deduplication id from the event (FIFO), make the consumers idempotent, or use Powertools @idempotent.`;
    case 'email':
      return 'Each retry sends the email again. Record that it was sent (a conditional put keyed by the event id) before sending, or use Powertools @idempotent.';
    case 'execution': {
      const name = keywordArgument(call, 'name');
      if (name !== undefined && /\baws_request_id\b/.test(name.text))
        return 'The name comes from the request id, which changes with every retry (each retry is a new invocation), so a retry starts a second execution under a new name. Derive the name from the event (its message id, sequence number or business id): a standard workflow refuses a second execution with the same name (for 90 days).';
      if (name !== undefined) return undefined;
      return 'Each retry starts another execution. Pass a `name` derived from the event: a standard workflow refuses a second execution with the same name (for 90 days).';
    }
    case 'invoke':
      return 'Each retry invokes the other function again, and its work is done twice (with InvocationType Event it is queued again). Make that function idempotent on an id taken from this event (Powertools @idempotent), or record the call with a conditional write first.';
  }
}
