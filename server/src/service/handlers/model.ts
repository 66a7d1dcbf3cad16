/**
 * The handler model: what a JS/TS handler file exports, which exported functions are
 * Lambda handlers, and, for every call and `new` in the file, whether it runs once per
 * execution environment (module scope, during INIT) or once per request (inside a
 * handler). Rules and hovers read this model; it is built from the syntax tree only.
 */
import { parseWithinBudgets } from '../parseCode';
import ts from 'typescript';
import type { Span } from '../model/types';
import { Binder, boundNames, dottedName, isFunctionLike, rootIdentifier, skipOuter, type Declaration } from './scope';

/** Handler file extensions Lambda's Node runtime loads, and their TypeScript sources. */
export const HANDLER_EXTENSIONS: readonly string[] = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'];

export function isHandlerPath(pathOrUri: string): boolean {
  return /\.(?:[cm]?js|[cm]?ts)$/i.test(pathOrUri) && !/\.d\.[cm]?ts$/i.test(pathOrUri);
}

/**
 * When a statement runs:
 * - `module`: at module scope, once per execution environment during INIT;
 * - `handler`: inside a handler (or a function nested in it), once per request;
 * - `function`: inside some other function; when it runs depends on who calls it.
 */
export type ExecutionScope = 'module' | 'handler' | 'function';

/** Where an imported or required name comes from: `new S3Client()` → `{ module: '@aws-sdk/client-s3', path: 'S3Client' }`. */
export interface ImportRef {
  /** The module specifier as written (`@aws-sdk/client-s3`, `aws-sdk`, `./db`). */
  readonly module: string;
  /**
   * The member path from the module object, joined by dots: `S3Client` for a named import,
   * `DynamoDB.DocumentClient` for `new AWS.DynamoDB.DocumentClient()` with `AWS` the whole
   * module (namespace, default or `require`), and `''` for the module value itself.
   */
  readonly path: string;
}

/** An exported function-like that the runtime may call. */
export type FunctionNode = ts.FunctionDeclaration | ts.FunctionExpression | ts.ArrowFunction | ts.MethodDeclaration;

/** One export of the file. */
export interface ExportEntry {
  /** The export name (`handler`, `default`). */
  readonly name: string;
  /** The span of the name where it is exported (or of the whole export when unnamed). */
  readonly nameSpan: Span;
  /** The exported expression or declaration, when the export is defined in this file. */
  readonly value: ts.Node | undefined;
  /** The function that runs per request, after unwrapping middleware, `.bind`, class instances. */
  readonly fn: FunctionNode | undefined;
  /** Wrapper calls around the function, outermost first (`middy`, `makeIdempotent`, `Sentry.AWSLambda.wrapHandler`). */
  readonly wrappers: readonly string[];
  /** For `export { x } from './y'` and `exports.x = require('./y').z`: where the export really lives. */
  readonly reexport: { readonly module: string; readonly name: string } | undefined;
  /** When the function is a class method: the class name. */
  readonly className: string | undefined;
  /** For an object literal export: its property names (`module.exports = { handlers: { a, b } }` → handlers has a, b). */
  readonly members: ReadonlyMap<string, ExportEntry> | undefined;
}

/** An exported function that Lambda calls, with what the rules need to know about it. */
export interface HandlerFunction {
  readonly exportName: string;
  readonly nameSpan: Span;
  readonly node: FunctionNode;
  readonly params: readonly string[];
  /** Parameter count, as `fn.length` would count it (up to the first default or rest parameter). */
  readonly arity: number;
  readonly isAsync: boolean;
  readonly wrappers: readonly string[];
  readonly className: string | undefined;
  /** `return` statements that belong to the handler itself (not to nested functions). */
  readonly returns: readonly ts.ReturnStatement[];
  /** For an expression-bodied arrow function: the expression it returns. */
  readonly expressionBody: ts.Expression | undefined;
}

/** A call expression, with names that rules can match without re-walking the tree. */
export interface CallSite {
  readonly node: ts.CallExpression;
  /** The callee's last name: `send` in `client.send(x)`, `fetch` in `fetch(url)`. */
  readonly name: string | undefined;
  /** The dotted callee when it is a plain name: `client.send`, `AWS.config.update`. */
  readonly callee: string | undefined;
  /** The receiver's source text for a method call (`client` in `client.send(x)`), else `undefined`. */
  readonly receiver: string | undefined;
  /** Where the callee comes from when it is imported or required. */
  readonly import: ImportRef | undefined;
  readonly span: Span;
  readonly scope: ExecutionScope;
  /** The handler whose body contains the call (`scope === 'handler'`). */
  readonly handler: HandlerFunction | undefined;
}

/** A `new X(...)` expression. */
export interface Construction {
  readonly node: ts.NewExpression;
  /** The constructed name as written: `S3Client`, `AWS.DynamoDB.DocumentClient`. */
  readonly className: string | undefined;
  readonly import: ImportRef | undefined;
  readonly span: Span;
  readonly scope: ExecutionScope;
  readonly handler: HandlerFunction | undefined;
}

/** A parsed handler file, independent of which exports templates use. */
export interface ParsedHandlerFile {
  readonly uri: string;
  readonly text: string;
  readonly sourceFile: ts.SourceFile;
  readonly language: 'js' | 'ts';
  readonly exports: ReadonlyMap<string, ExportEntry>;
  /** `export * from './x'` and `module.exports = require('./x')` targets. */
  readonly starReexports: readonly string[];
  /** False when some exports cannot be read statically (e.g. `module.exports = build()`). */
  readonly exportsComplete: boolean;
  /** The file uses `exports.x =` / `module.exports =` (CommonJS). */
  readonly usesCommonJsExports: boolean;
  /** The file uses `export` / `import` syntax (ES modules). */
  readonly usesEsmSyntax: boolean;
  readonly binder: Binder;
  /** True when the code is nested past the input budget and was not parsed. */
  readonly overLimit: boolean;
}

/** Exports that look like Lambda handlers when no template says which one is. */
export function looksLikeHandlerExport(e: ExportEntry): boolean {
  if (e.fn === undefined) return false;
  // By name only: helpers such as cfn-response's `send(event, context, …)` take (event, context) too.
  return /handler$/i.test(e.name) || (e.name === 'main' && e.fn.parameters.length >= 1);
}

export function parseHandlerFile(uri: string, text: string): ParsedHandlerFile {
  const lower = uri.toLowerCase();
  const language: 'js' | 'ts' = /\.[cm]?ts$/.test(lower) ? 'ts' : 'js';
  const kind = language === 'ts' ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  // Code past the input budgets is not analysed, it is reported (../parseCode.ts).
  let sourceFile = parseWithinBudgets(ts, uri, text, kind);
  const overLimit = sourceFile === undefined;
  sourceFile ??= ts.createSourceFile(uri, '', ts.ScriptTarget.Latest, true, kind);
  const binder = new Binder(sourceFile);
  const reader = new ExportReader(sourceFile, binder);
  reader.read();
  return {
    uri,
    text,
    sourceFile,
    language,
    exports: reader.exports,
    starReexports: reader.stars,
    exportsComplete: reader.complete && !overLimit,
    usesCommonJsExports: reader.cjs,
    usesEsmSyntax: reader.esm,
    binder,
    overLimit,
  };
}

export function spanOf(node: ts.Node, file: ts.SourceFile): Span {
  return { start: node.getStart(file), end: node.getEnd() };
}

function hasModifier(n: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(n) ? (ts.getModifiers(n) ?? []).some((m) => m.kind === kind) : false;
}

/** `module.exports`, `exports`, or `module.exports.x` / `exports.x` (returns the member name). */
function commonJsTarget(e: ts.Expression): { whole: true } | { name: string; nameNode: ts.Node } | undefined {
  const d = dottedName(e);
  if (d === undefined) return undefined;
  if ((d.length === 2 && d[0] === 'module' && d[1] === 'exports') || (d.length === 1 && d[0] === 'exports'))
    return { whole: true };
  const x = skipOuter(e);
  const nameNode = ts.isPropertyAccessExpression(x)
    ? x.name
    : ts.isElementAccessExpression(x)
      ? x.argumentExpression
      : x;
  if (d.length === 3 && d[0] === 'module' && d[1] === 'exports') return { name: d[2] as string, nameNode };
  if (d.length === 2 && d[0] === 'exports') return { name: d[1] as string, nameNode };
  return undefined;
}

/** `require('x')` → `'x'`. */
export function requireSpecifier(e: ts.Expression): string | undefined {
  const x = skipOuter(e);
  if (
    ts.isCallExpression(x) &&
    ts.isIdentifier(x.expression) &&
    x.expression.text === 'require' &&
    x.arguments.length === 1
  ) {
    const a = x.arguments[0];
    if (a && ts.isStringLiteralLike(a)) return a.text;
  }
  return undefined;
}

class ExportReader {
  readonly exports = new Map<string, ExportEntry>();
  readonly stars: string[] = [];
  complete = true;
  cjs = false;
  esm = false;

  constructor(
    private readonly file: ts.SourceFile,
    private readonly binder: Binder,
  ) {}

  read(): void {
    for (const s of this.file.statements) this.statement(s);
  }

  private span(n: ts.Node): Span {
    return spanOf(n, this.file);
  }

  private set(name: string, nameNode: ts.Node, value: ts.Node | undefined): void {
    this.exports.set(name, this.entry(name, this.span(nameNode), value));
  }

  private entry(name: string, nameSpan: Span, value: ts.Node | undefined): ExportEntry {
    const resolved = value ? resolveFunction(value, this.binder, 0) : undefined;
    const members = value && ts.isExpression(value) ? this.objectMembers(value) : undefined;
    return {
      name,
      nameSpan,
      value,
      fn: resolved?.fn,
      wrappers: resolved?.wrappers ?? [],
      reexport: value && ts.isExpression(value) ? this.reexportOf(value) : undefined,
      className: resolved?.className,
      members,
    };
  }

  /** `require('./x').y` or an imported binding `y` from './x'. */
  private reexportOf(value: ts.Expression): { module: string; name: string } | undefined {
    const x = skipOuter(value);
    if (ts.isPropertyAccessExpression(x)) {
      const spec = requireSpecifier(x.expression);
      if (spec !== undefined) return { module: spec, name: x.name.text };
    }
    if (ts.isIdentifier(x)) {
      const decl = this.binder.lookup(x);
      if (decl) {
        const ref = importOfDeclaration(decl.node, []);
        if (
          ref &&
          (ref.module.startsWith('.') || ref.module.startsWith('/')) &&
          ref.path !== '' &&
          !ref.path.includes('.')
        )
          return { module: ref.module, name: ref.path };
      }
    }
    return undefined;
  }

  private objectMembers(value: ts.Expression): Map<string, ExportEntry> | undefined {
    let x = skipOuter(value);
    if (ts.isIdentifier(x)) {
      const d = this.binder.lookup(x);
      if (d && ts.isVariableDeclaration(d.node) && d.node.initializer) x = skipOuter(d.node.initializer);
    }
    if (!ts.isObjectLiteralExpression(x)) return undefined;
    const out = new Map<string, ExportEntry>();
    for (const p of x.properties) {
      if (ts.isShorthandPropertyAssignment(p)) out.set(p.name.text, this.entry(p.name.text, this.span(p.name), p.name));
      else if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteralLike(p.name)))
        out.set(p.name.text, this.entry(p.name.text, this.span(p.name), p.initializer));
      else if (ts.isMethodDeclaration(p) && ts.isIdentifier(p.name))
        out.set(p.name.text, this.entry(p.name.text, this.span(p.name), p));
    }
    return out;
  }

  private statement(s: ts.Statement): void {
    if (ts.isImportDeclaration(s)) {
      this.esm = true;
      return;
    }
    if (ts.isVariableStatement(s) && hasModifier(s, ts.SyntaxKind.ExportKeyword)) {
      this.esm = true;
      for (const d of s.declarationList.declarations) {
        if (ts.isIdentifier(d.name)) this.set(d.name.text, d.name, d.initializer);
        else for (const b of boundNames(d.name)) this.set(b.name, b.node, undefined);
      }
      return;
    }
    if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && hasModifier(s, ts.SyntaxKind.ExportKeyword)) {
      this.esm = true;
      const isDefault = hasModifier(s, ts.SyntaxKind.DefaultKeyword);
      const name = isDefault ? 'default' : s.name?.text;
      if (name !== undefined) this.set(name, s.name ?? s, s);
      return;
    }
    if (ts.isExportAssignment(s)) {
      this.esm = true;
      if (s.isExportEquals) {
        this.cjsWhole(s.expression);
      } else {
        this.set('default', s, s.expression);
      }
      return;
    }
    if (ts.isExportDeclaration(s)) {
      this.esm = true;
      const spec = s.moduleSpecifier && ts.isStringLiteralLike(s.moduleSpecifier) ? s.moduleSpecifier.text : undefined;
      if (!s.exportClause) {
        if (spec !== undefined) this.stars.push(spec);
        return;
      }
      if (ts.isNamespaceExport(s.exportClause)) {
        this.set(s.exportClause.name.text, s.exportClause.name, undefined);
        return;
      }
      for (const el of s.exportClause.elements) {
        const local = (el.propertyName ?? el.name).text;
        if (spec !== undefined) {
          this.exports.set(el.name.text, {
            name: el.name.text,
            nameSpan: this.span(el.name),
            value: undefined,
            fn: undefined,
            wrappers: [],
            reexport: { module: spec, name: local },
            className: undefined,
            members: undefined,
          });
        } else {
          this.set(el.name.text, el.name, el.propertyName ?? el.name);
        }
      }
      return;
    }
    if (ts.isExpressionStatement(s)) this.expressionStatement(s.expression);
  }

  private expressionStatement(e: ts.Expression): void {
    const x = skipOuter(e);
    if (ts.isBinaryExpression(x) && x.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      // `exports.a = exports.b = fn` chains assign the same value.
      let value: ts.Expression = x.right;
      const targets: ts.Expression[] = [x.left];
      while (
        ts.isBinaryExpression(skipOuter(value)) &&
        (skipOuter(value) as ts.BinaryExpression).operatorToken.kind === ts.SyntaxKind.EqualsToken
      ) {
        const b = skipOuter(value) as ts.BinaryExpression;
        targets.push(b.left);
        value = b.right;
      }
      for (const t of targets) {
        const target = commonJsTarget(t);
        if (!target) continue;
        this.cjs = true;
        if ('whole' in target) this.cjsWhole(value);
        else if (!(ts.isVoidExpression(skipOuter(value)) && this.exports.has(target.name))) {
          // TypeScript's CommonJS output declares `exports.x = void 0;` before the real assignment.
          if (ts.isVoidExpression(skipOuter(value)))
            this.exports.set(target.name, this.entry(target.name, this.span(target.nameNode), undefined));
          else this.set(target.name, target.nameNode, value);
        }
      }
      return;
    }
    if (ts.isCallExpression(x)) {
      const callee = dottedName(x.expression)?.join('.');
      const first = x.arguments[0];
      const firstName = first ? dottedName(first)?.join('.') : undefined;
      // TypeScript/Babel/esbuild interop helpers that define exports at run time.
      if (
        (callee === 'Object.defineProperty' ||
          callee === 'Object.assign' ||
          callee === '__export' ||
          callee === '__exportStar' ||
          callee === 'tslib.__exportStar') &&
        (firstName === 'exports' ||
          firstName === 'module.exports' ||
          callee.startsWith('__') ||
          callee.endsWith('__exportStar'))
      ) {
        const isEsModuleFlag =
          callee === 'Object.defineProperty' &&
          x.arguments[1] !== undefined &&
          ts.isStringLiteralLike(x.arguments[1]) &&
          x.arguments[1].text === '__esModule';
        if (!isEsModuleFlag) this.complete = false;
        this.cjs = true;
      }
    }
  }

  /** `module.exports = value`. */
  private cjsWhole(value: ts.Expression): void {
    const v = skipOuter(value);
    const spec = requireSpecifier(v);
    if (spec !== undefined) {
      this.stars.push(spec);
      return;
    }
    const members = this.objectMembers(v);
    if (members) {
      for (const [k, m] of members) this.exports.set(k, m);
      return;
    }
    // `module.exports = fn`: the module is the function; a handler name cannot reach it
    // except through properties that we cannot see.
    this.complete = false;
  }
}

interface ResolvedFunction {
  readonly fn: FunctionNode;
  readonly wrappers: readonly string[];
  readonly className: string | undefined;
}

/** Follows a value to the function that runs per request. */
export function resolveFunction(value: ts.Node, binder: Binder, depth: number): ResolvedFunction | undefined {
  if (depth > 8) return undefined;
  if (
    ts.isFunctionDeclaration(value) ||
    ts.isFunctionExpression(value) ||
    ts.isArrowFunction(value) ||
    ts.isMethodDeclaration(value)
  ) {
    return {
      fn: value,
      wrappers: [],
      className:
        ts.isMethodDeclaration(value) && value.parent && ts.isClassLike(value.parent)
          ? value.parent.name?.text
          : undefined,
    };
  }
  if (ts.isVariableDeclaration(value))
    return value.initializer ? resolveFunction(value.initializer, binder, depth + 1) : undefined;
  if (!ts.isExpression(value)) return undefined;
  const x = skipOuter(value);
  if (ts.isIdentifier(x)) {
    const d = binder.lookup(x);
    return d ? resolveFunction(d.node, binder, depth + 1) : undefined;
  }
  if (ts.isFunctionExpression(x) || ts.isArrowFunction(x)) return resolveFunction(x, binder, depth + 1);
  if (ts.isPropertyAccessExpression(x)) return methodOf(x.expression, x.name.text, binder, depth);
  if (ts.isCallExpression(x)) {
    const callee = skipOuter(x.expression);
    // `obj.method.bind(obj)`: the class method.
    if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'bind') {
      const target = skipOuter(callee.expression);
      if (ts.isPropertyAccessExpression(target)) return methodOf(target.expression, target.name.text, binder, depth);
      return resolveFunction(target, binder, depth + 1);
    }
    // Middleware: `middy(fn).use(...)`, `middy().handler(fn)`, `makeIdempotent(fn, opts)`,
    // `Sentry.AWSLambda.wrapHandler(fn)`: the first argument that is a function.
    const wrapper =
      dottedName(callee)?.join('.') ?? (ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined);
    for (const a of x.arguments) {
      const inner = skipOuter(a);
      if (!(
        ts.isFunctionExpression(inner) ||
        ts.isArrowFunction(inner) ||
        ts.isIdentifier(inner) ||
        ts.isCallExpression(inner) ||
        ts.isPropertyAccessExpression(inner)
      ))
        continue;
      const r = resolveFunction(inner, binder, depth + 1);
      if (r) return { ...r, wrappers: [wrapperName(callee) ?? wrapper ?? 'wrapper', ...r.wrappers] };
    }
    if (ts.isPropertyAccessExpression(callee) && ts.isCallExpression(skipOuter(callee.expression))) {
      const r = resolveFunction(callee.expression, binder, depth + 1);
      if (r) return r;
    }
  }
  return undefined;
}

/** The wrapper's name for display: the base call of a chain (`middy` for `middy(fn).use(x)`). */
function wrapperName(callee: ts.Expression): string | undefined {
  const d = dottedName(callee);
  if (d) return d.join('.');
  if (ts.isPropertyAccessExpression(callee)) {
    const base = skipOuter(callee.expression);
    if (ts.isCallExpression(base)) return wrapperName(skipOuter(base.expression));
  }
  return undefined;
}

/** `instance.method` where instance is `new C()` (directly or through a variable) or an object literal. */
function methodOf(
  objectExpr: ts.Expression,
  name: string,
  binder: Binder,
  depth: number,
): ResolvedFunction | undefined {
  let obj = skipOuter(objectExpr);
  if (ts.isIdentifier(obj)) {
    const d = binder.lookup(obj);
    if (!d) return undefined;
    if (ts.isClassDeclaration(d.node)) return classMethod(d.node, name, binder, depth);
    if (!ts.isVariableDeclaration(d.node) || !d.node.initializer) return undefined;
    obj = skipOuter(d.node.initializer);
  }
  if (ts.isNewExpression(obj)) {
    const c = skipOuter(obj.expression);
    if (ts.isIdentifier(c)) {
      const d = binder.lookup(c);
      if (d && ts.isClassDeclaration(d.node)) return classMethod(d.node, name, binder, depth);
    }
    return undefined;
  }
  if (ts.isObjectLiteralExpression(obj)) {
    for (const p of obj.properties) {
      if (p.name && ts.isIdentifier(p.name) && p.name.text === name) {
        if (ts.isMethodDeclaration(p)) return resolveFunction(p, binder, depth + 1);
        if (ts.isPropertyAssignment(p)) return resolveFunction(p.initializer, binder, depth + 1);
        if (ts.isShorthandPropertyAssignment(p)) return resolveFunction(p.name, binder, depth + 1);
      }
    }
  }
  return undefined;
}

function classMethod(
  cls: ts.ClassDeclaration,
  name: string,
  binder: Binder,
  depth: number,
): ResolvedFunction | undefined {
  for (const m of cls.members) {
    if (m.name && ts.isIdentifier(m.name) && m.name.text === name) {
      if (ts.isMethodDeclaration(m)) return { fn: m, wrappers: [], className: cls.name?.text };
      if (ts.isPropertyDeclaration(m) && m.initializer) {
        const r = resolveFunction(m.initializer, binder, depth + 1);
        return r ? { ...r, className: cls.name?.text } : undefined;
      }
    }
  }
  return undefined;
}

/** The import or `require` behind a declaration, extended by a member path. */
export function importOfDeclaration(decl: ts.Node, rest: readonly string[]): ImportRef | undefined {
  const join = (head: string | undefined) => [...(head ? [head] : []), ...rest].join('.');
  if (ts.isImportSpecifier(decl)) {
    const spec = decl.parent.parent.parent.moduleSpecifier;
    if (!ts.isStringLiteralLike(spec)) return undefined;
    return { module: spec.text, path: join((decl.propertyName ?? decl.name).text) };
  }
  if (ts.isImportClause(decl) || ts.isNamespaceImport(decl)) {
    const importDecl = ts.isImportClause(decl) ? decl.parent : decl.parent.parent;
    const spec = importDecl.moduleSpecifier;
    return ts.isStringLiteralLike(spec) ? { module: spec.text, path: join(undefined) } : undefined;
  }
  if (ts.isImportEqualsDeclaration(decl)) {
    const r = decl.moduleReference;
    return ts.isExternalModuleReference(r) && ts.isStringLiteralLike(r.expression)
      ? { module: r.expression.text, path: join(undefined) }
      : undefined;
  }
  if (ts.isVariableDeclaration(decl) && decl.initializer) {
    const init = skipOuter(decl.initializer);
    const direct = requireOrWrapped(init);
    if (direct !== undefined) return { module: direct, path: join(undefined) };
    // `const S3 = require('aws-sdk').S3`, `const { S3Client } = require('@aws-sdk/client-s3')` handled by binding elements.
    const d = ts.isPropertyAccessExpression(init) ? init : undefined;
    if (d) {
      const spec = requireSpecifier(d.expression);
      if (spec !== undefined) return { module: spec, path: join(d.name.text) };
    }
    return undefined;
  }
  if (ts.isBindingElement(decl)) {
    // `const { S3Client, X: Y } = require('m')`: one level of destructuring.
    const pattern = decl.parent;
    const varDecl = pattern.parent;
    if (!ts.isObjectBindingPattern(pattern) || !ts.isVariableDeclaration(varDecl) || !varDecl.initializer)
      return undefined;
    const spec = requireOrWrapped(skipOuter(varDecl.initializer));
    if (spec === undefined) return undefined;
    const key =
      decl.propertyName && ts.isIdentifier(decl.propertyName)
        ? decl.propertyName.text
        : ts.isIdentifier(decl.name)
          ? decl.name.text
          : undefined;
    return key ? { module: spec, path: join(key) } : undefined;
  }
  return undefined;
}

/** `require('m')`, or `captureAWS(require('m'))` (X-Ray wraps the SDK module and returns it). */
function requireOrWrapped(init: ts.Expression): string | undefined {
  const direct = requireSpecifier(init);
  if (direct !== undefined) return direct;
  if (
    ts.isCallExpression(init) &&
    init.arguments.length === 1 &&
    /captureAWS$/.test(dottedName(init.expression)?.join('.') ?? '')
  ) {
    return requireSpecifier(init.arguments[0] as ts.Expression);
  }
  return undefined;
}

/** What a handler file becomes once we know which of its exports are handlers. */
export interface HandlerModel extends ParsedHandlerFile {
  readonly handlers: readonly HandlerFunction[];
  readonly calls: readonly CallSite[];
  readonly constructions: readonly Construction[];
  /** When a node runs: at module scope, per request in a handler, or in another function. */
  scopeOf(node: ts.Node): ExecutionScope;
  /** The handler containing a node, if any. */
  handlerOf(node: ts.Node): HandlerFunction | undefined;
  /** The declaration an identifier refers to. */
  lookup(id: ts.Identifier): Declaration | undefined;
  /** Where an expression's root name is imported from, with the member path. */
  importOf(e: ts.Expression): ImportRef | undefined;
  spanOf(node: ts.Node): Span;
}

/**
 * Builds the model for a parsed file. `exportNames` are the handler exports the templates
 * use (first segment of the Handler's export path); `undefined` means no template links
 * this file, and exports that look like handlers are taken.
 */
export function buildHandlerModel(parsed: ParsedHandlerFile, exportNames: readonly string[] | undefined): HandlerModel {
  const file = parsed.sourceFile;
  const handlers: HandlerFunction[] = [];
  const seen = new Set<ts.Node>();
  const entries =
    exportNames === undefined
      ? [...parsed.exports.values()].filter(looksLikeHandlerExport)
      : exportNames.map((n) => parsed.exports.get(n)).filter((e): e is ExportEntry => e !== undefined);
  for (const e of entries) {
    if (!e.fn || seen.has(e.fn)) continue;
    seen.add(e.fn);
    handlers.push(handlerFunction(e, e.fn, file));
  }
  const byNode = new Map<ts.Node, HandlerFunction>(handlers.map((h) => [h.node, h]));

  const handlerOf = (node: ts.Node): HandlerFunction | undefined => {
    for (let n: ts.Node | undefined = node; n !== undefined; n = n.parent) {
      const h = byNode.get(n);
      if (h) return h;
    }
    return undefined;
  };
  const scopeOf = (node: ts.Node): ExecutionScope => {
    let inFunction = false;
    for (let n: ts.Node | undefined = node.parent; n !== undefined; n = n.parent) {
      if (byNode.has(n)) return 'handler';
      if (isFunctionLike(n) || ts.isClassStaticBlockDeclaration(n) || ts.isPropertyDeclaration(n)) inFunction = true;
    }
    return inFunction ? 'function' : 'module';
  };
  const importOf = (e: ts.Expression): ImportRef | undefined => {
    const root = rootIdentifier(e);
    if (!root) return undefined;
    const path = dottedName(e);
    const decl = parsed.binder.lookup(root);
    if (!decl) return undefined;
    return importOfDeclaration(decl.node, path ? path.slice(1) : []);
  };

  const calls: CallSite[] = [];
  const constructions: Construction[] = [];
  // One walk that carries the enclosing handler and whether a function encloses the node,
  // so that each call's scope costs nothing; names, imports and spans are computed on first use.
  const visit = (n: ts.Node, handler: HandlerFunction | undefined, inFunction: boolean): void => {
    const scope: ExecutionScope = handler ? 'handler' : inFunction ? 'function' : 'module';
    if (ts.isCallExpression(n)) calls.push(new Call(n, file, scope, handler, importOf));
    else if (ts.isNewExpression(n)) constructions.push(new Construction_(n, file, scope, handler, importOf));
    const inner = byNode.get(n) ?? handler;
    const fnInside =
      inFunction || isFunctionLike(n) || ts.isClassStaticBlockDeclaration(n) || ts.isPropertyDeclaration(n);
    ts.forEachChild(n, (c) => visit(c, inner, fnInside));
  };
  visit(file, undefined, false);

  return {
    ...parsed,
    handlers,
    calls,
    constructions,
    scopeOf,
    handlerOf,
    lookup: (id) => parsed.binder.lookup(id),
    importOf,
    spanOf: (node) => spanOf(node, file),
  };
}

/** A call site; the derived names are computed when a rule first asks. */
class Call implements CallSite {
  private memo: { name: string | undefined; callee: string | undefined; receiver: string | undefined } | undefined;
  private importMemo: { value: ImportRef | undefined } | undefined;
  private spanMemo: Span | undefined;

  constructor(
    readonly node: ts.CallExpression,
    private readonly file: ts.SourceFile,
    readonly scope: ExecutionScope,
    readonly handler: HandlerFunction | undefined,
    private readonly importOf: (e: ts.Expression) => ImportRef | undefined,
  ) {}

  private names(): { name: string | undefined; callee: string | undefined; receiver: string | undefined } {
    if (!this.memo) {
      const callee = skipOuter(this.node.expression);
      this.memo = {
        name: ts.isIdentifier(callee)
          ? callee.text
          : ts.isPropertyAccessExpression(callee)
            ? callee.name.text
            : undefined,
        callee: dottedName(callee)?.join('.'),
        receiver: ts.isPropertyAccessExpression(callee) ? callee.expression.getText(this.file) : undefined,
      };
    }
    return this.memo;
  }

  get name(): string | undefined {
    return this.names().name;
  }

  get callee(): string | undefined {
    return this.names().callee;
  }

  get receiver(): string | undefined {
    return this.names().receiver;
  }

  get import(): ImportRef | undefined {
    this.importMemo ??= { value: this.importOf(skipOuter(this.node.expression)) };
    return this.importMemo.value;
  }

  get span(): Span {
    this.spanMemo ??= spanOf(this.node, this.file);
    return this.spanMemo;
  }
}

/** A `new X(...)`; names and imports computed on first use. */
class Construction_ implements Construction {
  private classMemo: { value: string | undefined } | undefined;
  private importMemo: { value: ImportRef | undefined } | undefined;
  private spanMemo: Span | undefined;

  constructor(
    readonly node: ts.NewExpression,
    private readonly file: ts.SourceFile,
    readonly scope: ExecutionScope,
    readonly handler: HandlerFunction | undefined,
    private readonly importOf: (e: ts.Expression) => ImportRef | undefined,
  ) {}

  get className(): string | undefined {
    this.classMemo ??= { value: dottedName(this.node.expression)?.join('.') };
    return this.classMemo.value;
  }

  get import(): ImportRef | undefined {
    this.importMemo ??= { value: this.importOf(this.node.expression) };
    return this.importMemo.value;
  }

  get span(): Span {
    this.spanMemo ??= spanOf(this.node, this.file);
    return this.spanMemo;
  }
}

function handlerFunction(e: ExportEntry, fn: FunctionNode, file: ts.SourceFile): HandlerFunction {
  const params = fn.parameters.filter((p) => !(ts.isIdentifier(p.name) && p.name.text === 'this'));
  let arity = 0;
  for (const p of params) {
    if (p.initializer || p.dotDotDotToken) break;
    arity++;
  }
  const returns: ts.ReturnStatement[] = [];
  const walk = (n: ts.Node): void => {
    if (ts.isReturnStatement(n)) returns.push(n);
    if (isFunctionLike(n) || ts.isClassLike(n)) return;
    ts.forEachChild(n, walk);
  };
  if (fn.body) ts.forEachChild(fn.body, walk);
  return {
    exportName: e.name,
    nameSpan: e.nameSpan,
    node: fn,
    params: params.map((p) => (ts.isIdentifier(p.name) ? p.name.text : p.name.getText(file))),
    arity,
    isAsync: hasModifier(fn, ts.SyntaxKind.AsyncKeyword),
    wrappers: e.wrappers,
    className: e.className,
    returns,
    expressionBody: fn.body && !ts.isBlock(fn.body) ? fn.body : undefined,
  };
}
