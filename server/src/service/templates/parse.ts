import { parseDocument, isMap, isSeq, isScalar, isAlias, isPair, type Node as YamlNode, type Document } from 'yaml';
import { parseTree, type Node as JsonNode, type ParseError, printParseErrorCode } from 'jsonc-parser';
import type { Span } from '../model/types';
import { INTRINSIC_FUNCTIONS, SHORT_FORM_TAGS, type TEntry, type TNode } from './tree';

/** A syntax error in a document, at an offset range. */
export interface SyntaxProblem {
  readonly message: string;
  readonly span: Span;
}

export interface ParsedTree {
  /** The root node, or `undefined` when the text could not be read at all. */
  readonly root: TNode | undefined;
  readonly syntaxErrors: readonly SyntaxProblem[];
  readonly format: 'yaml' | 'json';
}

/**
 * Parses YAML or JSON text into a {@link TNode} tree. JSON is tried first when the text
 * starts with `{`, because every JSON template is also YAML but JSON's errors read better.
 */
export function parseTreeText(text: string, format?: 'yaml' | 'json'): ParsedTree {
  const fmt = format ?? (/^\s*[{[]/.test(text) ? 'json' : 'yaml');
  return fmt === 'json' ? parseJson(text) : parseYaml(text);
}

function parseYaml(text: string): ParsedTree {
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { uniqueKeys: false, merge: true, strict: false, prettyErrors: false });
  } catch (e) {
    return { root: undefined, syntaxErrors: [{ message: `YAML could not be read: ${String(e)}`, span: { start: 0, end: 0 } }], format: 'yaml' };
  }
  const syntaxErrors = doc.errors.map((e) => ({ message: cleanYamlMessage(e.message), span: { start: e.pos[0], end: Math.max(e.pos[1], e.pos[0]) } }));
  const root = doc.contents ? convertYaml(doc.contents as YamlNode, doc, text, 0) : undefined;
  return { root, syntaxErrors, format: 'yaml' };
}

function cleanYamlMessage(m: string): string {
  return m.replace(/ at line \d+, column \d+:?[\s\S]*$/, '');
}

/** Alias chains deeper than this are not followed (a "billion laughs" document). */
const MAX_DEPTH = 200;

function convertYaml(node: YamlNode, doc: Document.Parsed, text: string, depth: number): TNode {
  const span = yamlSpan(node);
  if (depth > MAX_DEPTH) return { kind: 'scalar', span, value: null };
  if (isAlias(node)) {
    const target = node.resolve(doc);
    if (!target) return { kind: 'scalar', span, value: null };
    // The alias points elsewhere; keep the alias's own span so findings land where it is used.
    return withSpan(convertYaml(target, doc, text, depth + 1), span);
  }
  const tag = node.tag;
  if (tag !== undefined && tag.startsWith('!') && !tag.startsWith('!!')) {
    const fn = SHORT_FORM_TAGS[tag.slice(1)];
    if (fn !== undefined) {
      const inner = convertUntagged(node, doc, text, depth);
      return { kind: 'intrinsic', span: { start: tagStart(text, tag, span.start), end: span.end }, fn, arg: inner };
    }
  }
  const converted = convertUntagged(node, doc, text, depth);
  return longFormIntrinsic(converted);
}

function convertUntagged(node: YamlNode, doc: Document.Parsed, text: string, depth: number): TNode {
  const span = yamlSpan(node);
  if (isMap(node)) {
    const entries: TEntry[] = [];
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const k = pair.key as YamlNode | null;
      const key = k && isScalar(k) ? String(k.value) : k ? String(k.toString()) : '';
      const keySpan = k ? yamlSpan(k) : span;
      const v = pair.value as YamlNode | null;
      const value: TNode = v ? convertYaml(v, doc, text, depth + 1) : { kind: 'scalar', span: { start: keySpan.end, end: keySpan.end }, value: null };
      entries.push({ key, keySpan, value });
    }
    return { kind: 'map', span, entries };
  }
  if (isSeq(node)) {
    const items: TNode[] = [];
    for (const item of node.items) {
      if (item && typeof item === 'object' && 'range' in item) items.push(convertYaml(item as YamlNode, doc, text, depth + 1));
    }
    return { kind: 'seq', span, items };
  }
  if (isScalar(node)) {
    const v = node.value;
    const value = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null ? v : typeof v === 'bigint' ? Number(v) : String(v);
    return { kind: 'scalar', span, value };
  }
  return { kind: 'scalar', span, value: null };
}

/** A tagged node's range starts at its value; the span of an intrinsic starts at its `!Tag`. */
function tagStart(text: string, tag: string, valueStart: number): number {
  const at = text.lastIndexOf(tag, valueStart);
  return at >= 0 && /^\s*$/.test(text.slice(at + tag.length, valueStart)) ? at : valueStart;
}

function yamlSpan(node: YamlNode): Span {
  const r = node.range;
  return r ? { start: r[0], end: r[1] } : { start: 0, end: 0 };
}

function withSpan(node: TNode, span: Span): TNode {
  return { ...node, span };
}

/** `{ "Ref": "X" }` and `{ "Fn::Sub": … }` become intrinsic nodes. */
function longFormIntrinsic(node: TNode): TNode {
  if (node.kind !== 'map' || node.entries.length !== 1) return node;
  const only = node.entries[0];
  if (only === undefined || !INTRINSIC_FUNCTIONS.has(only.key)) return node;
  return { kind: 'intrinsic', span: node.span, fn: only.key, arg: only.value };
}

function parseJson(text: string): ParsedTree {
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  const syntaxErrors = errors.map((e) => ({ message: jsonErrorMessage(e), span: { start: e.offset, end: e.offset + Math.max(e.length, 1) } }));
  return { root: tree ? convertJson(tree, 0) : undefined, syntaxErrors, format: 'json' };
}

function jsonErrorMessage(e: ParseError): string {
  const words = printParseErrorCode(e.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return `JSON: ${words}`;
}

function convertJson(node: JsonNode, depth: number): TNode {
  const span = { start: node.offset, end: node.offset + node.length };
  if (depth > MAX_DEPTH) return { kind: 'scalar', span, value: null };
  switch (node.type) {
    case 'object': {
      const entries: TEntry[] = [];
      for (const prop of node.children ?? []) {
        const [k, v] = prop.children ?? [];
        if (!k) continue;
        const keySpan = { start: k.offset, end: k.offset + k.length };
        const value: TNode = v ? convertJson(v, depth + 1) : { kind: 'scalar', span: { start: keySpan.end, end: keySpan.end }, value: null };
        entries.push({ key: String(k.value), keySpan, value });
      }
      return longFormIntrinsic({ kind: 'map', span, entries });
    }
    case 'array':
      return { kind: 'seq', span, items: (node.children ?? []).map((c) => convertJson(c, depth + 1)) };
    case 'string':
    case 'number':
    case 'boolean':
      return { kind: 'scalar', span, value: node.value as string | number | boolean };
    default:
      return { kind: 'scalar', span, value: null };
  }
}
