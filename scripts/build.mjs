// Bundles the extension client, the language server, the CLI and the webview with esbuild.
// Type checking is separate (`npm run typecheck`): esbuild only strips types.
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, copyFileSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { typescriptSubset } from './typescript-subset.mjs';

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

// The TypeScript compiler is used by the server and the CLI (the parser, and transpileModule for
// the CDK simulation). Bundled into each, the .vsix carried it twice; instead it is one file,
// dist/typescript.js, that the bundles beside it require at run time. It holds only the part of
// the compiler our sources use (scripts/typescript-subset.mjs): 2.3 MB minified instead of 3.6 MB.
/** @type {import('esbuild').Plugin} */
//
// It is also loaded only when a JS/TS file is analysed: a static `import ts from 'typescript'`
// becomes a stand-in whose first use requires dist/typescript.js (2.3 MB, ~100 ms to load),
// so that `lambda-lens check template.yaml` and a language server with templates open never load it.
// A `require('typescript')` (already lazy where it is written) gets the compiler itself.
// A name the subset lacks (one used other than as `ts.<name>`) fails with a sentence, not as
// `undefined is not a function`.
const LAZY_TYPESCRIPT = `
let compiler;
const load = () => (compiler ??= require('./typescript.js'));
export default new Proxy({}, {
  get: (_, key) => {
    const value = load()[key];
    if (value === undefined && typeof key === 'string' && key !== 'then' && !(key in compiler))
      throw new Error('dist/typescript.js has no ' + key + ': scripts/typescript-subset.mjs keeps only the ts.<name> our sources use');
    return value;
  },
  has: (_, key) => key in load(),
  ownKeys: () => Reflect.ownKeys(load()),
  getOwnPropertyDescriptor: (_, key) => {
    const d = Reflect.getOwnPropertyDescriptor(load(), key);
    return d && { ...d, configurable: true };
  },
});
`;
const sharedTypeScript = {
  name: 'shared-typescript',
  setup(build) {
    build.onResolve({ filter: /^typescript$/ }, (args) =>
      args.kind === 'import-statement'
        ? { path: 'typescript', namespace: 'lazy-typescript' }
        : { path: './typescript.js', external: true },
    );
    build.onResolve({ filter: /^\.\/typescript\.js$/, namespace: 'lazy-typescript' }, () => ({
      path: './typescript.js',
      external: true,
    }));
    build.onLoad({ filter: /.*/, namespace: 'lazy-typescript' }, () => ({
      contents: LAZY_TYPESCRIPT,
      loader: 'js',
      resolveDir: root,
    }));
  },
};

// The YAML readers (yaml, 112 KB, and js-yaml, the fast one: server/src/service/templates/yamlEvents.ts)
// serve the server, the CLI and both simulator bundles: like the compiler each is
// one file, dist/yaml.js and dist/js-yaml.js, that they require, not a copy in each (the .vsix held two).
/** @type {import('esbuild').Plugin} */
const sharedYaml = {
  name: 'shared-yaml',
  setup(build) {
    build.onResolve({ filter: /^yaml$/ }, () => ({ path: './yaml.js', external: true }));
    build.onResolve({ filter: /^js-yaml$/ }, () => ({ path: './js-yaml.js', external: true }));
  },
};

// yaml's parser reads `process.env.LOG_TOKENS` for every token it takes, and its composer
// `process.env.LOG_STREAM` for every document: debug switches that print the token stream. On
// Node.js each read of process.env is a call into the runtime (~130 ns), and over the
// serverless-patterns corpus (260,000 tokens) it made YAML parsing about a fifth slower
// (bench/start.ts). Those two files get a `process` whose env is empty; everything else in yaml
// keeps the real one (log.js calls process.emitWarning).
/** @type {import('esbuild').Plugin} */
const yamlWithoutDebugEnv = {
  name: 'yaml-without-debug-env',
  setup(build) {
    const readers = /[\\/]yaml[\\/]dist[\\/](parse[\\/]parser|compose[\\/]composer)\.js$/;
    const hit = new Set();
    build.onResolve({ filter: /^(node:)?process$/ }, (args) => {
      if (!readers.test(args.importer)) return undefined;
      hit.add(args.importer);
      return { path: 'process', namespace: 'yaml-debug-env' };
    });
    build.onLoad({ filter: /.*/, namespace: 'yaml-debug-env' }, () => ({
      contents: 'module.exports = { env: {} };',
      loader: 'js',
    }));
    build.onEnd((result) => {
      if (result.errors.length === 0 && hit.size !== 2)
        throw new Error(
          `scripts/build.mjs: yaml's parser and composer no longer both require 'process' (${hit.size} did): revisit the yaml-without-debug-env plugin`,
        );
    });
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
      return {
        contents: text.replace(
          /require\('\.\/(actions|validations)\/' \+ action\)/g,
          "require('./$1/' + action + '.js')",
        ),
        loader: 'js',
      };
    });
    build.onResolve({ filter: /^level$/ }, () => ({ path: 'level', namespace: 'memory-only-level' }));
    build.onLoad({ filter: /.*/, namespace: 'memory-only-level' }, () => ({
      contents:
        "exports.Level = class Level { constructor() { throw new Error('Lambda Lens keeps DynamoDB tables in memory only'); } };",
      loader: 'js',
    }));
  },
};

// The scenario schema's validator, generated by Ajv at build time (standalone code) in place of
// server/src/simulator/scenarioValidator.ts, which compiles it at run time for the sources.
// The options are scenarioValidator.ts's AJV_OPTIONS, with `source` on to get the code.
/** @type {import('esbuild').Plugin} */
const precompiledScenarioValidator = {
  name: 'precompiled-scenario-validator',
  setup(build) {
    build.onResolve({ filter: /[\\/]scenarioValidator$/ }, (args) => ({
      path: join(args.resolveDir, 'scenarioValidator.ts'),
      namespace: 'scenario-validator',
    }));
    build.onLoad({ filter: /.*/, namespace: 'scenario-validator' }, async () => {
      const { default: Ajv } = await import('ajv');
      const { default: standaloneCode } = await import('ajv/dist/standalone/index.js');
      const schema = JSON.parse(readFileSync(join(root, 'schemas/scenario.schema.json'), 'utf8'));
      const ajv = new Ajv({ allErrors: true, verbose: true, strict: false, code: { optimize: false, source: true } });
      const code = standaloneCode(ajv, ajv.compile(schema));
      const contents = `const generated = { exports: {} };\n(function (module, exports) {\n${code}\n})(generated, generated.exports);\nexport function scenarioValidator() { return generated.exports.default; }\n`;
      return { contents, loader: 'js', resolveDir: root };
    });
  },
};

// `lambda-lens simulate` and `tune` (the simulator, its local AWS endpoint, the scenario validator: over half of
// the CLI's code) is its own bundle, dist/simulate.js, required only by that command: every
// `lambda-lens check` would otherwise compile it at start-up.
/** @type {import('esbuild').Plugin} */
const separateSimulate = {
  name: 'separate-simulate',
  setup(build) {
    build.onResolve({ filter: /^\.\/simulator\/commands\.js$/ }, () => ({ path: './simulate.js', external: true }));
  },
};

/** @type {import('esbuild').BuildOptions[]} */
const targets = [
  {
    ...common,
    entryPoints: [await typescriptSubset(root, ['server/src', 'client/src'])],
    outfile: 'dist/typescript.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // A map of the compiler's own code would weigh megabytes and help nobody reading a stack trace.
    sourcemap: false,
  },
  {
    ...common,
    entryPoints: ['node_modules/yaml/dist/index.js'],
    outfile: 'dist/yaml.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    plugins: [yamlWithoutDebugEnv],
  },
  {
    ...common,
    entryPoints: ['node_modules/js-yaml/dist/js-yaml.cjs.js'],
    outfile: 'dist/js-yaml.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
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
    plugins: [sharedTypeScript, sharedYaml, precompiledScenarioValidator],
  },
  {
    ...common,
    entryPoints: ['server/src/cli.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // memoryOnlyLevel and the precompiled validator too: `tune` (server/src/simulator/tune.ts) is
    // still imported statically, and brings the simulator and its DynamoDB (dynalite) into this
    // bundle; without the plugin dynalite's native `level` broke every command at start-up.
    plugins: [sharedTypeScript, sharedYaml, separateSimulate, memoryOnlyLevel, precompiledScenarioValidator],
    // bin/lambda-lens.js runs this bundle through vm.Script (for its code cache), where Node 20's
    // `import()` has no loader: esbuild writes each `import()` as a `require()` in a promise instead.
    supported: { 'dynamic-import': false },
  },
  {
    ...common,
    entryPoints: ['server/src/simulator/commands.ts'],
    outfile: 'dist/simulate.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    plugins: [sharedTypeScript, sharedYaml, memoryOnlyLevel, precompiledScenarioValidator],
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
    plugins: platform === 'node' ? [sharedTypeScript, sharedYaml, memoryOnlyLevel, precompiledScenarioValidator] : [],
    // The bootstrap's frames end the stack trace of every error a handler throws, under the
    // handler's own (as /var/runtime/index.mjs's do on Lambda): they stay readable, not minified.
    ...(outfile === 'dist/runtimes/node-bootstrap.js' ? { minify: false } : {}),
  });
}

function copyAssets() {
  // The Python runtime bootstrap of the simulator runs as a script of the user's Python interpreter.
  mkdirSync(join(root, 'dist/runtimes'), { recursive: true });
  copyFileSync(
    join(root, 'server/src/simulator/runtimes/python-bootstrap.py'),
    join(root, 'dist/runtimes/python-bootstrap.py'),
  );
  // The Python parser's WebAssembly (web-tree-sitter's runtime and the Python grammar), loaded from dist/ by the bundled server and CLI.
  for (const [pkg, file] of [
    ['web-tree-sitter', 'web-tree-sitter.wasm'],
    ['tree-sitter-python', 'tree-sitter-python.wasm'],
  ]) {
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
