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
import type { Finding } from '../../rules/types';
import { buildPythonModel, type PythonHandlerModel } from './model';
import { parsePython } from './parser';
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
    const names = links.length > 0 ? [...new Set(links.map((l) => l.functionName))] : undefined;
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
      out.push({ span: h.nameSpan, title: lensTitle(l.fn), target: locationIn(l.template.uri, l.template.text, l.fn.idSpan), fn: { templateUri: l.template.uri, logicalId: l.fn.logicalId } });
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
