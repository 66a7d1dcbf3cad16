import { MEMORY } from '../limits';
import { isKnown } from '../model/types';
import { functionsUsing } from './format';
import type { TemplateRule } from './types';

/** MemorySize outside 128–10,240 MB or not a whole number of MB. */
export const LL1001: TemplateRule = {
  id: 'LL1001',
  title: 'MemorySize out of range',
  severity: 'error',
  template({ template }) {
    return template.functions.flatMap((fn) => {
      const m = fn.memorySize;
      if (!isKnown(m)) return [];
      if (m.value < MEMORY.min || m.value > MEMORY.max) {
        return [
          {
            ruleId: 'LL1001',
            message: `MemorySize ${m.value} MB is outside Lambda's range of ${MEMORY.min}–${MEMORY.max.toLocaleString('en-US')} MB (${functionsUsing(template, fn, (f) => f.memorySize)}).`,
            uri: m.uri,
            span: m.span,
          },
        ];
      }
      if (!Number.isInteger(m.value)) {
        return [
          {
            ruleId: 'LL1001',
            message: `MemorySize ${m.value} MB is not a whole number of MB; Lambda sets memory in 1 MB steps (${functionsUsing(template, fn, (f) => f.memorySize)}).`,
            uri: m.uri,
            span: m.span,
          },
        ];
      }
      return [];
    });
  },
};
