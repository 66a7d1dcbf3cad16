import { EPHEMERAL_STORAGE } from '../limits';
import { functionsUsing, rangeFinding } from './format';
import type { TemplateRule } from './types';

/** EphemeralStorage.Size outside 512–10,240 MB. */
export const LL1002: TemplateRule = {
  id: 'LL1002',
  title: 'EphemeralStorage size out of range',
  severity: 'error',
  template({ template }) {
    return template.functions.flatMap((fn) =>
      rangeFinding('LL1002', fn.ephemeralStorage, EPHEMERAL_STORAGE, {
        what: 'EphemeralStorage.Size',
        unit: EPHEMERAL_STORAGE.unit,
        owner: functionsUsing(template, fn, (f) => f.ephemeralStorage),
        whole: true,
      }),
    );
  },
};
