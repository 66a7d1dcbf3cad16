/**
 * The Lambda Lens language service: pure and editor-independent. It takes document text
 * and an injected file system, and returns findings and hovers in document offsets. The
 * language server, the CLI and the tests all use it the same way.
 */
import { codeOverLimit } from './input';
import { PackageSizes } from './project/packageSize';
import { EMPTY_FS, type FileSystem } from './fs';
import { RULES } from './rules';
import type { HandlerRuleContext, Rule, TemplateRuleContext } from './rules/types';
import { accessLines } from './rules/LL4007';
import { docsUrl, type Finding, type Fix, type Severity } from './model/findings';
import { formatOf, looksLikeTemplate, readTemplate, type TemplateDocument } from './templates/template';
import { templateHover, type HoverResult } from './hover/template';
import type { Span } from './model/types';
import type { HandlerFile } from './handlers/facts';
import { isHandlerPath } from './handlers/model';
import { ProjectIndex } from './project';
import { HandlerFiles, handlerLanguage } from './project/handlers';
import { resolvePythonHandler } from './handlers/python/files';
import { pathToUri, uriToPath } from './handlers/resolve';
import type { CodeLensResult, LocationResult } from './project/views';
import { isCdkSourcePath, mayDefineFunctions, readStackInApp } from './cdk/app';
import { renderCdkStack, type CdkRendering } from './cdk/simulation';
import { cdkHover } from './hover/cdk';

export type { FileSystem } from './fs';
export type { Finding, Fix, Severity } from './model/findings';
export type { HoverResult } from './hover/template';
export type { TemplateDocument } from './templates/template';
export { readTemplateFunctions } from './templates/template';
export type { ParsedTree } from './templates/parse';
export { RULES, ruleById } from './rules';
export { docsUrl } from './model/findings';
export type { CodeLensResult, LocationResult } from './project/views';
export { isHandlerPath } from './handlers/model';
export { isPythonPath } from './handlers/python/files';
export { handlerLanguage } from './project/handlers';
export { loadPythonParser, pythonParserFailure } from './handlers/python/parser';

/** Per-rule overrides by id: a severity, or `off`. */
export type RuleSettings = Readonly<Record<string, Severity | 'off'>>;

/** A finding with its effective severity and docs link, ready to show. */
export interface Diagnostic {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly message: string;
  readonly uri: string;
  readonly span: Span;
  readonly docs: string;
  readonly fixes: readonly Fix[];
}

export interface LanguageServiceOptions {
  readonly fs?: FileSystem;
  /** Today's date as `YYYY-MM-DD`; injected so that runtime lifecycle checks are testable. */
  readonly today?: () => string;
  /**
   * Documents longer than this (UTF-16 code units) are not analysed: a template that large
   * gets one LL0003 note instead, so an editor never stalls on it. Default: no limit.
   */
  readonly maxDocumentLength?: number;
  /**
   * When set, slow file-system work (package-size walks for LL1013) runs in the background
   * instead of inside a request, and this is called once its result may change findings: the
   * caller re-validates its documents. The CLI leaves it unset and measures in place.
   */
  readonly onBackgroundResult?: () => void;
  /**
   * Set by the CLI: every document is opened with its text on disk, and nothing on disk changes
   * while the service runs. A closed document's file is then not read again to compare, and a
   * package folder (LL1013) is measured once, not looked at again for each function that uses it.
   */
  readonly staticDisk?: boolean;
}

/** A document as the service sees it. `version` lets results be reused until the text changes. */
export interface DocumentInput {
  readonly uri: string;
  readonly text: string;
  readonly version?: number;
}

/** What `workspaceFiles` returns: the templates and handler files of the workspace. */
export interface WorkspaceFiles {
  readonly templates: readonly { readonly uri: string; readonly functions: number }[];
  readonly handlerUris: readonly string[];
}

interface CacheEntry {
  readonly version: number | undefined;
  readonly text: string;
  readonly template: TemplateDocument;
  diagnostics?: readonly Diagnostic[];
  /** The project generation the diagnostics were computed at (LL5001 depends on handler files). */
  generation?: number;
  /** The handler-code revision they were computed at (LL4003 and LL5002 read handler code). */
  codeRevision?: number;
}

export class LanguageService {
  private readonly fs: FileSystem;
  private readonly today: () => string;
  private readonly maxDocumentLength: number;
  private readonly cache = new Map<string, CacheEntry>();
  private settings: RuleSettings = {};
  private readonly project: ProjectIndex;
  private readonly packageSizes: PackageSizes;
  private readonly handlerFiles: HandlerFiles;
  /** Handler files' diagnostics, by the analysis they were computed from (a new analysis, new diagnostics). */
  private handlerDiagnostics = new WeakMap<HandlerFile, readonly Diagnostic[]>();
  /** CDK stack files read as templates, by uri (the handler side of the same file lives in handlerFiles). */
  private readonly cdkCache = new Map<string, CacheEntry>();

  constructor(options: LanguageServiceOptions = {}) {
    this.fs = options.fs ?? EMPTY_FS;
    this.today = options.today ?? (() => new Date().toISOString().slice(0, 10));
    this.maxDocumentLength = options.maxDocumentLength ?? Infinity;
    const staticDisk = options.staticDisk ?? false;
    this.project = new ProjectIndex(this.fs, staticDisk);
    const onBackgroundResult = options.onBackgroundResult;
    this.packageSizes = new PackageSizes(
      this.fs,
      onBackgroundResult && {
        onMeasured: () => {
          for (const e of this.cache.values()) delete e.diagnostics;
          onBackgroundResult();
        },
      },
      staticDisk,
    );
    this.handlerFiles = new HandlerFiles(this.project, this.fs);
  }

  /** Workspace folders (file-system paths), where templates are looked for. */
  setWorkspaceRoots(roots: readonly string[]): void {
    this.project.setRoots(roots);
  }

  /** A file changed, appeared or disappeared on disk (not through an open editor). */
  fileChanged(uri: string): void {
    this.project.fileChanged(uri);
    this.packageSizes.forgetRecent();
  }

  /**
   * Documents whose results depend on this one: a template's handler files, a handler's
   * templates. Re-validate them after this one changes.
   */
  dependents(uri: string): readonly string[] {
    return this.project.dependents(uri);
  }

  /**
   * A stamp of everything results can depend on across files: it changes whenever a template,
   * a handler file or a link between them changes (open or on disk). Equal stamps, equal results
   * for documents whose own text is unchanged.
   */
  get revision(): string {
    return `${this.project.generation}:${this.project.codeRevision}`;
  }

  /**
   * The workspace as the project index sees it: templates with their function counts, and the
   * handler files (JS/TS and Python) those functions resolve to.
   */
  workspaceFiles(): WorkspaceFiles {
    const templates = this.project.workspaceTemplates();
    const handlers = new Set<string>();
    for (const t of templates) {
      for (const link of this.project.linksOfTemplate(t)) handlers.add(link.uri);
      for (const fn of t.functions) {
        const py = resolvePythonHandler(fn, this.fs);
        if (py) handlers.add(pathToUri(py.path));
      }
    }
    return {
      templates: templates.map((t) => ({ uri: t.uri, functions: t.functions.length })),
      handlerUris: [...handlers],
    };
  }

  /** True for JS/TS files, which get the handler-code rules when they hold a handler. */
  isHandlerFile(uri: string): boolean {
    return isHandlerPath(uri);
  }

  /** True when the document exports a handler that a template links or that looks like one. */
  hasHandlers(doc: DocumentInput): boolean {
    // Code past the input budgets is not parsed; when a template links it, it is still reported.
    if (handlerLanguage(doc.uri) !== undefined && codeOverLimit(doc.text) !== undefined)
      return this.dependents(doc.uri).length > 0;
    return (this.handlerFiles.analyse(doc)?.model.handlers.length ?? 0) > 0;
  }

  /** Code lenses above handlers: one per template function that uses it. */
  codeLenses(doc: DocumentInput): readonly CodeLensResult[] {
    if (doc.text.length > this.maxDocumentLength) return [];
    return this.handlerFiles.codeLenses(doc);
  }

  /** Go to definition: from a template's Handler value to the exported function. */
  definition(doc: DocumentInput, offset: number): LocationResult | undefined {
    if (isHandlerPath(doc.uri)) {
      const stack = this.readCdk(doc);
      return stack ? this.handlerFiles.definition(stack, offset) : undefined;
    }
    const template = this.readTemplate(doc);
    return template.kind === undefined ? undefined : this.handlerFiles.definition(template, offset);
  }

  /** Find references: from a handler export to the template functions that use it. */
  references(doc: DocumentInput, offset: number): readonly LocationResult[] {
    return this.handlerFiles.references(doc, offset);
  }

  /** Changes rule overrides; cached results are dropped. */
  configure(settings: RuleSettings): void {
    this.settings = settings;
    for (const e of this.cache.values()) delete e.diagnostics;
    for (const e of this.cdkCache.values()) delete e.diagnostics;
    this.handlerDiagnostics = new WeakMap();
  }

  private tooLarge(doc: DocumentInput): readonly Diagnostic[] {
    if (handlerLanguage(doc.uri) !== undefined || this.settings.LL0003 === 'off' || !looksLikeTemplate(doc.text))
      return [];
    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
    return [
      toDiagnostic(
        {
          ruleId: 'LL0003',
          message: `This template is ${mb(doc.text.length)}, more than the ${mb(this.maxDocumentLength)} Lambda Lens checks while you type (CloudFormation itself accepts templates up to 1 MB). Run \`lambda-lens check\` on it for a full check.`,
          uri: doc.uri,
          span: { start: 0, end: 0 },
        },
        this.settings.LL0003 ?? 'info',
      ),
    ];
  }

  /** Parses a template, reusing the last parse while the version (or text) is unchanged. */
  readTemplate(doc: DocumentInput): TemplateDocument {
    if (doc.text.length > this.maxDocumentLength) return readTemplate(doc.uri, '', formatOf(doc.uri));
    const hit = this.cache.get(doc.uri);
    if (
      hit &&
      (doc.version !== undefined
        ? hit.version === doc.version && hit.text.length === doc.text.length
        : hit.text === doc.text)
    )
      return hit.template;
    // The last version's parse: an edit inside one resource re-reads only that resource (templates/patch.ts).
    // The workspace index may have read this text from disk already (for a handler file's templates).
    const template =
      this.project.diskTemplate(doc.uri, doc.text) ?? readTemplate(doc.uri, doc.text, formatOf(doc.uri), hit?.template);
    this.cache.set(doc.uri, { version: doc.version, text: doc.text, template });
    if (template.functions.length > 0) this.project.updateTemplate(template);
    return template;
  }

  /**
   * A CDK stack file read as a template (TypeScript/JavaScript that imports the CDK and creates
   * a Lambda function), reused while its version is unchanged; `undefined` for other files.
   */
  readCdk(doc: DocumentInput): TemplateDocument | undefined {
    if (!isHandlerPath(doc.uri) || !isCdkSourcePath(doc.uri) || doc.text.length > this.maxDocumentLength)
      return undefined;
    const hit = this.cdkCache.get(doc.uri);
    if (
      hit &&
      (doc.version !== undefined
        ? hit.version === doc.version && hit.text.length === doc.text.length
        : hit.text === doc.text)
    )
      return hit.template.kind ? hit.template : undefined;
    let template: TemplateDocument;
    if (mayDefineFunctions(doc.text)) {
      template = readStackInApp(doc.uri, uriToPath(doc.uri), doc.text, this.fs);
    } else template = readTemplate(doc.uri, '', undefined);
    this.cdkCache.set(doc.uri, { version: doc.version, text: doc.text, template });
    if (template.functions.length > 0) this.project.updateTemplate(template);
    return template.kind ? template : undefined;
  }

  /** The CDK stacks of the workspace that create Lambda functions (uris). */
  cdkStacks(): string[] {
    return this.project
      .workspaceTemplates()
      .filter((t) => t.kind === 'cdk')
      .map((t) => t.uri);
  }

  /**
   * A CDK stack rendered as the SAM template the simulator reads (cdk/simulation.ts), open
   * editors' text first; with `build`, its NodejsFunction entries are compiled into cdk.out/lambda-lens/.
   */
  renderCdk(uri: string, build: boolean): CdkRendering | undefined {
    const path = uriToPath(uri);
    const text = this.fs.readFile(path);
    return text === undefined || !mayDefineFunctions(text) ? undefined : renderCdkStack(path, text, this.fs, { build });
  }

  /** True when the document is a CDK stack that creates Lambda functions. */
  isCdkStack(doc: DocumentInput): boolean {
    return (this.readCdk(doc)?.functions.length ?? 0) > 0;
  }

  /** True when a template names a Python handler whose file exists (its checks need the Python parser). */
  hasPythonCode(doc: DocumentInput): boolean {
    return this.readTemplate(doc).functions.some((fn) => resolvePythonHandler(fn, this.fs) !== undefined);
  }

  /** Forgets a document (closed in the editor). */
  forget(uri: string): void {
    this.cache.delete(uri);
    this.cdkCache.delete(uri);
    this.handlerFiles.forget(uri);
    this.project.closed(uri);
  }

  /** True when the document is a template (or a broken one) that Lambda Lens checks. */
  isTemplate(doc: DocumentInput): boolean {
    const t = this.readTemplate(doc);
    return t.kind !== undefined || t.syntaxError !== undefined || t.overLimit !== undefined;
  }

  validate(doc: DocumentInput): readonly Diagnostic[] {
    // A CDK synth's output is generated: its findings belong on the stack source, which is checked instead.
    if (/[\\/]cdk\.out[\\/]/.test(uriToPath(doc.uri))) return [];
    if (doc.text.length > this.maxDocumentLength) return this.tooLarge(doc);
    if (handlerLanguage(doc.uri) !== undefined) {
      const over = codeOverLimit(doc.text);
      if (over !== undefined) return this.codeTooLarge(doc, over);
      return this.validateHandler(doc);
    }
    const template = this.readTemplate(doc);
    const entry = this.cache.get(doc.uri);
    if (
      entry?.diagnostics &&
      entry.generation === this.project.generation &&
      entry.codeRevision === this.project.codeRevision
    )
      return entry.diagnostics;
    const diagnostics =
      template.kind !== undefined || template.syntaxError !== undefined || template.overLimit !== undefined
        ? this.templateDiagnostics(template)
        : [];
    if (entry) {
      entry.diagnostics = diagnostics;
      entry.generation = this.project.generation;
      entry.codeRevision = this.project.codeRevision;
    }
    return diagnostics;
  }

  /**
   * Handler code past an input budget is not analysed. A template links it, so its functions
   * go unchecked: one LL0003 says so. Code no template links (a vendored bundle) gets nothing.
   */
  private codeTooLarge(doc: DocumentInput, why: string): readonly Diagnostic[] {
    if (this.settings.LL0003 === 'off' || this.dependents(doc.uri).length === 0) return [];
    return [
      toDiagnostic(
        {
          ruleId: 'LL0003',
          message: `Lambda Lens did not check this handler file: ${why}.`,
          uri: doc.uri,
          span: { start: 0, end: 0 },
        },
        this.settings.LL0003 ?? 'warning',
      ),
    ];
  }

  /** The template rules' findings on a template or CDK stack. */
  private templateDiagnostics(template: TemplateDocument): Diagnostic[] {
    const ctx: TemplateRuleContext = {
      template,
      fs: this.fs,
      today: this.today(),
      project: this.project,
      packageSizes: this.packageSizes,
    };
    // A template that does not parse gets only its syntax error; one past an input budget only the note that says which.
    const only =
      template.syntaxError !== undefined ? 'LL0001' : template.overLimit !== undefined ? 'LL0003' : undefined;
    const diagnostics = this.run(template.uri, (rule) =>
      rule.template !== undefined && (only === undefined || rule.id === only) ? rule.template(ctx) : undefined,
    );
    // Quick fixes write template (YAML/JSON) text; on a CDK stack they would write the wrong language.
    return template.kind === 'cdk' ? diagnostics.map((d) => ({ ...d, fixes: [] })) : diagnostics;
  }

  /** Handler files of every language: the handler part of every rule over the file's analysis; a CDK stack's template rules. */
  private validateHandler(doc: DocumentInput): readonly Diagnostic[] {
    // A CDK stack that creates functions is deployment code, not a handler: it gets the template rules only
    // (and is not parsed a second time as a handler file).
    if (this.isCdkStack(doc)) return this.validateCdk(doc);
    const file = this.handlerFiles.analyse(doc);
    if (file === undefined || file.model.handlers.length === 0) return [];
    let handler = this.handlerDiagnostics.get(file);
    if (!handler) {
      const ctx: HandlerRuleContext = { file, fs: this.fs, today: this.today() };
      handler = this.run(doc.uri, (rule) => rule.handler?.(ctx));
      this.handlerDiagnostics.set(file, handler);
    }
    return handler;
  }

  /**
   * Runs every rule that is not turned off (`check` returns `undefined` for a rule with nothing to
   * say about this kind of document) and turns its findings into diagnostics: the user's
   * severity, else the finding's, else the rule's; one diagnostic per rule and place (a value set
   * once, like SAM Globals or a shared queue, is reported once, not per function); in document order.
   */
  private run(uri: string, check: (rule: Rule) => Finding[] | undefined): Diagnostic[] {
    const diagnostics: Diagnostic[] = [];
    const seen = new Set<string>();
    for (const rule of RULES) {
      const setting = this.settings[rule.id];
      if (setting === 'off') continue;
      let findings: Finding[] | undefined;
      try {
        findings = check(rule);
      } catch (e) {
        findings = [
          {
            ruleId: rule.id,
            message: `Lambda Lens could not run ${rule.id} on this file: ${String(e)}`,
            uri,
            span: { start: 0, end: 0 },
            severity: 'hint',
          },
        ];
      }
      for (const f of findings ?? []) {
        const key = `${f.ruleId}|${f.uri}|${f.span.start}|${f.span.end}`;
        if (seen.has(key)) continue;
        seen.add(key);
        diagnostics.push(toDiagnostic(f, setting ?? f.severity ?? rule.severity));
      }
    }
    return diagnostics.sort(byPlace);
  }

  /** A CDK stack's template-rule findings, on the constructs' properties (nothing for other files). */
  private validateCdk(doc: DocumentInput): readonly Diagnostic[] {
    const stack = this.readCdk(doc);
    const entry = this.cdkCache.get(doc.uri);
    if (!stack || !entry) return [];
    if (
      entry.diagnostics &&
      entry.generation === this.project.generation &&
      entry.codeRevision === this.project.codeRevision
    )
      return entry.diagnostics;
    const diagnostics = this.templateDiagnostics(stack).filter(
      (d) => d.uri === doc.uri || !/[\\/]cdk\.out[\\/]/.test(uriToPath(d.uri)),
    );
    entry.diagnostics = diagnostics;
    entry.generation = this.project.generation;
    entry.codeRevision = this.project.codeRevision;
    return diagnostics;
  }

  hover(doc: DocumentInput, offset: number): HoverResult | undefined {
    if (doc.text.length > this.maxDocumentLength) return undefined;
    if (handlerLanguage(doc.uri) !== undefined) {
      const stack = this.readCdk(doc);
      if (stack !== undefined && stack.functions.length > 0) return cdkHover(stack, offset, this.today());
      return this.handlerFiles.hover(doc, offset);
    }
    const template = this.readTemplate(doc);
    if (template.kind === undefined) return undefined;
    const ctx: TemplateRuleContext = { template, fs: this.fs, today: this.today(), project: this.project };
    return templateHover(template, offset, this.today(), (fnId) => accessLines(ctx, fnId));
  }
}

/** Document order: by start, then rule id. */
function byPlace(a: Diagnostic, b: Diagnostic): number {
  return a.span.start - b.span.start || a.ruleId.localeCompare(b.ruleId);
}

function toDiagnostic(f: Finding, severity: Severity): Diagnostic {
  return {
    ruleId: f.ruleId,
    severity,
    message: f.message,
    uri: f.uri,
    span: f.span,
    docs: docsUrl(f.ruleId),
    // Read when asked (a quick fix for the findings under the cursor): a rule may build them lazily (withLazyFixes).
    get fixes() {
      return f.fixes ?? [];
    },
  };
}
