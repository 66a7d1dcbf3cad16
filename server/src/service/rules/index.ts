import type { Rule } from './types';
import { LL0001 } from './LL0001';
import { LL1001 } from './LL1001';

/** Every rule, in id order. Add a rule by writing its file and listing it here. */
export const RULES: readonly Rule[] = [LL0001, LL1001];

const BY_ID = new Map(RULES.map((r) => [r.id, r]));

export function ruleById(id: string): Rule | undefined {
  return BY_ID.get(id);
}
