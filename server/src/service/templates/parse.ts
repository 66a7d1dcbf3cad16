import type * as Yaml from 'yaml';
import type { Node as YamlNode, Document } from 'yaml';
import { parseTree, type Node as JsonNode, type ParseError, printParseErrorCode } from 'jsonc-parser';
import type { Span } from '../model/types';
import { SHORT_FORM_TAGS, longFormIntrinsic, tagStart, type TEntry, type TNode } from './tree';
import { normalizeLineBreaks } from '../decode';
import { INPUT_LIMITS, longestLine, nestingDepth } from '../input';
import { patchYamlTree, type PatchedEntry } from './patch';
import { readYamlEvents } from './yamlEvents';

let yamlPackage: typeof Yaml | undefined;

/**
 * The `yaml` package, loaded when the fast reader (templates/yamlEvents.ts) declines a text:
 * a check of well-formed templates never loads it.
 */
function yaml(): typeof Yaml {
  // In the bundles, esbuild turns this require into one of dist/yaml.js (scripts/build.mjs).
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily on purpose
  yamlPackage ??= require('yaml') as typeof Yaml;
  return yamlPackage;
}

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
  /**
   * Set when the text is past one of the input budgets ({@link INPUT_LIMITS}): nested too
   * deeply to read, or YAML aliases that expand past the node budget. The root is then
   * missing or cut short, and nothing else about the document should be guessed.
   */
  readonly overLimit?: SyntaxProblem;
  /** Set when the tree is the previous one patched (templates/patch.ts): the entry read again. */
  readonly patched?: PatchedEntry;
}

/**
 * Parses YAML or JSON text into a {@link TNode} tree. JSON is tried first when the text
 * starts with `{`, because every JSON template is also YAML but JSON's errors read better.
 */
/** A previous parse of the same document, which a YAML parse may patch instead of reading everything again. */
export interface PreviousParse {
  readonly text: string;
  readonly root: TNode | undefined;
}

export function parseTreeText(raw: string, format?: 'yaml' | 'json', previous?: PreviousParse): ParsedTree {
  const text = normalizeLineBreaks(raw);
  const fmt = format ?? (/^\s*[{[]/.test(text) ? 'json' : 'yaml');
  // Both readers recurse once per nesting level: a document nested thousands of levels deep
  // would overflow the stack. Such a document is no template; it is reported, not read.
  const depth = nestingDepth(text, fmt === 'json' ? 'json' : 'yaml');
  if (depth.depth > INPUT_LIMITS.maxNesting) {
    const message = `it is nested more than ${INPUT_LIMITS.maxNesting} levels deep (brackets), which no template needs; it was not read`;
    return {
      root: undefined,
      syntaxErrors: [],
      format: fmt,
      overLimit: { message, span: { start: depth.at, end: depth.at + 1 } },
    };
  }
  if (fmt === 'json') return parseJson(text);
  // The YAML reader's work per line grows with the errors in it (a megabyte of quotes: seconds).
  const line = longestLine(text, INPUT_LIMITS.maxYamlLineLength);
  if (line.length > INPUT_LIMITS.maxYamlLineLength) {
    const message = `it has a line of more than ${INPUT_LIMITS.maxYamlLineLength.toLocaleString('en-US')} characters, which no YAML template needs; it was not read`;
    return {
      root: undefined,
      syntaxErrors: [],
      format: fmt,
      overLimit: { message, span: { start: line.at, end: line.at + 1 } },
    };
  }
  if (previous?.root !== undefined && patchable.has(previous.root)) {
    const patch = patchYamlTree(normalizeLineBreaks(previous.text), previous.root, text, (slice, depth) => {
      const parsed = parseYamlStrict(slice, depth);
      return { root: parsed.root, clean: isClean(parsed) };
    });
    if (patch !== undefined) {
      patchable.add(patch.root);
      return { root: patch.root, syntaxErrors: [], format: 'yaml', patched: patch.edited };
    }
  }
  const parsed = parseYaml(text, true);
  if (parsed.root !== undefined && 'aliases' in parsed && isClean(parsed)) patchable.add(parsed.root);
  return parsed;
}

/**
 * How {@link parseTreeText} reads a YAML text that is within the input budgets: with the fast
 * reader first (as it does), or with the `yaml` package alone, which gives the tree the fast
 * reader must reproduce (test/unit/yamlEvents.test.ts).
 */
export function parseYamlWith(reader: 'fast' | 'package', text: string): ParsedTree {
  return parseYaml(normalizeLineBreaks(text), reader === 'fast');
}

/**
 * Roots of YAML parses that an edit may patch (templates/patch.ts): read in one go from one
 * document, with no syntax error, no alias and nothing past an input budget.
 */
const patchable = new WeakSet<TNode>();

function isClean(parsed: ParsedTree & { aliases: number }): boolean {
  return parsed.syntaxErrors.length === 0 && parsed.overLimit === undefined && parsed.aliases === 0;
}

function parseYaml(text: string, fast: boolean): ParsedTree | (ParsedTree & { aliases: number }) {
  if (fast) {
    const read = readYamlEvents(text, FAST_MAX_DEPTH);
    if (typeof read === 'object' && 'root' in read) return fastTree(read.root);
    const relaxed = typeof read === 'object' ? readFastRelaxed(text, read.underindentedAt) : undefined;
    if (relaxed !== undefined) return relaxed;
  }
  const first = parseYamlStrict(text, 0, false);
  if (first.syntaxErrors.length === 0 || (!first.flowIndent && !first.quoteIndent)) return first;
  // PyYAML, which CloudFormation's tooling uses, accepts flow collections ([…], {…}) and
  // multi-line quoted scalars (a policy in `!Sub '{ … }'`) whose continuation lines are not
  // indented past their key; the YAML 1.2 reader does not. Re-read with those lines indented,
  // and map offsets back, so templates that deploy are not reported broken.
  const relaxed = reindent(text, first.flowIndent ? flowContinuations() : quotedContinuations());
  if (relaxed === undefined) return first;
  const second = parseYamlStrict(relaxed.text, 0, false);
  if (second.syntaxErrors.length > 0 || second.root === undefined) return first;
  const overLimit = second.overLimit && {
    message: second.overLimit.message,
    span: {
      start: relaxed.toOriginal(second.overLimit.span.start),
      end: relaxed.toOriginal(second.overLimit.span.end),
    },
  };
  return {
    root: mapSpans(second.root, relaxed.toOriginal),
    syntaxErrors: [],
    format: 'yaml',
    ...(overLimit ? { overLimit } : {}),
  };
}

/**
 * The fast reader's tree (templates/yamlEvents.ts), or `undefined` when it declines the text.
 * It gives up past its own nesting limit, well inside MAX_DEPTH: deeper texts are cut short by
 * convertYaml below, as before.
 */
function readFast(text: string, depth: number): (ParsedTree & StrictFlags) | undefined {
  const read = depth < FAST_MAX_DEPTH ? readYamlEvents(text, FAST_MAX_DEPTH - depth) : 'declined';
  return typeof read === 'object' && 'root' in read ? fastTree(read.root) : undefined;
}

function fastTree(root: TNode): ParsedTree & StrictFlags {
  return { root, syntaxErrors: [], format: 'yaml', flowIndent: false, quoteIndent: false, aliases: 0 };
}

/**
 * The PyYAML-compatible re-reading of {@link parseYaml} (continuation lines indented), tried with
 * the fast reader when js-yaml rejects the text for a line not indented enough (`at`): without it
 * a template written that way loaded the `yaml` package and was read twice by it (a sixth of a
 * check of the serverless-patterns corpus). The lines indented are those of the construct that
 * line continues, a flow collection or a quoted scalar, as the `yaml` package's errors choose.
 */
function readFastRelaxed(text: string, at: number): ParsedTree | undefined {
  const lineNumber = text.slice(0, at).split('\n').length - 1;
  const lines = text.split('\n');
  const continuesThere = (continuations: () => Continuations): boolean => {
    const continues = continuations();
    let opener: number | undefined;
    for (let i = 0; i <= lineNumber && i < lines.length; i++) {
      const line = lines[i] as string;
      opener = continues(line, line.length - line.trimStart().length);
    }
    return opener !== undefined;
  };
  // Only when one kind is plainly the cause: the line continues it, and no line anywhere needs
  // the other kind's indenting (the `yaml` package would choose by its own errors).
  const flowRelaxed = reindent(text, flowContinuations());
  const quoteRelaxed = reindent(text, quotedContinuations());
  const flow = continuesThere(flowContinuations) && quoteRelaxed === undefined;
  const quoted = continuesThere(quotedContinuations) && flowRelaxed === undefined;
  if (flow === quoted) return undefined;
  const relaxed = flow ? flowRelaxed : quoteRelaxed;
  const read = relaxed && readYamlEvents(relaxed.text, FAST_MAX_DEPTH);
  if (relaxed === undefined || typeof read !== 'object' || !('root' in read)) return undefined;
  return { root: mapSpans(read.root, relaxed.toOriginal), syntaxErrors: [], format: 'yaml' };
}

/** What the strict reading tells besides the tree: which PyYAML leniency might help, and aliases met. */
interface StrictFlags {
  readonly flowIndent: boolean;
  readonly quoteIndent: boolean;
  readonly aliases: number;
}

/**
 * `depth`: the depth of the text's root in its document (a slice of a document is read deeper
 * than its root). `fast`: try the fast reader first (templates/yamlEvents.ts); it reads what it
 * can reproduce exactly and declines the rest.
 */
function parseYamlStrict(text: string, depth = 0, fast = true): ParsedTree & StrictFlags {
  const read = fast ? readFast(text, depth) : undefined;
  if (read !== undefined) return read;
  const { parseDocument } = yaml();
  let doc: Document.Parsed;
  // The reader makes an Error per syntax error; garbage such as a megabyte of quotes makes
  // hundreds of thousands, and capturing their stacks took most of the time. Only the first
  // errors are used, never their stacks.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    doc = parseDocument(text, { uniqueKeys: false, merge: true, strict: false, prettyErrors: false });
  } catch (e) {
    return {
      root: undefined,
      syntaxErrors: [{ message: `YAML could not be read: ${String(e)}`, span: { start: 0, end: 0 } }],
      format: 'yaml',
      flowIndent: false,
      quoteIndent: false,
      aliases: 0,
    };
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  const syntaxErrors = doc.errors.slice(0, MAX_ERRORS).map((e) => ({
    message: cleanYamlMessage(e.message),
    span: { start: e.pos[0], end: Math.max(e.pos[1], e.pos[0]) },
  }));
  const flowIndent = doc.errors.some(
    (e) => e.code === 'BAD_INDENT' && /^Flow (sequence|map) in block collection/.test(e.message),
  );
  const quoteIndent = doc.errors.some((e) => e.code === 'MISSING_CHAR' && /^Missing closing ['"]quote/.test(e.message));
  const budget: AliasBudget = { expanded: 0, aliases: 0, over: undefined };
  const root = doc.contents ? convertYaml(doc.contents as YamlNode, doc, text, depth, budget) : undefined;
  const overLimit =
    budget.over === undefined
      ? undefined
      : {
          message: `its YAML aliases expand to more than ${INPUT_LIMITS.maxAliasExpansion.toLocaleString('en-US')} nodes, so the rest were not expanded (CloudFormation does not support aliases)`,
          span: budget.over,
        };
  return {
    root,
    syntaxErrors,
    format: 'yaml',
    flowIndent,
    quoteIndent,
    aliases: budget.aliases,
    ...(overLimit ? { overLimit } : {}),
  };
}

/**
 * Which lines continue a construct opened on an earlier line: `line` is called for each line
 * in order with its indentation and returns the indentation of the line that opened the
 * construct this line continues, or `undefined` when it continues none.
 */
type Continuations = (line: string, indent: number) => number | undefined;

/** Lines inside a flow collection (`[`/`{` opened and not yet closed). */
function flowContinuations(): Continuations {
  let depth = 0;
  let openerIndent = 0;
  let blockScalarIndent = -1;
  return (line, indent) => {
    if (blockScalarIndent >= 0) {
      if (line.trim() === '' || indent > blockScalarIndent) return undefined;
      blockScalarIndent = -1;
    }
    const inside = depth > 0 ? openerIndent : undefined;
    if (depth === 0) openerIndent = indent;
    depth = scanFlowDepth(line, depth);
    if (depth === 0 && /:\s*[|>][-+0-9]*\s*(#.*)?$/.test(line)) blockScalarIndent = indent;
    return inside;
  };
}

/** Lines inside a quoted scalar (`'` or `"` opened on an earlier line and not yet closed). */
function quotedContinuations(): Continuations {
  let quote: string | undefined;
  let openerIndent = 0;
  let blockScalarIndent = -1;
  return (line, indent) => {
    if (quote === undefined && blockScalarIndent >= 0) {
      if (line.trim() === '' || indent > blockScalarIndent) return undefined;
      blockScalarIndent = -1;
    }
    const inside = quote !== undefined ? openerIndent : undefined;
    let i = 0;
    if (quote !== undefined) {
      const end = closingQuote(line, 0, quote);
      if (end < 0) return inside;
      quote = undefined;
      i = end + 1;
    }
    // A quote that opens a scalar (after a space, `:`, `-`, `[`, `{`, `,` or at the line's start) and is not closed on this line.
    for (; i < line.length; i++) {
      const c = line[i];
      const prev = i === 0 ? ' ' : (line[i - 1] as string);
      if (c === '#' && (prev === ' ' || prev === '\t')) break;
      if ((c === "'" || c === '"') && /[\s:\-[{,]/.test(prev)) {
        const end = closingQuote(line, i + 1, c);
        if (end < 0) {
          quote = c;
          openerIndent = indent;
          break;
        }
        i = end;
      }
    }
    if (quote === undefined && /:\s*[|>][-+0-9]*\s*(#.*)?$/.test(line)) blockScalarIndent = indent;
    return inside;
  };
}

/** Where a quoted scalar opened before `from` closes on this line (`''` escapes `'`, `\"` escapes `"`), or -1. */
function closingQuote(line: string, from: number, quote: string): number {
  for (let i = from; i < line.length; i++) {
    if (quote === '"' && line[i] === '\\') i++;
    else if (line[i] === quote) {
      if (quote === "'" && line[i + 1] === "'") i++;
      else return i;
    }
  }
  return -1;
}

/**
 * Indents each line that continues a construct to one column past the line that opened it.
 * Returns the new text and a function from new offsets to original offsets, or `undefined`
 * when nothing needed indenting.
 */
function reindent(
  text: string,
  continues: Continuations,
): { text: string; toOriginal: (offset: number) => number } | undefined {
  const lines = text.split('\n');
  const out: string[] = [];
  /** Original offsets of line starts where spaces were inserted, and the running total inserted. */
  const inserted: { at: number; add: number; total: number }[] = [];
  let total = 0;
  let offset = 0;
  for (const line of lines) {
    const indent = line.length - line.trimStart().length;
    const opener = continues(line, indent);
    let current = line;
    if (opener !== undefined && line.trim() !== '' && indent <= opener) {
      const add = opener + 1 - indent;
      current = ' '.repeat(add) + line;
      total += add;
      inserted.push({ at: offset, add, total });
    }
    out.push(current);
    offset += line.length + 1;
  }
  if (inserted.length === 0) return undefined;
  const newText = out.join('\n');
  const toOriginal = (n: number): number => {
    let result = n;
    for (const ins of inserted) {
      const lineStartInNew = ins.at + ins.total - ins.add;
      if (n < lineStartInNew) break;
      // Inside the inserted spaces, the original position is the line's start.
      result = n < ins.at + ins.total ? ins.at : n - ins.total;
    }
    return result;
  };
  return { text: newText, toOriginal };
}

/** Bracket depth after a line, ignoring quoted text and comments. */
function scanFlowDepth(line: string, depth: number): number {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote !== undefined) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    const prev = i === 0 ? ' ' : line[i - 1];
    if (c === '#' && (prev === ' ' || prev === '\t')) break;
    if ((c === '"' || c === "'") && (depth > 0 || /[\s:\-[{,]/.test(prev ?? ' '))) quote = c;
    else if ((c === '[' || c === '{') && (depth > 0 || /[\s:-]/.test(prev ?? ' ') || i === 0)) depth++;
    else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  return depth;
}

function mapSpans(node: TNode, f: (n: number) => number): TNode {
  const span = { start: f(node.span.start), end: f(node.span.end) };
  switch (node.kind) {
    case 'map':
      return {
        ...node,
        span,
        entries: node.entries.map((e) => ({
          key: e.key,
          keySpan: { start: f(e.keySpan.start), end: f(e.keySpan.end) },
          value: mapSpans(e.value, f),
        })),
      };
    case 'seq':
      return { ...node, span, items: node.items.map((i) => mapSpans(i, f)) };
    case 'intrinsic':
      return { ...node, span, arg: mapSpans(node.arg, f) };
    default:
      return { ...node, span };
  }
}

function cleanYamlMessage(m: string): string {
  return m.replace(/ at line \d+, column \d+:?[\s\S]*$/, '');
}

/** Syntax errors kept per document (one is reported; the rest only slow things down). */
const MAX_ERRORS = 20;

/** Nesting (through aliases too) deeper than this is not followed. */
const MAX_DEPTH = 200;

/** Nesting the fast reader takes on; deeper texts go to the `yaml` package. */
const FAST_MAX_DEPTH = 100;

/**
 * Nodes copied in by aliases, counted as they expand: a "billion laughs" document of a few
 * hundred bytes expands to billions of nodes, and is cut off at the budget instead.
 */
interface AliasBudget {
  expanded: number;
  /** Alias nodes met. */
  aliases: number;
  /** The alias at which the budget ran out. */
  over: Span | undefined;
}

function convertYaml(
  node: YamlNode,
  doc: Document.Parsed,
  text: string,
  depth: number,
  budget: AliasBudget,
  inAlias = false,
): TNode {
  const span = yamlSpan(node);
  if (depth > MAX_DEPTH || budget.over !== undefined) return { kind: 'scalar', span, value: null };
  if (inAlias && ++budget.expanded > INPUT_LIMITS.maxAliasExpansion) {
    budget.over = span;
    return { kind: 'scalar', span, value: null };
  }
  if (yaml().isAlias(node)) {
    budget.aliases++;
    const target = node.resolve(doc);
    if (!target) return { kind: 'scalar', span, value: null };
    // The alias points elsewhere; keep the alias's own span so findings land where it is used.
    const converted = convertYaml(target, doc, text, depth + 1, budget, true);
    if (budget.over !== undefined && !inAlias) budget.over = span;
    return withSpan(converted, span);
  }
  const tag = node.tag;
  if (tag !== undefined && tag.startsWith('!') && !tag.startsWith('!!')) {
    const fn = SHORT_FORM_TAGS[tag.slice(1)];
    if (fn !== undefined) {
      const inner = convertUntagged(node, doc, text, depth, budget, inAlias);
      return { kind: 'intrinsic', span: { start: tagStart(text, tag, span.start), end: span.end }, fn, arg: inner };
    }
  }
  const converted = convertUntagged(node, doc, text, depth, budget, inAlias);
  return longFormIntrinsic(converted);
}

function convertUntagged(
  node: YamlNode,
  doc: Document.Parsed,
  text: string,
  depth: number,
  budget: AliasBudget,
  inAlias: boolean,
): TNode {
  const span = yamlSpan(node);
  if (yaml().isMap(node)) {
    const entries: TEntry[] = [];
    for (const pair of node.items) {
      if (!yaml().isPair(pair)) continue;
      const k = pair.key as YamlNode | null;
      // A collection used as a key (`? [a, b]`, or garbage) is named by its source text: printing
      // it would expand its aliases and can throw (a `<<` merge inside it).
      const key =
        k && yaml().isScalar(k)
          ? String(k.value)
          : k
            ? text.slice(yamlSpan(k).start, Math.min(yamlSpan(k).end, yamlSpan(k).start + 200))
            : '';
      const keySpan = k ? yamlSpan(k) : span;
      const v = pair.value as YamlNode | null;
      const value: TNode = v
        ? convertYaml(v, doc, text, depth + 1, budget, inAlias)
        : { kind: 'scalar', span: { start: keySpan.end, end: keySpan.end }, value: null };
      entries.push({ key, keySpan, value });
    }
    return { kind: 'map', span, entries };
  }
  if (yaml().isSeq(node)) {
    const items: TNode[] = [];
    for (const item of node.items) {
      if (item && typeof item === 'object' && 'range' in item)
        items.push(convertYaml(item as YamlNode, doc, text, depth + 1, budget, inAlias));
    }
    return { kind: 'seq', span, items };
  }
  if (yaml().isScalar(node)) {
    const v = node.value;
    const value =
      typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null
        ? v
        : typeof v === 'bigint'
          ? Number(v)
          : String(v);
    return { kind: 'scalar', span, value };
  }
  return { kind: 'scalar', span, value: null };
}

function yamlSpan(node: YamlNode): Span {
  const r = node.range;
  return r ? { start: r[0], end: r[1] } : { start: 0, end: 0 };
}

function withSpan(node: TNode, span: Span): TNode {
  return { ...node, span };
}

function parseJson(text: string): ParsedTree {
  // The reader pushes an error per stray token: 5 MB of commas made five million, which took
  // 12 s and 2.4 GB to keep and word (npm run fuzz). Only the first are kept.
  const errors = new FirstErrors();
  const tree = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  const syntaxErrors = [...errors].map((e) => ({
    message: jsonErrorMessage(e),
    span: { start: e.offset, end: e.offset + Math.max(e.length, 1) },
  }));
  return { root: tree ? convertJson(tree, 0) : undefined, syntaxErrors, format: 'json' };
}

/** An array that keeps the first {@link MAX_ERRORS} items pushed onto it and drops the rest. */
class FirstErrors extends Array<ParseError> {
  override push(...items: ParseError[]): number {
    for (const item of items) if (this.length < MAX_ERRORS) super.push(item);
    return this.length;
  }
}

function jsonErrorMessage(e: ParseError): string {
  const words = printParseErrorCode(e.error)
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
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
        const value: TNode = v
          ? convertJson(v, depth + 1)
          : { kind: 'scalar', span: { start: keySpan.end, end: keySpan.end }, value: null };
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
