// Bundles the extension client, the language server, the CLI and the webview with esbuild.
// Type checking is separate (`npm run typecheck`): esbuild only strips types.
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, copyFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
  // Prefer ES module builds: jsonc-parser's UMD build uses a dynamic require esbuild cannot follow.
  mainFields: ['module', 'main'],
  // web-tree-sitter's ES module build locates itself with import.meta.url, which a CommonJS bundle lacks.
  alias: { 'web-tree-sitter': './node_modules/web-tree-sitter/web-tree-sitter.cjs' },
};

// The TypeScript compiler (3.6 MB minified) is used by the server, the CLI and the simulator.
// Bundled into each, the .vsix carried it twice; instead it is one file, dist/typescript.js,
// that the bundles beside it require at run time.
/** @type {import('esbuild').Plugin} */
const sharedTypeScript = {
  name: 'shared-typescript',
  setup(build) {
    build.onResolve({ filter: /^typescript$/ }, () => ({ path: './typescript.js', external: true }));
  },
};

// dynalite (the simulator's DynamoDB) requires `level` for on-disk stores, whose native module
// cannot be bundled; the simulator keeps every table in memory (memory-level), so `level` is
// replaced by a stub that says so if it were ever used. dynalite also requires its actions by
// a computed name without extension, which esbuild bundles only with the extension written.
/** @type {import('esbuild').Plugin} */
const memoryOnlyLevel = {
  name: 'memory-only-level',
  setup(build) {
    build.onLoad({ filter: /[\\/]dynalite[\\/]index\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      return { contents: text.replace(/require\('\.\/(actions|validations)\/' \+ action\)/g, "require('./$1/' + action + '.js')"), loader: 'js' };
    });
    build.onResolve({ filter: /^level$/ }, () => ({ path: 'level', namespace: 'memory-only-level' }));
    build.onLoad({ filter: /.*/, namespace: 'memory-only-level' }, () => ({
      contents: "exports.Level = class Level { constructor() { throw new Error('Lambda Lens keeps DynamoDB tables in memory only'); } };",
      loader: 'js',
    }));
  },
};

/** @type {import('esbuild').BuildOptions[]} */
const targets = [
  {
    ...common,
    entryPoints: ['node_modules/typescript/lib/typescript.js'],
    outfile: 'dist/typescript.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // A map of the compiler's own code would weigh 10 MB and help nobody reading a stack trace.
    sourcemap: false,
  },
  {
    ...common,
    entryPoints: ['client/src/extension.ts'],
    outfile: 'dist/client.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  {
    ...common,
    entryPoints: ['server/src/server.ts'],
    outfile: 'dist/server.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    plugins: [sharedTypeScript],
  },
  {
    ...common,
    entryPoints: ['server/src/cli.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    plugins: [sharedTypeScript, memoryOnlyLevel],
  },
];

const optional = [
  ['server/src/simulator/runtimes/node-bootstrap.ts', 'dist/runtimes/node-bootstrap.js', 'node'],
  ['client/webview/src/main.ts', 'dist/webview/main.js', 'browser'],
  // The simulator for the extension host, loaded on first use (client/src/panel/engine.ts).
  ['client/src/panel/engine.ts', 'dist/simulator.js', 'node'],
];
for (const [entry, outfile, platform] of optional) {
  if (!existsSync(join(root, entry))) continue;
  targets.push({
    ...common,
    entryPoints: [entry],
    outfile,
    platform,
    format: platform === 'browser' ? 'iife' : 'cjs',
    target: platform === 'browser' ? 'es2022' : 'node20',
    plugins: platform === 'node' ? [sharedTypeScript, memoryOnlyLevel] : [],
  });
}

function copyAssets() {
  // The Python runtime bootstrap of the simulator runs as a script of the user's Python interpreter.
  mkdirSync(join(root, 'dist/runtimes'), { recursive: true });
  copyFileSync(join(root, 'server/src/simulator/runtimes/python-bootstrap.py'), join(root, 'dist/runtimes/python-bootstrap.py'));
  // The Python parser's WebAssembly (web-tree-sitter's runtime and the Python grammar), loaded from dist/ by the bundled server and CLI.
  for (const [pkg, file] of [['web-tree-sitter', 'web-tree-sitter.wasm'], ['tree-sitter-python', 'tree-sitter-python.wasm']]) {
    const from = join(root, 'node_modules', pkg, file);
    if (existsSync(from)) copyFileSync(from, join(root, 'dist', file));
  }
  const codicons = join(root, 'node_modules/@vscode/codicons/dist');
  if (!existsSync(codicons)) return;
  mkdirSync(join(root, 'dist/webview'), { recursive: true });
  for (const f of ['codicon.css', 'codicon.ttf']) copyFileSync(join(codicons, f), join(root, 'dist/webview', f));
}

if (watch) {
  for (const t of targets) {
    const ctx = await esbuild.context(t);
    await ctx.watch();
  }
  copyAssets();
  console.log('esbuild: watching');
} else {
  await Promise.all(targets.map((t) => esbuild.build(t)));
  copyAssets();
}
