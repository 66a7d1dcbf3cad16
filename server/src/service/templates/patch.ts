import type { Span } from '../model/types';
import type { TEntry, TMap, TNode } from './tree';

/**
 * Re-reading a YAML template after an edit, without parsing all of it again: while typing, an
 * edit touches one resource of a template that can hold hundreds, and parsing the whole text
 * took most of an edit's time in the language server (bench/lsp.ts).
 *
 * YAML block structure is decided by indentation, so an entry of a block map (`  Fn12:` and
 * the lines indented under it, up to the next key at its own indentation) reads the same alone
 * as inside its document. When an edit stays inside one such entry that is not the last of its
 * map, the new text of that entry alone is parsed and put in place of the old one, and
 * everything after it moves by the edit's length.
 *
 * This is only done when it gives exactly what a full parse would; otherwise the caller parses
 * the whole text:
 * - the previous parse was clean: one document, no syntax errors, no aliases, nothing past an
 *   input budget (aliases could point into or out of the entry);
 * - the entry's old text, parsed alone, gives back the entry the full parse gave (so nothing
 *   around it changed how it reads: flow collections, comments, directives);
 * - the entry's new text parses alone without errors or aliases into one entry with the same
 *   key, on a line of its own at the same indentation, every other line indented deeper, and it
 *   ends with a line break (so the next key still starts a line).
 * test/unit/templatePatch.test.ts compares it with a full parse over many edits of real templates.
 */

/** Parses a slice of YAML as the parser does a document; `depth` is the depth of the slice's root map in the document. */
export type ParseSlice = (text: string, depth: number) => { root: TNode | undefined; clean: boolean };

/**
 * Where a patch changed the tree: the keys from the root to the entry read again (`[]` when the
 * text did not change), that entry's text in the old text, `[start, oldEnd)`, and how much
 * longer the new text is (everything after `oldEnd` moved by `delta`).
 */
export interface PatchedEntry {
  readonly keys: readonly string[];
  readonly start: number;
  readonly oldEnd: number;
  readonly delta: number;
}

/** The new tree, or `undefined` when the edit is not one this can follow (then parse the whole text). */
export function patchYamlTree(
  oldText: string,
  oldRoot: TNode,
  newText: string,
  parseSlice: ParseSlice,
): { readonly root: TNode; readonly edited: PatchedEntry } | undefined {
  // Directives (`%YAML 1.1`, `%TAG`) change how every part of the document reads.
  if (oldRoot.kind !== 'map' || /(^|\n)%/.test(oldText.slice(0, oldRoot.span.start))) return undefined;
  // The changed range: old [from, oldTo) became new [from, oldTo + delta).
  const min = Math.min(oldText.length, newText.length);
  let from = 0;
  while (from < min && oldText.charCodeAt(from) === newText.charCodeAt(from)) from++;
  let same = 0;
  while (
    same < min - from &&
    oldText.charCodeAt(oldText.length - 1 - same) === newText.charCodeAt(newText.length - 1 - same)
  )
    same++;
  const oldTo = oldText.length - same;
  const delta = newText.length - oldText.length;
  if (delta === 0 && from === oldText.length)
    return { root: oldRoot, edited: { keys: [], start: 0, oldEnd: 0, delta } };

  // The entries whose lines hold the change, from the root down to at most a resource under Resources.
  const path: { map: TMap; index: number; start: number; end: number; last: boolean }[] = [];
  let map: TMap = oldRoot;
  let end = oldText.length;
  for (let level = 0; level < 2; level++) {
    const found = entryHolding(oldText, map, from, oldTo, end);
    if (found === undefined) break;
    path.push({ map, ...found });
    const value = (map.entries[found.index] as TEntry).value;
    if (value.kind !== 'map') break;
    map = value;
    end = found.end;
  }
  // The deepest of them that has a next key in its map (the next key bounds it in the old and the new text).
  for (let level = path.length - 1; level >= 0; level--) {
    const { map: parent, index, start, end: to, last } = path[level] as (typeof path)[number];
    if (last) continue;
    const old = parent.entries[index] as TEntry;
    const keyColumn = old.keySpan.start - start;
    // The old text alone must read as the full parse read it.
    const nextKey = (parent.entries[index + 1] as TEntry).key;
    const before = readEntry(oldText, start, to, keyColumn, nextKey, level, parseSlice);
    if (before === undefined || !sameEntry(before.entry, old, start)) continue;
    // A map starts where its first key does: the first entry's text decides where its map starts.
    if (index === 0 && before.mapStart + start !== parent.span.start) continue;
    const after = readEntry(newText, start, to + delta, keyColumn, nextKey, level, parseSlice);
    if (after === undefined || after.entry.key !== old.key) return undefined;
    const mapStart = index === 0 ? after.mapStart + start : parent.span.start;
    const keys = path.slice(0, level + 1).map((p) => (p.map.entries[p.index] as TEntry).key);
    return {
      root: rebuild(path.slice(0, level + 1), 0, shiftEntry(after.entry, start), mapStart, delta),
      edited: { keys, start, oldEnd: to, delta },
    };
  }
  return undefined;
}

/**
 * The entry of `map` whose lines (from its key's line to the next key's line, or to `end` for
 * the last entry) hold the changed range; its key and the next must each start their line.
 */
function entryHolding(
  text: string,
  map: TMap,
  from: number,
  to: number,
  end: number,
): { index: number; start: number; end: number; last: boolean } | undefined {
  const entries = map.entries;
  for (let i = 0; i < entries.length; i++) {
    const last = i + 1 === entries.length;
    const next = last ? undefined : (entries[i + 1] as TEntry).keySpan.start;
    if (next !== undefined && next < to) continue;
    const start = ownLineStart(text, (entries[i] as TEntry).keySpan.start);
    const stop = next === undefined ? end : ownLineStart(text, next);
    if (start === undefined || stop === undefined || from < start || to > stop || start >= stop) return undefined;
    return { index: i, start, end: stop, last };
  }
  return undefined;
}

/** Where the line holding `offset` starts, when only spaces come before `offset` on it. */
function ownLineStart(text: string, offset: number): number | undefined {
  let i = offset;
  while (i > 0 && text.charCodeAt(i - 1) === 0x20) i--;
  return i === 0 || text.charCodeAt(i - 1) === 0x0a ? i : undefined;
}

/**
 * An entry's text (`text` from `start` to `end`) parsed alone, followed by the next key's line
 * (what comes after an entry decides where its last value ends: an empty value runs to the next
 * key), when it reads cleanly as that entry and the next key: the entry and where the map holding
 * it starts (relative to `start`).
 */
function readEntry(
  text: string,
  start: number,
  end: number,
  keyColumn: number,
  nextKey: string,
  level: number,
  parseSlice: ParseSlice,
): { entry: TEntry; mapStart: number } | undefined {
  if (end <= start || text.charCodeAt(end - 1) !== 0x0a) return undefined;
  const slice = text.slice(start, end);
  let keyLine = true;
  for (const line of slice.split('\n')) {
    const trimmed = line.trimStart();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const indent = line.length - trimmed.length;
    if (keyLine ? indent !== keyColumn : indent <= keyColumn) return undefined;
    if (line.slice(0, indent).includes('\t')) return undefined;
    keyLine = false;
  }
  const lineEnd = text.indexOf('\n', end);
  const { root, clean } = parseSlice(text.slice(start, lineEnd < 0 ? text.length : lineEnd + 1), level);
  if (!clean || root?.kind !== 'map' || root.entries.length !== 2 || root.entries[1]?.key !== nextKey) return undefined;
  const entry = root.entries[0] as TEntry;
  return { entry, mapStart: root.span.start };
}

/** The tree with the entry at the end of `path` replaced; the map holding it starts at `mapStart`; what follows moves by `delta`. */
function rebuild(
  path: readonly { map: TMap; index: number }[],
  level: number,
  entry: TEntry,
  mapStart: number,
  delta: number,
): TMap {
  const { map, index } = path[level] as { map: TMap; index: number };
  const deepest = level === path.length - 1;
  const entries = map.entries.map((e, i) => {
    if (i < index) return e;
    if (i > index) return shiftEntry(e, delta);
    if (deepest) return entry;
    return { key: e.key, keySpan: e.keySpan, value: rebuild(path, level + 1, entry, mapStart, delta) };
  });
  return { kind: 'map', span: { start: deepest ? mapStart : map.span.start, end: map.span.end + delta }, entries };
}

function shiftSpan(s: Span, by: number): Span {
  return { start: s.start + by, end: s.end + by };
}

function shiftEntry(e: TEntry, by: number): TEntry {
  return by === 0 ? e : { key: e.key, keySpan: shiftSpan(e.keySpan, by), value: shift(e.value, by) };
}

function shift(node: TNode, by: number): TNode {
  const span = shiftSpan(node.span, by);
  switch (node.kind) {
    case 'map':
      return { kind: 'map', span, entries: node.entries.map((e) => shiftEntry(e, by)) };
    case 'seq':
      return { kind: 'seq', span, items: node.items.map((i) => shift(i, by)) };
    case 'intrinsic':
      return { kind: 'intrinsic', span, fn: node.fn, arg: shift(node.arg, by) };
    default:
      return { kind: 'scalar', span, value: node.value };
  }
}

/** `a` (spans relative to a slice starting at `offset`) reads the same as `b`. */
function sameEntry(a: TEntry, b: TEntry, offset: number): boolean {
  return (
    a.key === b.key &&
    a.keySpan.start + offset === b.keySpan.start &&
    a.keySpan.end + offset === b.keySpan.end &&
    sameNode(a.value, b.value, offset)
  );
}

function sameNode(a: TNode, b: TNode, offset: number): boolean {
  if (a.kind !== b.kind || a.span.start + offset !== b.span.start || a.span.end + offset !== b.span.end) return false;
  switch (a.kind) {
    case 'map': {
      const bs = (b as TMap).entries;
      return a.entries.length === bs.length && a.entries.every((e, i) => sameEntry(e, bs[i] as TEntry, offset));
    }
    case 'seq': {
      const bs = (b as typeof a).items;
      return a.items.length === bs.length && a.items.every((n, i) => sameNode(n, bs[i] as TNode, offset));
    }
    case 'intrinsic': {
      const bi = b as typeof a;
      return a.fn === bi.fn && sameNode(a.arg, bi.arg, offset);
    }
    default:
      return Object.is(a.value, (b as typeof a).value);
  }
}
