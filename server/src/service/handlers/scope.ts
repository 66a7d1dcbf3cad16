/**
 * A small syntactic binder: finds the declaration an identifier refers to by walking up
 * the enclosing scopes. The type checker would do this too, but building a program costs
 * far more than the 50 ms budget of a keystroke; the syntax tree is enough for the names
 * the rules look at (module-scope bindings, handler parameters, imports).
 */
import ts from 'typescript';

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
export function boundNames(
  name: ts.BindingName,
  out: { name: string; node: ts.Node }[] = [],
): { name: string; node: ts.Node }[] {
  if (ts.isIdentifier(name)) {
    out.push({ name: name.text, node: name.parent });
  } else {
    for (const el of name.elements) {
      if (ts.isBindingElement(el)) boundNames(el.name, out);
    }
  }
  return out;
}

type Add = (name: string, node: ts.Node) => void;

/** Binding names of a declaration: the whole declaration for a plain name, the element for destructuring. */
function addBinding(name: ts.BindingName, whole: ts.Node, add: Add): void {
  if (ts.isIdentifier(name)) add(name.text, whole);
  else for (const b of boundNames(name)) add(b.name, b.node);
}

/** The declarations a statement makes directly (not inside its nested blocks). */
function addStatementDeclarations(s: ts.Statement, add: Add): void {
  if (ts.isVariableStatement(s)) {
    for (const d of s.declarationList.declarations) addBinding(d.name, d, add);
  } else if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s) || ts.isEnumDeclaration(s)) && s.name) {
    add(s.name.text, s);
  } else if (ts.isImportDeclaration(s) && s.importClause) {
    const c = s.importClause;
    if (c.name) add(c.name.text, c);
    const b = c.namedBindings;
    if (b && ts.isNamespaceImport(b)) add(b.name.text, b);
    if (b && ts.isNamedImports(b)) for (const e of b.elements) add(e.name.text, e);
  } else if (ts.isImportEqualsDeclaration(s)) {
    add(s.name.text, s);
  }
}

/** Every name a scope node declares, first declaration first. */
function declarationsOf(scope: ts.Node): Map<string, ts.Node> {
  const out = new Map<string, ts.Node>();
  const add: Add = (name, node) => {
    if (!out.has(name)) out.set(name, node);
  };
  if (ts.isSourceFile(scope) || ts.isBlock(scope) || ts.isModuleBlock(scope)) {
    for (const st of scope.statements) addStatementDeclarations(st, add);
  } else if (ts.isCaseBlock(scope)) {
    for (const c of scope.clauses) for (const st of c.statements) addStatementDeclarations(st, add);
  } else if (isFunctionLike(scope)) {
    for (const p of scope.parameters) addBinding(p.name, p, add);
    if ((ts.isFunctionExpression(scope) || ts.isFunctionDeclaration(scope)) && scope.name) add(scope.name.text, scope);
  } else if (
    (ts.isForStatement(scope) || ts.isForOfStatement(scope) || ts.isForInStatement(scope)) &&
    scope.initializer &&
    ts.isVariableDeclarationList(scope.initializer)
  ) {
    for (const d of scope.initializer.declarations) addBinding(d.name, d, add);
  } else if (ts.isCatchClause(scope) && scope.variableDeclaration) {
    for (const b of boundNames(scope.variableDeclaration.name)) add(b.name, scope.variableDeclaration);
  } else if (ts.isClassExpression(scope) && scope.name) {
    add(scope.name.text, scope);
  }
  return out;
}

/** Nodes that can declare names. */
function isScope(n: ts.Node): boolean {
  return (
    ts.isSourceFile(n) ||
    ts.isBlock(n) ||
    ts.isModuleBlock(n) ||
    ts.isCaseBlock(n) ||
    isFunctionLike(n) ||
    ts.isForStatement(n) ||
    ts.isForOfStatement(n) ||
    ts.isForInStatement(n) ||
    ts.isCatchClause(n) ||
    ts.isClassExpression(n)
  );
}

/**
 * Resolves identifiers to declarations. Each scope's declarations are collected once, so a
 * look-up costs about its nesting depth, whatever the size of the blocks.
 */
export class Binder {
  private readonly cache = new Map<ts.Node, Map<string, ts.Node>>();

  constructor(private readonly file: ts.SourceFile) {}

  /** Rules ask about the same identifiers again and again: one walk each. */
  private readonly resolved = new Map<ts.Identifier, Declaration | undefined>();

  lookup(id: ts.Identifier): Declaration | undefined {
    if (this.resolved.has(id)) return this.resolved.get(id);
    const d = this.lookupName(id.text, id);
    this.resolved.set(id, d);
    return d;
  }

  /** Looks `name` up as seen from `from`. */
  lookupName(name: string, from: ts.Node): Declaration | undefined {
    for (let n: ts.Node | undefined = from.parent; n !== undefined; n = n.parent) {
      if (!isScope(n)) continue;
      const node = this.declarations(n).get(name);
      if (node) return { node, scope: n };
    }
    return undefined;
  }

  /** The module-scope declaration of a name. */
  moduleDeclaration(name: string): ts.Node | undefined {
    return this.declarations(this.file).get(name);
  }

  private declarations(scope: ts.Node): Map<string, ts.Node> {
    let names = this.cache.get(scope);
    if (!names) {
      names = declarationsOf(scope);
      this.cache.set(scope, names);
    }
    return names;
  }
}

/** Strips parentheses, type assertions, `satisfies` and non-null assertions. */
export function skipOuter(e: ts.Expression): ts.Expression {
  let x = e;
  for (;;) {
    if (
      ts.isParenthesizedExpression(x) ||
      ts.isAsExpression(x) ||
      ts.isSatisfiesExpression(x) ||
      ts.isNonNullExpression(x) ||
      ts.isTypeAssertionExpression(x)
    )
      x = x.expression;
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
    if (ts.isPropertyAccessExpression(x) || ts.isElementAccessExpression(x) || ts.isCallExpression(x))
      x = skipOuter(x.expression);
    else return undefined;
  }
}

/** Calls `visit` for every identifier in `node` that is a reference (not a property name or declaration name). */
export function forEachReference(node: ts.Node, visit: (id: ts.Identifier) => void): void {
  const walk = (n: ts.Node): void => {
    if (ts.isIdentifier(n)) {
      const p = n.parent;
      if (p && ts.isPropertyAccessExpression(p) && p.name === n) return;
      if (p && (ts.isPropertyAssignment(p) || ts.isMethodDeclaration(p) || ts.isPropertyDeclaration(p)) && p.name === n)
        return;
      visit(n);
      return;
    }
    ts.forEachChild(n, walk);
  };
  walk(node);
}
