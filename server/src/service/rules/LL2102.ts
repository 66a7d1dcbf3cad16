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
import type { Finding, HandlerRule } from './types';

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
export const LL2102: HandlerRule = {
  id: 'LL2102',
  title: 'Random or time-based key in a retried handler',
  severity: 'warning',
  scope: 'handler',
  check(ctx) {
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
          ? 'so every retry writes a new record instead of overwriting the first attempt\'s: duplicates. Derive the key from the event (the message id, S3 object key and sequencer, or the business id in the payload).'
          : 'so every retry sends a key nobody has seen and is not recognised as a repeat. Derive the key from the event (its message id or business id).';
      const wording = repeatWording(triggers);
      findings.push({
        ruleId: 'LL2102',
        message: wording.retry(`\`${use.name}\` is set from ${made}, which changes on every attempt, in ${wording.handler}: ${describeRetries(triggers)}; ${consequence}`),
        uri: model.uri,
        span: model.spanOf(source),
        ...(wording.severity !== undefined ? { severity: wording.severity } : {}),
      });
    }
    return findings;
  },
};

function keyUses(model: HandlerModel, keyNames: ReadonlySet<string>): KeyUse[] {
  const out: KeyUse[] = [];
  const isKey = (n: string | undefined) => n !== undefined && (keyNames.size > 0 ? keyNames.has(n) : KEY_NAMES.test(n));
  const recordKeys = (obj: ts.ObjectLiteralExpression | undefined, at: ts.Node, scope: ExecutionScope, handler: HandlerFunction | undefined) => {
    for (const p of obj?.properties ?? []) {
      const v = propertyValue(p);
      const name = propertyName(p);
      if (v && name !== undefined && isKey(name)) out.push({ name, value: v, role: 'record', at, scope, handler });
    }
  };
  const dedupKeys = (args: readonly ts.Expression[], at: ts.Node, scope: ExecutionScope, handler: HandlerFunction | undefined) => {
    const visit = (n: ts.Node): void => {
      if (ts.isPropertyAssignment(n) || ts.isShorthandPropertyAssignment(n)) {
        const name = propertyName(n);
        const v = propertyValue(n);
        if (name !== undefined && v && IDEMPOTENCY_KEY_NAMES.test(name)) out.push({ name, value: v, role: 'dedup', at, scope, handler });
      }
      ts.forEachChild(n, visit);
    };
    for (const a of args) visit(objectArgument(model, a) ?? a);
  };
  // A Step Functions execution name is its idempotency key.
  const executionName = (input: ts.ObjectLiteralExpression | undefined, at: ts.Node, scope: ExecutionScope, handler: HandlerFunction | undefined) => {
    const v = propertyValue(input ? findProperty(input, 'name') : undefined);
    if (v) out.push({ name: 'name', value: v, role: 'dedup', at, scope, handler });
  };
  for (const c of model.constructions) {
    const cmd = matchCommand(c.import);
    if (!cmd) continue;
    const input = objectArgument(model, c.node.arguments?.[0]);
    if (cmd.kind === 'put' && input) recordKeys(objectArgument(model, propertyValue(findProperty(input, 'Item'))), c.node, c.scope, c.handler);
    if ((cmd.kind === 'message' || cmd.kind === 'publish') && c.node.arguments) dedupKeys(c.node.arguments, c.node, c.scope, c.handler);
    if (cmd.kind === 'execution') executionName(input, c.node, c.scope, c.handler);
  }
  for (const c of model.calls) {
    const method = matchClientMethod(receiverOrigin(model, c), c.name);
    const input = objectArgument(model, c.node.arguments[0]);
    if (method?.kind === 'execution') executionName(input, c.node, c.scope, c.handler);
    else if (method?.kind === 'put' && input) recordKeys(objectArgument(model, propertyValue(findProperty(input, 'Item'))), c.node, c.scope, c.handler);
    else if (method?.kind === 'message' || method?.kind === 'publish' || matchPayment(model, c) || nonIdempotentHttp(model, c)) dedupKeys(c.node.arguments, c.node, c.scope, c.handler);
  }
  return out;
}
