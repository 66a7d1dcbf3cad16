import type { Span } from '../model/types';

/**
 * One tree for YAML and JSON templates, so that the model is read once for both.
 * CloudFormation intrinsics are normalised: the short form `!Ref X` and the long form
 * `{ Ref: X }` both become an `intrinsic` node.
 */
export type TNode = TMap | TSeq | TScalar | TIntrinsic;

export interface TMap {
  readonly kind: 'map';
  readonly span: Span;
  readonly entries: readonly TEntry[];
}

export interface TEntry {
  readonly key: string;
  readonly keySpan: Span;
  readonly value: TNode;
}

export interface TSeq {
  readonly kind: 'seq';
  readonly span: Span;
  readonly items: readonly TNode[];
}

export interface TScalar {
  readonly kind: 'scalar';
  readonly span: Span;
  readonly value: string | number | boolean | null;
}

export interface TIntrinsic {
  readonly kind: 'intrinsic';
  readonly span: Span;
  /** Long-form name: `Ref`, `Fn::GetAtt`, `Fn::Sub`, `Condition`, … */
  readonly fn: string;
  readonly arg: TNode;
}

/**
 * The `fn` of an intrinsic node that stands for a Serverless Framework variable (`${opt:stage}`,
 * `${ssm:…}`) that cannot be resolved statically; its `arg` is a scalar saying what it depends on.
 */
export const SERVERLESS_VARIABLE = 'Serverless::Variable';

/** The intrinsic function names CloudFormation recognises in the long form. */
export const INTRINSIC_FUNCTIONS: ReadonlySet<string> = new Set([
  'Ref',
  'Condition',
  'Fn::Base64',
  'Fn::Cidr',
  'Fn::FindInMap',
  'Fn::GetAtt',
  'Fn::GetAZs',
  'Fn::ImportValue',
  'Fn::Join',
  'Fn::Select',
  'Fn::Split',
  'Fn::Sub',
  'Fn::Transform',
  'Fn::If',
  'Fn::Equals',
  'Fn::Not',
  'Fn::And',
  'Fn::Or',
  'Fn::Length',
  'Fn::ToJsonString',
  'Fn::ForEach',
]);

/** Short-form YAML tags and the long form each stands for. */
export const SHORT_FORM_TAGS: Readonly<Record<string, string>> = {
  Ref: 'Ref',
  Condition: 'Condition',
  Base64: 'Fn::Base64',
  Cidr: 'Fn::Cidr',
  FindInMap: 'Fn::FindInMap',
  GetAtt: 'Fn::GetAtt',
  GetAZs: 'Fn::GetAZs',
  ImportValue: 'Fn::ImportValue',
  Join: 'Fn::Join',
  Select: 'Fn::Select',
  Split: 'Fn::Split',
  Sub: 'Fn::Sub',
  Transform: 'Fn::Transform',
  If: 'Fn::If',
  Equals: 'Fn::Equals',
  Not: 'Fn::Not',
  And: 'Fn::And',
  Or: 'Fn::Or',
  Length: 'Fn::Length',
  ToJsonString: 'Fn::ToJsonString',
};

/** A tagged node's range starts at its value; the span of an intrinsic starts at its `!Tag`. */
export function tagStart(text: string, tag: string, valueStart: number): number {
  const at = text.lastIndexOf(tag, valueStart);
  return at >= 0 && /^\s*$/.test(text.slice(at + tag.length, valueStart)) ? at : valueStart;
}

/** `{ "Ref": "X" }` and `{ "Fn::Sub": … }` become intrinsic nodes. */
export function longFormIntrinsic(node: TNode): TNode {
  if (node.kind !== 'map' || node.entries.length !== 1) return node;
  const only = node.entries[0];
  if (only === undefined || !INTRINSIC_FUNCTIONS.has(only.key)) return node;
  return { kind: 'intrinsic', span: node.span, fn: only.key, arg: only.value };
}

export function getEntry(map: TNode | undefined, key: string): TEntry | undefined {
  if (map?.kind !== 'map') return undefined;
  if (map.entries.length > INDEXED_MAP_SIZE) return indexOf(map).get(key);
  // Last one wins, as in CloudFormation's YAML reader for duplicate keys.
  for (let i = map.entries.length - 1; i >= 0; i--) {
    const e = map.entries[i];
    if (e !== undefined && e.key === key) return e;
  }
  return undefined;
}

/**
 * Maps larger than this are looked up through an index built on first use, so that rules
 * asking for each resource by id stay linear in the template's size (a template with tens of
 * thousands of resources would otherwise take minutes).
 */
const INDEXED_MAP_SIZE = 32;
const indexes = new WeakMap<TMap, Map<string, TEntry>>();

function indexOf(map: TMap): Map<string, TEntry> {
  let index = indexes.get(map);
  if (index === undefined) {
    index = new Map();
    // Later entries overwrite earlier ones: the last duplicate wins, as above.
    for (const e of map.entries) index.set(e.key, e);
    indexes.set(map, index);
  }
  return index;
}

export function get(map: TNode | undefined, key: string): TNode | undefined {
  return getEntry(map, key)?.value;
}

/** Follows a path of keys through nested maps. */
export function getPath(node: TNode | undefined, ...keys: string[]): TNode | undefined {
  let cur = node;
  for (const k of keys) cur = get(cur, k);
  return cur;
}

export function asMap(node: TNode | undefined): TMap | undefined {
  return node?.kind === 'map' ? node : undefined;
}

export function scalarString(node: TNode | undefined): string | undefined {
  if (node?.kind !== 'scalar' || node.value === null) return undefined;
  return String(node.value);
}

/** The deepest node whose span contains `offset`, with the chain of map keys leading to it. */
export interface NodePath {
  readonly node: TNode;
  /** Keys (or `[i]` for sequence items) from the root to `node`. */
  readonly keys: readonly string[];
  /** The entries walked through, outermost first. */
  readonly entries: readonly TEntry[];
  /** True when `offset` is on the last entry's key rather than its value. */
  readonly onKey: boolean;
}

export function nodeAt(root: TNode, offset: number): NodePath | undefined {
  const keys: string[] = [];
  const entries: TEntry[] = [];
  let node: TNode = root;
  let onKey = false;
  if (!contains(root.span, offset)) return undefined;
  for (;;) {
    let next: TNode | undefined;
    if (node.kind === 'map') {
      const e = entryAt(node, offset);
      if (e !== undefined) {
        keys.push(e.key);
        entries.push(e);
        if (contains(e.keySpan, offset)) return { node: e.value, keys, entries, onKey: true };
        next = e.value;
      }
    } else if (node.kind === 'seq') {
      node.items.forEach((item, i) => {
        if (next === undefined && contains(item.span, offset)) {
          keys.push(`[${i}]`);
          next = item;
        }
      });
    } else if (node.kind === 'intrinsic') {
      if (contains(node.arg.span, offset)) next = node.arg;
    }
    if (next === undefined) return { node, keys, entries, onKey };
    node = next;
    onKey = false;
  }
}

/**
 * The first entry whose key or value holds `offset`. Rules ask this for every function of a
 * template at every keystroke; a large map whose entries come in document order without
 * overlapping (what a parse gives) is searched by halves instead of entry by entry.
 */
function entryAt(map: TMap, offset: number): TEntry | undefined {
  const list = map.entries;
  if (list.length >= 16 && inOrder(map)) {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (entryEnd(list[mid] as TEntry) < offset) lo = mid + 1;
      else hi = mid;
    }
    const e = list[lo];
    return e !== undefined && (contains(e.keySpan, offset) || contains(e.value.span, offset)) ? e : undefined;
  }
  return list.find((e) => contains(e.keySpan, offset) || contains(e.value.span, offset));
}

function entryEnd(e: TEntry): number {
  return Math.max(e.keySpan.end, e.value.span.end);
}

/** True when each entry starts no earlier than the one before it ends (checked once per map). */
function inOrder(map: TMap): boolean {
  let ordered = orderedMaps.get(map);
  if (ordered === undefined) {
    ordered = true;
    let end = -Infinity;
    for (const e of map.entries) {
      const start = Math.min(e.keySpan.start, e.value.span.start);
      if (start < end) {
        ordered = false;
        break;
      }
      end = entryEnd(e);
    }
    orderedMaps.set(map, ordered);
  }
  return ordered;
}
const orderedMaps = new WeakMap<TMap, boolean>();

function contains(span: Span, offset: number): boolean {
  return offset >= span.start && offset <= span.end;
}
