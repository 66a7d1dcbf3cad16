/**
 * Shared by the handler retry rules (LL2101–LL2104): which linked functions' triggers retry
 * the code at a given place, and whether that code is already made idempotent.
 */
import { handlerNamesOf, linksOf } from '../handlers/extract';
import type { HandlerFile, RunsIn } from '../handlers/facts';
import { retryClause, retryingTriggers } from '../model/invocation';
import type { FunctionModel, Trigger } from '../model/types';
import { get, getPath, scalarString } from '../templates/tree';

/** A template function and one of its triggers that retries. */
export interface RetryingTrigger {
  readonly fn: FunctionModel;
  readonly trigger: Trigger;
}

/** The triggers that retry one handler of the file, for every template function linked to it. */
export function retryingTriggersOf(file: HandlerFile, handler: string): RetryingTrigger[] {
  return linksOf(file, handler).flatMap((l) => {
    const isPermission = (t: Trigger) =>
      t.definedBy === 'resource' && l.template.resolver?.resourceType(t.name) === 'AWS::Lambda::Permission';
    return retryingTriggers(l.fn, isPermission).map((trigger) => ({ fn: l.fn, trigger }));
  });
}

/**
 * The retrying triggers behind code that runs in `runsIn`: a handler's own, or, for a helper
 * function of the file, those of the file's handlers when every linked handler is retried.
 */
export function retryingTriggersAt(file: HandlerFile, runsIn: RunsIn): RetryingTrigger[] {
  if (runsIn !== 'helper') return retryingTriggersOf(file, runsIn.handler);
  const linked = handlerNamesOf(file).filter((h) => linksOf(file, h).length > 0);
  const per = linked.map((h) => retryingTriggersOf(file, h));
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

/** Key attribute names of the DynamoDB tables in the linked templates: partition keys first. */
export function tableKeyNames(file: HandlerFile): {
  readonly partition: ReadonlySet<string>;
  readonly all: ReadonlySet<string>;
} {
  const partition = new Set<string>();
  const all = new Set<string>();
  for (const link of file.links) {
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
