/**
 * A small syntactic binder: finds the declaration an identifier refers to by walking up
 * the enclosing scopes. The type checker would do this too, but building a program costs
 * far more than the 50 ms budget of a keystroke; the syntax tree is enough for the names
 * the rules look at (module-scope bindings, handler parameters, imports).
 */
import * as ts from 'typescript';

/** Where a name is declared, and which node owns that scope. */
export interface Declaration {
  /** The declaring node: a VariableDeclaration, ParameterDeclaration, FunctionDeclaration, ClassDeclaration, import clause or specifier, or a binding element. */
  readonly node: ts.Node;
  /** The scope node: the SourceFile for module scope, a function-like, a block, a loop or a catch clause. */
  readonly scope: ts.Node;
}

export function isFunctionLike(n: ts.Node): n is ts.FunctionLikeDeclaration {
  return (
    ts.isFunctionDeclaration(n) ||
    ts.isFunctionExpression(n) ||
    ts.isArrowFunction(n) ||
    ts.isMethodDeclaration(n) ||
    ts.isConstructorDeclaration(n) ||
    ts.isGetAccessorDeclaration(n) ||
    ts.isSetAccessorDeclaration(n)
  );
}

/** Names bound by a binding name (identifier or destructuring pattern), with their nodes. */
export function boundNames(name: ts.BindingName, out: { name: string; node: ts.Node }[] = []): { name: string; node: ts.Node }[] {
  if (ts.isIdentifier(name)) {
    out.push({ name: name.text, node: name.parent });
  } else {
    for (const el of name.elements) {
      if (ts.isBindingElement(el)) boundNames(el.name, out);
    }
  }
  return out;
}

function declaredInStatements(statements: readonly ts.Statement[], name: string): ts.Node | undefined {
  for (const s of statements) {
    const found = declaredByStatement(s, name);
    if (found) return found;
  }
  return undefined;
}

/** The declaration of `name` made directly by a statement (not inside its nested blocks). */
export function declaredByStatement(s: ts.Statement, name: string): ts.Node | undefined {
  if (ts.isVariableStatement(s)) {
    for (const d of s.declarationList.declarations) {
      const hit = boundNames(d.name).find((b) => b.name === name);
      if (hit) return ts.isIdentifier(d.name) ? d : hit.node;
    }
  } else if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s) || ts.isEnumDeclaration(s)) && s.name?.text === name) {
    return s;
  } else if (ts.isImportDeclaration(s) && s.importClause) {
    const c = s.importClause;
    if (c.name?.text === name) return c;
    const b = c.namedBindings;
    if (b && ts.isNamespaceImport(b) && b.name.text === name) return b;
    if (b && ts.isNamedImports(b)) return b.elements.find((e) => e.name.text === name);
  } else if (ts.isImportEqualsDeclaration(s) && s.name.text === name) {
    return s;
  }
  return undefined;
}

function declaredIn(scope: ts.Node, name: string): ts.Node | undefined {
  if (ts.isSourceFile(scope) || ts.isBlock(scope) || ts.isModuleBlock(scope)) return declaredInStatements(scope.statements, name);
  if (ts.isCaseBlock(scope)) {
    for (const c of scope.clauses) {
      const hit = declaredInStatements(c.statements, name);
      if (hit) return hit;
    }
    return undefined;
  }
  if (isFunctionLike(scope)) {
    for (const p of scope.parameters) {
      const hit = boundNames(p.name).find((b) => b.name === name);
      if (hit) return ts.isIdentifier(p.name) ? p : hit.node;
    }
    if ((ts.isFunctionExpression(scope) || ts.isFunctionDeclaration(scope)) && scope.name?.text === name) return scope;
    return undefined;
  }
  if ((ts.isForStatement(scope) || ts.isForOfStatement(scope) || ts.isForInStatement(scope)) && scope.initializer && ts.isVariableDeclarationList(scope.initializer)) {
    for (const d of scope.initializer.declarations) {
      const hit = boundNames(d.name).find((b) => b.name === name);
      if (hit) return ts.isIdentifier(d.name) ? d : hit.node;
    }
    return undefined;
  }
  if (ts.isCatchClause(scope) && scope.variableDeclaration) {
    return boundNames(scope.variableDeclaration.name).some((b) => b.name === name) ? scope.variableDeclaration : undefined;
  }
  if (ts.isClassExpression(scope) && scope.name?.text === name) return scope;
  return undefined;
}

/** Nodes that can declare names. */
function isScope(n: ts.Node): boolean {
  return ts.isSourceFile(n) || ts.isBlock(n) || ts.isModuleBlock(n) || ts.isCaseBlock(n) || isFunctionLike(n) || ts.isForStatement(n) || ts.isForOfStatement(n) || ts.isForInStatement(n) || ts.isCatchClause(n) || ts.isClassExpression(n);
}

/**
 * Resolves identifiers to declarations. Each scope's answers are cached per name, so a
 * file's look-ups cost about its nesting depth each, whatever the size of its blocks.
 */
export class Binder {
  private readonly cache = new Map<ts.Node, Map<string, ts.Node | null>>();

  constructor(private readonly file: ts.SourceFile) {}

  lookup(id: ts.Identifier): Declaration | undefined {
    return this.lookupName(id.text, id);
  }

  /** Looks `name` up as seen from `from`. */
  lookupName(name: string, from: ts.Node): Declaration | undefined {
    for (let n: ts.Node | undefined = from.parent; n !== undefined; n = n.parent) {
      if (!isScope(n)) continue;
      const node = this.declaredInScope(n, name);
      if (node) return { node, scope: n };
    }
    return undefined;
  }

  /** The module-scope declaration of a name. */
  moduleDeclaration(name: string): ts.Node | undefined {
    return this.declaredInScope(this.file, name);
  }

  private declaredInScope(scope: ts.Node, name: string): ts.Node | undefined {
    let names = this.cache.get(scope);
    if (!names) {
      names = new Map();
      this.cache.set(scope, names);
    }
    let hit = names.get(name);
    if (hit === undefined) {
      hit = declaredIn(scope, name) ?? null;
      names.set(name, hit);
    }
    return hit ?? undefined;
  }
}

/** Strips parentheses, type assertions, `satisfies` and non-null assertions. */
export function skipOuter(e: ts.Expression): ts.Expression {
  let x = e;
  for (;;) {
    if (ts.isParenthesizedExpression(x) || ts.isAsExpression(x) || ts.isSatisfiesExpression(x) || ts.isNonNullExpression(x) || ts.isTypeAssertionExpression(x)) x = x.expression;
    else return x;
  }
}

/** `a.b.c` as `['a', 'b', 'c']` when the expression is a plain dotted name; `undefined` otherwise. */
export function dottedName(e: ts.Expression): string[] | undefined {
  const x = skipOuter(e);
  if (ts.isIdentifier(x)) return [x.text];
  if (x.kind === ts.SyntaxKind.ThisKeyword) return ['this'];
  if (ts.isPropertyAccessExpression(x) && ts.isIdentifier(x.name)) {
    const left = dottedName(x.expression);
    return left ? [...left, x.name.text] : undefined;
  }
  if (ts.isElementAccessExpression(x) && ts.isStringLiteralLike(x.argumentExpression)) {
    const left = dottedName(x.expression);
    return left ? [...left, x.argumentExpression.text] : undefined;
  }
  return undefined;
}

/** The leftmost identifier of a member chain (`a` in `a.b().c`). */
export function rootIdentifier(e: ts.Expression): ts.Identifier | undefined {
  let x = skipOuter(e);
  for (;;) {
    if (ts.isIdentifier(x)) return x;
    if (ts.isPropertyAccessExpression(x) || ts.isElementAccessExpression(x) || ts.isCallExpression(x)) x = skipOuter(x.expression);
    else return undefined;
  }
}

/** Calls `visit` for every identifier in `node` that is a reference (not a property name or declaration name). */
export function forEachReference(node: ts.Node, visit: (id: ts.Identifier) => void): void {
  const walk = (n: ts.Node): void => {
    if (ts.isIdentifier(n)) {
      const p = n.parent;
      if (p && ts.isPropertyAccessExpression(p) && p.name === n) return;
      if (p && (ts.isPropertyAssignment(p) || ts.isMethodDeclaration(p) || ts.isPropertyDeclaration(p)) && p.name === n) return;
      visit(n);
      return;
    }
    ts.forEachChild(n, walk);
  };
  walk(node);
}
