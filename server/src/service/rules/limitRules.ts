/**
 * The configuration-limit rules (LL1001–LL1013): what Lambda would reject or cap. One list for
 * the registry (index.ts) and the simulator's check before a run (simulator/validate.ts), which
 * imports this module alone so that its bundle holds no other rule.
 */
import { LL1001 } from './LL1001';
import { LL1002 } from './LL1002';
import { LL1003 } from './LL1003';
import { LL1004 } from './LL1004';
import { LL1005 } from './LL1005';
import { LL1006 } from './LL1006';
import { LL1007 } from './LL1007';
import { LL1008 } from './LL1008';
import { LL1009 } from './LL1009';
import { LL1010 } from './LL1010';
import { LL1011 } from './LL1011';
import { LL1012 } from './LL1012';
import { LL1013 } from './LL1013';
import type { TemplateRule } from './types';

export const LIMIT_RULES: readonly TemplateRule[] = [
  LL1001,
  LL1002,
  LL1003,
  LL1004,
  LL1005,
  LL1006,
  LL1007,
  LL1008,
  LL1009,
  LL1010,
  LL1011,
  LL1012,
  LL1013,
];
