import { changingKeysOf } from '../handlers/extract';
import { repeatWording } from '../model/invocation';
import { describeRetries, retryingTriggersAt, tableKeyNames } from './retried';
import type { Finding, Rule } from './types';

/** What a retry does with a changing key, and how to derive one from the event. */
const CONSEQUENCES = {
  js: {
    record:
      "so every retry writes a new record instead of overwriting the first attempt's: duplicates. Derive the key from the event (the message id, S3 object key and sequencer, or the business id in the payload).",
    dedup:
      'so every retry sends a key nobody has seen and is not recognised as a repeat. Derive the key from the event (its message id or business id).',
  },
  python: {
    record:
      "so every retry writes a new record instead of overwriting the first attempt's: duplicates. Derive the key from the event (the message id, S3 object key, or the business id in the payload).",
    dedup:
      'so every retry sends a key nobody has seen and is not recognised as a repeat. Derive the key from the event (its message id or business id).',
  },
} as const;

/**
 * A random or time-based value (`randomUUID()`, `uuid.v4()`, `Date.now()`) used as a record
 * key or an idempotency key in a handler whose trigger retries: every retry writes a new
 * record, or sends a key nobody has seen, instead of meeting the first attempt's.
 */
export const LL2102: Rule = {
  id: 'LL2102',
  title: 'Random or time-based key in a retried handler',
  severity: 'warning',
  handler({ file }) {
    const seen = new Set<string>();
    const findings: Finding[] = [];
    for (const key of changingKeysOf(file, tableKeyNames(file).all)) {
      const triggers = retryingTriggersAt(file, key.runsIn);
      if (triggers.length === 0 || key.idempotent) continue;
      // One finding per changing value, however many keys it ends up in.
      const at = `${key.span.start}:${key.span.end}`;
      if (seen.has(at)) continue;
      seen.add(at);
      const wording = repeatWording(triggers);
      findings.push({
        ruleId: 'LL2102',
        message: wording.retry(
          `\`${key.name}\` is set from ${key.source}, which changes on every attempt, in ${wording.handler}: ${describeRetries(triggers)}; ${CONSEQUENCES[file.language][key.role]}`,
        ),
        uri: file.uri,
        span: key.span,
        ...(wording.severity !== undefined ? { severity: wording.severity } : {}),
      });
    }
    return findings;
  },
};
