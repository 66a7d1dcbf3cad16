/**
 * EventBridge event patterns (also SNS filter policies, which use the same operators on message
 * attributes): does an event match a pattern?
 *
 * Semantics from https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
 * and eb-create-pattern-operators.html:
 * - every field of the pattern must match (AND); a field's array lists alternatives (OR);
 * - a pattern field matches an event array when any element matches;
 * - literal strings, numbers (compared as numbers), booleans and null match exactly;
 * - operators: prefix, suffix (both also with equals-ignore-case), equals-ignore-case,
 *   anything-but (a value, a list, or a prefix/suffix/equals-ignore-case/wildcard), numeric
 *   (=, <, <=, >, >= pairs), exists, wildcard (`*`), cidr; `$or` lists alternative sub-patterns.
 * - a field the event lacks matches only `{"exists": false}`; `anything-but` needs the field.
 */

type Json = unknown;

export function matchesPattern(pattern: Json, event: Json): boolean {
  if (pattern === null || typeof pattern !== 'object' || Array.isArray(pattern)) return false;
  return matchObject(pattern as Record<string, Json>, event);
}

function matchObject(pattern: Record<string, Json>, value: Json): boolean {
  for (const [key, sub] of Object.entries(pattern)) {
    if (key === '$or') {
      if (
        !Array.isArray(sub) ||
        !sub.some((alt) => alt !== null && typeof alt === 'object' && matchObject(alt as Record<string, Json>, value))
      )
        return false;
      continue;
    }
    const field =
      value !== null && typeof value === 'object' && !Array.isArray(value)
        ? (value as Record<string, Json>)[key]
        : undefined;
    if (Array.isArray(sub)) {
      if (!matchField(sub, field)) return false;
    } else if (sub !== null && typeof sub === 'object') {
      // A nested pattern: the event's value must be an object (or a list of them) that matches.
      const candidates = Array.isArray(field) ? field : [field];
      if (!candidates.some((c) => matchObject(sub as Record<string, Json>, c ?? {}))) {
        // `{"a": {"b": [{"exists": false}]}}` matches an event without `a`.
        if (!(field === undefined && matchObject(sub as Record<string, Json>, {}))) return false;
      }
    } else {
      return false;
    }
  }
  return true;
}

/** One pattern field (a list of alternatives) against the event's value (absent, a scalar, or a list). */
function matchField(alternatives: Json[], field: Json): boolean {
  const present = field !== undefined;
  const values: Json[] = Array.isArray(field) ? field : [field];
  return alternatives.some((alt) => {
    if (alt !== null && typeof alt === 'object' && !Array.isArray(alt)) {
      const op = alt as Record<string, Json>;
      if ('exists' in op)
        return op['exists'] === true ? present && !(Array.isArray(field) && field.length === 0) : !present;
      if (!present) return false;
      if ('anything-but' in op) return values.some((v) => !matchAnythingBut(op['anything-but'], v));
      return values.some((v) => matchOperator(op, v));
    }
    if (!present) return false;
    return values.some((v) => literalEquals(alt, v));
  });
}

function literalEquals(alt: Json, v: Json): boolean {
  if (typeof alt === 'number' && typeof v === 'number') return alt === v;
  return alt === v;
}

/** True when `v` is one of the values `anything-but` excludes. */
function matchAnythingBut(spec: Json, v: Json): boolean {
  if (Array.isArray(spec)) return spec.some((s) => literalEquals(s, v));
  if (spec !== null && typeof spec === 'object') return matchOperator(spec as Record<string, Json>, v);
  return literalEquals(spec, v);
}

function matchOperator(op: Record<string, Json>, v: Json): boolean {
  const [name, arg] = Object.entries(op)[0] ?? [];
  switch (name) {
    case 'prefix':
      if (typeof v !== 'string') return false;
      if (typeof arg === 'string') return v.startsWith(arg);
      return (
        typeof (arg as Record<string, Json>)?.['equals-ignore-case'] === 'string' &&
        v.toLowerCase().startsWith(String((arg as Record<string, Json>)['equals-ignore-case']).toLowerCase())
      );
    case 'suffix':
      if (typeof v !== 'string') return false;
      if (typeof arg === 'string') return v.endsWith(arg);
      return (
        typeof (arg as Record<string, Json>)?.['equals-ignore-case'] === 'string' &&
        v.toLowerCase().endsWith(String((arg as Record<string, Json>)['equals-ignore-case']).toLowerCase())
      );
    case 'equals-ignore-case':
      return typeof v === 'string' && typeof arg === 'string' && v.toLowerCase() === arg.toLowerCase();
    case 'wildcard':
      return typeof v === 'string' && typeof arg === 'string' && wildcard(arg).test(v);
    case 'numeric':
      return typeof v === 'number' && Array.isArray(arg) && numeric(arg, v);
    case 'cidr':
      return typeof v === 'string' && typeof arg === 'string' && inCidr(v, arg);
    default:
      return false;
  }
}

function wildcard(pattern: string): RegExp {
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 's');
}

function numeric(spec: Json[], v: number): boolean {
  for (let i = 0; i + 1 < spec.length; i += 2) {
    const op = spec[i];
    const n = spec[i + 1];
    if (typeof n !== 'number') return false;
    const ok =
      op === '='
        ? v === n
        : op === '<'
          ? v < n
          : op === '<='
            ? v <= n
            : op === '>'
              ? v > n
              : op === '>='
                ? v >= n
                : false;
    if (!ok) return false;
  }
  return spec.length >= 2;
}

function inCidr(ip: string, cidr: string): boolean {
  const [net, bits] = cidr.split('/');
  const a = ipv4(ip);
  const b = ipv4(net ?? '');
  const n = Number(bits);
  if (a === undefined || b === undefined || !Number.isInteger(n) || n < 0 || n > 32) return false;
  const mask = n === 0 ? 0 : (~0 << (32 - n)) >>> 0;
  return (a & mask) >>> 0 === (b & mask) >>> 0;
}

function ipv4(s: string): number | undefined {
  const parts = s.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  return (
    (((parts[0] as number) << 24) |
      ((parts[1] as number) << 16) |
      ((parts[2] as number) << 8) |
      (parts[3] as number)) >>>
    0
  );
}
