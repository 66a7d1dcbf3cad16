import type { Rule } from './types';
import { LL0001 } from './LL0001';
import { LL0003 } from './LL0003';
import { LIMIT_RULES } from './limitRules';
import { LL2001 } from './LL2001';
import { LL2002 } from './LL2002';
import { LL2003 } from './LL2003';
import { LL2004 } from './LL2004';
import { LL2005 } from './LL2005';
import { LL2006 } from './LL2006';
import { LL2007 } from './LL2007';
import { LL2008 } from './LL2008';
import { LL2009 } from './LL2009';
import { LL2010 } from './LL2010';
import { LL2011 } from './LL2011';
import { LL2101 } from './LL2101';
import { LL2102 } from './LL2102';
import { LL2103 } from './LL2103';
import { LL2104 } from './LL2104';
import { LL3001 } from './LL3001';
import { LL3002 } from './LL3002';
import { LL3003 } from './LL3003';
import { LL3004 } from './LL3004';
import { LL3005 } from './LL3005';
import { LL3006 } from './LL3006';
import { LL3007 } from './LL3007';
import { LL4001 } from './LL4001';
import { LL4002 } from './LL4002';
import { LL4003 } from './LL4003';
import { LL4004 } from './LL4004';
import { LL4005 } from './LL4005';
import { LL4006 } from './LL4006';
import { LL4007 } from './LL4007';
import { LL5001 } from './LL5001';
import { LL5002 } from './LL5002';
import { LL5003 } from './LL5003';

/** Every rule, in id order, each once. Add a rule by writing its file and listing it here. */
export const RULES: readonly Rule[] = [
  LL0001,
  LL0003,
  ...LIMIT_RULES,
  LL2001,
  LL2002,
  LL2003,
  LL2004,
  LL2005,
  LL2006,
  LL2007,
  LL2008,
  LL2009,
  LL2010,
  LL2011,
  LL2101,
  LL2102,
  LL2103,
  LL2104,
  LL3001,
  LL3002,
  LL3003,
  LL3004,
  LL3005,
  LL3006,
  LL3007,
  LL4001,
  LL4002,
  LL4003,
  LL4004,
  LL4005,
  LL4006,
  LL4007,
  LL5001,
  LL5002,
  LL5003,
];

const BY_ID = new Map(RULES.map((r) => [r.id, r]));

export function ruleById(id: string): Rule | undefined {
  return BY_ID.get(id);
}
