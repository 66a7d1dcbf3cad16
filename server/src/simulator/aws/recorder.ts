/**
 * Every call the handlers make, on the simulated clock, and the duplicate side effects among
 * them: a later attempt of the same input (an async retry, an SQS redelivery, a stream retry —
 * invocations that share a ledger input) that repeats a write whose effect is not idempotent.
 *
 * A write of a later attempt is paired with a write of an earlier attempt to the same service,
 * operation and resource: the one with the same key, else the one with the same content (an
 * item's attributes without its key, a message's body), else — for effects that add and whose
 * content is not known — the first one left. The pair is a duplicate when the effect adds something each time (a message, a
 * publish, an email, an event, an invocation, an `ADD` or `x = x + :n` update), or when it is
 * the same item under a new key; it is not when it writes the same key again (same item, same
 * SET values), when it writes another item (another record of the batch), or when the later
 * call failed (a condition that fails because the first attempt succeeded is the idempotent way).
 */
import type { AwsCall, AwsRequest, CallContext } from './types';

/** What a successful call changed, for pairing attempts. */
export interface Effect {
  /** `service:operation:resource`: writes are paired within it. */
  target: string;
  /** The key it wrote (an item's key, an object's key, an execution name); undefined when it adds. */
  key: string | undefined;
  /** What it wrote apart from the key (an item's other attributes, a message body), to pair repeats under new keys. */
  value?: string;
  /** True when repeating it adds again (messages, counters, emails, events, invocations). */
  additive: boolean;
}

export class CallRecorder {
  readonly calls: AwsCall[] = [];
  private seq = 0;
  /** Calls begun and not answered yet: an invocation that ends meanwhile still lists them (their requests reached AWS). */
  private readonly open = new Set<AwsCall>();
  /** Who hears of a call listed while in flight when it is answered (forInvocation's `onLate`). */
  private readonly late = new Map<AwsCall, (call: AwsCall) => void>();
  /** The effects of each invocation attempt (`requestId#attempt`), in order. */
  private readonly effects = new Map<
    string,
    { call: AwsCall; effect: Effect; inputs: readonly string[]; paired: boolean }[]
  >();

  begin(ctx: CallContext | undefined, req: Pick<AwsRequest, 'service' | 'operation'>, startMs: number): AwsCall {
    this.seq += 1;
    const call: AwsCall = {
      id: `c${this.seq}`,
      function: ctx?.function ?? null,
      requestId: ctx?.requestId ?? null,
      attempt: ctx?.attempt ?? null,
      service: req.service,
      operation: req.operation,
      resource: null,
      startMs,
      durationMs: 0,
      outcome: 'ok',
      errorCode: null,
      summary: req.operation,
      duplicateOf: null,
    };
    this.open.add(call);
    return call;
  }

  /** Records a finished call; a successful write is checked against earlier attempts of its inputs. */
  finish(call: AwsCall, ctx: CallContext | undefined, effect: Effect | undefined): void {
    this.open.delete(call);
    this.calls.push(call);
    this.pair(call, ctx, effect);
    const onLate = this.late.get(call);
    this.late.delete(call);
    onLate?.(call);
  }

  private pair(call: AwsCall, ctx: CallContext | undefined, effect: Effect | undefined): void {
    if (ctx === undefined || effect === undefined || call.outcome !== 'ok') return;
    const attemptKey = `${ctx.requestId}#${ctx.attempt}`;
    const inputs = new Set(ctx.inputs);
    // Earlier attempts of any input this invocation carries, oldest first.
    for (const [key, list] of this.effects) {
      if (key === attemptKey) continue;
      const open = list.filter(
        (e) => !e.paired && e.effect.target === effect.target && e.inputs.some((i) => inputs.has(i)),
      );
      const sameKey = effect.key !== undefined ? open.find((e) => e.effect.key === effect.key) : undefined;
      const sameValue = effect.value !== undefined ? open.find((e) => e.effect.value === effect.value) : undefined;
      // An effect that adds, known by its content (a message body, a recipient), repeats only the same content.
      const match = sameKey ?? sameValue ?? (effect.additive && effect.value === undefined ? open[0] : undefined);
      if (!match) continue;
      match.paired = true;
      // The same key again is idempotent unless the write adds; another key with the same content is a new copy.
      const repeated = effect.additive || (match !== sameKey && match === sameValue);
      if (repeated) call.duplicateOf = match.call.duplicateOf ?? match.call.id;
      break;
    }
    const mine = this.effects.get(attemptKey) ?? [];
    mine.push({ call, effect, inputs: ctx.inputs, paired: false });
    this.effects.set(attemptKey, mine);
  }

  /**
   * The calls an invocation attempt made: those answered, then those still in flight (a handler
   * that returns or fails while other calls of it are pending, such as one record of a batch
   * failing while another's write is on its way). `onLate` hears of each of those when it is answered.
   */
  forInvocation(requestId: string, attempt: number, onLate?: (call: AwsCall) => void): AwsCall[] {
    const mine = (c: AwsCall): boolean => c.requestId === requestId && c.attempt === attempt;
    const inFlight = [...this.open].filter(mine);
    if (onLate) for (const c of inFlight) this.late.set(c, onLate);
    return [
      ...this.calls.filter(mine),
      ...inFlight.map((c) => ({ ...c, summary: `${c.summary} (no answer yet when the invocation ended)` })),
    ];
  }
}

const ADDING_PREFIX = /^(Send|Publish|Start|Invoke|Create|Post)/;

/** The effect of a successful call, or undefined for a read (or a delete: deleting again changes nothing). */
export function effectOf(
  req: Pick<AwsRequest, 'service' | 'operation' | 'params'>,
  resource: string | null,
  extra: { deduplicated?: boolean; keyNames?: readonly string[] } = {},
): Effect | undefined {
  const { service, operation, params } = req;
  const target = `${service}:${operation}:${resource ?? ''}`;
  const json = (v: unknown): string => JSON.stringify(v ?? null);
  if (extra.deduplicated) return undefined;
  switch (service) {
    case 'dynamodb': {
      if (operation === 'PutItem') {
        const item = (params['Item'] ?? {}) as Record<string, unknown>;
        const names = new Set(extra.keyNames ?? []);
        const pick = (keep: boolean): Record<string, unknown> =>
          Object.fromEntries(
            Object.entries(item)
              .filter(([k]) => names.has(k) === keep)
              .sort(([a], [b]) => a.localeCompare(b)),
          );
        // Without the table's key schema, the whole item is its identity.
        if (names.size === 0) return { target, key: json(item), additive: false };
        return { target, key: json(pick(true)), value: json(pick(false)), additive: false };
      }
      if (operation === 'UpdateItem') {
        const update = String(params['UpdateExpression'] ?? '');
        return { target, key: json(params['Key']), additive: isAdditiveUpdate(update, params['AttributeUpdates']) };
      }
      if (operation === 'BatchWriteItem') return { target, key: json(params['RequestItems']), additive: false };
      if (operation === 'TransactWriteItems') {
        const items = Array.isArray(params['TransactItems'])
          ? (params['TransactItems'] as Record<string, Record<string, unknown>>[])
          : [];
        const additive = items.some(
          (i) =>
            i['Update'] !== undefined && isAdditiveUpdate(String(i['Update']['UpdateExpression'] ?? ''), undefined),
        );
        return {
          target,
          key: json(items.map((i) => Object.values(i)[0]?.['Key'] ?? Object.values(i)[0]?.['Item'])),
          additive,
        };
      }
      return undefined;
    }
    case 's3':
      return operation === 'PutObject' || operation === 'CopyObject'
        ? { target, key: resource ?? '', additive: false }
        : undefined;
    case 'ssm':
      return operation === 'PutParameter' ? { target, key: String(params['Name'] ?? ''), additive: false } : undefined;
    case 'secretsmanager':
      return operation === 'PutSecretValue'
        ? { target, key: json(params['SecretString']), additive: false }
        : undefined;
    case 'states':
      if (operation === 'StartExecution' || operation === 'StartSyncExecution') {
        // A named execution cannot start twice (ExecutionAlreadyExists): repeating it is idempotent.
        return typeof params['name'] === 'string'
          ? { target, key: params['name'], additive: false }
          : { target, key: undefined, additive: true };
      }
      return undefined;
    case 'sqs':
      return operation === 'SendMessage' || operation === 'SendMessageBatch'
        ? { target, key: undefined, value: json(params['MessageBody'] ?? params['Entries']), additive: true }
        : undefined;
    case 'sns':
      return operation === 'Publish' || operation === 'PublishBatch'
        ? { target, key: undefined, value: json(params['Message']), additive: true }
        : undefined;
    case 'events':
      return operation === 'PutEvents' ? { target, key: undefined, additive: true } : undefined;
    case 'kinesis':
    case 'firehose':
      return /^Put/.test(operation) ? { target, key: undefined, additive: true } : undefined;
    case 'lambda':
      return operation === 'Invoke' || operation === 'InvokeAsync'
        ? { target, key: undefined, additive: true }
        : undefined;
    case 'ses':
      return /^Send/.test(operation)
        ? {
            target,
            key: undefined,
            value: json(params['Destination'] ?? params['Destinations'] ?? params['Destination.ToAddresses.member.1']),
            additive: true,
          }
        : undefined;
    default:
      return ADDING_PREFIX.test(operation) ? { target, key: undefined, additive: true } : undefined;
  }
}

/** `ADD`, `SET x = x + :n` / `list_append`, or a legacy AttributeUpdates ADD: applying it twice adds twice. */
export function isAdditiveUpdate(expression: string, attributeUpdates: unknown): boolean {
  if (/(^|\s)ADD\s/i.test(` ${expression}`)) return true;
  if (/[#\w.\]]\s*=\s*(if_not_exists\s*\([^)]*\)|[#:\w.[\]]+)\s*[+-]/i.test(expression)) return true;
  if (/list_append/i.test(expression)) return true;
  if (attributeUpdates !== null && typeof attributeUpdates === 'object') {
    return Object.values(attributeUpdates as Record<string, { Action?: string }>).some((u) => u?.Action === 'ADD');
  }
  return false;
}
