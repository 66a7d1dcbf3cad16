/**
 * What a rule module writes against: the rule shapes and what each kind of rule sees. The
 * finding types themselves live in model/findings.ts and are re-exported for the rules.
 */
import type { Finding, Severity } from '../model/findings';
import type { TemplateDocument } from '../templates/template';
import type { FileSystem } from '../fs';
import type { HandlerModel } from '../handlers/model';
import type { FunctionLink, ProjectIndex } from '../project';
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

/** What a handler-code rule sees: one JS/TS file and the template functions that use it. */
export interface HandlerRuleContext {
  readonly handler: HandlerModel;
  /** Template functions whose Handler resolves to this file; empty when no template links it. */
  readonly functions: readonly FunctionLink[];
  readonly fs: FileSystem;
  readonly today: string;
}

interface RuleBase {
  /** Stable id, `LLnnnn`. */
  readonly id: string;
  /** A short title, as in the rule catalogue. */
  readonly title: string;
  readonly severity: Severity;
}

export interface TemplateRule extends RuleBase {
  readonly scope: 'template';
  check(ctx: TemplateRuleContext): Finding[];
}

/** A rule on handler code (JS/TS); it runs on files that templates link or that look like handlers. */
export interface HandlerRule extends RuleBase {
  readonly scope: 'handler';
  check(ctx: HandlerRuleContext): Finding[];
}

export type Rule = TemplateRule | HandlerRule;

