/**
 * Props passed into stacks by the CDK app's entry file (`bin/app.ts`, the file cdk.json's `app`
 * command runs: docs.aws.amazon.com/cdk/v2/guide/apps.html). `new MyStack(app, 'Prod', {
 * memorySize: 1024 })` makes `props.memorySize` in MyStack's constructor 1024 when every
 * `new MyStack` of the app passes the same constant; anything else stays unknown. The entry file
 * is parsed, never run.
 */
import { dirname, join, resolve } from 'node:path';
import type { FileSystem } from '../fs';
import { StackSource, stackKey, unwrap, type AppProps, type StackInstance, type Value } from './values';
import type { TS } from './typescript';

const MAX_BYTES = 512 * 1024;
const SOURCE_EXT = ['.ts', '.js', '.mts', '.mjs', '.cts', '.cjs', '.tsx'];
const cache = new Map<string, { readonly key: string; readonly props: AppProps }>();

/** The props the app's entry file passes to the stacks it creates, or `undefined` when it cannot be read. */
export function readAppProps(appRoot: string, fs: FileSystem): AppProps | undefined {
  let command: unknown;
  try {
    command = (JSON.parse(fs.readFile(join(appRoot, 'cdk.json')) ?? '') as { app?: unknown }).app;
  } catch {
    return undefined;
  }
  if (typeof command !== 'string') return undefined;
  // `npx ts-node --prefer-ts-exts bin/app.ts`, `node bin/app.js`, `npx tsx bin/app.ts`.
  const file = command
    .split(/\s+/)
    .map((t) => t.replace(/^['"]|['"]$/g, ''))
    .find((t) => /\.[cm]?[jt]sx?$/i.test(t));
  if (file === undefined) return undefined;
  const path = resolve(appRoot, file);
  const st = fs.stat(path);
  if (!st?.isFile || st.size > MAX_BYTES) return undefined;
  const key = `${st.size}:${st.mtimeMs ?? ''}`;
  const hit = cache.get(path);
  if (hit?.key === key) return hit.props;
  const text = fs.readFile(path);
  if (text === undefined) return undefined;
  const props = instances(path, text, appRoot, fs);
  cache.set(path, { key, props });
  return props;
}

function instances(path: string, text: string, appRoot: string, fs: FileSystem): AppProps {
  const src = new StackSource(path, text, appRoot);
  const ts = src.ts;
  /** Local name → the stack class it imports from a relative module. */
  const imported = new Map<string, string>();
  const moduleKey = (spec: string, name: string): string | undefined => {
    if (!spec.startsWith('.')) return undefined;
    const base = resolve(dirname(path), spec).replace(/\.[cm]?js$/i, '');
    const file =
      SOURCE_EXT.map((e) => base + e).find((p) => fs.stat(p)?.isFile === true) ??
      SOURCE_EXT.map((e) => join(base, `index${e}`)).find((p) => fs.stat(p)?.isFile === true);
    return file !== undefined ? stackKey(file, name) : undefined;
  };
  const out = new Map<string, StackInstance[]>();
  const visit = (n: TS.Node): void => {
    if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier)) {
      const nb = n.importClause?.namedBindings;
      if (nb && ts.isNamedImports(nb))
        for (const el of nb.elements) {
          const k = moduleKey(n.moduleSpecifier.text, (el.propertyName ?? el.name).text);
          if (k !== undefined) imported.set(el.name.text, k);
        }
    } else if (ts.isVariableDeclaration(n) && n.initializer && ts.isObjectBindingPattern(n.name)) {
      // const { MyStack } = require('../lib/my-stack');
      const init = unwrap(ts, n.initializer);
      const arg =
        ts.isCallExpression(init) && ts.isIdentifier(init.expression) && init.expression.text === 'require'
          ? init.arguments[0]
          : undefined;
      if (arg && ts.isStringLiteral(arg))
        for (const el of n.name.elements) {
          if (!ts.isIdentifier(el.name)) continue;
          const name = el.propertyName && ts.isIdentifier(el.propertyName) ? el.propertyName.text : el.name.text;
          const k = moduleKey(arg.text, name);
          if (k !== undefined) imported.set(el.name.text, k);
        }
    } else if (ts.isNewExpression(n) && ts.isIdentifier(n.expression)) {
      const k = imported.get(n.expression.text);
      if (k !== undefined) {
        const args = n.arguments ?? [];
        const idValue = src.value(args[1]);
        const where = `${path.slice(appRoot.length + 1)} (${idValue.k === 'str' ? idValue.v : (args[1]?.getText(src.sf) ?? '?')})`;
        const props = args[2] !== undefined ? src.propsOf(args[2]) : undefined;
        const values = new Map<string, Value>();
        for (const [name, e] of props?.entries ?? []) {
          const v = src.value(e.valueNode);
          values.set(name, SCALAR.has(v.k) ? v : { k: 'unknown', why: `\`${name}\` is not a constant in ${where}` });
        }
        let list = out.get(k);
        if (list === undefined) out.set(k, (list = []));
        list.push({ values, open: props !== undefined && props.unknownSpreads.length > 0, where });
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(src.sf);
  return out;
}

const SCALAR = new Set<Value['k']>(['num', 'str', 'bool', 'duration', 'size', 'member']);
