/**
 * The JS/TS extractor's language-neutral facts (handlers/facts.ts), read from the TypeScript
 * syntax tree of the handler model.
 */
import ts from 'typescript';
import type { ExitFact, ReturnFacts, RunsIn, StringLiteralFact } from './facts';
import { propertyName } from './idempotency';
import type { ExecutionScope, HandlerFunction, HandlerModel } from './model';
import { skipOuter } from './scope';

/** String literals, with the name each is stored under. */
export function stringLiterals(model: HandlerModel): StringLiteralFact[] {
  const out: StringLiteralFact[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      out.push({ value: node.text, name: nameFor(node), span: model.spanOf(node) });
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(model.sourceFile);
  return out;
}

/** The name a literal is stored under: the variable, property, parameter or assignment target it initialises. */
function nameFor(node: ts.Expression): string | undefined {
  let e: ts.Node = node;
  // `process.env.API_KEY ?? 'literal'`, `('literal')`, `'literal' as string`.
  while (
    ts.isParenthesizedExpression(e.parent) ||
    ts.isAsExpression(e.parent) ||
    ts.isSatisfiesExpression(e.parent) ||
    (ts.isBinaryExpression(e.parent) &&
      e.parent.right === e &&
      (e.parent.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken ||
        e.parent.operatorToken.kind === ts.SyntaxKind.BarBarToken))
  ) {
    e = e.parent;
  }
  const p = e.parent;
  if (
    (ts.isVariableDeclaration(p) || ts.isParameter(p) || ts.isPropertyDeclaration(p) || ts.isBindingElement(p)) &&
    p.initializer === e
  ) {
    return ts.isIdentifier(p.name) ? p.name.text : undefined;
  }
  if (ts.isPropertyAssignment(p) && p.initializer === e) {
    return ts.isIdentifier(p.name) || ts.isStringLiteralLike(p.name) ? p.name.text : undefined;
  }
  if (ts.isBinaryExpression(p) && p.right === e && p.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
    const left = p.left;
    if (ts.isIdentifier(left)) return left.text;
    if (ts.isPropertyAccessExpression(left)) return left.name.text;
    if (ts.isElementAccessExpression(left) && ts.isStringLiteralLike(left.argumentExpression))
      return left.argumentExpression.text;
  }
  return undefined;
}

/**
 * What a handler visibly returns; `undefined` when middleware wraps it, it is an expression-bodied
 * arrow function, or it takes a callback (its response is not in its `return`s).
 */
export function handlerReturns(model: HandlerModel, handler: HandlerFunction): ReturnFacts {
  if (handler.wrappers.length > 0 || handler.expressionBody !== undefined || handler.arity >= 3) return undefined;
  return handler.returns.map((r) => {
    const e = r.expression ? skipOuter(r.expression) : undefined;
    const text = r.expression
      ? model.sourceFile.text.slice(r.expression.getStart(model.sourceFile), r.expression.end)
      : '';
    const span = model.spanOf(r);
    if (e === undefined) return { kind: 'nothing', keys: undefined, text, span };
    if (!ts.isObjectLiteralExpression(e)) return { kind: 'other', keys: undefined, text, span };
    const keys = e.properties.map((p) => (ts.isSpreadAssignment(p) ? undefined : propertyName(p)));
    return { kind: 'object', keys: keys.every((k) => k !== undefined) ? (keys as string[]) : undefined, text, span };
  });
}

/** `process.exit()` and `process.abort()` called while a request runs. */
export function exits(model: HandlerModel): ExitFact[] {
  return model.calls
    .filter((c) => c.scope === 'handler' && (c.callee === 'process.exit' || c.callee === 'process.abort'))
    .map((c) => ({ kind: 'call', name: c.callee as string, span: c.span }));
}

/** Whose requests run code at `scope`: a handler's, a helper's (any handler may call it), or none (module scope). */
export function runsIn(scope: ExecutionScope, handler: HandlerFunction | undefined): RunsIn | undefined {
  if (scope === 'handler') return handler ? { handler: handler.exportName } : undefined;
  return scope === 'function' ? 'helper' : undefined;
}
