import ts from 'typescript';
import { enclosingFunction } from '../handlers/analysis';
import type { HandlerFunction, HandlerModel } from '../handlers/model';
import { knownValue } from '../model/types';
import { jsOnly, type Edit, type Finding, type Fix, type Rule } from './types';

/** The first Node.js runtime on which callback-style handlers fail at init (Runtime.CallbackHandlerDeprecated). */
const CALLBACK_REMOVED_IN = 24;

/**
 * Callback-style handlers: `(event, context, callback)` without `async`. Node.js 24 no
 * longer runs them (error); before that they work but are deprecated (warning). An async
 * handler that also takes a callback is ambiguous: the runtime uses the promise and the
 * callback is ignored.
 */
export const LL3005: Rule = {
  id: 'LL3005',
  title: 'Callback-style handler',
  severity: 'warning',
  handler: jsOnly(({ handler: model, functions }) => {
    const findings: Finding[] = [];
    for (const h of model.handlers) {
      // Wrappers (middy and the like) decide the signature the runtime sees.
      if (h.wrappers.length > 0 || h.arity < 3) continue;
      const callbackParam = h.node.parameters.filter((p) => !(ts.isIdentifier(p.name) && p.name.text === 'this'))[2];
      if (!callbackParam) continue;
      const runtimes = functions
        .filter((f) => f.exportName === h.exportName)
        .map((f) => knownValue(f.fn.runtime))
        .filter((r): r is string => r !== undefined);
      const blocked = runtimes.filter((r) => nodeMajor(r) >= CALLBACK_REMOVED_IN);
      const span = model.spanOf(callbackParam);
      if (h.isAsync) {
        const name = callbackParam.name.getText(model.sourceFile);
        // The runtime treats a handler as callback-style only when it is not async and takes three
        // parameters (github.com/aws/aws-lambda-nodejs-runtime-interface-client/pull/144): an unused
        // third parameter of an async handler changes nothing, on any Node.js runtime.
        if (callbackUses(model, h, callbackParam).length === 0) {
          const fix = dropUnusedCallback(model, h, callbackParam);
          findings.push({
            ruleId: 'LL3005',
            message: `This async handler declares a callback parameter (\`${name}\`) it never calls: harmless, Lambda runs an async handler by its promise whatever its parameters. Remove it so the handler does not read as callback-style.`,
            uri: model.uri,
            span,
            severity: 'info',
            ...(fix ? { fixes: [fix] } : {}),
          });
          continue;
        }
        findings.push({
          ruleId: 'LL3005',
          message: `This async handler also calls a callback (\`${name}\`): Lambda uses the returned promise and ignores the callback, so what is passed to it is lost. Remove the parameter and return the result.`,
          uri: model.uri,
          span,
          ...(blocked.length > 0 ? { severity: 'error' as const } : {}),
        });
        continue;
      }
      const fix = toAsync(model, h, callbackParam);
      findings.push({
        ruleId: 'LL3005',
        message:
          blocked.length > 0
            ? `Callback-style handlers do not run on ${blocked[0]}: the function fails at init with Runtime.CallbackHandlerDeprecated. Make the handler async and return the result.`
            : `Callback-style handler: deprecated, and it fails at init from nodejs${CALLBACK_REMOVED_IN}.x on (Runtime.CallbackHandlerDeprecated). Make the handler async and return the result.`,
        uri: model.uri,
        span,
        ...(blocked.length > 0 ? { severity: 'error' as const } : {}),
        ...(fix ? { fixes: [fix] } : {}),
      });
    }
    return findings;
  }),
};

function nodeMajor(runtime: string): number {
  const m = /^nodejs(\d+)/.exec(runtime);
  return m ? Number(m[1]) : 0;
}

/** References to the callback parameter inside the handler. */
function callbackUses(model: HandlerModel, h: HandlerFunction, param: ts.ParameterDeclaration): ts.Identifier[] {
  if (!ts.isIdentifier(param.name)) return [];
  const name = param.name.text;
  const out: ts.Identifier[] = [];
  const walk = (n: ts.Node): void => {
    if (ts.isIdentifier(n) && n.text === name && n !== param.name && model.lookup(n)?.node === param) out.push(n);
    ts.forEachChild(n, walk);
  };
  if (h.node.body) walk(h.node.body);
  return out;
}

/** Removes `, callback` from the parameter list (the text from the previous parameter's end). */
function removeParamEdit(model: HandlerModel, h: HandlerFunction, param: ts.ParameterDeclaration): Edit {
  const index = h.node.parameters.indexOf(param);
  const prev = h.node.parameters[index - 1];
  const start = prev ? prev.getEnd() : param.getStart(model.sourceFile);
  return { uri: model.uri, span: { start, end: param.getEnd() }, newText: '' };
}

function dropUnusedCallback(model: HandlerModel, h: HandlerFunction, param: ts.ParameterDeclaration): Fix | undefined {
  if (callbackUses(model, h, param).length > 0 || h.node.parameters.indexOf(param) !== h.node.parameters.length - 1)
    return undefined;
  return { title: 'Remove the unused callback parameter', edits: [removeParamEdit(model, h, param)] };
}

/**
 * Mechanical conversion when every use of the callback is a direct call in statement
 * position of the handler's own body: `callback(null, x)` → `return x`,
 * `callback(err)` → `throw err`, then `async` and the parameter removed.
 */
function toAsync(model: HandlerModel, h: HandlerFunction, param: ts.ParameterDeclaration): Fix | undefined {
  if (h.node.parameters.indexOf(param) !== h.node.parameters.length - 1 || !h.node.body || !ts.isBlock(h.node.body))
    return undefined;
  const file = model.sourceFile;
  const edits: Edit[] = [];
  for (const use of callbackUses(model, h, param)) {
    const call = use.parent;
    if (!ts.isCallExpression(call) || call.expression !== use || enclosingFunction(call) !== h.node) return undefined;
    const stmt = call.parent;
    if (!ts.isExpressionStatement(stmt) && !ts.isReturnStatement(stmt)) return undefined;
    const [err, result] = call.arguments;
    let replacement: string;
    if (
      err === undefined ||
      err.kind === ts.SyntaxKind.NullKeyword ||
      (ts.isIdentifier(err) && err.text === 'undefined')
    ) {
      replacement = result ? `return ${result.getText(file)};` : 'return;';
    } else if (call.arguments.length === 1) {
      replacement = `throw ${err.getText(file)};`;
    } else {
      return undefined;
    }
    edits.push({ uri: model.uri, span: { start: stmt.getStart(file), end: stmt.getEnd() }, newText: replacement });
  }
  edits.push(removeParamEdit(model, h, param));
  const fn = h.node;
  const keyword = fn.getChildren(file).find((c) => c.kind === ts.SyntaxKind.FunctionKeyword);
  const asyncAt = ts.isMethodDeclaration(fn)
    ? fn.name.getStart(file)
    : keyword
      ? keyword.getStart(file)
      : fn.getStart(file);
  edits.push({ uri: model.uri, span: { start: asyncAt, end: asyncAt }, newText: 'async ' });
  return { title: 'Convert to an async handler', edits };
}
