/**
 * Finding CDK apps and their stack files. A CDK app is a folder with a `cdk.json`
 * (docs.aws.amazon.com/cdk/v2/guide/apps.html); its stacks are the TypeScript/JavaScript files
 * under it that import the CDK and create a Lambda function. Only file names and texts are read.
 */
import { dirname, join } from 'node:path';
import type { FileSystem } from '../fs';
import { importsCdk } from './values';
import { readCdkStack } from './read';
import { readSynth, type SynthFunctions } from './synth';
import { readAppProps } from './appProps';
import type { AppProps } from './values';
import type { TemplateDocument } from '../templates/template';

/** Files the reader can read (TypeScript and JavaScript sources; declaration files are not stacks). */
const SOURCE = /\.(ts|mts|cts|js|mjs|cjs)$/i;
/** Folders of an app that hold no stack source. */
const SKIP = new Set(['node_modules', 'cdk.out', '.git', 'dist', 'coverage', '__pycache__', '.venv', 'venv', 'build']);
const MAX_DEPTH = 5;
const MAX_FILES = 2_000;
/** Stack files larger than this are not read while scanning (an open one still is). */
const MAX_BYTES = 1024 * 1024;

export function isCdkSourcePath(path: string): boolean {
  return SOURCE.test(path) && !/\.d\.[cm]?ts$/i.test(path);
}

/** A text that creates a Lambda function with the CDK (cheap test before parsing). */
export function mayDefineFunctions(text: string): boolean {
  return importsCdk(text) && /aws[-_]lambda/.test(text);
}

/** The folder of the nearest `cdk.json` above a file (the app root: `cdk synth` runs there), if any. */
export function findAppRoot(path: string, fs: FileSystem): string | undefined {
  let dir = dirname(path);
  for (let i = 0; i < 10; i++) {
    if (fs.stat(join(dir, 'cdk.json'))?.isFile === true) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
  return undefined;
}

/** The stack files of the app in `appDir` (which holds a cdk.json). */
export function stackFiles(appDir: string, fs: FileSystem): string[] {
  const out: string[] = [];
  let seen = 0;
  const walk = (dir: string, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    for (const name of fs.readDirectory(dir)) {
      if (++seen > MAX_FILES) return;
      if (SKIP.has(name) || name.startsWith('.')) continue;
      const p = join(dir, name);
      if (isCdkSourcePath(name)) {
        const st = fs.stat(p);
        if (!st?.isFile || st.size > MAX_BYTES) continue;
        const text = fs.readFile(p);
        if (text !== undefined && mayDefineFunctions(text)) out.push(p);
      } else if (!name.includes('.') && fs.stat(p)?.isDirectory) {
        // A nested cdk.json is another app, found on its own.
        if (fs.stat(join(p, 'cdk.json'))?.isFile) continue;
        walk(p, depth + 1);
      }
    }
  };
  walk(appDir, 0);
  return out;
}

/** What a stack file's app adds to its reading: the app folder, its last synth, the props its entry file passes. */
export function stackContext(
  path: string,
  fs: FileSystem,
): { appRoot: string | undefined; synth: SynthFunctions | undefined; appProps: AppProps | undefined } {
  const appRoot = findAppRoot(path, fs);
  return {
    appRoot,
    synth: appRoot !== undefined ? readSynth(appRoot, fs) : undefined,
    appProps: appRoot !== undefined ? readAppProps(appRoot, fs) : undefined,
  };
}

/** A stack file read with what its app adds (stackContext). */
export function readStackInApp(uri: string, path: string, text: string, fs: FileSystem): TemplateDocument {
  const ctx = stackContext(path, fs);
  return readCdkStack(uri, path, text, ctx.appRoot, ctx.synth, ctx.appProps);
}
