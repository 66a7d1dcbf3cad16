/**
 * The ledger: every input put into the platform (a request, an event, a message, a record) and
 * the fate it ends with, plus the deliveries made for them (destinations, DLQs). Each input
 * settles once, and the run's end settles whatever is still pending, so that the accounting
 * invariant holds: put = succeeded + delivered + dropped (docs/simulator.md).
 */
import type { DeliveryKind, InvocationSource, TraceDelivery, TraceEvent, TraceInput } from './trace';

export class Ledger {
  private readonly inputs = new Map<string, TraceInput>();
  private readonly settled = new Set<string>();
  private readonly sent: TraceDelivery[] = [];
  private seq = 0;

  constructor(
    private readonly now: () => number,
    private readonly emit: (event: TraceEvent) => void,
    /** Prefix of input ids (`WorkerFunction-`) in a run of several functions. */
    private readonly prefix = '',
  ) {}

  /** Register an input; returns its id. It stays pending until settled. */
  put(source: InvocationSource, externalId: string): string {
    const id = `${this.prefix}in-${++this.seq}`;
    this.inputs.set(id, {
      id,
      source,
      putMs: this.now(),
      externalId,
      fate: 'dropped',
      settledMs: -1,
      reason: 'pending',
      attempts: 0,
    });
    return id;
  }

  /** Count a receive of inputs by the handler. */
  attempted(ids: string[]): void {
    for (const id of ids) {
      const input = this.inputs.get(id);
      if (input) input.attempts++;
    }
  }

  /** Give inputs their fate; an input already settled keeps its first fate. */
  settle(ids: string[], fate: TraceInput['fate'], reason: string): void {
    for (const id of ids) {
      const input = this.inputs.get(id);
      if (!input || this.settled.has(id)) continue;
      this.settled.add(id);
      input.fate = fate;
      input.reason = reason;
      input.settledMs = this.now();
      this.emit({ type: 'input-settled', atMs: input.settledMs, input });
    }
  }

  /** Settle every input still pending as dropped, with `reason` (the run ended first). */
  settleRemaining(reason: string): void {
    for (const input of this.inputs.values()) {
      if (!this.settled.has(input.id)) this.settle([input.id], 'dropped', reason);
    }
  }

  deliver(
    kind: DeliveryKind,
    target: string | null,
    inputs: string[],
    requestId: string | null,
    condition: string,
    record: unknown,
  ): void {
    const delivery: TraceDelivery = {
      kind,
      atMs: this.now(),
      target: target ?? '(unnamed)',
      inputs,
      requestId,
      condition,
      record,
    };
    this.sent.push(delivery);
    this.emit({ type: 'delivery', atMs: delivery.atMs, delivery });
  }

  all(): TraceInput[] {
    return [...this.inputs.values()];
  }

  deliveries(): TraceDelivery[] {
    return [...this.sent];
  }
}
