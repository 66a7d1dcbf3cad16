/**
 * Search over the run's invocations: request id, environment, outcome, error type and message,
 * and log lines. A query matches as a case-insensitive regular expression or as plain text
 * (so `alert(1)` finds itself), and as plain text alone when it is not a valid regex. Pure: no DOM.
 */
import type { TraceInvocation } from '../../../server/src/simulator/trace';

/** A matcher for `query`, or null for an empty query. */
export function matcher(query: string): ((text: string) => boolean) | null {
  const q = query.trim();
  if (q === '') return null;
  const lower = q.toLowerCase();
  const plain = (text: string): boolean => text.toLowerCase().includes(lower);
  try {
    const re = new RegExp(q, 'i');
    return (text) => re.test(text) || plain(text);
  } catch {
    return plain;
  }
}

function fieldsOf(inv: TraceInvocation): string[] {
  return [
    inv.requestId,
    inv.env ?? 'throttled',
    inv.outcome,
    inv.source,
    inv.errorType ?? '',
    inv.error?.errorMessage ?? '',
    inv.throttleReason ?? '',
    ...inv.logs,
  ];
}

/** Indices (into `invocations`) of the matching invocations, in the order of `order`. */
export function findMatches(
  invocations: readonly TraceInvocation[],
  order: readonly number[],
  query: string,
): number[] {
  const test = matcher(query);
  if (!test) return [];
  return order.filter((i) => fieldsOf(invocations[i]!).some(test));
}

/** The match to go to from the current position `current` (an index into `matches`, or -1), in direction `dir`. */
export function stepMatch(count: number, current: number, dir: 1 | -1): number {
  if (count === 0) return -1;
  if (current < 0) return dir > 0 ? 0 : count - 1;
  return (current + dir + count) % count;
}
