import type { Span } from '../model/types';
import type { TemplateDocument } from '../templates/template';
import { get, nodeAt, scalarString } from '../templates/tree';
import { FUNCTION_PROPERTIES, type PropertyDoc } from './properties';

/** A hover: Markdown and the span it applies to. */
export interface HoverResult {
  readonly markdown: string;
  readonly span: Span;
}

const FUNCTION_TYPES = new Set(['AWS::Serverless::Function', 'AWS::Lambda::Function']);

/** Hover for a template position: explains Lambda properties under the cursor. */
export function templateHover(template: TemplateDocument, offset: number): HoverResult | undefined {
  const root = template.root;
  if (root === undefined) return undefined;
  const at = nodeAt(root, offset);
  if (at === undefined || at.entries.length === 0) return undefined;
  const keys = at.keys;
  const last = at.entries[at.entries.length - 1];
  if (last === undefined) return undefined;
  let doc: PropertyDoc | undefined;
  if (keys[0] === 'Globals' && keys[1] === 'Function' && keys.length === 3) {
    doc = FUNCTION_PROPERTIES[last.key];
  } else if (keys[0] === 'Resources' && keys[2] === 'Properties' && keys.length === 4) {
    const type = scalarString(get(get(get(root, 'Resources'), keys[1] ?? ''), 'Type'));
    if (type !== undefined && FUNCTION_TYPES.has(type)) doc = FUNCTION_PROPERTIES[last.key];
  }
  if (doc === undefined) return undefined;
  return { markdown: render(last.key, doc), span: last.keySpan };
}

function render(title: string, doc: PropertyDoc): string {
  const lines = [`**${title}**`, '', doc.summary];
  if (doc.limits && doc.limits.length > 0) lines.push('', ...doc.limits.map((l) => `- ${l}`));
  if (doc.source) lines.push('', `[AWS documentation](${doc.source})`);
  return lines.join('\n');
}
