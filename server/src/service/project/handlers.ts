/**
 * The language service's one pipeline for handler files of every language: parse once per
 * version (the language's extractor), link the file to the template functions that use it
 * (the project index), and hand the rules a HandlerFile; hovers, lenses, definitions and
 * references read the same analysis. JS/TS: .js .mjs .cjs .ts .mts .cts; Python: .py (once
 * `loadPythonParser` has finished).
 */
import type { FileSystem } from '../fs';
import type { FunctionLink, HandlerFile, JsHandlerFile, PythonHandlerFile } from '../handlers/facts';
import { buildHandlerModel, isHandlerPath, parseHandlerFile, type ParsedHandlerFile } from '../handlers/model';
import { isPythonPath, resolvePythonHandler } from '../handlers/python/files';
import { buildPythonModel, type PythonLink } from '../handlers/python/model';
import { parsePython } from '../handlers/python/parser';
import { uriToPath } from '../handlers/resolve';
import type { HoverResult } from '../hover/template';
import { describeInvocation } from '../model/invocation';
import { isKnown } from '../model/types';
import type { TemplateDocument } from '../templates/template';
import type { ProjectIndex } from '.';
import {
  codeLenses,
  handlerHover,
  exportAt,
  lensTitle,
  locationIn,
  type CodeLensResult,
  type LocationResult,
} from './views';

export type HandlerLanguage = HandlerFile['language'];

/** The language of a handler file, or `undefined` when the path is not one Lambda Lens analyses as code. */
export function handlerLanguage(pathOrUri: string): HandlerLanguage | undefined {
  if (isHandlerPath(pathOrUri)) return 'js';
  if (isPythonPath(pathOrUri)) return 'python';
  return undefined;
}

export interface HandlerDocument {
  readonly uri: string;
  readonly text: string;
  readonly version?: number;
}

interface JsEntry {
  readonly version: number | undefined;
  readonly text: string;
  readonly parsed: ParsedHandlerFile;
  analysed?: { readonly generation: number; readonly file: JsHandlerFile };
}

interface PythonEntry {
  readonly version: number | undefined;
  readonly text: string;
  analysed?: { readonly generation: number; readonly file: PythonHandlerFile };
}

function unchanged(
  hit: { readonly version: number | undefined; readonly text: string } | undefined,
  doc: HandlerDocument,
): boolean {
  return (
    hit !== undefined &&
    (doc.version !== undefined
      ? hit.version === doc.version && hit.text.length === doc.text.length
      : hit.text === doc.text)
  );
}

export class HandlerFiles {
  private readonly js = new Map<string, JsEntry>();
  private readonly python = new Map<string, PythonEntry>();
  /** JS/TS links by document, kept across edits while the project generation stands. */
  private readonly links = new Map<string, { readonly generation: number; readonly links: readonly FunctionLink[] }>();

  constructor(
    private readonly project: ProjectIndex,
    private readonly fs: FileSystem,
  ) {}

  /**
   * The file's analysis, rebuilt when its text or its links change; `undefined` when the path
   * is not a handler file, or is Python and the parser is not loaded yet.
   */
  analyse(doc: HandlerDocument): HandlerFile | undefined {
    switch (handlerLanguage(doc.uri)) {
      case 'js':
        return this.analyseJs(doc);
      case 'python':
        return this.analysePython(doc);
      case undefined:
        return undefined;
    }
  }

  private analyseJs(doc: HandlerDocument): JsHandlerFile {
    let e = this.js.get(doc.uri);
    if (!unchanged(e, doc)) {
      const parsed = parseHandlerFile(doc.uri, doc.text);
      e = { version: doc.version, text: doc.text, parsed };
      this.js.set(doc.uri, e);
      this.project.updateHandler(parsed);
    }
    const entry = e as JsEntry;
    const generation = this.project.generation;
    if (entry.analysed?.generation === generation) return entry.analysed.file;
    const known = this.links.get(doc.uri);
    const links = known?.generation === generation ? known.links : this.project.linksToFile(uriToPath(doc.uri));
    this.links.set(doc.uri, { generation, links });
    // Unlinked: handlers by their shape, unless the file is a test or another cloud's code.
    const names =
      links.length > 0
        ? [...new Set(links.map((l) => l.exportName))]
        : this.project.notLambda(uriToPath(doc.uri)) !== undefined
          ? []
          : undefined;
    const file: JsHandlerFile = { language: 'js', uri: doc.uri, model: buildHandlerModel(entry.parsed, names), links };
    entry.analysed = { generation, file };
    return file;
  }

  private analysePython(doc: HandlerDocument): PythonHandlerFile | undefined {
    const hit = this.python.get(doc.uri);
    let e = hit;
    if (!unchanged(hit, doc)) {
      e = { version: doc.version, text: doc.text };
      this.python.set(doc.uri, e);
      // Template rules that read handler code (LL4003, LL5002) must see the new text.
      if (hit !== undefined && hit.text !== doc.text) this.project.codeChanged();
    }
    const entry = e as PythonEntry;
    const generation = this.project.generation;
    if (entry.analysed?.generation === generation) return entry.analysed.file;
    const tree = parsePython(doc.text);
    if (tree === undefined) return undefined;
    const links = this.pythonLinks(uriToPath(doc.uri));
    // Unlinked: handlers by their name and parameters, unless the file is a test or another cloud's code.
    const names =
      links.length > 0
        ? [...new Set(links.map((l) => l.functionName))]
        : this.project.notLambda(uriToPath(doc.uri)) !== undefined
          ? []
          : undefined;
    const file: PythonHandlerFile = {
      language: 'python',
      uri: doc.uri,
      model: buildPythonModel(doc.uri, doc.text, tree, names),
      links,
    };
    entry.analysed = { generation, file };
    return file;
  }

  /** The template functions whose Handler names a function of this Python module. */
  private pythonLinks(path: string): PythonLink[] {
    const out: PythonLink[] = [];
    for (const template of this.project.templatesAround(path)) {
      for (const fn of template.functions) {
        const r = resolvePythonHandler(fn, this.fs);
        if (r?.path === path) out.push({ fn, template, functionName: r.functionName });
      }
    }
    return out;
  }

  forget(uri: string): void {
    this.js.delete(uri);
    this.python.delete(uri);
    this.links.delete(uri);
  }

  hover(doc: HandlerDocument, offset: number): HoverResult | undefined {
    const file = this.analyse(doc);
    if (file === undefined) return undefined;
    return file.language === 'js' ? handlerHover(file.model, file.links, offset) : pythonHover(file, offset);
  }

  /** A lens above each handler for every template function that uses it. */
  codeLenses(doc: HandlerDocument): CodeLensResult[] {
    const file = this.analyse(doc);
    if (file === undefined) return [];
    if (file.language === 'js') return codeLenses(file.model, file.links);
    const out: CodeLensResult[] = [];
    for (const l of file.links) {
      const h = file.model.handlers.find((f) => f.name === l.functionName);
      if (h === undefined) continue;
      out.push({
        span: h.nameSpan,
        title: lensTitle(l.fn),
        target: locationIn(l.template.uri, l.template.text, l.fn.idSpan),
        fn: { templateUri: l.template.uri, logicalId: l.fn.logicalId },
      });
    }
    return out;
  }

  /** From a JS/TS handler export to the template functions that use it (their Handler values). */
  references(doc: HandlerDocument, offset: number): LocationResult[] {
    const file = this.analyse(doc);
    if (file?.language !== 'js') return [];
    const name = exportAt(file.model, offset);
    if (name === undefined) return [];
    return file.links
      .filter((l) => l.exportName === name)
      .map((l) =>
        isKnown(l.fn.handler)
          ? locationIn(l.template.uri, l.template.text, l.fn.handler.span)
          : locationIn(l.template.uri, l.template.text, l.fn.idSpan),
      );
  }

  /** From a template's Handler value to the exported function. */
  definition(template: TemplateDocument, offset: number): LocationResult | undefined {
    const fn = template.functions.find(
      (f) => isKnown(f.handler) && offset >= f.handler.span.start && offset <= f.handler.span.end,
    );
    if (!fn) return undefined;
    const link = this.project.linksOfTemplate(template).find((l) => l.fn === fn);
    if (!link) return undefined;
    const file = this.project.parsedFile(link.path);
    const entry = file?.exports.get(link.exportName);
    if (!file || !entry) return file ? locationIn(link.uri, file.text, { start: 0, end: 0 }) : undefined;
    const target = entry.fn?.name ?? undefined;
    const span = target ? { start: target.getStart(file.sourceFile), end: target.getEnd() } : entry.nameSpan;
    return locationIn(link.uri, file.text, entry.fn && !entry.fn.name ? entry.nameSpan : span);
  }
}

/** On a Python handler's name: the template functions that use it and how each is invoked. */
function pythonHover(file: PythonHandlerFile, offset: number): HoverResult | undefined {
  const h = file.model.handlers.find((f) => offset >= f.nameSpan.start && offset <= f.nameSpan.end);
  if (h === undefined) return undefined;
  const mine = file.links.filter((l) => l.functionName === h.name);
  const lines = [`**${h.name}** — Lambda handler`, ''];
  if (mine.length === 0)
    lines.push(
      'No template in this workspace names this function as a Handler; it is treated as a handler by its name and parameters.',
    );
  for (const l of mine) {
    const runtime = isKnown(l.fn.runtime) ? ` (${l.fn.runtime.value})` : '';
    lines.push(`- **${l.fn.logicalId}**${runtime} in \`${uriToPath(l.template.uri).split(/[\\/]/).pop() ?? ''}\``);
    for (const t of l.fn.triggers) lines.push(`  - ${describeInvocation(l.fn, t)}`);
  }
  lines.push('', 'Module-scope code runs once per execution environment (INIT); this function runs for every request.');
  return { markdown: lines.join('\n'), span: h.nameSpan };
}
