/**
 * The language service's side for handler files (.js .mjs .cjs .ts .mts .cts): parse once
 * per version, link to the template functions through the project index, run the handler
 * rules, and answer hovers, lenses, definitions and references.
 */
import type { FileSystem } from '../fs';
import { buildHandlerModel, parseHandlerFile, type HandlerModel, type ParsedHandlerFile } from '../handlers/model';
import type { HoverResult } from '../hover/template';
import { isKnown } from '../model/types';
import type { Finding } from '../model/findings';
import type { HandlerRule, Rule } from '../rules/types';
import type { TemplateDocument } from '../templates/template';
import type { FunctionLink, ProjectIndex } from '.';
import { uriToPath } from './resolve';
import { codeLenses, handlerHover, exportAt, locationIn, type CodeLensResult, type LocationResult } from './views';

interface Entry {
  readonly version: number | undefined;
  readonly text: string;
  readonly parsed: ParsedHandlerFile;
  analysed?: { readonly generation: number; readonly links: readonly FunctionLink[]; readonly model: HandlerModel };
  findings?: { readonly generation: number; readonly list: readonly Finding[] };
}

export interface HandlerDocument {
  readonly uri: string;
  readonly text: string;
  readonly version?: number;
}

export class HandlerFiles {
  private readonly cache = new Map<string, Entry>();
  /** Links by document, kept across edits while the project generation stands. */
  private readonly links = new Map<string, { readonly generation: number; readonly links: readonly FunctionLink[] }>();

  constructor(
    private readonly project: ProjectIndex,
    private readonly fs: FileSystem,
    private readonly today: () => string,
  ) {}

  private entry(doc: HandlerDocument): Entry {
    const hit = this.cache.get(doc.uri);
    if (hit && (doc.version !== undefined ? hit.version === doc.version && hit.text.length === doc.text.length : hit.text === doc.text)) return hit;
    const parsed = parseHandlerFile(doc.uri, doc.text);
    const e: Entry = { version: doc.version, text: doc.text, parsed };
    this.cache.set(doc.uri, e);
    this.project.updateHandler(parsed);
    return e;
  }

  /** The model and links for a document, rebuilt when its text or the links change. */
  analyse(doc: HandlerDocument): { readonly model: HandlerModel; readonly links: readonly FunctionLink[] } {
    const e = this.entry(doc);
    const generation = this.project.generation;
    if (e.analysed?.generation === generation) return e.analysed;
    const known = this.links.get(doc.uri);
    const links = known?.generation === generation ? known.links : this.project.linksToFile(uriToPath(doc.uri));
    this.links.set(doc.uri, { generation, links });
    // Unlinked: handlers by their shape, unless the file is a test or another cloud's code.
    const names = links.length > 0 ? [...new Set(links.map((l) => l.exportName))] : this.project.notLambda(uriToPath(doc.uri)) !== undefined ? [] : undefined;
    e.analysed = { generation, links, model: buildHandlerModel(e.parsed, names) };
    return e.analysed;
  }

  /** Findings of the handler rules (severities are applied by the caller). */
  findings(doc: HandlerDocument, rules: readonly Rule[], skip: (id: string) => boolean): readonly Finding[] {
    const { model, links } = this.analyse(doc);
    const e = this.entry(doc);
    if (e.findings?.generation === this.project.generation) return e.findings.list;
    const list: Finding[] = [];
    if (model.handlers.length > 0) {
      const ctx = { handler: model, functions: links, fs: this.fs, today: this.today() };
      for (const rule of rules) {
        if (rule.scope !== 'handler' || skip(rule.id)) continue;
        try {
          list.push(...(rule as HandlerRule).check(ctx));
        } catch (err) {
          list.push({ ruleId: rule.id, message: `Lambda Lens could not run ${rule.id} on this file: ${String(err)}`, uri: doc.uri, span: { start: 0, end: 0 }, severity: 'hint' });
        }
      }
    }
    e.findings = { generation: this.project.generation, list };
    return list;
  }

  /** Drops cached findings (rule settings changed). */
  invalidate(): void {
    for (const e of this.cache.values()) delete e.findings;
  }

  forget(uri: string): void {
    this.cache.delete(uri);
    this.links.delete(uri);
  }

  hover(doc: HandlerDocument, offset: number): HoverResult | undefined {
    const { model, links } = this.analyse(doc);
    return handlerHover(model, links, offset);
  }

  codeLenses(doc: HandlerDocument): CodeLensResult[] {
    const { model, links } = this.analyse(doc);
    return codeLenses(model, links);
  }

  /** From a handler export to the template functions that use it (their Handler values). */
  references(doc: HandlerDocument, offset: number): LocationResult[] {
    const { model, links } = this.analyse(doc);
    const name = exportAt(model, offset);
    if (name === undefined) return [];
    return links
      .filter((l) => l.exportName === name)
      .map((l) => (isKnown(l.fn.handler) ? locationIn(l.template.uri, l.template.text, l.fn.handler.span) : locationIn(l.template.uri, l.template.text, l.fn.idSpan)));
  }

  /** From a template's Handler value to the exported function. */
  definition(template: TemplateDocument, offset: number): LocationResult | undefined {
    const fn = template.functions.find((f) => isKnown(f.handler) && offset >= f.handler.span.start && offset <= f.handler.span.end);
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
