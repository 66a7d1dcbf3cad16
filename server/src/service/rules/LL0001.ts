import type { TemplateRule } from './types';

/** A template that does not parse: one finding at the first error, so nothing else is guessed. */
export const LL0001: TemplateRule = {
  id: 'LL0001',
  title: 'Template does not parse',
  severity: 'error',
  template({ template }) {
    const e = template.syntaxError;
    if (e === undefined) return [];
    return [
      { ruleId: 'LL0001', message: `This template does not parse: ${e.message}`, uri: template.uri, span: e.span },
    ];
  },
};
