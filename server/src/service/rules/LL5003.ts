import { dirname, join } from 'node:path';
import ts from 'typescript';
import type { FileSystem } from '../fs';
import type { FunctionLink } from '../handlers/facts';
import { getPath, get, scalarString } from '../templates/tree';
import { knownValue } from '../model/types';
import { uriToPath } from '../handlers/resolve';
import { jsOnly, type Finding, type Rule } from './types';

/**
 * Modules a Node.js runtime provides that its successors do not: the AWS SDK for JavaScript v2
 * (`aws-sdk`) is in the nodejs16.x and earlier runtimes only; nodejs18.x and later include the
 * SDK v3 (`@aws-sdk/*`) instead (docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html, "AWS
 * SDK for JavaScript"; docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html).
 */
const DROPPED: readonly {
  readonly module: RegExp;
  readonly name: string;
  readonly lastMajor: number;
  readonly instead: string;
}[] = [
  {
    module: /^aws-sdk(\/|$)/,
    name: 'aws-sdk',
    lastMajor: 16,
    instead: 'the AWS SDK v3 (@aws-sdk/client-…), which nodejs18.x and later include',
  },
];

/**
 * A module the function's runtime does not provide and its package does not ship: `require('aws-sdk')`
 * on nodejs18.x or later, with no `aws-sdk` in the `dependencies` of the package.json above the
 * handler (devDependencies are not packaged) and no bundler that inlines it. Every invocation
 * then fails at init with Runtime.ImportModuleError.
 */
export const LL5003: Rule = {
  id: 'LL5003',
  title: 'Module the runtime does not provide and the package does not ship',
  severity: 'error',
  handler: jsOnly(({ handler: model, functions, fs }) => {
    const imports = moduleImports(model.sourceFile);
    if (imports.length === 0) return [];
    const out: Finding[] = [];
    for (const { specifier, node } of imports) {
      const dropped = DROPPED.find((d) => d.module.test(specifier));
      if (dropped === undefined) continue;
      const missing = functions.filter((l) => {
        const major = nodeMajor(knownValue(l.fn.runtime));
        return major !== undefined && major > dropped.lastMajor && !ships(l, fs, dropped.name);
      });
      const first = missing[0];
      if (first === undefined) continue;
      const names = [...new Set(missing.map((l) => l.fn.logicalId))];
      out.push({
        ruleId: 'LL5003',
        message: `${dropped.name} is not in the ${knownValue(first.fn.runtime)} runtime, and the package of ${names.join(', ')} does not ship it (no ${dropped.name} in the dependencies of its package.json; devDependencies are not deployed): every invocation fails with Runtime.ImportModuleError. Move to ${dropped.instead}, or add ${dropped.name} to dependencies.`,
        uri: model.uri,
        span: { start: node.getStart(model.sourceFile), end: node.getEnd() },
      });
    }
    return out;
  }),
};

/** `import … from 'x'`, `import('x')`, `require('x')` and `export … from 'x'`, with the node to report. */
function moduleImports(file: ts.SourceFile): { specifier: string; node: ts.Node }[] {
  const out: { specifier: string; node: ts.Node }[] = [];
  const visit = (n: ts.Node): void => {
    if (
      (ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) &&
      n.moduleSpecifier !== undefined &&
      ts.isStringLiteral(n.moduleSpecifier)
    ) {
      // Type-only imports are erased: nothing is loaded at run time.
      if (!(ts.isImportDeclaration(n) && n.importClause?.isTypeOnly) && !(ts.isExportDeclaration(n) && n.isTypeOnly))
        out.push({ specifier: n.moduleSpecifier.text, node: n.moduleSpecifier });
    } else if (
      ts.isCallExpression(n) &&
      n.arguments.length === 1 &&
      ts.isStringLiteral(n.arguments[0] as ts.Expression)
    ) {
      const callee = n.expression;
      if ((ts.isIdentifier(callee) && callee.text === 'require') || callee.kind === ts.SyntaxKind.ImportKeyword)
        out.push({ specifier: (n.arguments[0] as ts.StringLiteral).text, node: n.arguments[0] as ts.Node });
    }
    ts.forEachChild(n, visit);
  };
  visit(file);
  return out;
}

function nodeMajor(runtime: string | undefined): number | undefined {
  const m = /^nodejs(\d+)\./.exec(runtime ?? '');
  return m ? Number(m[1]) : undefined;
}

/**
 * True when the deployed package holds the module (or when that cannot be ruled out): it is in the
 * `dependencies` of the nearest package.json between the handler and the template's folder, a
 * bundler builds the function and the module is installed and not marked external, or a layer may
 * provide it.
 */
function ships(link: FunctionLink, fs: FileSystem, name: string): boolean {
  const { fn, template } = link;
  if (fn.layers !== undefined) return true;
  const pkg = nearestPackage(fs, dirname(link.path), dirname(uriToPath(template.uri)));
  const deps = (field: string): boolean =>
    typeof pkg?.[field] === 'object' && pkg[field] !== null && name in (pkg[field] as Record<string, unknown>);
  if (deps('dependencies')) return true;
  const bundler = bundlerOf(link);
  if (bundler === 'unknown') return true;
  return bundler !== undefined && !bundler.external.includes(name) && (deps('devDependencies') || deps('dependencies'));
}

/** The package.json nearest the handler, up to (and including) the template's folder. */
function nearestPackage(fs: FileSystem, from: string, stop: string): Record<string, unknown> | undefined {
  let dir = from;
  for (let i = 0; i < 10; i++) {
    const text = fs.readFile(join(dir, 'package.json'));
    if (text !== undefined) {
      try {
        const parsed: unknown = JSON.parse(text);
        return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
      } catch {
        return undefined;
      }
    }
    if (dir === stop || dirname(dir) === dir) return undefined;
    dir = dirname(dir);
  }
  return undefined;
}

/**
 * How the function is bundled: SAM `Metadata: BuildMethod: esbuild` (with its `External` list), or
 * `'unknown'` for CDK and for a serverless.yml that names a bundling plugin or build setting
 * (esbuild, webpack, serverless-bundle), whose externals are not read; `undefined` when nothing
 * bundles it.
 */
function bundlerOf(link: FunctionLink): { external: readonly string[] } | 'unknown' | undefined {
  const { fn, template } = link;
  if (fn.kind === 'sam') {
    const metadata = getPath(template.root, 'Resources', fn.logicalId, 'Metadata');
    if (scalarString(get(metadata, 'BuildMethod'))?.toLowerCase() !== 'esbuild') return undefined;
    const external = getPath(metadata, 'BuildProperties', 'External');
    return {
      external:
        external?.kind === 'seq' ? external.items.map(scalarString).filter((e): e is string => e !== undefined) : [],
    };
  }
  // CDK's NodejsFunction bundles with esbuild; its externals are not read here.
  if (fn.kind === 'cdk') return 'unknown';
  if (fn.kind !== 'serverless') return undefined;
  return /\b(esbuild|webpack|serverless-bundle|serverless-plugin-typescript)\b|^build:/m.test(template.text)
    ? 'unknown'
    : undefined;
}
