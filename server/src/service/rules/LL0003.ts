import type { TemplateRule } from './types';

/**
 * A file past one of the input budgets (server/src/service/input.ts): nested too deeply to
 * read safely, or YAML aliases that expand past the node budget. One note says which; the
 * rest of the workspace is checked as usual.
 */
export const LL0003: TemplateRule = {
  id: 'LL0003',
  title: 'File too large or too complex to check',
  severity: 'warning',
  template({ template }) {
    const over = template.overLimit;
    if (over === undefined) return [];
    return [
      {
        ruleId: 'LL0003',
        message: `Lambda Lens did not check this file: ${over.message}.`,
        uri: template.uri,
        span: over.span,
      },
    ];
  },
};
