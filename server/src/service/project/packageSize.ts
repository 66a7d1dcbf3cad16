import { basename, dirname, join, relative, isAbsolute } from 'node:path';
import type { FileSystem } from '../fs';

/**
 * Sizes of deployment packages on disk (LL1013), measured without ever stalling: a walk
 * stops once past the limit it checks, never follows a symbolic link to a folder (so a link
 * loop cannot trap it), never leaves the project, and is cached by folder and modification
 * times. In the language server walks run in the background, in slices between requests, and
 * the diagnostics are refreshed when one ends; the CLI measures in place.
 */
export interface PackageSize {
  readonly bytes: number;
  /** Top-level entries of the folder, and each package of a top-level `node_modules`, largest first. */
  readonly units: readonly { readonly name: string; readonly bytes: number }[];
  /** True when the walk stopped early (past the limit, or the entry budget): `bytes` is a lower bound. */
  readonly partial: boolean;
  /** True when the code is a single file (a zip or jar). */
  readonly file: boolean;
}

export type SizeAnswer =
  | { readonly kind: 'measured'; readonly size: PackageSize }
  /** A background walk is under way; the caller is told again when it ends. */
  | { readonly kind: 'pending' }
  /** The path is outside the project: not walked. */
  | { readonly kind: 'outside'; readonly project: string }
  | { readonly kind: 'missing' };

/** A walk counts at most this many entries (a larger tree is judged on what was counted). */
const MAX_ENTRIES = 200_000;
const MAX_DEPTH = 40;
/** Entries a background walk handles before it yields to the server's requests. */
const SLICE = 2_000;
/** A measured size is trusted this long, then re-checked (in the background) even if no stamp moved. */
const TTL_MS = 60_000;
/**
 * In the background mode, an answer is given again without looking at the disk for this long
 * (or until `forgetRecent`, called when a file changes on disk): the language server asks for every
 * function at every keystroke, and stamping each folder again each time was most of the rule's time.
 */
const RECHECK_MS = 2_000;

interface Cached {
  readonly stamp: string;
  readonly at: number;
  readonly size: PackageSize;
  readonly limit: number;
}

export class PackageSizes {
  private readonly cache = new Map<string, Cached>();
  private readonly running = new Set<string>();
  /** Recent answers in the background mode, by path. */
  private readonly recent = new Map<
    string,
    { readonly at: number; readonly limit: number; readonly answer: SizeAnswer }
  >();

  /**
   * @param background When set, walks run in slices on the event loop and `onMeasured` is called
   * when one ends; otherwise each walk runs to its end at once.
   */
  /**
   * @param staticDisk Nothing on disk changes while this lives (the CLI): a folder measured once
   * is not stamped again.
   */
  constructor(
    private readonly fs: FileSystem,
    private readonly background?: { readonly onMeasured: () => void },
    private readonly staticDisk = false,
  ) {}

  /**
   * The size of the code at `path` (a folder or a file), up to `limit` bytes. `projectRoot`
   * bounds the walk: a path outside it is not measured.
   */
  measure(path: string, limit: number, projectRoot: string): SizeAnswer {
    if (!inside(projectRoot, path)) return { kind: 'outside', project: projectRoot };
    if (this.background === undefined) return this.measureNow(path, limit);
    const recent = this.recent.get(path);
    if (recent !== undefined && recent.limit >= limit && Date.now() - recent.at < RECHECK_MS) return recent.answer;
    const answer = this.measureNow(path, limit);
    // A pending answer changes when its walk ends (which forgets it), so only final answers are kept.
    if (answer.kind !== 'pending') this.recent.set(path, { at: Date.now(), limit, answer });
    return answer;
  }

  /** Files changed on disk: the next answers look at the disk again. */
  forgetRecent(): void {
    this.recent.clear();
  }

  private measureNow(path: string, limit: number): SizeAnswer {
    const st = this.fs.stat(path);
    if (st === undefined) return { kind: 'missing' };
    if (st.isFile)
      return {
        kind: 'measured',
        size: { bytes: st.size, units: [{ name: basename(path), bytes: st.size }], partial: false, file: true },
      };
    if (!st.isDirectory) return { kind: 'missing' };
    if (this.staticDisk && this.background === undefined) {
      const hit = this.cache.get(path);
      if (hit !== undefined && hit.limit >= limit) return { kind: 'measured', size: hit.size };
      const size = runToEnd(new Walk(this.fs, path, limit));
      this.cache.set(path, { stamp: '', at: Date.now(), size, limit });
      return { kind: 'measured', size };
    }
    const stamp = this.stamp(path);
    const hit = this.cache.get(path);
    const fresh = hit !== undefined && hit.stamp === stamp && hit.limit >= limit;
    if (this.background === undefined) {
      if (fresh) return { kind: 'measured', size: hit.size };
      const size = runToEnd(new Walk(this.fs, path, limit));
      this.cache.set(path, { stamp, at: Date.now(), size, limit });
      return { kind: 'measured', size };
    }
    if (fresh && Date.now() - hit.at < TTL_MS) return { kind: 'measured', size: hit.size };
    this.start(path, limit, stamp);
    // While a re-measure runs, the last size stands; the first time there is none yet.
    return hit !== undefined ? { kind: 'measured', size: hit.size } : { kind: 'pending' };
  }

  /** The folder's modification time and its top-level entries': a package install or build moves one. */
  private stamp(path: string): string {
    const parts = [String(this.fs.stat(path)?.mtimeMs ?? 0)];
    for (const name of this.fs.readDirectory(path))
      parts.push(`${name}:${this.fs.stat(join(path, name))?.mtimeMs ?? 0}`);
    return parts.join('|');
  }

  private start(path: string, limit: number, stamp: string): void {
    if (this.running.has(path)) return;
    this.running.add(path);
    const walk = new Walk(this.fs, path, limit);
    const step = (): void => {
      let size: PackageSize | undefined;
      try {
        size = walk.advance(SLICE);
      } catch {
        size = walk.result();
      }
      if (size === undefined) {
        setImmediate(step);
        return;
      }
      this.running.delete(path);
      this.recent.delete(path);
      const before = this.cache.get(path);
      this.cache.set(path, { stamp, at: Date.now(), size, limit });
      if (before === undefined || before.size.bytes !== size.bytes || before.size.partial !== size.partial)
        this.background?.onMeasured();
    };
    setImmediate(step);
  }
}

/**
 * The project a template belongs to, which a package walk may not leave: the workspace root
 * that holds it, else the nearest folder above it with a `.git`, else the template's folder.
 */
export function projectRoot(templatePath: string, fs: FileSystem, roots: readonly string[]): string {
  const root = roots.find((r) => inside(r, templatePath));
  if (root !== undefined) return root;
  let dir = dirname(templatePath);
  for (let i = 0; i < 20; i++) {
    if (fs.stat(join(dir, '.git')) !== undefined) return dir;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return dirname(templatePath);
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function runToEnd(walk: Walk): PackageSize {
  for (;;) {
    const done = walk.advance(Infinity);
    if (done !== undefined) return done;
  }
}

/** An iterative walk (an explicit stack: no recursion to overflow) that can stop and resume. */
class Walk {
  private readonly stack: { dir: string; rel: string; depth: number }[];
  private readonly units = new Map<string, number>();
  private total = 0;
  private entries = 0;
  private partial = false;

  constructor(
    private readonly fs: FileSystem,
    root: string,
    private readonly limit: number,
  ) {
    this.stack = [{ dir: root, rel: '', depth: 0 }];
  }

  /** Handles up to `budget` entries; returns the size once the walk is over. */
  advance(budget: number): PackageSize | undefined {
    let handled = 0;
    while (this.stack.length > 0 && handled < budget) {
      if (this.total > this.limit || this.entries > MAX_ENTRIES) {
        this.partial = true;
        this.stack.length = 0;
        break;
      }
      const { dir, rel, depth } = this.stack.pop() ?? { dir: '', rel: '', depth: 0 };
      for (const name of this.fs.readDirectory(dir)) {
        this.entries++;
        handled++;
        const p = join(dir, name);
        const s = this.fs.stat(p);
        if (s === undefined) continue;
        const r = rel === '' ? name : `${rel}/${name}`;
        // A linked folder is not followed: a link loop (a → ..) would never end.
        if (s.isDirectory) {
          if (!s.isSymbolicLink && depth < MAX_DEPTH) this.stack.push({ dir: p, rel: r, depth: depth + 1 });
        } else if (s.isFile) {
          this.total += s.size;
          const unit = unitOf(r);
          this.units.set(unit, (this.units.get(unit) ?? 0) + s.size);
        }
      }
    }
    return this.stack.length === 0 ? this.result() : undefined;
  }

  result(): PackageSize {
    return {
      bytes: this.total,
      units: [...this.units].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes),
      partial: this.partial,
      file: false,
    };
  }
}

/** `node_modules/<pkg>` (or `node_modules/@scope/pkg`) for dependencies, else the top-level entry. */
function unitOf(rel: string): string {
  const parts = rel.split('/');
  if (parts[0] === 'node_modules' && parts.length > 2) {
    const scoped = (parts[1] ?? '').startsWith('@') && parts.length > 3;
    return parts.slice(0, scoped ? 3 : 2).join('/');
  }
  return parts.length > 1 ? `${parts[0] ?? ''}/` : rel;
}
