import type { Setting } from '../model/types';
import { isKnown } from '../model/types';
import type { Finding } from './types';

/** A number as a person reads it in a message: `10,240`. */
export function num(n: number): string {
  return n.toLocaleString('en-US');
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
    return [{
      ruleId,
      message: `${describe.what} ${num(v)}${unit} is outside Lambda's range of ${num(limit.min)}–${num(limit.max)}${unit} (${describe.owner}).`,
      uri: setting.uri,
      span: setting.span,
    }];
  }
  if (describe.whole === true && !Number.isInteger(v)) {
    return [{
      ruleId,
      message: `${describe.what} ${v}${unit} is not a whole number; Lambda accepts only integers here (${describe.owner}).`,
      uri: setting.uri,
      span: setting.span,
    }];
  }
  return [];
}
