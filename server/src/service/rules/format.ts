import type { FunctionModel, Setting, Span } from '../model/types';
import type { TemplateDocument } from '../templates/template';
import { isKnown } from '../model/types';
import { formatNumber } from '../model/numbers';
import type { Finding } from './types';

/** A number as a person reads it in a message: `10,240`. */
export function num(n: number): string {
  return formatNumber(n);
}

/**
 * A finding when a known number lies outside `[min, max]` or (when `whole`) is not a whole
 * number. Unknown and absent values give nothing: rules never guess.
 */
export function rangeFinding(
  ruleId: string,
  setting: Setting<number> | undefined,
  limit: { readonly min: number; readonly max: number },
  describe: { readonly what: string; readonly unit: string; readonly owner: string; readonly whole?: boolean },
): Finding[] {
  if (!isKnown(setting)) return [];
  const v = setting.value;
  const unit = describe.unit === '' ? '' : ` ${describe.unit}`;
  if (v < limit.min || v > limit.max) {
    return [
      {
        ruleId,
        message: `${describe.what} ${num(v)}${unit} is outside Lambda's range of ${num(limit.min)}–${num(limit.max)}${unit} (${describe.owner}).`,
        uri: setting.uri,
        span: setting.span,
      },
    ];
  }
  if (describe.whole === true && !Number.isInteger(v)) {
    return [
      {
        ruleId,
        message: `${describe.what} ${v}${unit} is not a whole number; Lambda accepts only integers here (${describe.owner}).`,
        uri: setting.uri,
        span: setting.span,
      },
    ];
  }
  return [];
}

/** Labels already computed, per template and value span (a value node belongs to one property). */
const labels = new WeakMap<TemplateDocument, Map<string, string>>();

/**
 * Names the functions a value applies to. A value set once (SAM Globals, serverless.yml `provider`) is reported once
 * (findings on the same span are merged), so the message names every function that uses it.
 */
export function functionsUsing(
  template: TemplateDocument,
  fn: FunctionModel,
  select: (f: FunctionModel) => { readonly span: Span } | undefined,
): string {
  const at = select(fn)?.span;
  // A value inside the function's own resource is its alone.
  if (at === undefined || (at.start >= fn.span.start && at.end <= fn.span.end)) return `function ${fn.logicalId}`;
  let cache = labels.get(template);
  if (cache === undefined) {
    cache = new Map();
    labels.set(template, cache);
  }
  const key = `${at.start}:${at.end}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const names = template.functions
    .filter((f) => {
      const s = select(f)?.span;
      return s !== undefined && s.start === at.start && s.end === at.end;
    })
    .map((f) => f.logicalId);
  const shown =
    names.length <= 3
      ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1] ?? ''}`
      : `${names.slice(0, 2).join(', ')} and ${names.length - 2} more`;
  const label =
    names.length <= 1
      ? `function ${fn.logicalId}`
      : `functions ${shown}, from ${fn.kind === 'serverless' ? 'provider' : 'Globals'}`;
  cache.set(key, label);
  return label;
}
