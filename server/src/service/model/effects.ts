/**
 * What a handler's code does to the world, whatever its language: the facts that decide
 * whether a lost or repeated event loses or repeats work. The JS/TS and Python analyses
 * (handlers/effects.ts, handlers/python/effects.ts) fill it; template rules about retries and
 * failure destinations (LL2003, LL2004, LL2005) read it.
 */
import type { Finding } from './findings';

export interface HandlerEffects {
  /**
   * Calls whose effect the analysis cannot rule out (SDK calls that write, HTTP, database or
   * file writes, anything it does not know to be a read, local computation or logging), as
   * written, first few only. Empty: the handler only reads, computes, logs and returns.
   */
  readonly effects: readonly string[];
  /**
   * False when every statement of the handler runs inside a try whose handlers catch every
   * error and neither rethrow nor report it: an invocation then fails only by a timeout or a
   * crash of the runtime, never by an error of its code.
   */
  readonly errorsEscape: boolean;
  /**
   * True when the handler returns a partial batch response (`batchItemFailures`), itself or
   * through a library (Powertools batch, middy): it relies on ReportBatchItemFailures.
   */
  readonly partialBatchResponse: boolean;
}

/** Why retry and failure settings cannot matter much for this handler, or `undefined` when they can. */
export function lowStakes(e: HandlerEffects | undefined): string | undefined {
  if (e === undefined) return undefined;
  if (!e.errorsEscape)
    return 'the handler catches every error and returns, so only a timeout or a crash can fail an event';
  if (e.effects.length === 0)
    return 'the handler has no effect beyond reading, logging and computing its result, so a lost or repeated event loses or repeats nothing';
  return undefined;
}

/**
 * A retry-wiring finding (LL2003–LL2005) on a handler whose effects are known: info, saying
 * why, when a lost or repeated event cannot lose or repeat work; unchanged otherwise.
 */
export function withStakes(finding: Finding, e: HandlerEffects | undefined): Finding {
  const why = lowStakes(e);
  return why === undefined
    ? finding
    : {
        ...finding,
        // Read, not copied: a spread does not copy fixes built on demand (withLazyFixes).
        ...(finding.fixes !== undefined ? { fixes: finding.fixes } : {}),
        severity: 'info',
        message: `${finding.message} Reported as info: ${why}.`,
      };
}
