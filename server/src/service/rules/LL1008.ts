import { Buffer } from 'node:buffer';
import { ENVIRONMENT_BYTES } from '../limits';
import { isKnown } from '../model/types';
import { functionsUsing, num } from './format';
import type { Finding, TemplateRule } from './types';

/** UTF-8 length without encoding the string (TextEncoder made an array per name and value of every function, at every keystroke). */
const utf8Bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/**
 * Environment variables over 4 KB in total (the sum of names and values). When some values
 * cannot be resolved, only the known part is counted, and only a known part that is already
 * over the limit is reported.
 */
export const LL1008: TemplateRule = {
  id: 'LL1008',
  title: 'Environment variables over 4 KB',
  severity: 'error',
  template({ template }) {
    const out: Finding[] = [];
    for (const fn of template.functions) {
      const env = fn.environment;
      if (env === undefined) continue;
      let bytes = 0;
      let unknown = 0;
      for (const v of env.variables) {
        bytes += utf8Bytes(v.name);
        if (isKnown(v.value)) bytes += utf8Bytes(v.value.value);
        else unknown++;
      }
      if (bytes <= ENVIRONMENT_BYTES.max) continue;
      const partly =
        unknown > 0 || env.partial
          ? ` without the ${unknown > 0 ? `${unknown} value${unknown === 1 ? '' : 's'}` : 'part'} that cannot be resolved`
          : '';
      out.push({
        ruleId: 'LL1008',
        message: `Environment variables take ${num(bytes)} bytes${partly}, over Lambda's limit of ${num(ENVIRONMENT_BYTES.max)} bytes (4 KB) for all names and values together (${functionsUsing(template, fn, (f) => f.environment)}).`,
        uri: env.uri,
        span: env.span,
      });
    }
    return out;
  },
};
