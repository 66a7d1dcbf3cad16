import { RESERVED_ENV_VARS } from '../limits';
import type { FunctionModel } from '../model/types';
import { functionsUsing } from './format';
import type { Finding, TemplateRule } from './types';

const RESERVED: ReadonlySet<string> = new Set(RESERVED_ENV_VARS.names);

const nameOf = (f: FunctionModel, name: string) => {
  const v = f.environment?.variables.find((x) => x.name === name);
  return v === undefined ? undefined : { span: v.nameSpan };
};

/** An environment variable whose name Lambda reserves: the deploy fails. */
export const LL1009: TemplateRule = {
  id: 'LL1009',
  title: 'Reserved environment variable name',
  severity: 'error',
  template({ template }) {
    const out: Finding[] = [];
    for (const fn of template.functions) {
      for (const v of fn.environment?.variables ?? []) {
        if (!RESERVED.has(v.name)) continue;
        out.push({
          ruleId: 'LL1009',
          message: `${v.name} is a reserved environment variable: Lambda sets it and rejects a function configuration that sets it (${functionsUsing(template, fn, (f) => nameOf(f, v.name))}).`,
          uri: v.uri,
          span: v.nameSpan,
        });
      }
    }
    return out;
  },
};
