/**
 * The JS/TS extractor's client creations (`ClientCreationFact`, handlers/facts.ts): `new`
 * expressions and factory calls of known client libraries made while a request runs.
 */
import ts from 'typescript';
import type { Fix } from '../model/findings';
import type { Span } from '../model/types';
import { assignmentTarget, handlerLocalsIn, isInside, isSharedTarget, requestTainted, usesTainted } from './analysis';
import type { ClientCreationFact } from './facts';
import type { HandlerFunction, HandlerModel } from './model';
import { matchClient } from './patterns';

export function clientCreations(model: HandlerModel): ClientCreationFact[] {
  const out: ClientCreationFact[] = [];
  const tainted = new Map<HandlerFunction, Set<ts.Node>>();
  const taintOf = (h: HandlerFunction) =>
    tainted.get(h) ?? (tainted.set(h, requestTainted(model, h)).get(h) as Set<ts.Node>);
  // Only per-request code matters; resolving imports is the costly part, so filter first.
  const candidates = [
    ...model.constructions
      .filter((c) => c.handler !== undefined)
      .map((c) => ({
        node: c.node as ts.Expression,
        handler: c.handler,
        pattern: matchClient(c.import, 'new'),
        span: c.span,
      })),
    ...model.calls
      .filter((c) => c.handler !== undefined)
      .map((c) => ({
        node: c.node as ts.Expression,
        handler: c.handler,
        pattern: matchClient(c.import, 'call'),
        span: c.span,
      })),
  ];
  const matched = candidates.filter((c) => c.handler !== undefined && c.pattern !== undefined);
  for (const c of matched) {
    if (!c.handler || !c.pattern) continue;
    // `DynamoDBDocumentClient.from(new DynamoDBClient({}))` is one resource: the outer call.
    if (matched.some((o) => o !== c && o.node.pos <= c.node.pos && c.node.end <= o.node.end)) continue;
    // `const client = new DynamoDBClient(); DynamoDBDocumentClient.from(client)`: the resource is `client`.
    const args = argumentsOf(c.node);
    if (
      args.some((a) =>
        wraps(
          model,
          a,
          matched.map((m) => m.node),
        ),
      )
    )
      continue;
    // `if (!client) client = new S3Client()` and `this.client = …`: created once, kept.
    const target = assignmentTarget(c.node);
    out.push({
      what: c.pattern.what,
      span: c.span,
      via: undefined,
      kept: target !== undefined && isSharedTarget(model, target),
      fromRequest: args.some((a) => usesTainted(model, a, taintOf(c.handler as HandlerFunction))),
      loopBound: false,
      customResource:
        /\bRequestType\b/.test(c.handler.node.getText(model.sourceFile)) ||
        /['"]cfn-response['"]|\bResponseURL\b/.test(model.text),
      moveToModuleScope: moveToModuleScope(model, c.node, c.handler, args),
    });
  }
  return out;
}

/** True when an argument is a local whose initializer is one of the matched constructions. */
function wraps(model: HandlerModel, arg: ts.Node, matched: readonly ts.Node[]): boolean {
  if (!ts.isIdentifier(arg)) return false;
  const d = model.lookup(arg);
  return (
    d !== undefined &&
    ts.isVariableDeclaration(d.node) &&
    d.node.initializer !== undefined &&
    matched.includes(skipAwait(d.node.initializer))
  );
}

function skipAwait(e: ts.Expression): ts.Expression {
  return ts.isAwaitExpression(e) ? e.expression : e;
}

/** The arguments of a `new` or call (the callee itself is not request data). */
function argumentsOf(node: ts.Expression): readonly ts.Node[] {
  return (ts.isNewExpression(node) || ts.isCallExpression(node)) && node.arguments ? [...node.arguments] : [];
}

/**
 * `const s3 = new S3Client({...});` as a statement of the handler body, with nothing from
 * the request in it and a name not used at module scope: move the statement above the
 * top-level statement that holds the handler.
 */
function moveToModuleScope(
  model: HandlerModel,
  node: ts.Expression,
  handler: HandlerFunction,
  args: readonly ts.Node[],
): Fix | undefined {
  // Anything declared in the handler (even a client made from the environment) would not exist at module scope.
  if (handlerLocalsIn(model, args, handler).length > 0) return undefined;
  const decl = node.parent;
  if (!decl || !ts.isVariableDeclaration(decl) || decl.initializer !== node || !ts.isIdentifier(decl.name))
    return undefined;
  const list = decl.parent;
  const stmt = list.parent;
  if (!ts.isVariableDeclarationList(list) || list.declarations.length !== 1 || !ts.isVariableStatement(stmt))
    return undefined;
  if (!handler.node.body || stmt.parent !== handler.node.body) return undefined;
  if (model.binder.moduleDeclaration(decl.name.text) !== undefined) return undefined;
  let top: ts.Node = handler.node;
  while (top.parent && !ts.isSourceFile(top.parent)) top = top.parent;
  if (!isInside(handler.node, top)) return undefined;
  const text = model.text;
  const file = model.sourceFile;
  const stmtStart = lineStart(text, stmt.getStart(file));
  const stmtEnd = lineEnd(text, stmt.getEnd());
  const topStart = lineStart(
    text,
    top.getFullStart() + (text.slice(top.getFullStart(), top.getStart(file)).match(/^\s*/)?.[0].length ?? 0),
  );
  const statementText = dedent(stmt.getText(file).replace(/^(let|var)\b/, 'const'), stmt.getStart(file) - stmtStart);
  const deleteSpan: Span =
    text.slice(stmtStart, stmt.getStart(file)).trim() === '' && text.slice(stmt.getEnd(), stmtEnd).trim() === ''
      ? { start: stmtStart, end: Math.min(text.length, stmtEnd + 1) }
      : { start: stmt.getStart(file), end: stmt.getEnd() };
  return {
    title: `Move \`${decl.name.text}\` to module scope (created once per environment)`,
    edits: [
      { uri: model.uri, span: { start: topStart, end: topStart }, newText: `${statementText}\n\n` },
      { uri: model.uri, span: deleteSpan, newText: '' },
    ],
  };
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function lineEnd(text: string, offset: number): number {
  const i = text.indexOf('\n', offset);
  return i < 0 ? text.length : i;
}

/** Removes the statement's own indentation from its continuation lines. */
function dedent(s: string, column: number): string {
  return s
    .split('\n')
    .map((l, i) => (i === 0 ? l : l.slice(Math.min(column, l.match(/^[ \t]*/)?.[0].length ?? 0))))
    .join('\n');
}
