import ts from 'typescript';
import { isGuardedWrite, isModuleScope, requestTainted, usesTainted } from '../handlers/analysis';
import { moduleTypeOf, uriToPath } from '../handlers/resolve';
import type { HandlerFunction, HandlerModel } from '../handlers/model';
import { GROWING_METHODS, RESET_METHODS } from '../handlers/patterns';
import { isFunctionLike, skipOuter } from '../handlers/scope';
import { identifiersIn, isGuarded, perRequestFunctions, requestNames } from '../handlers/python/scope';
import { type PythonHandlerModel, enclosingFunction, spanOf } from '../handlers/python/model';
import type { PyNode } from '../handlers/python/parser';
import { byLanguage, type JsRuleContext, type PythonRuleContext, type Finding, type Rule } from './types';

const WARM = 'it carries over to the next warm invocation of the same environment (and differs between environments)';

/**
 * Module-scope state changed by the handler in a way that leaks between warm invocations:
 * a collection that grows on every request, a counter, a per-request value kept in a
 * module-scope variable. Intended caches stay silent: lazy initialisation under a guard
 * (`if (!client) client = …`, `??=`), keyed caches (`map.set(k, v)`, `cache[k] = v`) and
 * values that do not come from the request (a config loaded once, a cold-start flag).
 * A write under a once-flag (`if (!loaded) { keys = …; loaded = true }`) or after an early
 * return of the cached value (`if (keys) return keys; keys = …`) is a cache filled once too.
 *
 * Implicit globals: a plain assignment, in a function, to a name declared nowhere in the file.
 * A sloppy-mode CommonJS module makes it a property of the global object, which outlives the
 * invocation (and is shared by every module); an ES module or a `'use strict'` file throws
 * ReferenceError there (developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Strict_mode:
 * "assignments which would accidentally create global variables instead throw an error").
 * TypeScript files are left to the compiler ("Cannot find name").
 */
export const LL3002: Rule = {
  id: 'LL3002',
  title: 'Module-scope state changed by the handler',
  severity: 'warning',
  handler: byLanguage({
    js(ctx) {
      const model = ctx.handler;
      const findings: Finding[] = [];
      for (const h of model.handlers) findings.push(...checkHandler(model, h));
      if (model.handlers.length > 0) findings.push(...implicitGlobals(ctx));
      return findings;
    },
    python: pythonLL3002,
  }),
};

function moduleName(model: HandlerModel, e: ts.Expression): ts.Identifier | undefined {
  const x = skipOuter(e);
  return ts.isIdentifier(x) && isModuleScope(model.lookup(x)) ? x : undefined;
}

function checkHandler(model: HandlerModel, h: HandlerFunction): Finding[] {
  const out: Finding[] = [];
  const body = h.node.body;
  if (!body) return out;
  let tainted: Set<ts.Node> | undefined;
  const fromRequest = (n: ts.Node): boolean => usesTainted(model, n, (tainted ??= requestTainted(model, h)));
  const resets = new Set<string>();
  const grows: { id: ts.Identifier; what: string; node: ts.Node }[] = [];
  const report = (node: ts.Node, message: string) =>
    out.push({ ruleId: 'LL3002', message, uri: model.uri, span: model.spanOf(node) });

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
        else if (isCounterOp(n.operatorToken.kind))
          report(n, `The module-scope counter \`${id.text}\` is changed on every request: ${WARM}.`);
        else if (
          n.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
          !isGuardedWrite(n, id.text) &&
          fromRequest(n.right)
        )
          report(
            n,
            `\`${id.text}\` is a module-scope variable set from the request: ${WARM}, so a later request can see this one's data. Keep it in a local, or cache it under a key.`,
          );
      } else if (ts.isPropertyAccessExpression(left) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
        // `state.lastUser = event.user` on a module-scope object (keyed writes `cache[k] = v` are caches).
        const obj = moduleName(model, left.expression);
        if (
          obj &&
          !isGuardedWrite(n, obj.text) &&
          !(ts.isPropertyAccessExpression(left) && left.name.text === 'length' && isZero(n.right)) &&
          fromRequest(n.right)
        )
          report(
            n,
            `\`${left.getText(model.sourceFile)}\` is set from the request on a module-scope object: ${WARM}. Keep per-request data in locals, or cache it under a key.`,
          );
        if (obj && left.name.text === 'length' && isZero(n.right)) resets.add(obj.text);
      }
    }
    if (
      (ts.isPostfixUnaryExpression(n) || ts.isPrefixUnaryExpression(n)) &&
      (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken)
    ) {
      const id = moduleName(model, n.operand);
      if (id) report(n, `The module-scope counter \`${id.text}\` is changed on every request: ${WARM}.`);
    }
    ts.forEachChild(n, visit);
  };
  visit(body);
  for (const g of grows) {
    if (resets.has(g.id.text)) continue;
    report(
      g.node,
      `\`${g.id.text}\` is module-scope state, ${g.what} on every request: ${WARM}, and it grows until the environment runs out of memory. Create it inside the handler, or clear it when the request ends.`,
    );
  }
  return out;
}

/** Names the CommonJS wrapper passes to every module: assigning them is not a global. */
const WRAPPER_NAMES: ReadonlySet<string> = new Set(['exports', 'require', 'module', '__filename', '__dirname']);

function implicitGlobals(ctx: JsRuleContext): Finding[] {
  const model = ctx.handler;
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
  const kind = path.endsWith('.mjs') ? 'module' : path.endsWith('.cjs') ? 'commonjs' : moduleTypeOf(path, ctx.fs);
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
  const out: Finding[] = [];
  for (const w of writes) {
    const name = w.id.text;
    if (declared.has(name) || globalProps.has(name) || WRAPPER_NAMES.has(name) || name in globalThis) continue;
    const strict = kind === 'module' || isStrict(w.node);
    if (strict) {
      out.push({
        ruleId: 'LL3002',
        message: `\`${name}\` is assigned but declared nowhere: ${kind === 'module' ? 'this file is an ES module, which is strict mode,' : "this file is in strict mode ('use strict'),"} so the assignment throws "ReferenceError: ${name} is not defined" and fails the invocation. Declare it with \`const\` or \`let\`.`,
        uri: model.uri,
        span: model.spanOf(w.node),
        severity: 'error',
      });
    } else if (!isGuardedWrite(w.node, name)) {
      // A literal is the same on every request: nothing of one request leaks into the next.
      const constant = ts.isBinaryExpression(w.node) && isLiteral(w.node.right);
      out.push({
        ruleId: 'LL3002',
        message: `\`${name}\` is assigned but declared nowhere: in this CommonJS module (sloppy mode) the assignment creates a global variable, so ${WARM.replace(/^it/, 'its value')}, and every module of the function shares it. Declare it with \`const\` or \`let\` where it is used.${constant ? ' Reported as info: the value is a constant, so nothing of one request leaks into the next.' : ''}`,
        uri: model.uri,
        span: model.spanOf(w.node),
        ...(constant ? { severity: 'info' as const } : {}),
      });
    }
  }
  return out;
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

// ---- Python ----

/** Methods that add to a collection (a module-scope list, dict or set that grows per request). */
const GROWING: Readonly<Record<string, string>> = {
  append: 'appended to',
  extend: 'extended',
  insert: 'inserted into',
  add: 'added to',
  update: 'updated',
  appendleft: 'appended to',
};
/** Values that make a module-scope name a mutable collection. */
const COLLECTION_LITERALS: ReadonlySet<string> = new Set(['list', 'dictionary', 'set']);
const COLLECTION_CALLS: ReadonlySet<string> = new Set([
  'list',
  'dict',
  'set',
  'collections.defaultdict',
  'collections.deque',
  'collections.Counter',
  'collections.OrderedDict',
]);

function pythonLL3002({ model }: PythonRuleContext): Finding[] {
  const out: Finding[] = [];
  const perRequest = perRequestFunctions(model);
  for (const fn of perRequest) {
    const request = requestNames(fn);
    // `global counter; counter += 1` and `global last; last = event[...]`.
    for (const a of fn.node.descendantsOfType(['assignment', 'augmented_assignment'])) {
      if (!a || enclosingFunction(a)?.id !== fn.node.id) continue;
      const left = a.childForFieldName('left');
      if (left?.type !== 'identifier' || !fn.globals.has(left.text)) continue;
      const name = left.text;
      if (a.type === 'augmented_assignment') {
        out.push({
          ruleId: 'LL3002',
          message: `The module-scope counter \`${name}\` is changed on every request: ${WARM}.`,
          uri: model.uri,
          span: spanOf(a),
        });
        continue;
      }
      const right = a.childForFieldName('right');
      if (!right || isGuarded(a, name)) continue;
      if (identifiersIn(right).some((n) => request.has(n) && n !== name)) {
        out.push({
          ruleId: 'LL3002',
          message: `\`${name}\` is a module-scope variable set from the request: ${WARM}, so a later request can see this one's data. Keep it in a local, or cache it under a key.`,
          uri: model.uri,
          span: spanOf(a),
        });
      }
    }
    // `RESULTS.append(item)`: a module-scope collection that grows with every request.
    for (const c of model.calls) {
      if (c.inFunction?.node.id !== fn.node.id || c.receiver === undefined || c.name === undefined) continue;
      const grows = GROWING[c.name];
      const value = model.moduleValues.get(c.receiver);
      if (grows === undefined || value === undefined || !isCollection(model, value) || model.functions.has(c.receiver))
        continue;
      // A dict keyed by something: `.update` of a cache is a keyed write.
      if (c.name === 'update' && value.type === 'dictionary') continue;
      out.push({
        ruleId: 'LL3002',
        message: `The module-scope collection \`${c.receiver}\` is ${grows} on every request and never cleared: it grows for as long as the environment lives, and ${WARM}.`,
        uri: model.uri,
        span: c.span,
      });
    }
  }
  return out;
}

function isCollection(model: PythonHandlerModel, value: PyNode): boolean {
  if (COLLECTION_LITERALS.has(value.type)) return true;
  if (value.type !== 'call') return false;
  const c = model.callAt.get(value.id);
  return c !== undefined && COLLECTION_CALLS.has(c.origin ?? c.callee ?? '');
}
