/**
 * The Python extractor's language-neutral facts (handlers/facts.ts), read from the tree-sitter
 * tree of the Python handler model.
 */
import type { ExitFact, ReturnFact, ReturnFacts, StringLiteralFact } from '../facts';
import { dotted, spanOf, stringValue, type PyFunction, type PythonHandlerModel } from './model';
import { isHandlerScope, perRequestFunctions } from './scope';
import type { PyNode } from './parser';

/** String literals, with the name each is stored under. */
export function pythonStringLiterals(model: PythonHandlerModel): StringLiteralFact[] {
  const out: StringLiteralFact[] = [];
  for (const node of model.tree.rootNode.descendantsOfType('string')) {
    if (node === null || node.parent?.type === 'concatenated_string') continue;
    const value = stringValue(node);
    if (value !== undefined) out.push({ value, name: nameFor(node), span: spanOf(node) });
  }
  return out;
}

/** The name a literal is stored under: assignment target, keyword argument, dictionary key or parameter default. */
function nameFor(node: PyNode): string | undefined {
  let e: PyNode = node;
  // `os.environ.get('API_KEY', 'literal')` and `x or 'literal'`: the name is further up.
  while (e.parent !== null && (e.parent.type === 'parenthesized_expression' || e.parent.type === 'boolean_operator'))
    e = e.parent;
  const p = e.parent;
  if (p === null) return undefined;
  if (p.type === 'assignment' && p.childForFieldName('right')?.id === e.id)
    return lastName(p.childForFieldName('left'));
  if (p.type === 'keyword_argument' && p.childForFieldName('value')?.id === e.id)
    return p.childForFieldName('name')?.text;
  if (p.type === 'pair' && p.childForFieldName('value')?.id === e.id) {
    const key = p.childForFieldName('key');
    return key ? (stringValue(key) ?? key.text) : undefined;
  }
  if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') return p.childForFieldName('name')?.text;
  if (p.type === 'argument_list') {
    // `os.environ.get('API_KEY', 'literal')`, `os.getenv('API_KEY', 'literal')`: the variable's name.
    const call = p.parent;
    const first = p.namedChildren[0];
    if (
      call?.type === 'call' &&
      /(^|\.)(get|getenv)$/.test(call.childForFieldName('function')?.text ?? '') &&
      first &&
      first.id !== e.id
    )
      return stringValue(first);
  }
  return undefined;
}

/** `API_KEY` in `API_KEY = …`, `key` in `self.key = …`, `headers['Authorization']`. */
function lastName(target: PyNode | null): string | undefined {
  if (target === null) return undefined;
  if (target.type === 'identifier') return target.text;
  if (target.type === 'attribute') return target.childForFieldName('attribute')?.text;
  if (target.type === 'subscript') return stringValue(target.childForFieldName('subscript'));
  return undefined;
}

/** What a handler visibly returns; `undefined` when a decorator wraps it (its response is not in its `return`s). */
export function pythonHandlerReturns(handler: PyFunction): ReturnFacts {
  if (handler.decorators.length > 0) return undefined;
  const returns: PyNode[] = [];
  const walk = (n: PyNode): void => {
    for (const c of n.namedChildren) {
      if (!c || c.type === 'function_definition' || c.type === 'lambda' || c.type === 'class_definition') continue;
      if (c.type === 'return_statement') returns.push(c);
      walk(c);
    }
  };
  const body = handler.node.childForFieldName('body');
  if (body) walk(body);
  return returns.map((r): ReturnFact => {
    const value = r.namedChildren[0];
    const text = value?.text ?? '';
    if (!value || value.type === 'none') return { kind: 'nothing', keys: undefined, text, span: spanOf(r) };
    if (value.type !== 'dictionary') return { kind: 'other', keys: undefined, text, span: spanOf(r) };
    const keys = value.namedChildren.map((p) =>
      p?.type === 'pair' ? (p.childForFieldName('key')?.text ?? '') : undefined,
    );
    return {
      kind: 'object',
      keys: keys.every((k) => k !== undefined) ? (keys as string[]) : undefined,
      text,
      span: spanOf(r),
    };
  });
}

/** Calls that end the interpreter. */
const EXITS: ReadonlySet<string> = new Set(['sys.exit', 'os._exit', 'os.abort']);
const BUILTIN_EXITS: ReadonlySet<string> = new Set(['exit', 'quit']);

/**
 * Calls that end the interpreter while a request runs (`sys.exit()`, the `exit()` builtin
 * when not shadowed), and `raise SystemExit` / `KeyboardInterrupt` in the handlers and the
 * module functions they call.
 */
export function pythonExits(model: PythonHandlerModel): ExitFact[] {
  const out: ExitFact[] = [];
  for (const c of model.calls) {
    if (!isHandlerScope(c) || c.callee === undefined) continue;
    const isExit =
      (c.origin !== undefined && EXITS.has(c.origin)) ||
      (BUILTIN_EXITS.has(c.callee) && !model.imports.has(c.callee) && !model.functions.has(c.callee));
    if (isExit) out.push({ kind: 'call', name: c.callee, span: c.span });
  }
  for (const fn of perRequestFunctions(model)) {
    for (const r of fn.node.descendantsOfType('raise_statement')) {
      const e = r?.namedChildren[0];
      const name = e?.type === 'call' ? dotted(e.childForFieldName('function')) : dotted(e);
      if (r && (name === 'SystemExit' || name === 'KeyboardInterrupt'))
        out.push({ kind: 'raise', name, span: spanOf(r) });
    }
  }
  return out;
}
