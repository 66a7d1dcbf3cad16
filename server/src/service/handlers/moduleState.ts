/**
 * The JS/TS extractor's module-state facts (`ModuleStateFact`, handlers/facts.ts): module-scope
 * variables, objects and collections a handler changes per request, and assignments to names
 * declared nowhere (globals in a sloppy-mode script).
 */
import ts from 'typescript';
import type { FileSystem } from '../fs';
import { isGuardedWrite, isModuleScope, requestTainted, usesTainted } from './analysis';
import type { ModuleStateFact } from './facts';
import type { HandlerFunction, HandlerModel } from './model';
import { GROWING_METHODS, RESET_METHODS } from './patterns';
import { moduleTypeOf, uriToPath } from './resolve';
import { isFunctionLike, skipOuter } from './scope';

export function moduleState(model: HandlerModel, fs: FileSystem): ModuleStateFact[] {
  if (model.handlers.length === 0) return [];
  return [...model.handlers.flatMap((h) => stateWrites(model, h)), ...undeclaredWrites(model, fs)];
}

function moduleName(model: HandlerModel, e: ts.Expression): ts.Identifier | undefined {
  const x = skipOuter(e);
  return ts.isIdentifier(x) && isModuleScope(model.lookup(x)) ? x : undefined;
}

function stateWrites(model: HandlerModel, h: HandlerFunction): ModuleStateFact[] {
  const out: ModuleStateFact[] = [];
  const body = h.node.body;
  if (!body) return out;
  let tainted: Set<ts.Node> | undefined;
  const fromRequest = (n: ts.Node): boolean => usesTainted(model, n, (tainted ??= requestTainted(model, h)));
  const resets = new Set<string>();
  const grows: { id: ts.Identifier; what: string; node: ts.Node }[] = [];

  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression)) {
      const target = moduleName(model, n.expression.expression);
      const method = n.expression.name.text;
      if (target) {
        if (RESET_METHODS.has(method) && (method !== 'splice' || (n.arguments.length === 1 && isZero(n.arguments[0]))))
          resets.add(target.text);
        else if (Object.hasOwn(GROWING_METHODS, method))
          grows.push({ id: target, what: GROWING_METHODS[method] as string, node: n });
      }
    }
    if (ts.isBinaryExpression(n) && isAssignment(n.operatorToken.kind)) {
      const left = skipOuter(n.left);
      const id = moduleName(model, left);
      if (id) {
        if (n.operatorToken.kind === ts.SyntaxKind.EqualsToken && isEmptyCollection(n.right)) resets.add(id.text);
        else if (isCounterOp(n.operatorToken.kind)) out.push({ kind: 'counter', name: id.text, span: model.spanOf(n) });
        else if (
          n.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
          !isGuardedWrite(n, id.text) &&
          fromRequest(n.right)
        )
          out.push({ kind: 'fromRequest', name: id.text, property: undefined, span: model.spanOf(n) });
      } else if (ts.isPropertyAccessExpression(left) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
        // `state.lastUser = event.user` on a module-scope object (keyed writes `cache[k] = v` are caches).
        const obj = moduleName(model, left.expression);
        if (
          obj &&
          !isGuardedWrite(n, obj.text) &&
          !(ts.isPropertyAccessExpression(left) && left.name.text === 'length' && isZero(n.right)) &&
          fromRequest(n.right)
        )
          out.push({
            kind: 'fromRequest',
            name: obj.text,
            property: left.getText(model.sourceFile),
            span: model.spanOf(n),
          });
        if (obj && left.name.text === 'length' && isZero(n.right)) resets.add(obj.text);
      }
    }
    if (
      (ts.isPostfixUnaryExpression(n) || ts.isPrefixUnaryExpression(n)) &&
      (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken)
    ) {
      const id = moduleName(model, n.operand);
      if (id) out.push({ kind: 'counter', name: id.text, span: model.spanOf(n) });
    }
    ts.forEachChild(n, visit);
  };
  visit(body);
  for (const g of grows) {
    if (resets.has(g.id.text)) continue;
    out.push({ kind: 'grows', name: g.id.text, how: g.what, span: model.spanOf(g.node) });
  }
  return out;
}

/** Names the CommonJS wrapper passes to every module: assigning them is not a global. */
const WRAPPER_NAMES: ReadonlySet<string> = new Set(['exports', 'require', 'module', '__filename', '__dirname']);

function undeclaredWrites(model: HandlerModel, fs: FileSystem): ModuleStateFact[] {
  const file = model.sourceFile;
  if (!/\.[cm]?js$/.test(file.fileName) && !/\.[cm]?js$/.test(model.uri)) return [];
  const path = uriToPath(model.uri);
  const esmSyntax = file.statements.some(
    (s) =>
      ts.isImportDeclaration(s) ||
      ts.isExportDeclaration(s) ||
      ts.isExportAssignment(s) ||
      (ts.canHaveModifiers(s) && ts.getModifiers(s)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) === true),
  );
  const kind = path.endsWith('.mjs') ? 'module' : path.endsWith('.cjs') ? 'commonjs' : moduleTypeOf(path, fs);
  // ESM syntax in a CommonJS package: a bundler or transpiler decides the mode; not sure, so silent.
  if (kind === 'commonjs' && esmSyntax) return [];
  const declared = new Set<string>();
  const globalProps = new Set<string>();
  const writes: { id: ts.Identifier; node: ts.Node }[] = [];
  const walk = (n: ts.Node, inFunction: boolean): void => {
    const name = (n as { name?: ts.Node }).name;
    if (
      name !== undefined &&
      ts.isIdentifier(name) &&
      (ts.isVariableDeclaration(n) ||
        ts.isParameter(n) ||
        ts.isBindingElement(n) ||
        ts.isFunctionDeclaration(n) ||
        ts.isFunctionExpression(n) ||
        ts.isClassDeclaration(n) ||
        ts.isClassExpression(n) ||
        ts.isImportClause(n) ||
        ts.isImportSpecifier(n) ||
        ts.isNamespaceImport(n) ||
        ts.isImportEqualsDeclaration(n) ||
        ts.isEnumDeclaration(n))
    )
      declared.add(name.text);
    // `global.x = …` / `globalThis.x = …`: the name is a global on purpose.
    if (
      ts.isPropertyAccessExpression(n) &&
      ts.isIdentifier(n.expression) &&
      /^(global|globalThis)$/.test(n.expression.text)
    )
      globalProps.add(n.name.text);
    if (inFunction && ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const left = skipOuter(n.left);
      if (ts.isIdentifier(left)) writes.push({ id: left, node: n });
    }
    if (
      inFunction &&
      (ts.isForOfStatement(n) || ts.isForInStatement(n)) &&
      ts.isIdentifier(skipOuter(n.initializer as ts.Expression))
    )
      writes.push({ id: skipOuter(n.initializer as ts.Expression) as ts.Identifier, node: n.initializer });
    ts.forEachChild(n, (c) => walk(c, inFunction || isFunctionLike(n)));
  };
  walk(file, false);
  return writes
    .filter(
      ({ id: { text: name } }) =>
        !(declared.has(name) || globalProps.has(name) || WRAPPER_NAMES.has(name) || name in globalThis),
    )
    .map((w) => ({
      kind: 'undeclared',
      name: w.id.text,
      mode: kind === 'module' ? 'module' : isStrict(w.node) ? 'strict' : 'sloppy',
      guarded: isGuardedWrite(w.node, w.id.text),
      // A literal, or a client built from constants, is the same on every request: nothing of one request leaks into the next.
      constant: ts.isBinaryExpression(w.node) && (isLiteral(w.node.right) || isConstantConstruction(w.node.right)),
      span: model.spanOf(w.node),
    }));
}

function isLiteral(e: ts.Expression): boolean {
  const x = skipOuter(e);
  return (
    ts.isStringLiteral(x) ||
    ts.isNoSubstitutionTemplateLiteral(x) ||
    ts.isNumericLiteral(x) ||
    x.kind === ts.SyntaxKind.TrueKeyword ||
    x.kind === ts.SyntaxKind.FalseKeyword ||
    x.kind === ts.SyntaxKind.NullKeyword
  );
}

/**
 * `new X()` or `new ns.X({ region: process.env.AWS_REGION, retries: 3 })`: a constructor given
 * only literals and environment variables (an SDK client, a logger), built alike on every request.
 */
function isConstantConstruction(e: ts.Expression): boolean {
  const x = skipOuter(e);
  if (!ts.isNewExpression(x)) return false;
  const constant = (a: ts.Expression): boolean => {
    const v = skipOuter(a);
    if (isLiteral(v)) return true;
    if (ts.isPropertyAccessExpression(v) || ts.isElementAccessExpression(v))
      return /^process\.env\b/.test(v.expression.getText());
    return (
      ts.isObjectLiteralExpression(v) &&
      v.properties.every((p) => ts.isPropertyAssignment(p) && constant(p.initializer))
    );
  };
  return (x.arguments ?? []).every(constant);
}

/** A `'use strict'` directive at the top of the file or of a function around `node`. */
function isStrict(node: ts.Node): boolean {
  for (let n: ts.Node | undefined = node; n !== undefined; n = n.parent) {
    const body = ts.isSourceFile(n) ? n : isFunctionLike(n) ? (n as ts.FunctionLikeDeclaration).body : undefined;
    if (body === undefined || !(ts.isSourceFile(body) || ts.isBlock(body))) continue;
    for (const s of body.statements) {
      if (!ts.isExpressionStatement(s) || !ts.isStringLiteral(s.expression)) break;
      if (s.expression.text === 'use strict') return true;
    }
  }
  return false;
}

function isAssignment(k: ts.SyntaxKind): boolean {
  return k >= ts.SyntaxKind.FirstAssignment && k <= ts.SyntaxKind.LastAssignment;
}

function isCounterOp(k: ts.SyntaxKind): boolean {
  return (
    k === ts.SyntaxKind.PlusEqualsToken ||
    k === ts.SyntaxKind.MinusEqualsToken ||
    k === ts.SyntaxKind.AsteriskEqualsToken
  );
}

function isZero(e: ts.Node | undefined): boolean {
  return e !== undefined && ts.isNumericLiteral(e) && e.text === '0';
}

function isEmptyCollection(e: ts.Expression): boolean {
  const x = skipOuter(e);
  if (ts.isArrayLiteralExpression(x)) return x.elements.length === 0;
  if (ts.isObjectLiteralExpression(x)) return x.properties.length === 0;
  return ts.isNewExpression(x) && (x.arguments?.length ?? 0) === 0;
}
