/**
 * Budgets for what Lambda Lens reads, set where input enters, so that no file can overflow
 * the stack, exhaust memory or stall the editor. Each is far past what a real template or
 * handler needs: CloudFormation accepts templates up to 1 MB
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html).
 * A file past a budget gets one LL0003 finding that says which, and every other file is
 * checked as usual (docs/rules/LL0003.md).
 */
export const INPUT_LIMITS = {
  /** Bracket nesting ({[( in JSON, YAML flow collections or code) read at most. */
  maxNesting: 256,
  /**
   * Depth of a handler's syntax tree analysed. Expressions nested without brackets
   * (`!!!!…x`, `await await …`) overflowed the analysis' recursive walks near 2,000 levels;
   * real handlers stay under 100.
   */
  maxSyntaxDepth: 500,
  /** Nodes that YAML aliases may copy into one document, counted as they expand. */
  maxAliasExpansion: 10_000,
  /**
   * Characters of handler code analysed. A handler source past 2 MB is a bundle or generated
   * code, and parsing and walking it took tens of seconds (a 5 MB Python line: 29 s).
   */
  maxCodeLength: 2 * 1024 * 1024,
  /**
   * Characters in one line of a YAML template. The YAML reader makes an error per stray token,
   * and a line of a million quotes or `!Ref ` tags took 2–4 s of CPU (5 MB: over 10 s, found by
   * `npm run fuzz`); the longest line of the ~1,000 YAML templates in the shared corpus has 496
   * characters, and a CloudFormation template is at most 1 MB in all. JSON is not limited: its
   * reader is linear and fast, and generated JSON templates are often one line.
   */
  maxYamlLineLength: 100_000,
  /**
   * Characters in one line of handler code. The TypeScript parser makes a node and an error per
   * stray token: a 1 MB line of quotes took 4 s of CPU and 2 MB over 8 s (`npm run fuzz`), where
   * 1 MB of real minified code parses in 0.6 s. Minifiers that wrap lines (terser, UglifyJS)
   * wrap at 32,000 characters; a longer line is generated or minified code, whose findings no
   * one could act on.
   */
  maxCodeLineLength: 250_000,
} as const;

/** The longest line of a text (LF, CRLF or a lone CR end a line) and where it starts; stops once past `limit`. */
export function longestLine(text: string, limit: number): { length: number; at: number } {
  let longest = 0;
  let at = 0;
  let start = 0;
  // Line ends found by the regular expression engine (see `nestingDepth`).
  const ends = /\r\n?|\n/g;
  for (;;) {
    const m = ends.exec(text);
    const end = m === null ? text.length : m.index;
    if (end - start > longest) {
      longest = end - start;
      at = start;
      if (longest > limit) break;
    }
    if (m === null) break;
    start = end + m[0].length;
  }
  return { length: longest, at };
}

/** Why handler code is past the input budgets and is not analysed, or `undefined`. */
export function codeOverLimit(text: string): string | undefined {
  if (text.length > INPUT_LIMITS.maxCodeLength)
    return `it is ${(text.length / 1024 / 1024).toFixed(1)} MB of code, more than the ${INPUT_LIMITS.maxCodeLength / 1024 / 1024} MB analysed (a bundle or generated code?)`;
  if (longestLine(text, INPUT_LIMITS.maxCodeLineLength).length > INPUT_LIMITS.maxCodeLineLength)
    return `it has a line of more than ${INPUT_LIMITS.maxCodeLineLength.toLocaleString('en-US')} characters (minified or generated code?), which is not analysed`;
  if (nestingDepth(text, 'code').depth > INPUT_LIMITS.maxNesting)
    return `it is nested more than ${INPUT_LIMITS.maxNesting} levels deep (brackets), which the parser cannot read safely`;
  return undefined;
}

export type NestingSyntax = 'json' | 'yaml' | 'code';

/**
 * The deepest bracket nesting in a text, and the offset where it is first reached. Brackets
 * inside strings and comments do not count. A single linear pass, so it is cheap enough to
 * run before every parse; it stops counting once past the budget.
 */
export function nestingDepth(text: string, syntax: NestingSyntax): { depth: number; at: number } {
  let depth = 0;
  let max = 0;
  let at = 0;
  const n = text.length;
  // The loop visits only the characters that can matter, found by the regular expression engine:
  // a loop over every character ran at interpreter speed in some optimisation states of V8
  // (1 MB took 13 s under TurboFan and 0.08 s without it, found by `npm run fuzz`).
  const interesting = INTERESTING[syntax];
  interesting.lastIndex = 0;
  for (let m = interesting.exec(text); m !== null; m = interesting.exec(text)) {
    let i = m.index;
    const c = text.charCodeAt(i);
    switch (c) {
      case 0x22 /* " */:
      case 0x27 /* ' */:
      case 0x60 /* ` */:
        // YAML's ' only opens a quoted scalar at the start of a value; inside a plain scalar
        // (it's, don't) it is a letter. Double quotes are treated the same way.
        if (syntax === 'yaml' && !opensYamlQuote(text, i)) break;
        i = skipQuoted(text, i, c, syntax);
        break;
      case 0x23 /* # */:
        // A YAML or Python comment, or a shebang. (A JS private name after whitespace only
        // loses the rest of its line from the count.)
        if (i === 0 || isSpace(text.charCodeAt(i - 1))) i = lineEnd(text, i);
        break;
      case 0x2f /* / */:
        if (text.charCodeAt(i + 1) === 0x2f) i = lineEnd(text, i);
        else if (text.charCodeAt(i + 1) === 0x2a) {
          const close = text.indexOf('*/', i + 2);
          i = close < 0 ? n : close + 1;
        }
        break;
      case 0x28 /* ( */:
      case 0x5b /* [ */:
      case 0x7b /* { */:
        if (++depth > max) {
          max = depth;
          at = i;
          if (max > INPUT_LIMITS.maxNesting) return { depth: max, at };
        }
        break;
      default:
        // ) ] }
        if (depth > 0) depth--;
        break;
    }
    interesting.lastIndex = i + 1;
  }
  return { depth: max, at };
}

/** The characters `nestingDepth` looks at in each syntax: quotes, comment starts, brackets. */
const INTERESTING: Record<NestingSyntax, RegExp> = {
  json: /["[\]{}]/g,
  yaml: /["'#[\]{}]/g,
  code: /["'`#/()[\]{}]/g,
};

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function lineEnd(text: string, i: number): number {
  const nl = text.indexOf('\n', i);
  return nl < 0 ? text.length : nl;
}

function opensYamlQuote(text: string, i: number): boolean {
  if (i === 0) return true;
  let j = i - 1;
  while (j >= 0 && (text.charCodeAt(j) === 0x20 || text.charCodeAt(j) === 0x09)) j--;
  if (j < 0) return true;
  const p = text.charCodeAt(j);
  // After a key's colon, a sequence dash, a flow separator or opener, a tag, or a line start.
  return (
    p === 0x3a ||
    p === 0x2d ||
    p === 0x2c ||
    p === 0x5b ||
    p === 0x7b ||
    p === 0x0a ||
    (j < i - 1 && (p === 0x21 || isWord(p)) && tagBefore(text, j))
  );
}

/** Whether the word ending at `j` is a tag (`!Sub 'x'`). Tags are short: the walk back stops after 128 characters. */
function tagBefore(text: string, j: number): boolean {
  let k = j;
  const stop = Math.max(-1, j - 128);
  for (let c = text.charCodeAt(k); k > stop && (isWord(c) || c === 0x3a || c === 0x21); c = text.charCodeAt(--k));
  return text.charCodeAt(k + 1) === 0x21;
}

function isWord(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

/** The offset of the closing quote (or the end of the text). Backslash escapes where the syntax has them. */
function skipQuoted(text: string, i: number, quote: number, syntax: NestingSyntax): number {
  const n = text.length;
  if (syntax === 'yaml' && quote === 0x27) {
    // A YAML single-quoted scalar: '' is a quote inside it, and there are no other escapes.
    for (let j = text.indexOf("'", i + 1); j >= 0; j = text.indexOf("'", j + 2))
      if (text.charCodeAt(j + 1) !== 0x27) return j;
    return n;
  }
  const stops = QUOTE_STOPS[quote === 0x22 ? 0 : quote === 0x27 ? 1 : 2];
  stops.lastIndex = i + 1;
  for (let m = stops.exec(text); m !== null; m = stops.exec(text)) {
    const j = m.index;
    const c = text.charCodeAt(j);
    if (c === 0x5c /* \ */) stops.lastIndex = j + 2;
    else if (c === quote) return j;
    // JSON and code strings (but not template literals or YAML double quotes) end at a line end.
    else if (quote !== 0x60 && syntax !== 'yaml') return j;
  }
  return n;
}

/** Where a ", ' or ` string can stop: its quote, a backslash, or (except template literals) a line end. */
const QUOTE_STOPS = [/["\\\n]/g, /['\\\n]/g, /[`\\]/g] as const;
