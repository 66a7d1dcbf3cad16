/**
 * VS Code snippets for tests: the `.code-snippets` files an extension contributes, and the
 * text a snippet inserts when every tab stop keeps its default, following VS Code's snippet
 * grammar (https://code.visualstudio.com/docs/editor/userdefinedsnippets#_grammar):
 *
 *     any         ::= tabstop | placeholder | choice | variable | text
 *     tabstop     ::= '$' int | '${' int '}' | '${' int transform '}'
 *     placeholder ::= '${' int ':' any '}'
 *     choice      ::= '${' int '|' text (',' text)* '|}'
 *     variable    ::= '$' var | '${' var '}' | '${' var ':' any '}' | '${' var transform '}'
 *
 * `\` escapes `$`, `}` and `\` (and, inside a choice, `,` and `|`); a `$` that starts none of
 * these is text. Transforms are not expanded: a snippet that uses one makes `expandSnippet`
 * throw, so the test fails loudly instead of checking text that VS Code would not insert.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, type ParseError } from 'jsonc-parser';

/** One snippet of a contributed file, as VS Code reads it for one language. */
export interface Snippet {
  readonly name: string;
  readonly prefixes: readonly string[];
  /** The body lines joined with `\n`, as VS Code joins them. */
  readonly body: string;
  /** The `scope` field (comma-separated language ids), which VS Code ignores for contributed files. */
  readonly scope: readonly string[] | undefined;
  readonly isFileTemplate: boolean;
}

/** A `contributes.snippets` entry of package.json and what its file holds. */
export interface SnippetContribution {
  readonly language: string;
  /** The `path` as package.json gives it. */
  readonly path: string;
  /** `undefined` when the file is missing or is not a JSON object. */
  readonly snippets: readonly Snippet[] | undefined;
}

interface SnippetJson {
  readonly prefix?: unknown;
  readonly body?: unknown;
  readonly scope?: unknown;
  readonly isFileTemplate?: unknown;
}

/** The snippet files that `root`/package.json contributes, one entry per (language, file). */
export function contributedSnippets(root: string): SnippetContribution[] {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    contributes?: { snippets?: { language: string; path: string }[] };
  };
  return (manifest.contributes?.snippets ?? []).map(({ language, path }) => ({
    language,
    path,
    snippets: readSnippetFile(join(root, path)),
  }));
}

/** Reads a `.code-snippets` file as VS Code does (JSON with comments); `undefined` when unreadable. */
function readSnippetFile(file: string): Snippet[] | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const errors: ParseError[] = [];
  const json = parse(text, errors) as unknown;
  if (errors.length > 0 || json === null || typeof json !== 'object' || Array.isArray(json)) return undefined;
  return Object.entries(json as Record<string, SnippetJson>).map(([name, s]) => ({
    name,
    prefixes:
      typeof s.prefix === 'string'
        ? [s.prefix]
        : Array.isArray(s.prefix)
          ? s.prefix.filter((p): p is string => typeof p === 'string')
          : [],
    body: typeof s.body === 'string' ? s.body : Array.isArray(s.body) ? s.body.join('\n') : '',
    scope:
      typeof s.scope === 'string'
        ? s.scope
            .split(',')
            .map((x) => x.trim())
            .filter(Boolean)
        : undefined,
    isFileTemplate: s.isFileTemplate === true,
  }));
}

type Node =
  | { readonly kind: 'text'; readonly value: string }
  | { readonly kind: 'tabstop'; readonly index: number; readonly children: readonly Node[] | undefined }
  | { readonly kind: 'choice'; readonly index: number; readonly options: readonly string[] }
  | { readonly kind: 'variable'; readonly name: string; readonly children: readonly Node[] | undefined };

class Parser {
  private pos = 0;
  constructor(private readonly src: string) {}

  /** Nodes up to the end, or up to an unescaped `}` when inside a placeholder or variable default. */
  parseAny(nested: boolean): Node[] {
    const out: Node[] = [];
    let text = '';
    const flush = () => {
      if (text !== '') out.push({ kind: 'text', value: text });
      text = '';
    };
    while (this.pos < this.src.length) {
      const c = this.src[this.pos] as string;
      if (c === '\\' && /[$}\\]/.test(this.src[this.pos + 1] ?? '')) {
        text += this.src[this.pos + 1];
        this.pos += 2;
      } else if (c === '}' && nested) {
        break;
      } else if (c === '$') {
        const node = this.parseDollar();
        if (node) {
          flush();
          out.push(node);
        } else {
          text += c;
          this.pos++;
        }
      } else {
        text += c;
        this.pos++;
      }
    }
    flush();
    return out;
  }

  /** A construct starting at `$`, or `undefined` (and the position unchanged) when it is text. */
  private parseDollar(): Node | undefined {
    const start = this.pos;
    const simple = /^\$(?:(\d+)|([_a-zA-Z][_a-zA-Z0-9]*))/.exec(this.src.slice(start));
    if (simple) {
      this.pos += simple[0].length;
      return simple[1] !== undefined
        ? { kind: 'tabstop', index: Number(simple[1]), children: undefined }
        : { kind: 'variable', name: simple[2] as string, children: undefined };
    }
    const head = /^\$\{(?:(\d+)|([_a-zA-Z][_a-zA-Z0-9]*))([}:|/])/.exec(this.src.slice(start));
    if (!head) return undefined;
    this.pos += head[0].length;
    const index = head[1] !== undefined ? Number(head[1]) : undefined;
    const name = head[2];
    switch (head[3]) {
      case '}':
        return index !== undefined
          ? { kind: 'tabstop', index, children: undefined }
          : { kind: 'variable', name: name as string, children: undefined };
      case ':': {
        const children = this.parseAny(true);
        if (this.src[this.pos] !== '}') return this.backTo(start);
        this.pos++;
        return index !== undefined
          ? { kind: 'tabstop', index, children }
          : { kind: 'variable', name: name as string, children };
      }
      case '|': {
        if (index === undefined) return this.backTo(start);
        const options = this.parseChoiceOptions();
        return options ? { kind: 'choice', index, options } : this.backTo(start);
      }
      default:
        throw new Error(
          `snippet transforms are not supported by the test expander (at ${JSON.stringify(this.src.slice(start, start + 30))})`,
        );
    }
  }

  /** `a,b,c|}` after `${n|`, with `\` escaping `,`, `|` and `\`. */
  private parseChoiceOptions(): string[] | undefined {
    const options: string[] = [];
    let current = '';
    while (this.pos < this.src.length) {
      const c = this.src[this.pos] as string;
      if (c === '\\' && /[,|\\]/.test(this.src[this.pos + 1] ?? '')) {
        current += this.src[this.pos + 1];
        this.pos += 2;
      } else if (c === ',') {
        options.push(current);
        current = '';
        this.pos++;
      } else if (c === '|' && this.src[this.pos + 1] === '}') {
        options.push(current);
        this.pos += 2;
        return options;
      } else {
        current += c;
        this.pos++;
      }
    }
    return undefined;
  }

  private backTo(pos: number): undefined {
    this.pos = pos;
    return undefined;
  }
}

/** Parses a snippet body (exported for the expander's own tests). */
export function parseSnippet(body: string): readonly Node[] {
  return new Parser(body).parseAny(false);
}

/** What the test "types" instead of a placeholder's default: keyed by that default text. */
export type Replacements = Readonly<Record<string, string>>;

/**
 * The text a snippet inserts when the user accepts every default: a tab stop takes the text of
 * the first placeholder (or choice: its first option) with the same index, everywhere it
 * appears; a plain `$0` and tab stops without a default are empty; a known variable takes its value
 * (or its default when it has no value), an unknown one inserts its own name, as VS Code does.
 * `replacements` stand for what a user types: the tab stop whose default is the key gets the
 * value (every default named must exist, so that a renamed placeholder fails the test).
 */
export function expandSnippet(
  body: string,
  variables: (name: string) => string | undefined,
  replacements: Replacements = {},
): string {
  const nodes = parseSnippet(body);
  const values = new Map<number, string>();
  const render = (list: readonly Node[]): string => list.map(renderNode).join('');
  const renderNode = (n: Node): string => {
    switch (n.kind) {
      case 'text':
        return n.value;
      case 'choice':
      case 'tabstop':
        return values.get(n.index) ?? '';
      case 'variable': {
        const value = variables(n.name);
        if (value !== undefined) return value;
        return n.children !== undefined ? render(n.children) : KNOWN_VARIABLES.has(n.name) ? '' : n.name;
      }
    }
  };
  // The first placeholder of an index, in document order, defines the value of all its mirrors.
  const unused = new Set(Object.keys(replacements));
  const visit = (list: readonly Node[]): void => {
    for (const n of list) {
      if (n.kind === 'tabstop' && n.children !== undefined) visit(n.children);
      if (n.kind === 'variable' && n.children !== undefined) visit(n.children);
      if (values.has(n.kind === 'tabstop' || n.kind === 'choice' ? n.index : -1)) continue;
      let value: string | undefined;
      if (n.kind === 'choice') value = n.options[0] ?? '';
      if (n.kind === 'tabstop' && n.children !== undefined) value = render(n.children);
      if (value === undefined || n.kind === 'text' || n.kind === 'variable') continue;
      const typed = replacements[value];
      if (typed !== undefined) unused.delete(value);
      values.set(n.index, typed ?? value);
    }
  };
  visit(nodes);
  if (unused.size > 0)
    throw new Error(`no placeholder has the default ${[...unused].map((u) => JSON.stringify(u)).join(', ')}`);
  return render(nodes);
}

/** VS Code's snippet variables (https://code.visualstudio.com/docs/editor/userdefinedsnippets#_variables; `KnownSnippetVariableNames` in its source). */
const KNOWN_VARIABLES = new Set([
  'SELECTION',
  'TM_SELECTED_TEXT',
  'TM_CURRENT_LINE',
  'TM_CURRENT_WORD',
  'TM_LINE_INDEX',
  'TM_LINE_NUMBER',
  'TM_FILENAME',
  'TM_FILENAME_BASE',
  'TM_DIRECTORY',
  'TM_DIRECTORY_BASE',
  'TM_FILEPATH',
  'RELATIVE_FILEPATH',
  'CLIPBOARD',
  'WORKSPACE_NAME',
  'WORKSPACE_FOLDER',
  'CURSOR_INDEX',
  'CURSOR_NUMBER',
  'CURRENT_YEAR',
  'CURRENT_YEAR_SHORT',
  'CURRENT_MONTH',
  'CURRENT_MONTH_NAME',
  'CURRENT_MONTH_NAME_SHORT',
  'CURRENT_DATE',
  'CURRENT_DAY_NAME',
  'CURRENT_DAY_NAME_SHORT',
  'CURRENT_HOUR',
  'CURRENT_MINUTE',
  'CURRENT_SECOND',
  'CURRENT_SECONDS_UNIX',
  'CURRENT_TIMEZONE_OFFSET',
  'RANDOM',
  'RANDOM_HEX',
  'UUID',
  'BLOCK_COMMENT_START',
  'BLOCK_COMMENT_END',
  'LINE_COMMENT',
]);

/**
 * Inserting multi-line text as VS Code does: every line after the first gets the indentation of
 * the line it is inserted on, and tabs in a line's indentation become the editor's unit.
 */
export function indentInsertion(text: string, indent: string, tab = '  '): string {
  return text
    .split('\n')
    .map((line) => line.replace(/^[\t ]+/, (ws) => ws.replace(/\t/g, tab)))
    .map((line, i) => (i === 0 ? line : indent + line))
    .join('\n');
}
