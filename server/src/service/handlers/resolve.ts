/**
 * Handler resolution as Lambda's Node runtime does it
 * (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html; docs/lambda.md, "Handlers, context and environment"):
 * `dir/sub/file.a.b` → module root `<CodeUri>/dir/sub/`, module `file`, export path `a.b`;
 * the module is tried extensionless and as `.js` (ESM when the nearest package.json says
 * `"type": "module"`), then `.mjs`, then `.cjs`. TypeScript sources (`.ts`, `.mts`, `.cts`)
 * stand in for the JavaScript a build (esbuild, tsc) would put there.
 */
import { basename, dirname, isAbsolute, join, resolve as resolvePath } from 'node:path';
import { URI } from 'vscode-uri';
import type { FileSystem } from '../fs';
import { isKnown, type FunctionModel } from '../model/types';

/** The extensions the runtime tries, in order, then the TypeScript sources of each. */
const RUNTIME_ORDER = ['', '.js', '.mjs', '.cjs'];
const SOURCE_ORDER = ['.ts', '.mts', '.cts'];

export interface ParsedHandlerString {
  /** Folder path inside the code root (`dir/sub`), `''` when none. */
  readonly dir: string;
  /** Module name without extension (`file`). */
  readonly module: string;
  /** Export path (`['a', 'b']`). */
  readonly exportPath: readonly string[];
}

/** Splits a Node handler string; `undefined` when it is malformed (LL1012 reports that). */
export function parseHandlerString(handler: string): ParsedHandlerString | undefined {
  const slash = handler.lastIndexOf('/');
  const dir = slash >= 0 ? handler.slice(0, slash) : '';
  const tail = handler.slice(slash + 1);
  const dot = tail.indexOf('.');
  if (dot <= 0 || dot === tail.length - 1) return undefined;
  if (dir.split('/').includes('..')) return undefined;
  const exportPath = tail.slice(dot + 1).split('.');
  if (exportPath.some((p) => p === '')) return undefined;
  return { dir, module: tail.slice(0, dot), exportPath };
}

export function uriToPath(uri: string): string {
  // Asked for every function of a template at every keystroke, for a handful of distinct uris.
  let path = paths.get(uri);
  if (path === undefined) {
    if (paths.size > 1_000) paths.clear();
    paths.set(uri, (path = URI.parse(uri).fsPath));
  }
  return path;
}
const paths = new Map<string, string>();

export function pathToUri(path: string): string {
  return URI.file(path).toString();
}

/** Folder names that hold build output: missing before a build, so their absence says nothing. */
export const BUILD_OUTPUT = /(^|[\\/])(dist|build|out|\.build|target|lib|bundle|\.esbuild|\.webpack)([\\/]|$)/;

export type Resolution =
  | {
      readonly kind: 'file';
      readonly path: string;
      readonly exportPath: readonly string[];
      /** True when a TypeScript source stands in for the built file. */
      readonly source: boolean;
      /** What the runtime treats the file as. */
      readonly moduleType: 'commonjs' | 'module';
    }
  /** The code folder or file is missing; `tried` lists the paths looked at. */
  | {
      readonly kind: 'missing';
      readonly root: string;
      readonly tried: readonly string[];
      readonly rootExists: boolean;
      readonly buildOutput: boolean;
    }
  /** Not resolvable statically: not Node, an S3 or image package, an unresolved value, inline code. */
  | { readonly kind: 'skip' };

/**
 * A Node.js function: its runtime says so, or it is a Serverless Framework function with no
 * runtime at all (none set, or set under a key the Framework does not read), which the Framework
 * deploys on its default Node.js runtime
 * (https://www.serverless.com/framework/docs/providers/aws/guide/serverless.yml, `runtime`).
 */
export function isNodeRuntime(fn: FunctionModel): boolean {
  if (fn.runtime === undefined) return fn.resourceType === 'serverless' && !isKnown(fn.packageType);
  return isKnown(fn.runtime) && fn.runtime.value.startsWith('nodejs');
}

/** The local code folder of a function, or `undefined` when the code is not a local folder. */
export function codeRoot(fn: FunctionModel): string | undefined {
  if (fn.inlineCode) return undefined;
  if (isKnown(fn.packageType) && fn.packageType.value === 'Image') return undefined;
  const templateDir = dirname(uriToPath(fn.uri));
  // SAM without CodeUri, and the Serverless Framework, package the template's folder.
  if (fn.codeUri === undefined) return fn.kind === 'sam' || fn.kind === 'serverless' ? templateDir : undefined;
  if (!isKnown(fn.codeUri)) return undefined;
  const v = fn.codeUri.value.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v) || v === '') return undefined;
  return isAbsolute(v) ? v : resolvePath(templateDir, v);
}

/** The nearest package.json's `"type"` above a file. */
export function moduleTypeOf(path: string, fs: FileSystem): 'commonjs' | 'module' {
  let dir = dirname(path);
  for (let i = 0; i < 12; i++) {
    const text = fs.readFile(join(dir, 'package.json'));
    if (text !== undefined) {
      try {
        const pkg: unknown = JSON.parse(text);
        return typeof pkg === 'object' && pkg !== null && (pkg as { type?: unknown }).type === 'module'
          ? 'module'
          : 'commonjs';
      } catch {
        return 'commonjs';
      }
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return 'commonjs';
}

/**
 * A file system that remembers `stat` and read answers: a template's functions often share one
 * code folder, and a missing folder costs an exception per look-up on the real disk.
 */
export function memoStat(fs: FileSystem): FileSystem {
  const stats = new Map<string, ReturnType<FileSystem['stat']>>();
  const texts = new Map<string, string | undefined>();
  return {
    // Only package.json files are read while resolving (the nearest "type").
    readFile: (p) => {
      if (!texts.has(p)) texts.set(p, fs.readFile(p));
      return texts.get(p);
    },
    readDirectory: (p) => fs.readDirectory(p),
    stat: (p) => {
      if (!stats.has(p)) stats.set(p, fs.stat(p));
      return stats.get(p);
    },
  };
}

/**
 * Resolves a function's Handler to a file and export path, as the Node runtime would.
 * `entryPoints` are a SAM esbuild build's `Metadata.BuildProperties.EntryPoints`
 * (relative to the code folder): the build puts each at the package root under its base name.
 */
export function resolveFunctionHandler(
  fn: FunctionModel,
  fs: FileSystem,
  entryPoints: readonly string[] = [],
): Resolution {
  if (fn.entry !== undefined) return resolveEntry(fn, fs);
  if (!isNodeRuntime(fn) || !isKnown(fn.handler)) return { kind: 'skip' };
  let root = codeRoot(fn);
  if (root === undefined) return { kind: 'skip' };
  const parsed = parseHandlerString(fn.handler.value);
  if (!parsed) return { kind: 'skip' };
  // `CodeUri: src/app.js`: packagers zip the single file, so its folder is the module root.
  if (fs.stat(root)?.isFile) {
    if (/\.(zip|jar)$/i.test(root)) return { kind: 'skip' };
    root = dirname(root);
  }
  if (parsed.dir === '') {
    const entry = entryPoints
      .map((e) => resolvePath(root as string, e))
      .find((e) => basename(e).replace(/\.[cm]?[jt]s$/, '') === parsed.module && fs.stat(e)?.isFile);
    if (entry)
      return {
        kind: 'file',
        path: entry,
        exportPath: parsed.exportPath,
        source: true,
        moduleType: /\.mts$|\.mjs$/.test(entry) ? 'module' : moduleTypeOf(entry, fs),
      };
  }
  const moduleRoot = parsed.dir === '' ? root : join(root, parsed.dir);
  const base = join(moduleRoot, parsed.module);
  if (fs.stat(root)?.isDirectory !== true)
    return fn.runtime === undefined
      ? { kind: 'skip' }
      : { kind: 'missing', root, tried: [base], rootExists: false, buildOutput: BUILD_OUTPUT.test(root) };
  const tried: string[] = [];
  for (const ext of RUNTIME_ORDER) {
    const p = base + ext;
    tried.push(p);
    if (fs.stat(p)?.isFile) {
      const moduleType = ext === '.mjs' ? 'module' : ext === '.cjs' ? 'commonjs' : moduleTypeOf(p, fs);
      return { kind: 'file', path: p, exportPath: parsed.exportPath, source: false, moduleType };
    }
  }
  for (const ext of SOURCE_ORDER) {
    const p = base + ext;
    tried.push(p);
    if (fs.stat(p)?.isFile) {
      return {
        kind: 'file',
        path: p,
        exportPath: parsed.exportPath,
        source: true,
        moduleType: ext === '.mts' ? 'module' : ext === '.cts' ? 'commonjs' : moduleTypeOf(p, fs),
      };
    }
  }
  // With no runtime written, Node.js is the Framework's default, not the author's word: code in
  // another language is not reported missing as JavaScript.
  if (fn.runtime === undefined) return { kind: 'skip' };
  // `build/js/main.handler`: the module lives in build output that a compile step creates.
  return {
    kind: 'missing',
    root,
    tried,
    rootExists: true,
    buildOutput: BUILD_OUTPUT.test(moduleRoot) && fs.stat(moduleRoot)?.isDirectory !== true,
  };
}

/** Source extensions a CDK NodejsFunction entry may have (esbuild bundles any of them). */
const ENTRY_EXT = ['', '.ts', '.js', '.mts', '.mjs', '.cts', '.cjs', '.tsx', '.jsx'];

/**
 * A CDK NodejsFunction: its entry file is the source esbuild bundles into `index.js`, and the
 * handler's last segment is the export (docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_lambda_nodejs-readme.html).
 */
function resolveEntry(fn: FunctionModel, fs: FileSystem): Resolution {
  if (!isKnown(fn.entry) || !isKnown(fn.handler)) return { kind: 'skip' };
  const exportName = fn.handler.value.slice(fn.handler.value.lastIndexOf('.') + 1);
  const base = fn.entry.value;
  const tried: string[] = [];
  for (const ext of ENTRY_EXT) {
    const p = base + ext;
    if (ext !== '' || /\.[cm]?[jt]sx?$/i.test(base)) tried.push(p);
    if (fs.stat(p)?.isFile) {
      const moduleType = /\.m[jt]s$/.test(p) ? 'module' : /\.c[jt]s$/.test(p) ? 'commonjs' : moduleTypeOf(p, fs);
      return { kind: 'file', path: p, exportPath: [exportName], source: /\.[cm]?tsx?$/.test(p), moduleType };
    }
  }
  const root = dirname(base);
  return { kind: 'missing', root, tried, rootExists: fs.stat(root)?.isDirectory === true, buildOutput: false };
}

/** Resolves a relative module specifier from a file (for re-exports). */
export function resolveRelativeModule(fromPath: string, specifier: string, fs: FileSystem): string | undefined {
  if (!specifier.startsWith('.') && !specifier.startsWith('/')) return undefined;
  const base = resolvePath(dirname(fromPath), specifier);
  const candidates = [base, ...[...RUNTIME_ORDER.slice(1), ...SOURCE_ORDER].map((e) => base + e)];
  // `./impl.js` written in TypeScript sources refers to `./impl.ts`.
  const m = /\.([cm]?)js$/.exec(base);
  if (m) candidates.push(base.slice(0, -m[0].length) + `.${m[1] ?? ''}ts`);
  candidates.push(...['index.js', 'index.mjs', 'index.cjs', 'index.ts'].map((i) => join(base, i)));
  return candidates.find((c) => fs.stat(c)?.isFile);
}
