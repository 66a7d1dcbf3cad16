// The part of the TypeScript compiler Lambda Lens runs, for dist/typescript.js (scripts/build.mjs).
//
// The extension uses the compiler's parser (createSourceFile, forEachChild, the node tests, the
// nodes' getText/getStart), preProcessFile and transpileModule (the CDK simulation's build), never
// the language service, tsserver or the type checker's API. typescript.js (9 MB, 3.6 MB minified,
// 1 MB of the 2 MB .vsix) holds all of them in one CommonJS module that exports 2,200 names, so no
// bundler can drop any of it. Here it becomes an ES module that exports only the names our sources
// use, and Rollup's tree-shaking keeps what those reach: 2.3 MB minified.
//
// The names used are the `ts.<name>` member accesses in server/src and client/src: every module
// that uses the compiler calls it `ts` (an import, a `typeof TS` parameter or field, or
// `typescript()`). A name outside the subset fails loudly at first use (scripts/build.mjs).
//
// Rollup cannot see that the language service's and tsserver's top-level statements are unneeded:
// code fixes and refactors register themselves into tables, namespaces are filled by calls, and
// server classes get static fields by assignment. In services/, server/, jsTyping/,
// typingsInstallerCore/ and deprecatedCompat/ those statements are left out, and the build fails
// if anything kept still reads a variable one of them wrote. One is kept, reduced:
// services.ts makes the parser build nodes with the methods of the language service's node
// classes (node.getText(), getStart(), getChildren()); it is kept for nodes, tokens, identifiers
// and source files, not for symbols, types and signatures (their methods serve the language
// service's hovers; the checker that transpileModule runs works with the compiler's own).
//
// Rollup takes ~30 s on 9 MB, so the result is cached in node_modules/.cache, keyed by the
// compiler's text, the names and this file.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const SERVICE_SECTIONS = /^src\/(services|server|jsTyping|typingsInstallerCore|deprecatedCompat)\//;
const NODE_ALLOCATOR =
  'setObjectAllocator({ getNodeConstructor: () => NodeObject, getTokenConstructor: () => TokenObject, ' +
  'getIdentifierConstructor: () => IdentifierObject, getPrivateIdentifierConstructor: () => PrivateIdentifierObject, ' +
  'getSourceFileConstructor: () => SourceFileObject, getSourceMapSourceConstructor: () => SourceMapSourceObject });';

/** The `ts.<name>` accesses in the TypeScript files under `dirs`. */
function usedNames(dirs) {
  const names = new Set();
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts'))
        for (const m of readFileSync(path, 'utf8').matchAll(/\bts\.([A-Za-z_$][\w$]*)/g)) names.add(m[1]);
    }
  };
  for (const dir of dirs) walk(dir);
  return names;
}

/** Fails the build with a sentence when typescript.js is not laid out as this file expects. */
function expect(found, what) {
  if (!found) throw new Error(`scripts/typescript-subset.mjs: typescript.js has no ${what}; review this script`);
}

/** typescript.js as an ES module exporting `names`, without the service statements; and the variables those wrote. */
function esModule(text, names) {
  const head = 'var ts = {}; ((module) => {\n';
  const start = text.indexOf(head);
  const tail = text.indexOf('\n0 && (module.exports = {');
  expect(start >= 0 && tail > start, 'CommonJS wrapper');
  let body = text.slice(start + head.length, tail);

  const listStart = body.indexOf('var typescript_exports = {};\n__export(typescript_exports, {\n');
  const listEnd = body.indexOf('\n});\n', listStart) + '\n});\n'.length;
  expect(listStart >= 0, 'export list');
  const exported = new Map(
    [...body.slice(listStart, listEnd).matchAll(/^ {2}([\w$]+): \(\) => ([\w$]+),?$/gm)].map((m) => [m[1], m[2]]),
  );
  const assign = 'module.exports = __toCommonJS(typescript_exports);\n';
  expect(body.includes(assign), 'module.exports');
  body = body.slice(0, listStart) + body.slice(listEnd).replace(assign, '');

  // Namespace objects (ts.server, ts.codefix, …) are filled by a call Rollup must keep; as one
  // pure expression each, one nobody reads goes away.
  body = body.replace(
    /^var (\w+) = \{\};\n__export\(\1, \{$/gm,
    (_, name) => `var ${name} = /* @__PURE__ */ __namespace({`,
  );
  expect(body.includes('var __copyProps'), 'module helpers');
  body = body.replace(
    'var __copyProps',
    'var __namespace = (all) => { const target = {}; __export(target, all); return target; };\nvar __copyProps',
  );

  const written = new Set();
  const sections = [...body.matchAll(/^\/\/ (src\/\S+)$/gm)];
  expect(sections.length > 100, 'source sections');
  let out = body.slice(0, sections[0].index);
  let allocator = false;
  sections.forEach((m, i) => {
    const section = body.slice(m.index, i + 1 < sections.length ? sections[i + 1].index : body.length);
    if (!SERVICE_SECTIONS.test(m[1])) {
      out += section;
      return;
    }
    const file = ts.createSourceFile(m[1], section, ts.ScriptTarget.ESNext, false, ts.ScriptKind.JS);
    let pos = 0;
    for (const statement of file.statements) {
      if (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isVariableStatement(statement))
        continue;
      const code = statement.getText(file);
      out += section.slice(pos, statement.getFullStart()) + '\n';
      pos = statement.end;
      let w;
      if (code === 'setObjectAllocator(getServicesObjectAllocator());') {
        out += NODE_ALLOCATOR;
        allocator = true;
      } else if ((w = /^(registerCodeFix|registerRefactor)\(/.exec(code))) written.add(w[1]);
      else if ((w = /\((\w+) \|\| \(\1 = \{\}\)\);$/.exec(code))) written.add(w[1]);
      else if ((w = /^(\w+)\.\w+ = /.exec(code))) written.add(w[1]);
      else if (!/^\{\s*\}$/.test(code))
        throw new Error(`scripts/typescript-subset.mjs: unknown statement in ${m[1]}: ${code.slice(0, 80)}`);
    }
    out += section.slice(pos);
  });
  expect(allocator, "services' object allocator");

  // Names that are not values (ts.Node, ts.Expression: types) have no export.
  const values = [...names].filter((n) => exported.has(n));
  out += `\nexport { ${values.map((n) => `${exported.get(n)} as ${n}`).join(', ')} };\n`;
  return { code: out, written };
}

/** Identifiers (not property names) in `code`. */
function identifiers(code) {
  const file = ts.createSourceFile('subset.js', code, ts.ScriptTarget.ESNext, true, ts.ScriptKind.JS);
  const found = new Set();
  const visit = (node) => {
    if (ts.isIdentifier(node)) {
      const parent = node.parent;
      const member =
        (ts.isPropertyAccessExpression(parent) ||
          ts.isPropertyAssignment(parent) ||
          ts.isMethodDeclaration(parent) ||
          ts.isPropertyDeclaration(parent) ||
          ts.isGetAccessorDeclaration(parent) ||
          ts.isSetAccessorDeclaration(parent)) &&
        parent.name === node;
      if (!member) found.add(node.text);
    }
    ts.forEachChild(node, visit);
  };
  file.statements.forEach(visit);
  return found;
}

/**
 * The path of an ES module holding the compiler's subset that `sources` (folders of TypeScript)
 * use, made or taken from the cache. Its names are the ones used, sorted.
 */
export async function typescriptSubset(root, sources) {
  const compiler = join(root, 'node_modules/typescript/lib/typescript.js');
  const text = readFileSync(compiler, 'utf8');
  const names = [...usedNames(sources.map((s) => join(root, s)))].sort();
  const { default: rollupPackage } = await import('rollup/package.json', { with: { type: 'json' } });
  const key = createHash('sha256')
    .update(text)
    .update(JSON.stringify(names))
    .update(readFileSync(fileURLToPath(import.meta.url)))
    .update(rollupPackage.version)
    .digest('hex')
    .slice(0, 16);
  const cacheDir = join(root, 'node_modules/.cache/lambda-lens');
  const cached = join(cacheDir, `typescript-${key}.mjs`);
  if (existsSync(cached)) return cached;

  const { code, written } = esModule(text, names);
  const { rollup } = await import('rollup');
  const input = 'typescript-subset.mjs';
  const bundle = await rollup({
    input,
    plugins: [
      {
        name: 'typescript-text',
        resolveId: (id) => (id === input ? id : null),
        load: (id) => (id === input ? code : null),
      },
    ],
    treeshake: true,
    onwarn: (warning, warn) => {
      // typescript.js calls eval() once (to find a global object) and reads `this` at the top.
      if (warning.code !== 'EVAL' && warning.code !== 'THIS_IS_UNDEFINED') warn(warning);
    },
  });
  const { output } = await bundle.generate({ format: 'es' });
  await bundle.close();
  const result = output[0].code;
  const read = identifiers(result);
  const stillRead = [...written].filter((name) => read.has(name));
  if (stillRead.length > 0)
    throw new Error(
      `scripts/typescript-subset.mjs: the compiler's subset reads ${stillRead.join(', ')}, written by statements it leaves out`,
    );
  mkdirSync(cacheDir, { recursive: true });
  // One entry is kept: the others were made for names or a compiler no longer in use.
  for (const old of readdirSync(cacheDir)) if (/^typescript-\w+\.mjs$/.test(old)) rmSync(join(cacheDir, old));
  writeFileSync(cached, result);
  return cached;
}
