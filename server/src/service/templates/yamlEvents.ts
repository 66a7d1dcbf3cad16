import {
  CHOMPING_MODE,
  COLLECTION_STYLE,
  EVENT_ID,
  SCALAR_STYLE,
  getScalarValue,
  parseEvents,
  YAMLException,
  type Event,
  type ScalarEvent,
} from 'js-yaml';
import type { Span } from '../model/types';
import { SHORT_FORM_TAGS, longFormIntrinsic, tagStart, type TEntry, type TNode } from './tree';

/**
 * The fast reader of YAML templates: js-yaml's event stream (`parseEvents`, a flat list of
 * events that point into the text by offset) turned into a {@link TNode} tree. It reads the
 * serverless-patterns corpus about 2.5× faster than the `yaml` package's `parseDocument`
 * (bench/start.ts), which stays the reader of everything else (templates/parse.ts).
 *
 * The tree must be the one the `yaml` package's reader makes (templates/parse.ts
 * `convertYaml`), span for span: findings, hovers and the edit patch (templates/patch.ts) rely
 * on those spans, and a template must read the same whichever reader took it. So this reader
 * returns 'rejected' for a text js-yaml rejects (the `yaml` package then reports its syntax
 * errors, as before), or where it is underindented when the reason is a continuation line
 * PyYAML would accept, and declines ('declined') whatever else it does not reproduce exactly:
 * - what js-yaml accepts and the `yaml` package reports (tabs in indentation, keys over two
 *   lines, an indented `---`, a mapping after a tag on its key's line);
 * - anchors and aliases (the `yaml` path counts and bounds their expansion), merge keys;
 * - directives, more than one document or none, tags other than local ones (`!Ref`, `!Sub`, …),
 *   empty nodes anywhere but as a block mapping's value or followed by a comment, a byte-order mark.
 * test/unit/yamlEvents.test.ts compares both readers over every YAML file of the repository,
 * the shared corpus when present, and mutated copies of them.
 *
 * Where the spans come from: the `yaml` package gives each node a range [start, valueEnd,
 * nodeEnd] (its docs: https://eemeli.org/yaml/#nodes). A tree node's span is [start, valueEnd].
 * js-yaml's events give where a node starts and where a scalar's text ends; the rest is read
 * from the text by the rules of the `yaml` package's CST, each written where it is applied.
 */
export function readYamlEvents(
  text: string,
  maxDepth: number,
): { root: TNode } | { underindentedAt: number } | 'rejected' | 'declined' {
  if (text.charCodeAt(0) === 0xfeff) return 'declined';
  // A tab in a line's indentation: js-yaml lets some pass that the `yaml` package reports.
  if (/^ *\t/m.test(text)) return 'declined';
  let events: Event[];
  try {
    events = parseEvents(text, { maxDepth });
  } catch (e) {
    // js-yaml's word for a flow collection's or a scalar's continuation line not indented past
    // its key: what PyYAML accepts and templates/parse.ts re-reads with the lines indented.
    return e instanceof YAMLException && e.reason === 'deficient indentation' && e.mark !== undefined
      ? { underindentedAt: e.mark.position }
      : 'rejected';
  }
  const documents = events.filter((e) => e.type === EVENT_ID.DOCUMENT);
  const doc = documents[0];
  if (doc === undefined || documents.length > 1 || doc.directives.length > 0) return 'declined';
  const reader = new EventReader(text, events);
  try {
    return { root: reader.document() };
  } catch (e) {
    if (e instanceof Declined) return 'declined';
    throw e;
  }
}

/** Blank lines, then a comment: from a position, with `lastIndex`. */
const COMMENT_AHEAD = /(?:[ \t]*\r?\n)*[ \t]*#/y;

/** A line of only white space with a tab in it. */
const BLANK_WITH_TAB = /^[ ]*\t[ \t]*\r?$/m;

/** Thrown inside the reader when the text uses something it does not reproduce. */
class Declined extends Error {}

/** A node read, with the `yaml` package's nodeEnd: where trailing comments and the line end stop. */
interface Read {
  readonly node: TNode;
  /** The node's kind as the CST sees it, which decides what follows it. */
  readonly form: 'inline' | 'block-scalar' | 'block-collection';
  readonly nodeEnd: number;
  /** Set on a scalar written over more than one line (which cannot be a key). */
  readonly lines?: 'several';
}

/** Where a mapping's empty value sits: the `yaml` package puts it after the `:` and its spaces. */
interface EmptyAt {
  readonly keyEnd: number;
}

class EventReader {
  private at = 0;

  constructor(
    private readonly text: string,
    private readonly events: readonly Event[],
  ) {}

  document(): TNode {
    this.next(); // DOCUMENT
    const first = this.events[this.at];
    // An empty document: the `yaml` package gives some (`...`) a null root, others none.
    if (first === undefined || first.type === EVENT_ID.POP) throw new Declined();
    const root = this.node().node;
    // Before the root: comments, blank lines and a `---` at the start of a line. js-yaml also
    // takes an indented `---` as the document's start; to the `yaml` package it is a scalar.
    const lines = this.text.slice(0, root.span.start).split('\n');
    const last = lines.pop() ?? '';
    if (!lines.every((l) => /^(?:[ \t]*(?:#.*)?|---(?:[ \t].*)?)\r?$/.test(l)) || !/^(?:[ \t]*|---[ \t]+)$/.test(last))
      throw new Declined();
    return root;
  }

  /** Whether the open collection has another item; at its end, steps past the closing event. */
  private moreItems(): boolean {
    const e = this.events[this.at];
    if (e === undefined) throw new Declined();
    if (e.type !== EVENT_ID.POP) return true;
    this.at++;
    return false;
  }

  private next(): Event {
    const e = this.events[this.at++];
    if (e === undefined) throw new Declined();
    return e;
  }

  private node(empty?: EmptyAt): Read {
    const e = this.next();
    switch (e.type) {
      case EVENT_ID.SCALAR: {
        if (e.anchorStart >= 0) throw new Declined();
        const tag = this.tag(e.tagStart, e.tagEnd);
        return this.tagged(this.scalar(e, tag, empty), tag);
      }
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE: {
        if (e.anchorStart >= 0) throw new Declined();
        const tag = this.tag(e.tagStart, e.tagEnd);
        const isMap = e.type === EVENT_ID.MAPPING;
        const read = e.style === COLLECTION_STYLE.FLOW ? this.flow(isMap, e.start) : this.block(isMap, e.start);
        return this.tagged(read, tag);
      }
      default:
        // Aliases (and anything unexpected): the `yaml` path expands them within a budget.
        throw new Declined();
    }
  }

  /** A local tag's text (`!Ref`), `undefined` when there is none; other tags are declined. */
  private tag(start: number, end: number): string | undefined {
    if (start < 0) return undefined;
    const tag = this.text.slice(start, end);
    if (!/^![A-Za-z0-9_:.-]+$/.test(tag)) throw new Declined();
    return tag;
  }

  /**
   * As templates/parse.ts `convertYaml` treats a node: a short-form intrinsic tag (`!Ref`) wraps
   * it, from the tag on; otherwise a one-key map of an intrinsic's long form (`Ref: X`) becomes one.
   */
  private tagged(read: Read, tag: string | undefined): Read {
    const fn = tag === undefined ? undefined : SHORT_FORM_TAGS[tag.slice(1)];
    if (tag === undefined || fn === undefined) {
      const node = longFormIntrinsic(read.node);
      return node === read.node ? read : { ...read, node };
    }
    const { span } = read.node;
    const start = tagStart(this.text, tag, span.start);
    return { ...read, node: { kind: 'intrinsic', span: { start, end: span.end }, fn, arg: read.node } };
  }

  private scalar(e: ScalarEvent, tag: string | undefined, empty: EmptyAt | undefined): Read {
    if (e.valueStart < 0) {
      // An empty node: the `yaml` package places it after the mapping's `:` and the spaces that follow.
      if (empty === undefined || tag !== undefined) throw new Declined();
      const colon = this.skipSpaces(empty.keyEnd);
      if (this.text[colon] !== ':') throw new Declined();
      const at = this.skipSpaces(colon + 1);
      // Its node ends there too. A comment after it, on its line or on the lines before the next
      // node, would take lines by rules of the `yaml` package's parser this reader does not repeat.
      COMMENT_AHEAD.lastIndex = at;
      if (COMMENT_AHEAD.test(this.text)) throw new Declined();
      return { node: { kind: 'scalar', span: { start: at, end: at }, value: null }, form: 'inline', nodeEnd: at };
    }
    const raw = getScalarValue(this.text, e);
    const value = tag === undefined && e.style === SCALAR_STYLE.PLAIN ? resolvePlain(raw) : raw;
    if (e.style === SCALAR_STYLE.LITERAL_BLOCK || e.style === SCALAR_STYLE.FOLDED_BLOCK) {
      const span = this.blockScalarSpan(e);
      return { node: { kind: 'scalar', span, value }, form: 'block-scalar', nodeEnd: span.end };
    }
    const quoted = e.style === SCALAR_STYLE.SINGLE_QUOTED || e.style === SCALAR_STYLE.DOUBLE_QUOTED;
    const span = quoted ? { start: e.valueStart - 1, end: e.valueEnd + 1 } : { start: e.valueStart, end: e.valueEnd };
    const read: Read = { node: { kind: 'scalar', span, value }, form: 'inline', nodeEnd: this.lineEnd(span.end) };
    // js-yaml marks `fast` the scalars it could take as they are written: one line, no escapes.
    if (e.fast) return read;
    const source = this.text.slice(span.start, span.end);
    if (!source.includes('\n')) return read;
    // Escapes in a double-quoted scalar over several lines (an escaped space after a folded blank
    // line): the two readers fold them differently.
    if (e.style === SCALAR_STYLE.DOUBLE_QUOTED && source.includes('\\')) throw new Declined();
    return { ...read, lines: 'several' };
  }

  /**
   * A block scalar's range in the `yaml` package: from its `|`/`>` header to the end of its
   * last line that is not empty. With `+` (keep) chomping the trailing empty lines are its own;
   * otherwise a trailing line of no more spaces than the content's indentation is not.
   */
  private blockScalarSpan(e: ScalarEvent): Span {
    const headerLineEnd = e.valueStart - 1;
    if (this.text[headerLineEnd] !== '\n') throw new Declined();
    const lineStart = this.text.lastIndexOf('\n', headerLineEnd - 1) + 1;
    const from = e.tagStart >= 0 && e.tagEnd > lineStart ? e.tagEnd : lineStart;
    const header = /[|>][0-9+-]*[ \t]*(#[^\n]*)?\r?$/.exec(this.text.slice(from, headerLineEnd));
    if (header === null) throw new Declined();
    const start = from + header.index;
    // A line of only white space with a tab in it, in or just after the scalar: js-yaml takes it
    // as an empty line, the `yaml` package as a wrongly indented one (a syntax error).
    const next = this.text.indexOf('\n', e.valueEnd);
    if (BLANK_WITH_TAB.test(this.text.slice(e.valueStart, next < 0 ? this.text.length : next))) throw new Declined();
    // A last line of only spaces, without a line break, in or right after the scalar: the
    // readers disagree on whether it belongs to it.
    const lastLine = this.text.lastIndexOf('\n') + 1;
    if (e.valueEnd >= lastLine - 1 && /^[ \t]+$/.test(this.text.slice(lastLine))) throw new Declined();
    if (e.chomping === CHOMPING_MODE.KEEP) return { start, end: e.valueEnd };
    let end = e.valueEnd;
    while (end > e.valueStart) {
      // The last line before `end`; the scalar's first line is always its own.
      const lineBreak = this.text[end - 1] === '\n' ? end - 1 : end;
      const lineStart = this.text.lastIndexOf('\n', lineBreak - 1) + 1;
      if (lineStart <= e.valueStart) break;
      const line = this.text.slice(lineStart, lineBreak).replace(/\r$/, '');
      if (!/^ *$/.test(line) || line.length > Math.max(e.indent, 0)) break;
      end = lineStart;
    }
    return { start, end };
  }

  /** A flow collection: `[` or `{` to its closing bracket. */
  private flow(isMap: boolean, start: number): Read {
    const entries: TEntry[] = [];
    const items: TNode[] = [];
    let last = start + 1;
    while (this.moreItems()) {
      if (isMap) {
        const key = this.node();
        const value = this.node();
        entries.push(entry(key, value.node));
        last = value.node.span.end;
      } else {
        const item = this.node();
        items.push(item.node);
        last = item.node.span.end;
      }
    }
    // A single pair in a flow sequence (`[a, k: v]`) is a mapping without braces: key to value.
    const bracketed = this.text[start] === (isMap ? '{' : '[');
    const span = { start, end: bracketed ? this.closingBracket(last, isMap ? '}' : ']') + 1 : last };
    const node: TNode = isMap ? { kind: 'map', span, entries } : { kind: 'seq', span, items };
    return { node, form: 'inline', nodeEnd: this.lineEnd(span.end) };
  }

  /** The bracket that closes a flow collection, past spaces, line breaks, commas and comments. */
  private closingBracket(from: number, bracket: string): number {
    const re = /(?:[ \t\r\n,]|#[^\n]*)*/y;
    re.lastIndex = from;
    re.exec(this.text);
    if (this.text[re.lastIndex] !== bracket) throw new Declined();
    return re.lastIndex;
  }

  /**
   * A block collection. Its range ends where its last value's nodeEnd does; its nodeEnd also
   * takes the comment lines that follow it when the `yaml` package's parser leaves them with
   * it, which is when one of them is indented at least as far as the collection (and the
   * collection is not at column 0): the parser's `pop()` otherwise hands them to the parent.
   */
  private block(isMap: boolean, start: number): Read {
    const lineStart = this.text.lastIndexOf('\n', start - 1) + 1;
    const indent = start - lineStart;
    // A block collection starts its line, or follows sequence dashes (`- - a: b`). js-yaml also
    // takes one after a key and a tag on the same line, which is an error to the `yaml` package.
    if (!/^[ ]*(?:-[ ]+)*$/.test(this.text.slice(lineStart, start))) throw new Declined();
    const entries: TEntry[] = [];
    const items: TNode[] = [];
    let end = start;
    while (this.moreItems()) {
      let value: Read;
      if (isMap) {
        const key = this.node();
        if (key.form !== 'inline') throw new Declined();
        value = this.node({ keyEnd: key.node.span.end });
        entries.push(entry(key, value.node));
      } else {
        value = this.node();
        items.push(value.node);
      }
      end = value.form === 'inline' ? this.indentedComments(value.nodeEnd, indent) : value.nodeEnd;
    }
    const span = { start, end };
    const node: TNode = isMap ? { kind: 'map', span, entries } : { kind: 'seq', span, items };
    return { node, form: 'block-collection', nodeEnd: indent > 0 ? this.keptComments(end, indent) : end };
  }

  /**
   * Comment lines indented deeper than the collection that follow an inline value (blank lines
   * between them allowed) belong to that value in the `yaml` package's CST (`atIndentedComment`).
   */
  private indentedComments(from: number, indent: number): number {
    let end = from;
    const re = /(?:[ \t]*\r?\n)*( *)#[^\n]*(?:\n|$)/y;
    for (;;) {
      re.lastIndex = end;
      const m = re.exec(this.text);
      if (m === null || (m[1] ?? '').length <= indent || m[0].length === 0) return end;
      end = re.lastIndex;
    }
  }

  /** Where the blank and comment lines after a block collection stop, if it keeps them (see {@link block}). */
  private keptComments(from: number, indent: number): number {
    const re = /(?:[ \t]*\r?\n|( *)#[^\n]*(?:\n|$))/y;
    let pos = from;
    let keeps = false;
    for (;;) {
      re.lastIndex = pos;
      const m = re.exec(this.text);
      if (m === null || re.lastIndex === pos) break;
      if (m[1] !== undefined && m[1].length >= indent) keeps = true;
      pos = re.lastIndex;
    }
    if (!keeps) return from;
    // The next content line's indentation is read while the collection is still open.
    return this.skipSpaces(pos);
  }

  private skipSpaces(from: number): number {
    let i = from;
    while (this.text[i] === ' ' || this.text[i] === '\t') i++;
    return i;
  }

  /** Past the spaces, the comment and the line break that follow an inline node. */
  private lineEnd(from: number): number {
    let i = this.skipSpaces(from);
    if (this.text[i] === '#') {
      const nl = this.text.indexOf('\n', i);
      i = nl < 0 ? this.text.length : nl;
    }
    if (this.text[i] === '\r' && this.text[i + 1] === '\n') return i + 2;
    if (this.text[i] === '\n') return i + 1;
    return i;
  }
}

function entry(key: Read, value: TNode): TEntry {
  const { node } = key;
  // A key over several lines is a syntax error to the `yaml` package (implicit keys are one line,
  // YAML 1.2.2 §7.4.2), which js-yaml lets pass; `<<` is a merge key there, not a string.
  if (node.kind !== 'scalar' || key.lines !== undefined || node.value === '<<') throw new Declined();
  return { key: String(node.value), keySpan: node.span, value };
}

/**
 * A plain scalar's value under the YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution),
 * as the `yaml` package resolves it (its schema/core: null, bool, int in bases 8, 10 and 16, float).
 */
export function resolvePlain(s: string): string | number | boolean | null {
  // Most plain scalars are words: none of the patterns below starts with a letter other than these.
  if (s !== '' && !'~nNtTfF+-.0123456789'.includes(s[0] as string)) return s;
  if (/^(?:~|[Nn]ull|NULL)?$/.test(s)) return null;
  if (/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(s)) return s[0] === 't' || s[0] === 'T';
  if (/^0o[0-7]+$/.test(s)) return parseInt(s.slice(2), 8);
  if (/^[-+]?[0-9]+$/.test(s)) return parseInt(s, 10);
  if (/^0x[0-9a-fA-F]+$/.test(s)) return parseInt(s.slice(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s))
    return s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? -Infinity : Infinity;
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(s) || /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(s))
    return parseFloat(s);
  return s;
}
