/**
 * The workspace index: which template functions use which handler file and export, in
 * both directions. Templates are found three ways: open in the editor, under the
 * workspace roots, and in the folders above a handler file (where SAM projects keep
 * them). Everything read from disk is cached until `fileChanged` says otherwise; every
 * change that can move a link bumps `generation`, which callers use to drop results
 * that depend on links (a template's LL5001, a handler's runtime-dependent findings).
 */
import { basename, dirname, join, sep } from 'node:path';
import type { FileSystem } from '../fs';
import { isKnown, type FunctionModel, type Setting } from '../model/types';
import { readTemplate, type TemplateDocument } from '../templates/template';
import { get, getPath, scalarString } from '../templates/tree';
import { parseHandlerFile, type ExportEntry, type ParsedHandlerFile } from '../handlers/model';
import { isCdkSourcePath, mayDefineFunctions, readStackInApp, stackFiles } from '../cdk/app';
import {
  memoStat,
  pathToUri,
  resolveFunctionHandler,
  resolveRelativeModule,
  uriToPath,
  type Resolution,
} from '../handlers/resolve';
import type { FunctionLink } from '../handlers/facts';

export type { FunctionLink } from '../handlers/facts';

/** Folders never walked into, by the workspace index or the CLI: dependencies, tool output, VCS metadata. */
export const NEVER_WALKED = new Set([
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  '.aws-sam',
  'cdk.out',
  '.serverless',
  '.lambda-lens',
  '__pycache__',
  '.venv',
  'venv',
]);

/** Folders never scanned for templates: those, and build output. */
const SKIP_DIRS = new Set([...NEVER_WALKED, 'dist', 'coverage']);
const NOT_TEMPLATES =
  /^(package(-lock)?|tsconfig(\..*)?|jsconfig|\.eslintrc|\.prettierrc|composer(\.lock)?|launch|settings|extensions|tasks|\.?babelrc|lerna|nx|turbo|renovate|cdk|app|angular|vercel|firebase|manifest)\.json$|\.(schema|lock)\.json$/i;
const TEMPLATE_EXT = /\.(ya?ml|json|template)$/i;
/** CloudFormation's own limit is 1 MB; larger files are not templates we can link. */
const MAX_TEMPLATE_BYTES = 1024 * 1024;
const MAX_SCAN_DEPTH = 6;
const MAX_SCAN_FILES = 20_000;
const MAX_RE_EXPORT_HOPS = 5;
/** Test folders and files: code there is run by a test runner, not by Lambda. */
const TEST_PATH = /(^|[\\/])(tests|__tests__)[\\/]/;
const TEST_FILE = /^(test_.*\.py|.*_test\.py|conftest\.py|.*\.(test|spec)\.[cm]?[jt]sx?)$/;

interface TemplateLinks {
  readonly template: TemplateDocument;
  readonly links: readonly FunctionLink[];
  readonly resolutions: ReadonlyMap<FunctionModel, Resolution>;
}

interface TemplateEntry {
  readonly text: string;
  readonly doc: TemplateDocument;
}

export class ProjectIndex {
  private roots: string[] = [];
  /** Open templates, by path: the editor's text wins over the disk. */
  private readonly open = new Map<string, TemplateDocument>();
  private readonly disk = new Map<string, TemplateEntry | null>();
  private readonly listings = new Map<string, readonly string[]>();
  private readonly parsed = new Map<string, ParsedHandlerFile | null>();
  private rootTemplates: readonly string[] | undefined;
  /** Stack files of the CDK apps seen, by app folder. */
  private readonly cdkApps = new Map<string, readonly string[]>();
  private links: { generation: number; byTemplate: Map<string, TemplateLinks> } | undefined;
  private _generation = 0;
  private _codeRevision = 0;
  /**
   * What handler resolution found on disk (files and folders, or their absence), trusted until a
   * file changes on disk, as the folder listings are: a template edit re-resolves every function's
   * Handler, and stat calls were most of that time (bench/lsp.ts).
   */
  private readonly stats = new Map<string, ReturnType<FileSystem['stat']>>();
  private readonly statsFs: FileSystem = {
    readFile: (p) => this.fs.readFile(p),
    readDirectory: (p) => this.fs.readDirectory(p),
    stat: (p) => {
      if (!this.stats.has(p)) this.stats.set(p, this.fs.stat(p));
      return this.stats.get(p);
    },
  };
  /**
   * Handlers that resolved to no file (a missing module or code folder, or nothing to resolve),
   * by what the resolution reads of the function: they read only the stats above, so they are
   * kept as long as those. A template edit bumps the generation and re-resolves every function;
   * resolving the same values again on the same disk was most of that time (bench/lsp.ts).
   * Resolutions to a file are not kept: they read package.json (`"type"`), which the stats do not cover.
   */
  private readonly unresolved = new Map<string, Resolution>();
  /**
   * Answers about folders read from disk by rules (LL5001: is any code around this template?),
   * kept, like the stats, until a file changes on disk: a template edit does not change them, and
   * walking the folders again for every template was most of a corpus check's time.
   */
  private readonly folderAnswers = new Map<string, boolean>();

  /**
   * @param staticDisk Documents are opened with their text on disk, which does not change while
   * the index lives (the CLI): a closed document's file is not read again to compare.
   */
  constructor(
    private readonly fs: FileSystem,
    private readonly staticDisk = false,
  ) {}

  /** Increases whenever a link may have changed. */
  get generation(): number {
    return this._generation;
  }

  /**
   * Bumped whenever an open handler's text changes, even when its links stay: template rules
   * that read handler code (LL4003, LL5002) must be re-run, link caches need not be.
   */
  get codeRevision(): number {
    return this._codeRevision;
  }

  /** The workspace folders (file-system paths). */
  get workspaceRoots(): readonly string[] {
    return this.roots;
  }

  setRoots(roots: readonly string[]): void {
    this.roots = [...roots];
    this.rootTemplates = undefined;
    this.stats.clear();
    this.unresolved.clear();
    this.bump();
  }

  /** An open template's latest parse. */
  updateTemplate(doc: TemplateDocument): void {
    const path = uriToPath(doc.uri);
    const known = this.open.get(path) ?? this.disk.get(path)?.doc;
    if (known === doc) return;
    this.open.set(path, doc);
    // The same text as before (a re-open, the CLI reading what the index read): same links.
    if (known?.text !== doc.text) this.bump();
  }

  /** Handler code changed without moving links (template rules that read code must re-run). */
  codeChanged(): void {
    this._codeRevision++;
  }

  /** An open handler's latest parse; bumps the generation only when its exports changed. */
  updateHandler(parsed: ParsedHandlerFile): void {
    const path = uriToPath(parsed.uri);
    const before = this.parsed.get(path);
    this.parsed.set(path, parsed);
    if (before?.text !== parsed.text) this.codeChanged();
    if (!before || exportSignature(before) !== exportSignature(parsed)) this.bump();
  }

  /** A document was closed: its disk copy is the truth again. */
  closed(uri: string): void {
    const path = uriToPath(uri);
    const open = this.open.get(path);
    if (open) {
      this.open.delete(path);
      // Unchanged on disk: keep the parse and the links.
      if (this.staticDisk || this.fs.readFile(path) === open.text) this.disk.set(path, { text: open.text, doc: open });
      else this.forgetPath(path);
      return;
    }
    // A handler: links move only if the text on disk exports something else.
    const before = this.parsed.get(path);
    if (!before || this.staticDisk) return;
    const text = this.fs.readFile(path);
    if (text === before.text) return;
    this.parsed.delete(path);
    const after = this.parsedFile(path);
    if (!after || exportSignature(before) !== exportSignature(after)) this.bump();
  }

  /** `question`'s answer about a folder, read once until a file changes on disk (see {@link folderAnswers}). */
  folderAnswer(question: string, dir: string, read: () => boolean): boolean {
    const key = `${question}\0${dir}`;
    let answer = this.folderAnswers.get(key);
    if (answer === undefined) this.folderAnswers.set(key, (answer = read()));
    return answer;
  }

  /** A file was created, changed or deleted on disk. */
  fileChanged(uri: string): void {
    this.forgetPath(uriToPath(uri));
  }

  private forgetPath(path: string): void {
    this.disk.delete(path);
    this.parsed.delete(path);
    this.listings.delete(dirname(path));
    this.stats.clear();
    this.unresolved.clear();
    this.folderAnswers.clear();
    this.rootTemplates = undefined;
    this.cdkApps.clear();
    this.bump();
  }

  private bump(): void {
    this._generation++;
    this._codeRevision++;
    this.links = undefined;
  }

  /** The parsed handler file at a path (open text first), cached. */
  parsedFile(path: string): ParsedHandlerFile | undefined {
    const hit = this.parsed.get(path);
    if (hit !== undefined) return hit ?? undefined;
    const text = this.fs.readFile(path);
    const p = text === undefined ? null : parseHandlerFile(pathToUri(path), text);
    this.parsed.set(path, p);
    return p ?? undefined;
  }

  /** The template this index read from disk for a document, when the document's text is the one it read. */
  diskTemplate(uri: string, text: string): TemplateDocument | undefined {
    const hit = this.disk.get(uriToPath(uri));
    return hit && hit.text === text && hit.doc.uri === uri ? hit.doc : undefined;
  }

  /** The template at a path (open text first), or `undefined` when it is not a template. */
  template(path: string): TemplateDocument | undefined {
    const open = this.open.get(path);
    if (open) return open;
    let hit = this.disk.get(path);
    if (hit === undefined) {
      hit = null;
      const st = this.fs.stat(path);
      if (st?.isFile && st.size <= MAX_TEMPLATE_BYTES && isCdkSourcePath(path)) {
        const text = this.fs.readFile(path);
        if (text !== undefined && mayDefineFunctions(text)) {
          const doc = readStackInApp(pathToUri(path), path, text, this.fs);
          if (doc.functions.length > 0) hit = { text, doc };
        }
      } else if (st?.isFile && st.size <= MAX_TEMPLATE_BYTES) {
        const text = this.fs.readFile(path);
        if (text !== undefined && /AWS::|Resources|^service\s*:/m.test(text)) {
          const doc = readTemplate(
            pathToUri(path),
            text,
            /\.json$/i.test(path) ? 'json' : /\.ya?ml$/i.test(path) ? 'yaml' : undefined,
          );
          if (doc.functions.length > 0) hit = { text, doc };
        }
      }
      this.disk.set(path, hit);
    }
    return hit?.doc;
  }

  /** Every template that may reference a file: open ones, ones under the roots and ones in the folders above it. */
  templatesAround(path: string): TemplateDocument[] {
    // Code lives below its template's folder, or beside it (`CodeUri: ../src`).
    const near = (t: string) => {
      const dir = dirname(t);
      const parent = dirname(dir);
      return isUnder(path, dir) || (parent !== dir && isUnder(path, parent) && parent !== dirname(parent));
    };
    const paths = new Set<string>([
      ...[...this.open.keys(), ...this.scanRoots()].filter(near),
      ...this.ancestorTemplates(path),
    ]);
    return [...paths].map((p) => this.template(p)).filter((t): t is TemplateDocument => t !== undefined);
  }

  /** Templates with Lambda functions that are open or under the workspace roots (for a workspace summary). */
  workspaceTemplates(): TemplateDocument[] {
    const paths = new Set<string>([...this.open.keys(), ...this.scanRoots()]);
    return [...paths].map((p) => this.template(p)).filter((t): t is TemplateDocument => t !== undefined);
  }

  /** The template functions whose Handler resolves to this file. */
  linksToFile(path: string): FunctionLink[] {
    return this.templatesAround(path).flatMap((t) => this.linksOfTemplate(t).filter((l) => l.path === path));
  }

  /** The links of every Node function of a template. */
  linksOfTemplate(template: TemplateDocument): readonly FunctionLink[] {
    return this.templateLinks(template).links;
  }

  /** How each function's Handler resolves (files, missing modules, skipped functions). */
  resolutionOf(template: TemplateDocument, fn: FunctionModel): Resolution {
    return this.templateLinks(template).resolutions.get(fn) ?? { kind: 'skip' };
  }

  private templateLinks(template: TemplateDocument): TemplateLinks {
    if (this.links?.generation !== this._generation)
      this.links = { generation: this._generation, byTemplate: new Map() };
    const cached = this.links.byTemplate.get(template.uri);
    if (cached?.template === template) return cached;
    const fs = memoStat(this.statsFs);
    const links: FunctionLink[] = [];
    const resolutions = new Map<FunctionModel, Resolution>();
    for (const fn of template.functions) {
      const entryPoints = esbuildEntryPoints(template, fn);
      const key = resolutionKey(fn, entryPoints);
      let r = this.unresolved.get(key);
      if (r === undefined) {
        r = resolveFunctionHandler(fn, fs, entryPoints);
        if (r.kind !== 'file') this.unresolved.set(key, r);
      }
      resolutions.set(fn, r);
      if (r.kind !== 'file') continue;
      const target = this.followReexports(r.path, r.exportPath[0] ?? '');
      links.push({
        fn,
        template,
        path: target.path,
        uri: pathToUri(target.path),
        exportName: target.name,
        via: target.path === r.path ? undefined : r.path,
        resolution: r,
      });
    }
    const entry = { template, links, resolutions };
    this.links.byTemplate.set(template.uri, entry);
    return entry;
  }

  /** Where an export really lives: through `export { x } from './y'`, `export * from`, `exports.x = require('./y').z`. */
  followReexports(path: string, name: string): { path: string; name: string; entry: ExportEntry | undefined } {
    let p = path;
    let n = name;
    for (let hop = 0; hop < MAX_RE_EXPORT_HOPS; hop++) {
      const file = this.parsedFile(p);
      if (!file) break;
      const entry = file.exports.get(n);
      if (entry && !entry.reexport) return { path: p, name: n, entry };
      if (entry?.reexport) {
        const next = resolveRelativeModule(p, entry.reexport.module, this.fs);
        if (!next) return { path: p, name: n, entry };
        p = next;
        n = entry.reexport.name;
        continue;
      }
      const star = file.starReexports
        .map((s) => resolveRelativeModule(p, s, this.fs))
        .find((s) => s !== undefined && this.parsedFile(s)?.exports.has(n));
      if (!star) return { path: p, name: n, entry: undefined };
      p = star;
    }
    return { path: p, name: n, entry: this.parsedFile(p)?.exports.get(n) };
  }

  /** Open and disk paths whose analysis depends on this file: a template's handler files, a handler's templates. */
  dependents(uri: string): string[] {
    const path = uriToPath(uri);
    const t = this.template(path);
    if (t) return [...new Set(this.linksOfTemplate(t).flatMap((l) => [l.uri, ...(l.via ? [pathToUri(l.via)] : [])]))];
    return [...new Set(this.linksToFile(path).map((l) => l.template.uri))];
  }

  private listing(dir: string): readonly string[] {
    let hit = this.listings.get(dir);
    if (!hit) {
      hit = this.fs
        .readDirectory(dir)
        .filter((n) => TEMPLATE_EXT.test(n) && !NOT_TEMPLATES.test(n))
        .map((n) => join(dir, n));
      this.listings.set(dir, hit);
    }
    return hit;
  }

  /**
   * Why a file that no template links is not a Lambda handler, when it is not: a test file
   * (pytest's `test_*.py`, `*.test.js`, a `tests/` or `__tests__/` folder), or code of a Serverless Framework
   * service for another cloud (`provider.name` other than `aws`: only AWS functions are Lambda).
   * Such files get no handler rules; a template that links one still makes it a handler.
   */
  notLambda(path: string): string | undefined {
    // Folders count below the workspace root only (a workspace may itself sit under a `test/` folder).
    const root = this.roots.find((r) => path.startsWith(r.endsWith(sep) ? r : `${r}${sep}`));
    if (TEST_FILE.test(basename(path)) || (root !== undefined && TEST_PATH.test(path.slice(root.length))))
      return 'a test file';
    for (const t of this.ancestorTemplates(path)) {
      if (!/^serverless\.ya?ml$/i.test(basename(t))) continue;
      const text = this.fs.readFile(t);
      if (text === undefined) continue;
      const provider = get(readTemplate(pathToUri(t), text, 'yaml').root, 'provider');
      const name = scalarString(provider?.kind === 'map' ? get(provider, 'name') : provider);
      if (name !== undefined && name !== 'aws') return `a Serverless Framework service for provider ${name}`;
    }
    return undefined;
  }

  private ancestorTemplates(path: string): string[] {
    const out: string[] = [];
    const root = this.roots.find((r) => path.startsWith(r.endsWith('/') ? r : `${r}/`) || path.startsWith(`${r}\\`));
    let dir = dirname(path);
    for (let i = 0; i < 10; i++) {
      out.push(...this.listing(dir), ...this.cdkStacks(dir));
      if (dir === root || this.fs.stat(join(dir, '.git')) !== undefined) break;
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
    return out;
  }

  /** The stack files of the CDK app in `dir`, when `dir` holds a cdk.json. */
  private cdkStacks(dir: string): readonly string[] {
    let hit = this.cdkApps.get(dir);
    if (!hit) {
      hit = this.fs.stat(join(dir, 'cdk.json'))?.isFile === true ? stackFiles(dir, this.fs) : [];
      this.cdkApps.set(dir, hit);
    }
    return hit;
  }

  /** Template-looking files under the workspace roots (names, not contents: parsing is lazy), and CDK apps' stack files. */
  private scanRoots(): readonly string[] {
    if (this.rootTemplates) return this.rootTemplates;
    const out: string[] = [];
    let seen = 0;
    const walk = (dir: string, depth: number): void => {
      if (depth > MAX_SCAN_DEPTH || seen > MAX_SCAN_FILES) return;
      out.push(...this.cdkStacks(dir));
      for (const name of this.fs.readDirectory(dir)) {
        seen++;
        if (SKIP_DIRS.has(name) || name.startsWith('.')) continue;
        const p = join(dir, name);
        if (TEMPLATE_EXT.test(name)) {
          if (!NOT_TEMPLATES.test(name) && /template|sam|stack|cfn|cloudformation|serverless/i.test(basename(name)))
            out.push(p);
        } else if (!name.includes('.') && this.fs.stat(p)?.isDirectory) {
          walk(p, depth + 1);
        }
      }
    };
    for (const r of this.roots) walk(r, 0);
    this.rootTemplates = out;
    return out;
  }
}

/** A SAM function's esbuild `EntryPoints` (`Metadata.BuildMethod: esbuild`). */
function esbuildEntryPoints(template: TemplateDocument, fn: FunctionModel): string[] {
  if (fn.kind !== 'sam') return [];
  const metadata = getPath(template.root, 'Resources', fn.logicalId, 'Metadata');
  if (scalarString(get(metadata, 'BuildMethod'))?.toLowerCase() !== 'esbuild') return [];
  const entries = getPath(metadata, 'BuildProperties', 'EntryPoints');
  return entries?.kind === 'seq' ? entries.items.map(scalarString).filter((e): e is string => e !== undefined) : [];
}

/** Everything of a function that `resolveFunctionHandler` reads (handlers/resolve.ts), as one string. */
function resolutionKey(fn: FunctionModel, entryPoints: readonly string[]): string {
  const setting = (s: Setting<string> | undefined) => (s === undefined ? '-' : isKnown(s) ? `=${s.value}` : '?');
  return `${fn.uri}\0${fn.kind}\0${fn.inlineCode}\0${setting(fn.entry)}\0${setting(fn.handler)}\0${setting(fn.runtime)}\0${setting(fn.packageType)}\0${setting(fn.codeUri)}\0${entryPoints.join('\0')}`;
}

function isUnder(path: string, dir: string): boolean {
  return path.startsWith(dir.endsWith(sep) ? dir : `${dir}${sep}`);
}

function exportSignature(p: ParsedHandlerFile): string {
  const parts = [...p.exports.values()].map(
    (e) =>
      `${e.name}:${e.fn ? `${e.fn.parameters.length}` : '-'}:${e.reexport ? `${e.reexport.module}#${e.reexport.name}` : ''}`,
  );
  return `${parts.sort().join(',')}|${p.starReexports.join(',')}|${p.exportsComplete}`;
}
