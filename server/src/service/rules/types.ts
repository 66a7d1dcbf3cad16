/**
 * What a rule module writes against: the rule shapes and what each kind of rule sees. The
 * finding types themselves live in model/findings.ts and are re-exported for the rules.
 */
import type { Finding, Severity } from '../model/findings';
import type { TemplateDocument } from '../templates/template';
import type { FileSystem } from '../fs';
import type { FunctionLink, HandlerFile } from '../handlers/facts';
import type { HandlerModel } from '../handlers/model';
import type { PythonRuleContext } from '../handlers/python/model';
import type { ProjectIndex } from '../project';
import type { PackageSizes } from '../project/packageSize';

export type { Edit, Finding, Fix, Severity } from '../model/findings';
export type { PythonRuleContext } from '../handlers/python/model';
export { docsUrl } from '../model/findings';

/** What a template rule sees. */
export interface TemplateRuleContext {
  readonly template: TemplateDocument;
  readonly fs: FileSystem;
  /** Today's date (ISO, `YYYY-MM-DD`), injected so that lifecycle rules are testable. */
  readonly today: string;
  /** The workspace index (template ⇄ handler links), when the caller has one. */
  readonly project?: ProjectIndex;
  /** Package sizes on disk (LL1013), cached and, in the language server, measured in the background. */
  readonly packageSizes?: PackageSizes;
}

/** What a handler rule sees: one handler file of any language, with the template functions that use it. */
export interface HandlerRuleContext {
  readonly file: HandlerFile;
  readonly fs: FileSystem;
  readonly today: string;
}

/** What the JS/TS part of a handler rule sees: the file's model and the template functions that use it. */
export interface JsRuleContext {
  readonly handler: HandlerModel;
  /** Template functions whose Handler resolves to this file; empty when no template links it. */
  readonly functions: readonly FunctionLink[];
  readonly fs: FileSystem;
  readonly today: string;
}

/**
 * A rule: one module, one id, one default severity. A rule checks templates, handler files of
 * every language, or both (LL4006 looks for secrets in either).
 */
export interface Rule {
  /** Stable id, `LLnnnn`. */
  readonly id: string;
  /** A short title, as in the rule catalogue. */
  readonly title: string;
  readonly severity: Severity;
  /** Checks a template (and, through `project`, the code it links). */
  template?(ctx: TemplateRuleContext): Finding[];
  /** Checks a handler file that a template links or that looks like a handler. */
  handler?(ctx: HandlerRuleContext): Finding[];
}

/** A rule that checks templates. */
export type TemplateRule = Rule & { template(ctx: TemplateRuleContext): Finding[] };

/**
 * A handler check decided per language, for rules whose evidence is syntax only one
 * language's tree shows; a language without a part gets no findings from the rule.
 */
export function byLanguage(parts: {
  readonly js?: (ctx: JsRuleContext) => Finding[];
  readonly python?: (ctx: PythonRuleContext) => Finding[];
}): (ctx: HandlerRuleContext) => Finding[] {
  return ({ file, fs, today }) => {
    switch (file.language) {
      case 'js':
        return parts.js?.({ handler: file.model, functions: file.links, fs, today }) ?? [];
      case 'python':
        return parts.python?.({ model: file.model, links: file.links }) ?? [];
    }
  };
}
