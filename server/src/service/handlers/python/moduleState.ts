/**
 * The Python extractor's module-state facts (`ModuleStateFact`, handlers/facts.ts): module-scope
 * names a handler (or a module function it calls) changes per request through `global`, and
 * module-scope collections it adds to.
 */
import type { ModuleStateFact } from '../facts';
import { type PythonHandlerModel, enclosingFunction, spanOf } from './model';
import type { PyNode } from './parser';
import { identifiersIn, isGuarded, perRequestFunctions, requestNames } from './scope';

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

export function pythonModuleState(model: PythonHandlerModel): ModuleStateFact[] {
  const out: ModuleStateFact[] = [];
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
        out.push({ kind: 'counter', name, span: spanOf(a) });
        continue;
      }
      const right = a.childForFieldName('right');
      if (!right || isGuarded(a, name)) continue;
      if (identifiersIn(right).some((n) => request.has(n) && n !== name)) {
        out.push({ kind: 'fromRequest', name, property: undefined, span: spanOf(a) });
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
      out.push({ kind: 'grows', name: c.receiver, how: grows, span: c.span });
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
