import { LAYERS } from '../limits';
import { isKnown } from '../model/types';
import { functionsUsing } from './format';
import type { TemplateRule } from './types';

/** More than five layers (after SAM Globals' layers are added to the function's own). */
export const LL1010: TemplateRule = {
  id: 'LL1010',
  title: 'More than 5 layers',
  severity: 'error',
  template({ template }) {
    return template.functions.flatMap((fn) => {
      const layers = fn.layers;
      if (!isKnown(layers) || layers.value.length <= LAYERS.max) return [];
      // Layers merged in from SAM Globals lie outside the function's own list.
      const inherited = layers.value.filter(
        (l) => l.span.start < layers.span.start || l.span.start >= layers.span.end,
      ).length;
      const globals = inherited > 0 && inherited < layers.value.length ? ` (${inherited} of them from Globals)` : '';
      return [
        {
          ruleId: 'LL1010',
          message: `${layers.value.length} layers${globals} for ${functionsUsing(template, fn, (f) => f.layers)}; Lambda allows at most ${LAYERS.max} layers per function.`,
          uri: layers.uri,
          span: layers.span,
        },
      ];
    });
  },
};
