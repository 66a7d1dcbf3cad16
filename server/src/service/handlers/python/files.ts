/**
 * The language service's side for Python handler files: parse once per version, link the
 * module to template functions with a Python runtime (`module.function` handlers), run the
 * Python checks, and answer hovers on handler functions.
 */
import { join } from 'node:path';
import type { FileSystem } from '../../fs';
import { describeInvocation } from '../../model/invocation';
import { isKnown, type FunctionModel } from '../../model/types';
import type { ProjectIndex } from '../../project';
import { codeRoot, uriToPath } from '../../project/resolve';
import { lensTitle, locationIn, type CodeLensResult } from '../../project/views';
import type { Span } from '../../model/types';
import type { Finding } from '../../model/findings';
import { buildPythonModel, type PythonHandlerModel } from './model';
import { parsePython, type PyNode } from './parser';
import { PYTHON_CHECKS, type PythonLink } from './checks';

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
export function resolvePythonHandler(fn: FunctionModel, fs: FileSystem): { readonly path: string; readonly functionName: string } | undefined {
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
    const topInRoot = fs.stat(join(root, top))?.isDirectory === true || fs.stat(join(root, `${top}.py`))?.isFile === true;
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
            if (c?.type === 'dotted_name' && c.id !== n.childForFieldName('module_name')?.id) names.add(c.text.split('.')[0] as string);
            else if (c?.type === 'aliased_import') names.add(c.childForFieldName('alias')?.text ?? '');
          }
          break;
        case 'expression_statement':
          if (/\bglobals\s*\(\s*\)/.test(n.text)) return false;
          for (const a of n.descendantsOfType(['assignment', 'augmented_assignment'])) {
            const left = a?.childForFieldName('left');
            if (!left) continue;
            if (left.type === 'identifier') names.add(left.text);
            for (const id of left.descendantsOfType('identifier')) if (id && id.parent?.type !== 'attribute' && id.parent?.type !== 'subscript') names.add(id.text);
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

interface Entry {
  readonly version: number | undefined;
  readonly text: string;
  analysed?: { readonly generation: number; readonly model: PythonHandlerModel | undefined; readonly links: readonly PythonLink[] };
  findings?: { readonly generation: number; readonly list: readonly Finding[] };
}

export interface PythonDocument {
  readonly uri: string;
  readonly text: string;
  readonly version?: number;
}

export interface PythonHover {
  readonly markdown: string;
  readonly span: Span;
}

export class PythonFiles {
  private readonly cache = new Map<string, Entry>();

  constructor(
    private readonly project: ProjectIndex,
    private readonly fs: FileSystem,
  ) {}

  private entry(doc: PythonDocument): Entry {
    const hit = this.cache.get(doc.uri);
    if (hit && (doc.version !== undefined ? hit.version === doc.version && hit.text.length === doc.text.length : hit.text === doc.text)) return hit;
    const e: Entry = { version: doc.version, text: doc.text };
    this.cache.set(doc.uri, e);
    // Template rules that read handler code (LL4003, LL5002) must see the new text.
    if (hit !== undefined && hit.text !== doc.text) this.project.codeChanged();
    return e;
  }

  /** The template functions whose Handler names a function of this module. */
  links(path: string): PythonLink[] {
    const out: PythonLink[] = [];
    for (const template of this.project.templatesAround(path)) {
      for (const fn of template.functions) {
        const r = resolvePythonHandler(fn, this.fs);
        if (r?.path === path) out.push({ fn, template, functionName: r.functionName });
      }
    }
    return out;
  }

  /** The model (undefined until the parser is loaded) and links, rebuilt when the text or the links change. */
  analyse(doc: PythonDocument): { readonly model: PythonHandlerModel | undefined; readonly links: readonly PythonLink[] } {
    const e = this.entry(doc);
    const generation = this.project.generation;
    if (e.analysed?.generation === generation && e.analysed.model !== undefined) return e.analysed;
    const links = this.links(uriToPath(doc.uri));
    const tree = parsePython(doc.text);
    // Unlinked: handlers by their name and parameters, unless the file is a test or another cloud's code.
    const names = links.length > 0 ? [...new Set(links.map((l) => l.functionName))] : this.project.notLambda(uriToPath(doc.uri)) !== undefined ? [] : undefined;
    e.analysed = { generation, links, model: tree !== undefined ? buildPythonModel(doc.uri, doc.text, tree, names) : undefined };
    return e.analysed;
  }

  /** Findings of the Python checks (severities are applied by the caller). */
  findings(doc: PythonDocument, skip: (id: string) => boolean): readonly Finding[] {
    const { model, links } = this.analyse(doc);
    const e = this.entry(doc);
    if (model === undefined) return [];
    if (e.findings?.generation === this.project.generation) return e.findings.list;
    const list: Finding[] = [];
    if (model.handlers.length > 0) {
      const ctx = { model, links };
      for (const check of PYTHON_CHECKS) {
        if (skip(check.id)) continue;
        try {
          list.push(...check.check(ctx));
        } catch (err) {
          list.push({ ruleId: check.id, message: `Lambda Lens could not run ${check.id} on this file: ${String(err)}`, uri: doc.uri, span: { start: 0, end: 0 }, severity: 'hint' });
        }
      }
    }
    e.findings = { generation: this.project.generation, list };
    return list;
  }

  invalidate(): void {
    for (const e of this.cache.values()) delete e.findings;
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }

  /** A lens above each handler function for every template function that uses it (as for JS/TS exports). */
  codeLenses(doc: PythonDocument): CodeLensResult[] {
    const { model, links } = this.analyse(doc);
    const out: CodeLensResult[] = [];
    for (const l of links) {
      const h = model?.handlers.find((f) => f.name === l.functionName);
      if (h === undefined) continue;
      out.push({ span: h.nameSpan, title: lensTitle(l.fn), target: locationIn(l.template.uri, l.template.text, l.fn.idSpan), fn: { templateUri: l.template.uri, logicalId: l.fn.logicalId, simulate: l.fn.kind !== 'cdk' } });
    }
    return out;
  }

  /** On a handler's name: the template functions that use it and how each is invoked. */
  hover(doc: PythonDocument, offset: number): PythonHover | undefined {
    const { model, links } = this.analyse(doc);
    const h = model?.handlers.find((f) => offset >= f.nameSpan.start && offset <= f.nameSpan.end);
    if (h === undefined) return undefined;
    const mine = links.filter((l) => l.functionName === h.name);
    const lines = [`**${h.name}** — Lambda handler`, ''];
    if (mine.length === 0) lines.push('No template in this workspace names this function as a Handler; it is treated as a handler by its name and parameters.');
    for (const l of mine) {
      const runtime = isKnown(l.fn.runtime) ? ` (${l.fn.runtime.value})` : '';
      lines.push(`- **${l.fn.logicalId}**${runtime} in \`${uriToPath(l.template.uri).split(/[\\/]/).pop() ?? ''}\``);
      for (const t of l.fn.triggers) lines.push(`  - ${describeInvocation(l.fn, t)}`);
    }
    lines.push('', 'Module-scope code runs once per execution environment (INIT); this function runs for every request.');
    return { markdown: lines.join('\n'), span: h.nameSpan };
  }
}
