/**
 * What a rule module writes against: the rule shapes and what each kind of rule sees. The
 * finding types themselves live in model/findings.ts and are re-exported for the rules.
 */
import type { Finding, Severity } from '../model/findings';
import type { TemplateDocument } from '../templates/template';
import type { FileSystem } from '../fs';
import type { FunctionLink, HandlerFile } from '../handlers/facts';
import type { HandlerModel } from '../handlers/model';
import type { ProjectIndex } from '../project';
import type { PackageSizes } from '../project/packageSize';

export type { Edit, Finding, Fix, Severity } from '../model/findings';
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

/** What a JS/TS-only handler check sees: the file's model and the template functions that use it. */
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
 * A handler check over evidence only JS/TS code shows (Node.js callbacks, timers and
 * listeners, Node.js module resolution and bundling): a file of another language gets no
 * findings from it. A check that could apply to every language decides over the facts of
 * handlers/facts.ts instead.
 */
export function jsOnly(check: (ctx: JsRuleContext) => Finding[]): (ctx: HandlerRuleContext) => Finding[] {
  return ({ file, fs, today }) =>
    file.language === 'js' ? check({ handler: file.model, functions: file.links, fs, today }) : [];
}
