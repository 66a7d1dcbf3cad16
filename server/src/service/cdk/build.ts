/**
 * A `NodejsFunction`'s code as the simulator runs it. The CDK bundles the `entry` with esbuild
 * into one `index.js` (docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_lambda_nodejs-readme.html);
 * here the entry and the local modules it imports are compiled one by one with the TypeScript
 * compiler's `transpileModule` (types stripped, ES modules to CommonJS, as the CDK's default
 * `format: CJS` bundle), keeping their folders, into `<app>/cdk.out/lambda-lens/<construct id>/`.
 * Packages are not copied: the output sits inside the app, so `require('uuid')` finds the app's
 * `node_modules` (and a `node_modules` beside the handler is linked into the output).
 * Nothing is type-checked and nothing of the app is run here.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { typescript, type TS } from './typescript';

const SOURCE = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
/** At most this many local modules are followed from one entry. */
const MAX_FILES = 2_000;

/** How the CDK build transpiles each file: CommonJS for Node.js, its sources inlined for stack traces. */
export function cdkCompilerOptions(ts: typeof TS): TS.CompilerOptions {
  return {
    module: ts.ModuleKind.CommonJS,
    target: ts.ScriptTarget.ES2022,
    esModuleInterop: true,
    jsx: ts.JsxEmit.React,
    inlineSourceMap: true,
    inlineSources: true,
  };
}

/** Where an entry's build goes, and the handler module path inside it (without extension). */
export function buildLayout(
  entry: string,
  appRoot: string | undefined,
  id: string,
): { outDir: string; module: string } {
  const base = appRoot ?? dirname(entry);
  const outDir = join(base, 'cdk.out', 'lambda-lens', safeName(id));
  const root = appRoot !== undefined && isInside(entry, appRoot) ? appRoot : dirname(entry);
  const module = relative(root, entry)
    .replace(/\.[cm]?[jt]sx?$/i, '')
    .split(sep)
    .join('/');
  return { outDir, module };
}

/**
 * Compiles `entry` and the local modules it reaches into `outDir` (emptied first), laid out as
 * they are below `root` (the app folder, or the entry's folder). Throws a sentence when the entry
 * cannot be read.
 */
export function buildEntry(entry: string, appRoot: string | undefined, outDir: string): { files: number } {
  const ts = typescript();
  if (!existsSync(entry) || !statSync(entry).isFile()) throw new Error(`the entry ${entry} does not exist`);
  const root = appRoot !== undefined && isInside(entry, appRoot) ? appRoot : dirname(entry);
  const seen = new Set<string>();
  const queue = [entry];
  const files: string[] = [];
  while (queue.length > 0 && files.length < MAX_FILES) {
    const file = queue.shift() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    // Local modules outside the root are not followed: the build must stay inside its folder.
    if (!isInside(file, root)) continue;
    files.push(file);
    if (file.endsWith('.json')) continue;
    const text = readFileSync(file, 'utf8');
    for (const imported of ts.preProcessFile(text, true, true).importedFiles) {
      const target = resolveLocal(dirname(file), imported.fileName);
      if (target !== undefined && !seen.has(target)) queue.push(target);
    }
  }
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  // The output is CommonJS, whatever the app's package.json says.
  writeFileSync(join(outDir, 'package.json'), '{ "type": "commonjs" }\n');
  for (const file of files) {
    const rel = relative(root, file);
    if (file.endsWith('.json')) {
      mkdirSync(dirname(join(outDir, rel)), { recursive: true });
      copyFileSync(file, join(outDir, rel));
      continue;
    }
    const out = join(outDir, rel.replace(/\.[cm]?[jt]sx?$/i, '.js'));
    const result = ts.transpileModule(readFileSync(file, 'utf8'), {
      fileName: file,
      compilerOptions: cdkCompilerOptions(ts),
    });
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, result.outputText);
  }
  // A node_modules folder between the entry and the root holds the handler's own packages.
  for (let dir = dirname(entry); isInside(dir, root); dir = dirname(dir)) {
    const modules = join(dir, 'node_modules');
    const linked = join(outDir, relative(root, dir), 'node_modules');
    if (dir !== root && existsSync(modules) && !existsSync(linked)) symlinkSync(modules, linked, 'dir');
    if (dir === root || dirname(dir) === dir) break;
  }
  return { files: files.length };
}

/** A relative import's file: as written, with a source extension, `.js` written for `.ts`, or a folder's index. */
function resolveLocal(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(from, spec);
  const candidates = [
    base,
    ...SOURCE.map((e) => base + e),
    `${base}.json`,
    ...(/\.[cm]?js$/.test(base) ? SOURCE.map((e) => base.replace(/\.[cm]?js$/, e)) : []),
    ...SOURCE.map((e) => join(base, `index${e}`)),
  ];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel));
}

function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, '_') || 'function';
}
