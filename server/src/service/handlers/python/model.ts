/**
 * The Python handler model: which functions of a module are Lambda handlers, what the module
 * imports, and for every call whether it runs once per execution environment (module scope,
 * during INIT) or once per request (in a handler, or in a function of the module the handler
 * calls). Built from the tree-sitter syntax tree only; Python is never run.
 *
 * awslambdaric imports the module once per environment and calls the handler for every
 * request (docs.aws.amazon.com/lambda/latest/dg/python-handler.html), so module-scope code is
 * INIT and everything reached from the handler is per request.
 */
import type { FunctionModel, Span } from '../../model/types';
import type { TemplateDocument } from '../../templates/template';
import type { PyNode, PyTree } from './parser';

/** When a call runs: at import (INIT), per request, or in a function whose callers are not known. */
export type PyScope = 'module' | 'handler' | 'function';

export interface PyFunction {
  readonly name: string;
  readonly nameSpan: Span;
  /** The `function_definition` node. */
  readonly node: PyNode;
  readonly params: readonly string[];
  /** Decorators as dotted names, without arguments: `idempotent`, `app.resolve`, `functools.lru_cache`. */
  readonly decorators: readonly string[];
  /** Names this function declares `global`. */
  readonly globals: ReadonlySet<string>;
}

export interface PyCall {
  readonly node: PyNode;
  /** The callee as written when it is a dotted name: `boto3.client`, `table.put_item`, `print`. */
  readonly callee: string | undefined;
  /** The last name of the callee: `put_item`. */
  readonly name: string | undefined;
  /** The receiver's text for a method call (`table` in `table.put_item(...)`). */
  readonly receiver: string | undefined;
  /** The callee with its first name replaced by what it was imported as: `boto3.client`, `psycopg2.connect`, `sys.exit`. */
  readonly origin: string | undefined;
  readonly scope: PyScope;
  /** The handler the call runs for: directly in it, or in a module function it calls. */
  readonly handler: PyFunction | undefined;
  /** The function whose body holds the call (innermost), when any. */
  readonly inFunction: PyFunction | undefined;
  readonly span: Span;
}

export interface PythonHandlerModel {
  readonly uri: string;
  readonly text: string;
  readonly tree: PyTree;
  /** Module-scope functions by name. */
  readonly functions: ReadonlyMap<string, PyFunction>;
  readonly handlers: readonly PyFunction[];
  readonly calls: readonly PyCall[];
  /** Local name → imported dotted path (`boto3` → `boto3`, `client` → `boto3.client`, `pg` → `psycopg2`). */
  readonly imports: ReadonlyMap<string, string>;
  /** Names assigned at module scope, with the assigned value. */
  readonly moduleValues: ReadonlyMap<string, PyNode>;
  /** Calls by node id, for rules that start from a node. */
  readonly callAt: ReadonlyMap<number, PyCall>;
}

export function spanOf(node: PyNode): Span {
  return { start: node.startIndex, end: node.endIndex };
}

/** `a.b.c` for identifiers and attribute chains; `undefined` for anything else. */
export function dotted(node: PyNode | null | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'identifier') return node.text;
  if (node.type === 'attribute') {
    const obj = dotted(node.childForFieldName('object'));
    const attr = node.childForFieldName('attribute')?.text;
    return obj !== undefined && attr !== undefined ? `${obj}.${attr}` : undefined;
  }
  return undefined;
}

/** Names that look like a handler when no template says which function is one. */
function looksLikeHandler(fn: PyFunction): boolean {
  if (/(^|_)handler$/i.test(fn.name)) return true;
  return /^_*(event|evt)$/.test(fn.params[0] ?? '') && /^_*(context|ctx|lambda_context)$/.test(fn.params[1] ?? '');
}

/**
 * Builds the model. `handlerNames` are the function names templates link to this module;
 * without them, functions that look like handlers are taken.
 */
export function buildPythonModel(
  uri: string,
  text: string,
  tree: PyTree,
  handlerNames?: readonly string[],
): PythonHandlerModel {
  const root = tree.rootNode;
  const imports = new Map<string, string>();
  const moduleValues = new Map<string, PyNode>();
  const functions = new Map<string, PyFunction>();
  for (const stmt of root.namedChildren) {
    if (!stmt) continue;
    readImport(stmt, imports);
    const def = definitionOf(stmt);
    if (def !== undefined) {
      const f = readFunction(def, stmt);
      if (f !== undefined) functions.set(f.name, f);
    }
    if (stmt.type === 'expression_statement') {
      const a = stmt.namedChildren[0];
      if (a?.type === 'assignment') {
        const left = a.childForFieldName('left');
        const right = a.childForFieldName('right');
        if (left?.type === 'identifier' && right) moduleValues.set(left.text, right);
      }
    }
  }
  // Imports inside `try:` / `if` blocks at module scope count too (optional dependencies).
  for (const n of root.descendantsOfType(['import_statement', 'import_from_statement'])) if (n) readImport(n, imports);
  const wanted = handlerNames !== undefined ? new Set(handlerNames) : undefined;
  const handlers = [...functions.values()].filter((f) =>
    wanted !== undefined ? wanted.has(f.name) : looksLikeHandler(f),
  );
  // Module functions reached from each handler, breadth first: through plain calls (`process(record)`),
  // and as the argument of a call or of the handler's decorators, which run them for this request
  // (Powertools `process_partial_response(record_handler=fn, …)`, `@batch_processor(record_handler=fn)`,
  // `map(fn, records)`, `executor.map(fn, …)`).
  const reachedBy = new Map<PyFunction, PyFunction>();
  for (const h of handlers) {
    const queue: PyFunction[] = [h];
    const reach = (target: PyFunction | undefined): void => {
      if (target === undefined || handlers.includes(target) || reachedBy.has(target)) return;
      reachedBy.set(target, h);
      queue.push(target);
    };
    const decorated = h.node.parent?.type === 'decorated_definition' ? h.node.parent : undefined;
    for (const d of decorated?.namedChildren ?? [])
      if (d?.type === 'decorator')
        for (const a of d.descendantsOfType('call')) if (a) passedFunctions(a, functions).forEach(reach);
    while (queue.length > 0) {
      const f = queue.shift() as PyFunction;
      for (const call of f.node.descendantsOfType('call')) {
        if (!call) continue;
        const name = call.childForFieldName('function');
        reach(name?.type === 'identifier' ? functions.get(name.text) : undefined);
        passedFunctions(call, functions).forEach(reach);
      }
    }
  }
  const calls: PyCall[] = [];
  const callAt = new Map<number, PyCall>();
  const visit = (node: PyNode, inFunction: PyFunction | undefined, top: PyFunction | undefined): void => {
    let fn = inFunction;
    let outer = top;
    if (node.type === 'function_definition') {
      const own = [...functions.values()].find((f) => f.node.id === node.id);
      fn = own ?? readFunction(node, node) ?? inFunction;
      outer = top ?? fn;
    }
    if (node.type === 'call') {
      const handler = outer === undefined ? undefined : handlers.includes(outer) ? outer : reachedBy.get(outer);
      const scope: PyScope = outer === undefined ? 'module' : handler !== undefined ? 'handler' : 'function';
      const c = readCall(node, imports, scope, handler, fn);
      calls.push(c);
      callAt.set(node.id, c);
    }
    for (const child of node.namedChildren) if (child) visit(child, fn, outer);
  };
  visit(root, undefined, undefined);
  return { uri, text, tree, functions, handlers, calls, imports, moduleValues, callAt };
}

/** Module functions passed by name as an argument of a call (positional or keyword). */
function passedFunctions(call: PyNode, functions: ReadonlyMap<string, PyFunction>): PyFunction[] {
  const out: PyFunction[] = [];
  for (const a of call.childForFieldName('arguments')?.namedChildren ?? []) {
    const value = a?.type === 'keyword_argument' ? a.childForFieldName('value') : a;
    const fn = value?.type === 'identifier' ? functions.get(value.text) : undefined;
    if (fn !== undefined) out.push(fn);
  }
  return out;
}

/** The function definition of a statement (through decorators). */
function definitionOf(stmt: PyNode): PyNode | undefined {
  if (stmt.type === 'function_definition') return stmt;
  if (stmt.type === 'decorated_definition') {
    const d = stmt.childForFieldName('definition');
    return d?.type === 'function_definition' ? d : undefined;
  }
  return undefined;
}

function readFunction(def: PyNode, outer: PyNode): PyFunction | undefined {
  const nameNode = def.childForFieldName('name');
  if (!nameNode) return undefined;
  const params: string[] = [];
  for (const p of def.childForFieldName('parameters')?.namedChildren ?? []) {
    if (!p) continue;
    const id =
      p.type === 'identifier'
        ? p
        : (p.childForFieldName('name') ?? p.namedChildren.find((c) => c?.type === 'identifier'));
    if (id) params.push(id.text);
  }
  const decorated =
    outer.type === 'decorated_definition'
      ? outer
      : def.parent?.type === 'decorated_definition'
        ? def.parent
        : undefined;
  const decorators: string[] = [];
  for (const d of decorated?.namedChildren ?? []) {
    if (d?.type !== 'decorator') continue;
    const expr = d.namedChildren[0];
    const name = expr?.type === 'call' ? dotted(expr.childForFieldName('function')) : dotted(expr);
    if (name !== undefined) decorators.push(name);
  }
  const globals = new Set<string>();
  for (const g of def.descendantsOfType('global_statement')) {
    if (!g || enclosingFunction(g)?.id !== def.id) continue;
    for (const id of g.namedChildren) if (id?.type === 'identifier') globals.add(id.text);
  }
  return { name: nameNode.text, nameSpan: spanOf(nameNode), node: def, params, decorators, globals };
}

/** The innermost `function_definition` around a node. */
export function enclosingFunction(node: PyNode): PyNode | undefined {
  for (let n = node.parent; n; n = n.parent) if (n.type === 'function_definition') return n;
  return undefined;
}

function readImport(stmt: PyNode, imports: Map<string, string>): void {
  if (stmt.type === 'import_statement') {
    for (const n of stmt.namedChildren) {
      if (n?.type === 'dotted_name') {
        // `import a.b` binds `a`.
        const first = n.text.split('.')[0] as string;
        imports.set(first, first);
      } else if (n?.type === 'aliased_import') {
        const name = n.childForFieldName('name')?.text;
        const alias = n.childForFieldName('alias')?.text;
        if (name !== undefined && alias !== undefined) imports.set(alias, name);
      }
    }
  } else if (stmt.type === 'import_from_statement') {
    const module = stmt.childForFieldName('module_name')?.text;
    if (module === undefined) return;
    for (const n of stmt.childrenForFieldName('name')) {
      if (n?.type === 'dotted_name') imports.set(n.text, `${module}.${n.text}`);
      else if (n?.type === 'aliased_import') {
        const name = n.childForFieldName('name')?.text;
        const alias = n.childForFieldName('alias')?.text;
        if (name !== undefined && alias !== undefined) imports.set(alias, `${module}.${name}`);
      }
    }
  }
}

function readCall(
  node: PyNode,
  imports: ReadonlyMap<string, string>,
  scope: PyScope,
  handler: PyFunction | undefined,
  inFunction: PyFunction | undefined,
): PyCall {
  const fnNode = node.childForFieldName('function');
  const callee = dotted(fnNode);
  const parts = callee?.split('.');
  const first = parts?.[0];
  const imported = first !== undefined ? imports.get(first) : undefined;
  const origin = imported !== undefined && parts !== undefined ? [imported, ...parts.slice(1)].join('.') : undefined;
  const receiver = fnNode?.type === 'attribute' ? fnNode.childForFieldName('object')?.text : undefined;
  return {
    node,
    callee,
    name: parts?.[parts.length - 1],
    receiver,
    origin,
    scope,
    handler,
    inFunction,
    span: spanOf(node),
  };
}

/** A keyword argument's value: `ConditionExpression=...`. */
export function keywordArgument(call: PyNode, name: string): PyNode | undefined {
  for (const a of call.childForFieldName('arguments')?.namedChildren ?? []) {
    if (a?.type === 'keyword_argument' && a.childForFieldName('name')?.text === name)
      return a.childForFieldName('value') ?? undefined;
  }
  return undefined;
}

/** Positional arguments of a call. */
export function positionalArguments(call: PyNode): PyNode[] {
  return (call.childForFieldName('arguments')?.namedChildren ?? []).filter(
    (a): a is PyNode => a !== null && a.type !== 'keyword_argument' && a.type !== 'comment',
  );
}

/** True when the call passes `**kwargs`: any keyword may be in it. */
export function hasSplat(call: PyNode): boolean {
  return (call.childForFieldName('arguments')?.namedChildren ?? []).some((a) => a?.type === 'dictionary_splat');
}

/** The literal text of a string node (`'…'`, `"…"`, without interpolations); `undefined` for f-strings with values. */
export function stringValue(node: PyNode | null | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'concatenated_string') {
    const parts = node.namedChildren.map((c) => stringValue(c));
    return parts.every((p) => p !== undefined) ? parts.join('') : undefined;
  }
  if (node.type !== 'string') return undefined;
  if (node.namedChildren.some((c) => c?.type === 'interpolation')) return undefined;
  return node.namedChildren
    .filter((c) => c?.type === 'string_content')
    .map((c) => c?.text ?? '')
    .join('');
}

/** The text a string starts with before any interpolation (`f"/tmp/{key}"` → `/tmp/`). */
export function stringPrefix(node: PyNode | null | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'concatenated_string') return stringPrefix(node.namedChildren[0]);
  if (node.type !== 'string') return undefined;
  let out = '';
  for (const c of node.namedChildren) {
    if (c?.type === 'string_content') out += c.text;
    else if (c?.type === 'interpolation') break;
  }
  return out;
}

/** A template function whose Handler is a function of this module. */
export interface PythonLink {
  readonly fn: FunctionModel;
  readonly template: TemplateDocument;
  /** The Python function's name (`lambda_handler` in `app.lambda_handler`). */
  readonly functionName: string;
}
