/**
 * Questions the handler rules ask of the syntax tree, shared so that they answer alike.
 */
import ts from 'typescript';
import type { HandlerFunction, HandlerModel } from './model';
import { forEachReference, isFunctionLike, skipOuter, type Declaration } from './scope';

/** True when the declaration is at module scope (shared by every invocation of the environment). */
export function isModuleScope(d: Declaration | undefined): d is Declaration {
  return d !== undefined && ts.isSourceFile(d.scope);
}

/** True when `node` lies inside `outer` (or is it). */
export function isInside(node: ts.Node, outer: ts.Node): boolean {
  for (let n: ts.Node | undefined = node; n !== undefined; n = n.parent) if (n === outer) return true;
  return false;
}

/** Identifiers in `node` declared inside the handler (its parameters and locals). */
export function handlerLocalsIn(
  model: HandlerModel,
  nodes: readonly ts.Node[],
  handler: HandlerFunction,
): ts.Identifier[] {
  const out: ts.Identifier[] = [];
  for (const node of nodes) {
    forEachReference(node, (id) => {
      const d = model.lookup(id);
      if (d && isInside(d.scope, handler.node)) out.push(id);
    });
  }
  return out;
}

/** The innermost function containing a node. */
export function enclosingFunction(node: ts.Node): ts.FunctionLikeDeclaration | undefined {
  for (let n: ts.Node | undefined = node.parent; n !== undefined; n = n.parent) if (isFunctionLike(n)) return n;
  return undefined;
}

export function isAsyncFunction(fn: ts.FunctionLikeDeclaration): boolean {
  return (ts.getModifiers(fn) ?? []).some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
}

/**
 * Request-derived names in a handler: its parameters, and locals whose initializer uses
 * one (a single forward pass, in source order).
 */
export function requestTainted(model: HandlerModel, handler: HandlerFunction): Set<ts.Node> {
  const tainted = new Set<ts.Node>();
  for (const p of handler.node.parameters) tainted.add(p);
  const uses = (n: ts.Node): boolean => {
    let hit = false;
    forEachReference(n, (id) => {
      const d = model.lookup(id);
      if (d && tainted.has(d.node)) hit = true;
    });
    return hit;
  };
  const walk = (n: ts.Node): void => {
    if (ts.isVariableDeclaration(n) && n.initializer && uses(n.initializer)) {
      tainted.add(n);
      if (!ts.isIdentifier(n.name)) for (const el of n.name.elements) tainted.add(el);
    }
    ts.forEachChild(n, walk);
  };
  if (handler.node.body) walk(handler.node.body);
  return tainted;
}

/** True when an expression refers to a tainted declaration. */
export function usesTainted(model: HandlerModel, node: ts.Node, tainted: Set<ts.Node>): boolean {
  let hit = false;
  forEachReference(node, (id) => {
    if (hit) return;
    const d = model.lookup(id);
    if (d && tainted.has(d.node)) hit = true;
  });
  return hit;
}

/**
 * True when a write happens under a guard on the same name (`if (!client) client = …`,
 * `client ??= …`, `x = x ?? …`): the lazy-initialisation idiom for an intended cache.
 */
export function isGuardedWrite(write: ts.Node, name: string): boolean {
  let child: ts.Node = write;
  for (let n: ts.Node | undefined = write.parent; n !== undefined && !isFunctionLike(n); n = n.parent) {
    if (ts.isIfStatement(n) || ts.isConditionalExpression(n)) {
      const cond = ts.isIfStatement(n) ? n.expression : n.condition;
      if (mentions(cond, name)) return true;
      // A once-flag: `if (!loaded) { keys = …; loaded = true; }` fills the cache once per environment.
      if (ts.isIfStatement(n) && child === n.thenStatement && flipsFlagOf(n.thenStatement, cond)) return true;
    }
    // An early return of the cached value: `if (keys) return keys; keys = …`.
    if (ts.isBlock(n) || ts.isSourceFile(n)) {
      for (const s of n.statements) {
        if (s === child) break;
        if (ts.isIfStatement(s) && mentions(s.expression, name) && returns(s.thenStatement)) return true;
      }
    }
    child = n;
    if (
      ts.isBinaryExpression(n) &&
      [ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.AmpersandAmpersandToken].includes(
        n.operatorToken.kind,
      ) &&
      mentions(n.left, name)
    )
      return true;
  }
  return false;
}

/** True when `block` assigns (`=`) a name that `cond` mentions: the guard's flag is set where the guarded work is done. */
function flipsFlagOf(block: ts.Node, cond: ts.Expression): boolean {
  const flags = new Set<string>();
  forEachReference(cond, (id) => flags.add(id.text));
  let hit = false;
  const walk = (n: ts.Node): void => {
    if (hit || isFunctionLike(n)) return;
    if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const left = skipOuter(n.left);
      if (ts.isIdentifier(left) && flags.has(left.text)) hit = true;
    }
    ts.forEachChild(n, walk);
  };
  walk(block);
  return hit;
}

/** A `return` directly in the statement (or its block), not in a nested function. */
function returns(s: ts.Statement): boolean {
  return ts.isReturnStatement(s) || (ts.isBlock(s) && s.statements.some((x) => ts.isReturnStatement(x)));
}

function mentions(node: ts.Node, name: string): boolean {
  let hit = false;
  forEachReference(node, (id) => {
    if (id.text === name) hit = true;
  });
  return hit;
}

/** The expression a value flows into, skipping parentheses, `await`, type assertions and wrapping calls. */
export function assignmentTarget(node: ts.Expression): ts.Node | undefined {
  let cur: ts.Node = node;
  for (;;) {
    const p: ts.Node | undefined = cur.parent;
    if (!p) return undefined;
    if (
      ts.isParenthesizedExpression(p) ||
      ts.isAwaitExpression(p) ||
      ts.isAsExpression(p) ||
      ts.isNonNullExpression(p) ||
      ts.isSatisfiesExpression(p) ||
      ts.isConditionalExpression(p)
    ) {
      cur = p;
      continue;
    }
    if (ts.isCallExpression(p) && p.arguments.includes(cur as ts.Expression)) {
      cur = p;
      continue;
    }
    if (ts.isBinaryExpression(p) && p.right === cur) {
      const k = p.operatorToken.kind;
      if (k === ts.SyntaxKind.QuestionQuestionToken || k === ts.SyntaxKind.BarBarToken) {
        cur = p;
        continue;
      }
      if (
        k === ts.SyntaxKind.EqualsToken ||
        k === ts.SyntaxKind.QuestionQuestionEqualsToken ||
        k === ts.SyntaxKind.BarBarEqualsToken
      )
        return p.left;
      return undefined;
    }
    if (ts.isVariableDeclaration(p) && p.initializer === cur) return p;
    if (ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p)) return p;
    return undefined;
  }
}

/** True when an assignment target is shared across invocations: a module-scope name, `this.x`, or a property of a module-scope object. */
export function isSharedTarget(model: HandlerModel, target: ts.Node): boolean {
  if (ts.isPropertyAssignment(target) || ts.isPropertyDeclaration(target)) return true;
  if (!ts.isExpression(target)) return false;
  let x = skipOuter(target);
  while (ts.isPropertyAccessExpression(x) || ts.isElementAccessExpression(x)) {
    if (x.expression.kind === ts.SyntaxKind.ThisKeyword) return true;
    x = skipOuter(x.expression);
  }
  return ts.isIdentifier(x) && isModuleScope(model.lookup(x));
}
