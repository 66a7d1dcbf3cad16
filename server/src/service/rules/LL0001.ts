import type { TemplateRule } from './types';

/**
 * A line that opens with a Jinja statement tag (`{% if … %}`, `{%- endif %}`): the file is the
 * source of a template that a generator renders (cookiecutter, as `sam init`'s app templates do;
 * https://cookiecutter.readthedocs.io/en/stable/), not a template. Such a line is never valid
 * YAML or JSON outside a block scalar or a string, and in those the file parses.
 */
const JINJA_STATEMENT = /^[ \t]*\{%-?[ \t]*[a-z]/m;
/**
 * A Jinja expression (`{{ cookiecutter.runtime }}-v1`): a dotted name in double braces. Counted
 * only on the line of the syntax error: CloudFormation's own `{{resolve:…}}` has a colon.
 */
const JINJA_EXPRESSION = /\{\{-?\s*[A-Za-z_][\w]*(\.[A-Za-z_]\w*|\[[^\]\n]*\])*\s*(\|[^}\n]*)?-?\}\}/;

function isJinjaSource(text: string, errorAt: number): boolean {
  if (JINJA_STATEMENT.test(text)) return true;
  const start = text.lastIndexOf('\n', errorAt - 1) + 1;
  const end = text.indexOf('\n', errorAt);
  return JINJA_EXPRESSION.test(text.slice(start, end < 0 ? text.length : end));
}

/** A template that does not parse: one finding at the first error, so nothing else is guessed. */
export const LL0001: TemplateRule = {
  id: 'LL0001',
  title: 'Template does not parse',
  severity: 'error',
  template({ template }) {
    const e = template.syntaxError;
    if (e === undefined) return [];
    if (isJinjaSource(template.text, e.span.start))
      return [
        {
          ruleId: 'LL0001',
          severity: 'info',
          message: `This file holds Jinja tags ({% … %}, {{ … }}): it is the source a generator such as cookiecutter renders a template from, not a template, so Lambda Lens did not check it. Check the template it renders. (First error as YAML or JSON: ${e.message})`,
          uri: template.uri,
          span: e.span,
        },
      ];
    return [
      { ruleId: 'LL0001', message: `This template does not parse: ${e.message}`, uri: template.uri, span: e.span },
    ];
  },
};
