/**
 * Python handler files: which files are Python, and the file and function a template's
 * `module.function` Handler names, as awslambdaric resolves it.
 */
import { join } from 'node:path';
import type { FileSystem } from '../../fs';
import { isKnown, type FunctionModel } from '../../model/types';
import { codeRoot } from '../resolve';
import { parsePython, type PyNode } from './parser';

export function isPythonPath(pathOrUri: string): boolean {
  return /\.py$/i.test(pathOrUri);
}

export function isPythonRuntime(fn: FunctionModel): boolean {
  return isKnown(fn.runtime) && fn.runtime.value.startsWith('python');
}

/**
 * The file and function a Python Handler names, as awslambdaric resolves it: split at the
 * last dot; the module path may use `/` or `.` between folders; a package's `__init__.py`
 * stands for the package. `undefined` when the Handler or the code folder is not known.
 */
export function resolvePythonHandler(
  fn: FunctionModel,
  fs: FileSystem,
): { readonly path: string; readonly functionName: string } | undefined {
  if (!isPythonRuntime(fn) || !isKnown(fn.handler)) return undefined;
  const root = codeRoot(fn);
  if (root === undefined) return undefined;
  const h = fn.handler.value.trim();
  const dot = h.lastIndexOf('.');
  if (dot <= 0 || dot === h.length - 1) return undefined;
  const modulePath = h.slice(0, dot).replace(/\./g, '/');
  const functionName = h.slice(dot + 1);
  for (const candidate of [join(root, `${modulePath}.py`), join(root, modulePath, '__init__.py')]) {
    if (fs.stat(candidate)?.isFile) return { path: candidate, functionName };
  }
  return undefined;
}

/** Handler modules that a packaging plugin generates (serverless-wsgi writes `wsgi_handler.py` into the package). */
const GENERATED_MODULES: ReadonlySet<string> = new Set(['wsgi_handler', 'serverless_sdk']);

/**
 * Why a Python function's Handler would fail at INIT, as awslambdaric words it, or `undefined`
 * when it resolves or cannot be judged here: the module missing from the code folder
 * (Runtime.ImportModuleError), or no such name at the module's top level
 * (Runtime.HandlerNotFound). A dotted module whose top package is not in the code folder may
 * come from a layer, and is left alone; so are modules a `from x import *` could fill, and
 * functions started by an exec wrapper (AWS_LAMBDA_EXEC_WRAPPER, a `.sh` Handler).
 */
export function pythonHandlerProblem(fn: FunctionModel, fs: FileSystem): string | undefined {
  if (!isPythonRuntime(fn) || !isKnown(fn.handler)) return undefined;
  const root = codeRoot(fn);
  if (root === undefined || fs.stat(root)?.isDirectory !== true) return undefined;
  // An exec wrapper (Lambda Web Adapter's `run.sh`, a layer's bootstrap) starts the code itself.
  if (fn.environment?.variables.some((v) => v.name === 'AWS_LAMBDA_EXEC_WRAPPER')) return undefined;
  const h = fn.handler.value.trim();
  const dot = h.lastIndexOf('.');
  if (dot <= 0 || dot === h.length - 1 || /\.sh$/.test(h)) return undefined;
  const modulePath = h.slice(0, dot).replace(/\./g, '/');
  const moduleName = modulePath.replace(/\//g, '.');
  const functionName = h.slice(dot + 1);
  const resolved = resolvePythonHandler(fn, fs);
  if (resolved === undefined) {
    const top = modulePath.split('/')[0] as string;
    const topInRoot =
      fs.stat(join(root, top))?.isDirectory === true || fs.stat(join(root, `${top}.py`))?.isFile === true;
    if ((modulePath.includes('/') && !topInRoot) || GENERATED_MODULES.has(top)) return undefined;
    return `Handler "${h}" names the module ${moduleName}, but neither ${modulePath}.py nor ${modulePath}/__init__.py is in the code folder: every invocation of ${fn.logicalId} would fail with Runtime.ImportModuleError ("Unable to import module '${moduleName}'").`;
  }
  const text = fs.readFile(resolved.path);
  const tree = text !== undefined ? parsePython(text) : undefined;
  if (tree === undefined || tree.rootNode.hasError) return undefined;
  const names = topLevelNames(tree.rootNode);
  if (names === undefined || names.has(functionName)) return undefined;
  return `${modulePath}.py has no top-level \`${functionName}\`: every invocation of ${fn.logicalId} would fail with Runtime.HandlerNotFound ("Handler '${functionName}' missing on module '${moduleName}'").`;
}

/** Names bound at a module's top level (also inside top-level if/try blocks); `undefined` when a star import or `globals()` makes them unknowable. */
function topLevelNames(root: PyNode): Set<string> | undefined {
  const names = new Set<string>();
  const visit = (stmts: readonly (PyNode | null)[]): boolean => {
    for (const n of stmts) {
      if (!n) continue;
      switch (n.type) {
        case 'function_definition':
        case 'class_definition':
          names.add(n.childForFieldName('name')?.text ?? '');
          break;
        case 'decorated_definition':
          names.add(n.childForFieldName('definition')?.childForFieldName('name')?.text ?? '');
          break;
        case 'import_statement':
        case 'import_from_statement':
          if (n.namedChildren.some((c) => c?.type === 'wildcard_import')) return false;
          for (const c of n.namedChildren) {
            if (c?.type === 'dotted_name' && c.id !== n.childForFieldName('module_name')?.id)
              names.add(c.text.split('.')[0] as string);
            else if (c?.type === 'aliased_import') names.add(c.childForFieldName('alias')?.text ?? '');
          }
          break;
        case 'expression_statement':
          if (/\bglobals\s*\(\s*\)/.test(n.text)) return false;
          for (const a of n.descendantsOfType(['assignment', 'augmented_assignment'])) {
            const left = a?.childForFieldName('left');
            if (!left) continue;
            if (left.type === 'identifier') names.add(left.text);
            for (const id of left.descendantsOfType('identifier'))
              if (id && id.parent?.type !== 'attribute' && id.parent?.type !== 'subscript') names.add(id.text);
          }
          break;
        case 'if_statement':
        case 'try_statement':
        case 'with_statement':
        case 'for_statement':
        case 'while_statement':
          for (const block of n.descendantsOfType('block')) if (block && !visit(block.namedChildren)) return false;
          break;
        default:
          break;
      }
    }
    return true;
  };
  return visit(root.namedChildren) ? names : undefined;
}
