import ts from 'typescript';
import {
  IDEMPOTENCY_KEY_NAMES,
  KEY_NAMES,
  findProperty,
  matchClientMethod,
  matchCommand,
  matchPayment,
  nonIdempotentHttp,
  objectArgument,
  propertyName,
  propertyValue,
  randomSourceIn,
  receiverOrigin,
} from '../handlers/idempotency';
import type { ExecutionScope, HandlerFunction, HandlerModel } from '../handlers/model';
import { idempotencyGuards, describeRetries, retryingTriggersAt, tableKeyNames } from './retried';
import { repeatWording } from '../model/invocation';
import { describePythonRetries, isIdempotent, retrying } from './python';
import { assignedName, isHandlerScope } from '../handlers/python/scope';
import { type PyCall, enclosingFunction, stringValue } from '../handlers/python/model';
import type { PyNode } from '../handlers/python/parser';
import { byLanguage, type PythonRuleContext, type Finding, type Rule } from './types';

/** A place where a value must be the same on every delivery of an event. */
interface KeyUse {
  readonly name: string;
  readonly value: ts.Expression;
  /** `record`: a record key (a retry creates a duplicate); `dedup`: an idempotency or deduplication key (a retry is not recognised). */
  readonly role: 'record' | 'dedup';
  readonly at: ts.Node;
  readonly scope: ExecutionScope;
  readonly handler: HandlerFunction | undefined;
}

/**
 * A random or time-based value (`randomUUID()`, `uuid.v4()`, `Date.now()`) used as a record
 * key or an idempotency key in a handler whose trigger retries: every retry writes a new
 * record, or sends a key nobody has seen, instead of meeting the first attempt's.
 */
export const LL2102: Rule = {
  id: 'LL2102',
  title: 'Random or time-based key in a retried handler',
  severity: 'warning',
  handler: byLanguage({
    js(ctx) {
      const model = ctx.handler;
      const guards = idempotencyGuards(model);
      const keyNames = tableKeyNames(ctx).all;
      const seen = new Set<ts.Node>();
      const findings: Finding[] = [];
      for (const use of keyUses(model, keyNames)) {
        const triggers = retryingTriggersAt(ctx, use.scope, use.handler);
        if (triggers.length === 0 || guards.covers(use.at, use.handler)) continue;
        const source = randomSourceIn(model, use.value);
        if (!source || seen.has(source)) continue;
        seen.add(source);
        const made = source.getText(model.sourceFile).replace(/\s+/g, ' ');
        const consequence =
          use.role === 'record'
            ? "so every retry writes a new record instead of overwriting the first attempt's: duplicates. Derive the key from the event (the message id, S3 object key and sequencer, or the business id in the payload)."
            : 'so every retry sends a key nobody has seen and is not recognised as a repeat. Derive the key from the event (its message id or business id).';
        const wording = repeatWording(triggers);
        findings.push({
          ruleId: 'LL2102',
          message: wording.retry(
            `\`${use.name}\` is set from ${made}, which changes on every attempt, in ${wording.handler}: ${describeRetries(triggers)}; ${consequence}`,
          ),
          uri: model.uri,
          span: model.spanOf(source),
          ...(wording.severity !== undefined ? { severity: wording.severity } : {}),
        });
      }
      return findings;
    },
    python: pythonLL2102,
  }),
};

function keyUses(model: HandlerModel, keyNames: ReadonlySet<string>): KeyUse[] {
  const out: KeyUse[] = [];
  const isKey = (n: string | undefined) => n !== undefined && (keyNames.size > 0 ? keyNames.has(n) : KEY_NAMES.test(n));
  const recordKeys = (
    obj: ts.ObjectLiteralExpression | undefined,
    at: ts.Node,
    scope: ExecutionScope,
    handler: HandlerFunction | undefined,
  ) => {
    for (const p of obj?.properties ?? []) {
      const v = propertyValue(p);
      const name = propertyName(p);
      if (v && name !== undefined && isKey(name)) out.push({ name, value: v, role: 'record', at, scope, handler });
    }
  };
  const dedupKeys = (
    args: readonly ts.Expression[],
    at: ts.Node,
    scope: ExecutionScope,
    handler: HandlerFunction | undefined,
  ) => {
    const visit = (n: ts.Node): void => {
      if (ts.isPropertyAssignment(n) || ts.isShorthandPropertyAssignment(n)) {
        const name = propertyName(n);
        const v = propertyValue(n);
        if (name !== undefined && v && IDEMPOTENCY_KEY_NAMES.test(name))
          out.push({ name, value: v, role: 'dedup', at, scope, handler });
      }
      ts.forEachChild(n, visit);
    };
    for (const a of args) visit(objectArgument(model, a) ?? a);
  };
  // A Step Functions execution name is its idempotency key.
  const executionName = (
    input: ts.ObjectLiteralExpression | undefined,
    at: ts.Node,
    scope: ExecutionScope,
    handler: HandlerFunction | undefined,
  ) => {
    const v = propertyValue(input ? findProperty(input, 'name') : undefined);
    if (v) out.push({ name: 'name', value: v, role: 'dedup', at, scope, handler });
  };
  for (const c of model.constructions) {
    const cmd = matchCommand(c.import);
    if (!cmd) continue;
    const input = objectArgument(model, c.node.arguments?.[0]);
    if (cmd.kind === 'put' && input)
      recordKeys(objectArgument(model, propertyValue(findProperty(input, 'Item'))), c.node, c.scope, c.handler);
    if ((cmd.kind === 'message' || cmd.kind === 'publish') && c.node.arguments)
      dedupKeys(c.node.arguments, c.node, c.scope, c.handler);
    if (cmd.kind === 'execution') executionName(input, c.node, c.scope, c.handler);
  }
  for (const c of model.calls) {
    const method = matchClientMethod(receiverOrigin(model, c), c.name);
    const input = objectArgument(model, c.node.arguments[0]);
    if (method?.kind === 'execution') executionName(input, c.node, c.scope, c.handler);
    else if (method?.kind === 'put' && input)
      recordKeys(objectArgument(model, propertyValue(findProperty(input, 'Item'))), c.node, c.scope, c.handler);
    else if (
      method?.kind === 'message' ||
      method?.kind === 'publish' ||
      matchPayment(model, c) ||
      nonIdempotentHttp(model, c)
    )
      dedupKeys(c.node.arguments, c.node, c.scope, c.handler);
  }
  return out;
}

// ---- Python ----

/** Sources of values that change on every attempt. */
const RANDOM_SOURCES: ReadonlySet<string> = new Set([
  'uuid.uuid1',
  'uuid.uuid4',
  'time.time',
  'time.time_ns',
  'datetime.datetime.now',
  'datetime.datetime.utcnow',
  'datetime.now',
  'datetime.utcnow',
  'secrets.token_hex',
  'secrets.token_urlsafe',
  'random.random',
  'random.randint',
  'ulid.new',
  'ulid.ULID',
  'ksuid.ksuid',
  'nanoid.generate',
]);
/** Record key names: `id`, `pk`, `order_id`, `orderId`, `PK`, `SK`, dedup ids. */
const KEY_NAME = /^(id|pk|sk|key|uuid|.*_id|.*Id|.*ID|MessageDeduplicationId|MessageGroupId)$/i;

function pythonLL2102(ctx: PythonRuleContext): Finding[] {
  const { model } = ctx;
  const out: Finding[] = [];
  for (const c of model.calls) {
    if (!isHandlerScope(c) || !RANDOM_SOURCES.has(c.origin ?? '')) continue;
    const triggers = retrying(ctx, c.handler);
    if (triggers.length === 0 || isIdempotent(model, c)) continue;
    const key = keyUse(c);
    if (key === undefined) continue;
    const wording = repeatWording(triggers);
    out.push({
      ruleId: 'LL2102',
      message: wording.retry(
        `\`${key}\` is set from ${c.origin}(), which changes on every attempt, in ${wording.handler}: ${describePythonRetries(triggers)}; so every retry writes a new record instead of overwriting the first attempt's: duplicates. Derive the key from the event (the message id, S3 object key, or the business id in the payload).`,
      ),
      uri: model.uri,
      span: c.span,
      ...(wording.severity !== undefined ? { severity: wording.severity } : {}),
    });
  }
  return out;
}

/** The record key a random value ends up in: a dict entry named like a key, directly or through one variable. */
function keyUse(c: PyCall): string | undefined {
  let node: PyNode = c.node;
  // Through `str(...)`, f-strings and string concatenation.
  while (
    node.parent &&
    (node.parent.type === 'argument_list' ||
      node.parent.type === 'call' ||
      node.parent.type === 'interpolation' ||
      node.parent.type === 'string' ||
      node.parent.type === 'binary_operator')
  )
    node = node.parent;
  const p = node.parent;
  if (p?.type === 'pair') {
    const k = stringValue(p.childForFieldName('key'));
    return k !== undefined && KEY_NAME.test(k) ? k : undefined;
  }
  if (p?.type === 'keyword_argument') {
    const k = p.childForFieldName('name')?.text;
    return k !== undefined && KEY_NAME.test(k) ? k : undefined;
  }
  const assigned = assignedName(node);
  if (assigned === undefined || assigned.name.includes('.')) return undefined;
  const fn = enclosingFunction(c.node);
  if (!fn) return undefined;
  // `order_id = str(uuid.uuid4())` then `Item={'order_id': order_id}` / `Key=…`.
  for (const pair of fn.descendantsOfType(['pair', 'keyword_argument'])) {
    if (!pair) continue;
    const value = pair.childForFieldName('value');
    if (value?.type !== 'identifier' || value.text !== assigned.name) continue;
    const k = pair.type === 'pair' ? stringValue(pair.childForFieldName('key')) : pair.childForFieldName('name')?.text;
    if (k !== undefined && KEY_NAME.test(k)) return k;
  }
  return undefined;
}
