/**
 * Text edits that add or change template properties while keeping the document's own style:
 * YAML block or flow maps with the file's indentation, or JSON. Quick fixes are built from
 * these, so a fix never reformats what the user wrote.
 */
import type { FunctionModel, Span, Trigger } from '../model/types';
import type { Edit } from '../model/findings';
import type { TemplateDocument } from '../templates/template';
import { asMap, get, getEntry, getPath, type TMap } from '../templates/tree';

/** A value to write into a template; rendered as YAML or JSON to match the document. */
export type Snippet = ScalarSnippet | MapSnippet | SeqSnippet;

interface ScalarSnippet {
  readonly kind: 'scalar';
  readonly yaml: string;
  readonly json: string;
}

interface MapSnippet {
  readonly kind: 'map';
  readonly entries: readonly (readonly [string, Snippet])[];
}

/** Only lists of scalars are needed by the fixes so far; they are written in flow style. */
interface SeqSnippet {
  readonly kind: 'seq';
  readonly items: readonly ScalarSnippet[];
}

export function numberSnippet(n: number): ScalarSnippet {
  return { kind: 'scalar', yaml: String(n), json: String(n) };
}

/** A plain word (an enum value or a type name); it needs no quoting in YAML. */
export function wordSnippet(s: string): ScalarSnippet {
  return { kind: 'scalar', yaml: s, json: JSON.stringify(s) };
}

export function getAttSnippet(logicalId: string, attribute: string): ScalarSnippet {
  return {
    kind: 'scalar',
    yaml: `!GetAtt ${logicalId}.${attribute}`,
    json: `{ "Fn::GetAtt": [${JSON.stringify(logicalId)}, ${JSON.stringify(attribute)}] }`,
  };
}

export function refSnippet(logicalId: string): ScalarSnippet {
  return { kind: 'scalar', yaml: `!Ref ${logicalId}`, json: `{ "Ref": ${JSON.stringify(logicalId)} }` };
}

export function mapSnippet(entries: Readonly<Record<string, Snippet>>): MapSnippet {
  return { kind: 'map', entries: Object.entries(entries) };
}

export function seqSnippet(...items: ScalarSnippet[]): SeqSnippet {
  return { kind: 'seq', items };
}

/** Replaces a value (e.g. a number) in place. */
export function replaceEdit(uri: string, span: Span, text: string): Edit {
  return { uri, span, newText: text };
}

/**
 * Sets `path` under `map` to `value`: walks the maps that exist and inserts the rest as one
 * new entry (`Properties: { VisibilityTimeout: 180 }` when `Properties` is missing).
 * Returns `undefined` when a key on the way exists but is not a map, or already holds a value.
 */
export function setPathEdit(
  template: TemplateDocument,
  map: TMap,
  path: readonly string[],
  value: Snippet,
): Edit | undefined {
  const [key, ...rest] = path;
  if (key === undefined) return undefined;
  const existing = getEntry(map, key);
  if (existing !== undefined) {
    if (rest.length === 0 || existing.value.kind !== 'map') return undefined;
    return setPathEdit(template, existing.value, rest, value);
  }
  let nested: Snippet = value;
  for (let i = rest.length - 1; i >= 0; i--) nested = { kind: 'map', entries: [[rest[i] as string, nested]] };
  return insertEntryEdit(template, map, key, nested);
}

/** Adds `key: value` as the last entry of `map`. */
export function insertEntryEdit(template: TemplateDocument, map: TMap, key: string, value: Snippet): Edit {
  const text = template.text;
  const eol = lineBreakOf(template);
  const step = indentStep(template);
  const last = map.entries[map.entries.length - 1];
  if (template.format === 'json') {
    if (last === undefined) {
      const indent = ' '.repeat(columnOf(text, map.span.start));
      return insertAt(
        template.uri,
        map.span.start + 1,
        ` ${JSON.stringify(key)}: ${renderJson(value, indent, step, eol)} `,
      );
    }
    const indent = ' '.repeat(columnOf(text, last.keySpan.start));
    return insertAt(
      template.uri,
      last.value.span.end,
      `,${eol}${indent}${JSON.stringify(key)}: ${renderJson(value, indent, step, eol)}`,
    );
  }
  if (isFlow(text, map) || last === undefined) {
    const close = text.lastIndexOf('}', map.span.end - 1);
    const sep = last === undefined ? ' ' : ', ';
    return insertAt(
      template.uri,
      trimBack(text, close),
      `${sep}${key}: ${renderYamlFlow(value)}${last === undefined ? ' ' : ''}`,
    );
  }
  const indent = ' '.repeat(columnOf(text, last.keySpan.start));
  const lines = renderYamlEntry(key, value, indent, ' '.repeat(step));
  return insertAt(template.uri, lineEnd(text, trimBack(text, last.value.span.end)), eol + lines.join(eol));
}

/** The template's line break, looked for once per template (quick fixes are made for every finding). */
function lineBreakOf(template: TemplateDocument): string {
  let eol = lineBreaks.get(template);
  if (eol === undefined) lineBreaks.set(template, (eol = template.text.includes('\r\n') ? '\r\n' : '\n'));
  return eol;
}
const lineBreaks = new WeakMap<TemplateDocument, string>();

function insertAt(uri: string, offset: number, newText: string): Edit {
  return { uri, span: { start: offset, end: offset }, newText };
}

function isFlow(text: string, map: TMap): boolean {
  return text[map.span.start] === '{';
}

/** The offset just after the last non-space character before `offset`. */
function trimBack(text: string, offset: number): number {
  let i = offset;
  while (i > 0 && /\s/.test(text[i - 1] ?? '')) i--;
  return i;
}

/** The offset of the end of the line holding `offset - 1` (before its line break). */
function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  if (nl < 0) return text.length;
  return text[nl - 1] === '\r' ? nl - 1 : nl;
}

function columnOf(text: string, offset: number): number {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return offset - lineStart;
}

/** The document's indentation step, read from the first entry under `Resources` (2 when unknown). */
function indentStep(template: TemplateDocument): number {
  const resources = getEntry(template.root, 'Resources');
  const first = resources?.value.kind === 'map' ? resources.value.entries[0] : undefined;
  if (resources === undefined || first === undefined) return 2;
  const step = columnOf(template.text, first.keySpan.start) - columnOf(template.text, resources.keySpan.start);
  return step > 0 ? step : 2;
}

function renderYamlEntry(key: string, value: Snippet, indent: string, step: string): string[] {
  if (value.kind !== 'map') return [`${indent}${key}: ${renderYamlFlow(value)}`];
  return [`${indent}${key}:`, ...value.entries.flatMap(([k, v]) => renderYamlEntry(k, v, indent + step, step))];
}

function renderYamlFlow(value: Snippet): string {
  switch (value.kind) {
    case 'scalar':
      return value.yaml;
    case 'seq':
      return `[${value.items.map((i) => i.yaml).join(', ')}]`;
    case 'map':
      return `{ ${value.entries.map(([k, v]) => `${k}: ${renderYamlFlow(v)}`).join(', ')} }`;
  }
}

function renderJson(value: Snippet, indent: string, step: number, eol: string): string {
  switch (value.kind) {
    case 'scalar':
      return value.json;
    case 'seq':
      return `[${value.items.map((i) => i.json).join(', ')}]`;
    case 'map': {
      const inner = indent + ' '.repeat(step);
      const body = value.entries
        .map(([k, v]) => `${inner}${JSON.stringify(k)}: ${renderJson(v, inner, step, eol)}`)
        .join(`,${eol}`);
      return `{${eol}${body}${eol}${indent}}`;
    }
  }
}

/** The `Properties` map of a trigger: its SAM event's, or its own resource's. */
export function triggerProperties(template: TemplateDocument, fn: FunctionModel, trigger: Trigger): TMap | undefined {
  return trigger.definedBy === 'event'
    ? asMap(getPath(template.resolver?.resource(fn.logicalId), 'Properties', 'Events', trigger.name, 'Properties'))
    : asMap(get(template.resolver?.resource(trigger.name), 'Properties'));
}
