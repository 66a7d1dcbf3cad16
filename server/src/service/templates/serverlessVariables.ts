/**
 * Serverless Framework variables (`${self:…}`, `${opt:…, default}`, `${env:…, default}`,
 * `${sls:stage}`, `${aws:region}`), resolved statically from the same file.
 *
 * The whole tree is rewritten once: a scalar that is exactly one variable becomes the node it
 * refers to (so `memorySize: ${self:custom.memory}` stays a number), a string with variables
 * inside becomes the interpolated string, and a variable that cannot be known here (a CLI
 * option or environment variable without a default, SSM, CloudFormation outputs, files)
 * becomes an {@link SERVERLESS_VARIABLE} node, which the {@link Resolver} reports as unknown.
 * Values keep the span of the place they are used, so findings land on the token in the
 * function, not on the `custom:` entry it came from.
 *
 * Options and environment variables are assumed absent: `${opt:stage, 'dev'}` is `dev`. That is
 * what a plain `serverless deploy` does; a value passed on the command line is not visible here.
 * (www.serverless.com/framework/docs/guides/variables)
 */
import type { Span } from '../model/types';
import { SERVERLESS_VARIABLE, type TEntry, type TNode } from './tree';

/** The result of resolving one variable or string. */
type Value =
  | { readonly kind: 'node'; readonly node: TNode }
  /** A source that has no value here (an option or env var not given): try the next fallback. */
  | { readonly kind: 'absent'; readonly why: string }
  | { readonly kind: 'unknown'; readonly why: string };

const MAX_DEPTH = 12;

/** Sources whose values live outside the file: never resolved, and their fallbacks are not taken. */
const EXTERNAL_SOURCES: Readonly<Record<string, string>> = {
  file: 'a file',
  ssm: 'an SSM parameter',
  cf: 'a CloudFormation stack output',
  s3: 'an S3 object',
  param: 'a Serverless Dashboard parameter',
  sls: 'a Serverless Framework value',
  aws: 'the deploying AWS account',
  git: 'the git repository',
  terraform: 'Terraform state',
  vault: 'Vault',
  doppler: 'Doppler',
};

export class ServerlessVariables {
  /** The unresolved text of strings that are only partly known (for matching ARN suffixes). */
  readonly partial = new WeakMap<TNode, string>();
  private readonly active = new Set<TNode>();

  constructor(private readonly root: TNode) {}

  /** The tree with every variable replaced by its value or an unknown marker. */
  resolveTree(): TNode {
    return this.resolveNode(this.root, 0);
  }

  private resolveNode(node: TNode, depth: number): TNode {
    if (depth > MAX_DEPTH) return unknownNode(node.span, 'a variable nested too deeply');
    switch (node.kind) {
      case 'scalar':
        return typeof node.value === 'string' && node.value.includes('${')
          ? this.resolveScalar(node.value, node.span, depth)
          : node;
      case 'map':
        return {
          ...node,
          entries: node.entries.map((e): TEntry => ({ ...e, value: this.resolveNode(e.value, depth) })),
        };
      case 'seq':
        return { ...node, items: node.items.map((i) => this.resolveNode(i, depth)) };
      case 'intrinsic':
        return { ...node, arg: this.resolveNode(node.arg, depth) };
    }
  }

  /** A string scalar with `${…}` in it, read at `span`. */
  private resolveScalar(text: string, span: Span, depth: number): TNode {
    const v = this.resolveString(text, depth);
    if (v.kind === 'node') return withSpan(v.node, span);
    const node = unknownNode(span, v.why);
    const known = this.interpolate(text, depth, true);
    if (known !== undefined) this.partial.set(node, known);
    return node;
  }

  /** A string that is one variable keeps the referenced node; otherwise the parts are joined as text. */
  private resolveString(text: string, depth: number): Value {
    const parts = splitVariables(text);
    const only = parts.length === 1 ? parts[0] : undefined;
    if (only !== undefined && typeof only !== 'string') return this.resolveExpression(only.inner, depth);
    let out = '';
    for (const p of parts) {
      if (typeof p === 'string') {
        out += p;
        continue;
      }
      const v = this.resolveExpression(p.inner, depth);
      if (v.kind !== 'node') return v;
      const s = scalarText(v.node);
      if (s === undefined) return { kind: 'unknown', why: `the variable \${${p.inner}}, which is not a plain value` };
      out += s;
    }
    return { kind: 'node', node: { kind: 'scalar', span: { start: 0, end: 0 }, value: out } };
  }

  /**
   * The text of a string with unknown variables left as `${…}`; `undefined` when nothing is
   * unknown or the string has no known text at all.
   */
  private interpolate(text: string, depth: number, keepUnknown: boolean): string | undefined {
    let out = '';
    for (const p of splitVariables(text)) {
      if (typeof p === 'string') {
        out += p;
        continue;
      }
      const v = this.resolveExpression(p.inner, depth);
      const s = v.kind === 'node' ? scalarText(v.node) : undefined;
      if (s !== undefined) out += s;
      else if (keepUnknown) out += `\${${p.inner}}`;
      else return undefined;
    }
    return out;
  }

  /** `source:address, fallback, …` — the first source with a value wins. */
  private resolveExpression(inner: string, depth: number): Value {
    if (depth > MAX_DEPTH) return { kind: 'unknown', why: 'a variable nested too deeply' };
    const sources = splitTopLevel(inner, ',').map((s) => s.trim());
    let last: Value = { kind: 'unknown', why: `the variable \${${inner}}` };
    for (const source of sources) {
      const v = this.resolveSource(source, depth + 1);
      if (v.kind !== 'absent') return v;
      last = v;
    }
    return last.kind === 'absent' ? { kind: 'unknown', why: last.why } : last;
  }

  private resolveSource(source: string, depth: number): Value {
    const literal = literalValue(source);
    if (literal !== undefined)
      return { kind: 'node', node: { kind: 'scalar', span: { start: 0, end: 0 }, value: literal } };
    // A nested variable as a whole source (`${self:a, ${env:B}}`), or inside an address (`self:custom.${opt:stage}`).
    let text = source;
    if (text.includes('${')) {
      const parts = splitVariables(text);
      const only = parts.length === 1 ? parts[0] : undefined;
      if (only !== undefined && typeof only !== 'string') return this.resolveExpression(only.inner, depth);
      const resolved = this.interpolate(text, depth, false);
      if (resolved === undefined) return { kind: 'unknown', why: `the variable \${${source}}` };
      text = resolved;
    }
    const m = /^([A-Za-z][\w-]*)(?:\((.*)\))?:(.*)$/s.exec(text);
    if (m === null) {
      // Serverless reads an unquoted word without a source as a string.
      return /^[\w.\-/]+$/.test(text)
        ? { kind: 'node', node: { kind: 'scalar', span: { start: 0, end: 0 }, value: text } }
        : { kind: 'unknown', why: `the variable \${${source}}` };
    }
    const name = m[1] ?? '';
    const address = (m[3] ?? '').trim();
    switch (name) {
      case 'self':
        return this.selfReference(address, depth);
      case 'opt':
        return { kind: 'absent', why: `the CLI option --${address} (not known before deploy)` };
      case 'env':
        return { kind: 'absent', why: `the environment variable ${address} (not known before deploy)` };
      case 'sls':
        if (address === 'stage') return this.resolveExpression("opt:stage, self:provider.stage, 'dev'", depth);
        break;
      case 'aws':
        if (address === 'region') return this.resolveExpression("opt:region, self:provider.region, 'us-east-1'", depth);
        break;
      default:
        break;
    }
    const what = EXTERNAL_SOURCES[name] ?? `the variable source "${name}"`;
    return { kind: 'unknown', why: `\${${source}}, which comes from ${what}` };
  }

  /** `self:custom.memory` — a path into this file, itself resolved. */
  private selfReference(address: string, depth: number): Value {
    let node: TNode | undefined = this.root;
    const path = address === '' ? [] : address.split('.');
    for (const key of path) {
      if (node?.kind === 'map') node = lastEntry(node, key);
      else if (node?.kind === 'seq' && /^\d+$/.test(key)) node = node.items[Number(key)];
      else node = undefined;
      if (node === undefined) return { kind: 'absent', why: `\${self:${address}}, which is not set in this file` };
    }
    if (node === undefined) return { kind: 'absent', why: `\${self:${address}}` };
    if (this.active.has(node)) return { kind: 'unknown', why: `\${self:${address}}, which refers to itself` };
    this.active.add(node);
    try {
      const resolved = this.resolveNode(node, depth + 1);
      if (resolved.kind === 'intrinsic' && resolved.fn === SERVERLESS_VARIABLE) {
        return {
          kind: 'unknown',
          why: resolved.arg.kind === 'scalar' ? String(resolved.arg.value) : `\${self:${address}}`,
        };
      }
      if (resolved.kind === 'scalar' && resolved.value === null)
        return { kind: 'absent', why: `\${self:${address}}, which is empty` };
      return { kind: 'node', node: resolved };
    } finally {
      this.active.delete(node);
    }
  }
}

/** A marker for a value that cannot be known statically; `why` says what it depends on. */
function unknownNode(span: Span, why: string): TNode {
  return { kind: 'intrinsic', span, fn: SERVERLESS_VARIABLE, arg: { kind: 'scalar', span, value: why } };
}

function withSpan(node: TNode, span: Span): TNode {
  // Maps and lists keep their own spans: their entries are where the values are written.
  return node.kind === 'scalar' || node.kind === 'intrinsic' ? { ...node, span } : node;
}

function lastEntry(map: TNode & { kind: 'map' }, key: string): TNode | undefined {
  for (let i = map.entries.length - 1; i >= 0; i--) {
    const e = map.entries[i];
    if (e !== undefined && e.key === key) return e.value;
  }
  return undefined;
}

function scalarText(node: TNode): string | undefined {
  return node.kind === 'scalar' && node.value !== null ? String(node.value) : undefined;
}

/** A quoted string, number or boolean given as a fallback. */
function literalValue(source: string): string | number | boolean | undefined {
  const q = /^(['"])(.*)\1$/s.exec(source);
  if (q) return q[2] ?? '';
  if (/^-?\d+(\.\d+)?$/.test(source)) return Number(source);
  if (source === 'true' || source === 'false') return source === 'true';
  return undefined;
}

/** Text and `${…}` parts of a string, with balanced braces; an unclosed `${` stays text. */
function splitVariables(text: string): (string | { readonly inner: string })[] {
  const out: (string | { inner: string })[] = [];
  let buf = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('${', i)) {
      let depth = 0;
      let j = i;
      for (; j < text.length; j++) {
        if (text.startsWith('${', j)) {
          depth++;
          j++;
        } else if (text[j] === '}') {
          depth--;
          if (depth === 0) break;
        }
      }
      if (depth === 0 && j < text.length) {
        if (buf !== '') out.push(buf);
        buf = '';
        out.push({ inner: text.slice(i + 2, j) });
        i = j + 1;
        continue;
      }
    }
    buf += text[i];
    i++;
  }
  if (buf !== '') out.push(buf);
  return out;
}

/** Splits at `sep` outside quotes and nested `${…}`. */
function splitTopLevel(text: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (text.startsWith('${', i)) {
      depth++;
      i++;
    } else if (c === '}') depth--;
    else if (c === sep && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}
