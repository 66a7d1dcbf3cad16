/**
 * Shared by the handler retry rules (LL2101–LL2104): which linked functions' triggers retry
 * the code at a given place, and whether that code is already made idempotent.
 */
import ts from 'typescript';
import type { ExecutionScope, HandlerFunction, HandlerModel } from '../handlers/model';
import {
  DEDUP_READ_COMMANDS,
  DEDUP_READS,
  EVENT_ID_NAMES,
  IDEMPOTENT_MIDDLEWARE,
  IDEMPOTENT_WRAPPERS,
  idempotentFunctions,
  insideAny,
  objectArgument,
} from '../handlers/idempotency';
import { retryClause, retryingTriggers } from '../model/invocation';
import type { FunctionModel, Trigger } from '../model/types';
import { get, getPath, scalarString } from '../templates/tree';
import type { JsRuleContext } from './types';

/** A template function and one of its triggers that retries. */
export interface RetryingTrigger {
  readonly fn: FunctionModel;
  readonly trigger: Trigger;
}

function triggersOf(ctx: JsRuleContext, exportName: string): RetryingTrigger[] {
  return ctx.functions
    .filter((l) => l.exportName === exportName)
    .flatMap((l) => {
      const isPermission = (t: Trigger) =>
        t.definedBy === 'resource' && l.template.resolver?.resourceType(t.name) === 'AWS::Lambda::Permission';
      return retryingTriggers(l.fn, isPermission).map((trigger) => ({ fn: l.fn, trigger }));
    });
}

/**
 * The retrying triggers behind code at `scope`: the handler's own, or, for a helper function
 * of the file, those of the file's handlers when every linked handler is retried.
 */
export function retryingTriggersAt(
  ctx: JsRuleContext,
  scope: ExecutionScope,
  handler: HandlerFunction | undefined,
): RetryingTrigger[] {
  if (scope === 'handler' && handler) return triggersOf(ctx, handler.exportName);
  if (scope !== 'function') return [];
  const linked = ctx.handler.handlers.filter((h) => ctx.functions.some((l) => l.exportName === h.exportName));
  const per = linked.map((h) => triggersOf(ctx, h.exportName));
  return per.length > 0 && per.every((t) => t.length > 0) ? per.flat() : [];
}

/** "SQS (OrdersQueue) redelivers …", for the first retrying trigger (and how many more there are). */
export function describeRetries(triggers: readonly RetryingTrigger[]): string {
  const first = triggers[0];
  if (!first) return '';
  const others = new Set(triggers.slice(1).map((t) => `${t.fn.logicalId}/${t.trigger.name}`)).size;
  return (
    retryClause(first.fn, first.trigger) +
    (others > 0 ? ` (and ${others} more retrying trigger${others === 1 ? '' : 's'})` : '')
  );
}

const guardsByModel = new WeakMap<HandlerModel, IdempotencyGuards>();

/** The guards of a model, computed once for all the rules that ask. */
export function idempotencyGuards(model: HandlerModel): IdempotencyGuards {
  let g = guardsByModel.get(model);
  if (g === undefined) {
    g = new IdempotencyGuards(model);
    guardsByModel.set(model, g);
  }
  return g;
}

/** Whether code is covered by an idempotency mechanism the rules recognise. */
class IdempotencyGuards {
  private readonly protectedFns: Set<ts.Node>;
  private readonly middleware: boolean;
  private readonly dedup: boolean;

  constructor(model: HandlerModel) {
    this.protectedFns = idempotentFunctions(model);
    this.middleware = IDEMPOTENT_MIDDLEWARE.test(model.text);
    this.dedup = hasDedupCheck(model);
  }

  /** True when `node` runs under Powertools idempotency or after an explicit dedup check on the event's id. */
  covers(node: ts.Node, handler: HandlerFunction | undefined): boolean {
    if (this.dedup || this.middleware || insideAny(node, this.protectedFns)) return true;
    return handler !== undefined && handler.wrappers.some((w) => IDEMPOTENT_WRAPPERS.test(w.split('.').at(-1) ?? ''));
  }
}

/**
 * An explicit dedup check: a read of a dedup record, or a conditional write, keyed on the
 * event's id (`messageId`, `eventID`, S3 `sequencer`, `requestContext.requestId`, …).
 */
function hasDedupCheck(model: HandlerModel): boolean {
  const mentionsEventId = (args: readonly ts.Expression[]) =>
    args.some((a) => {
      const obj = objectArgument(model, a);
      return EVENT_ID_NAMES.test((obj ?? a).getText(model.sourceFile));
    });
  // A write that succeeds only the first time: `attribute_not_exists(…)` on a key built from the event id.
  const conditional = (args: readonly ts.Expression[]) => {
    const obj = objectArgument(model, args[0]);
    return obj !== undefined && /attribute_not_exists\s*\(/.test(obj.getText(model.sourceFile));
  };
  for (const c of model.constructions) {
    const name = c.className?.split('.').at(-1) ?? '';
    const args = c.node.arguments ?? [];
    // Names first: reading argument text is the costly part.
    const read = DEDUP_READ_COMMANDS.test(name);
    const write = /^(Put|PutItem|Update|UpdateItem|TransactWrite|TransactWriteItems)Command$/.test(name);
    if ((read || write) && mentionsEventId(args) && (read || conditional(args))) return true;
  }
  for (const c of model.calls) {
    if (c.name === undefined) continue;
    const args = c.node.arguments;
    const read = DEDUP_READS.test(c.name);
    const write = /^(put|putItem|update|updateItem|transactWrite|transactWriteItems)$/.test(c.name);
    // Redis `SET key value NX`: only the first delivery gets to set it.
    const setNx = c.name === 'set' && args.some((a) => ts.isStringLiteralLike(a) && a.text.toUpperCase() === 'NX');
    if (!read && !write && !setNx) continue;
    if (!mentionsEventId(args)) continue;
    if (read || setNx || conditional(args)) return true;
  }
  return false;
}

/** Key attribute names of the DynamoDB tables in the linked templates: partition keys first. */
export function tableKeyNames(ctx: JsRuleContext): {
  readonly partition: ReadonlySet<string>;
  readonly all: ReadonlySet<string>;
} {
  const partition = new Set<string>();
  const all = new Set<string>();
  for (const link of ctx.functions) {
    const resources = get(link.template.root, 'Resources');
    if (resources?.kind !== 'map') continue;
    for (const e of resources.entries) {
      const type = scalarString(get(e.value, 'Type'));
      const props = get(e.value, 'Properties');
      if (type === 'AWS::Serverless::SimpleTable') {
        const name = scalarString(getPath(props, 'PrimaryKey', 'Name')) ?? 'id';
        partition.add(name);
        all.add(name);
      } else if (type === 'AWS::DynamoDB::Table' || type === 'AWS::DynamoDB::GlobalTable') {
        const schema = get(props, 'KeySchema');
        if (schema?.kind !== 'seq') continue;
        for (const k of schema.items) {
          const name = scalarString(get(k, 'AttributeName'));
          if (name === undefined) continue;
          all.add(name);
          if (scalarString(get(k, 'KeyType')) === 'HASH') partition.add(name);
        }
      }
    }
  }
  return { partition, all };
}
