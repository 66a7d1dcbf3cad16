import type { Span } from '../model/types';
import type { TemplateDocument } from '../templates/template';
import type { FileSystem } from '../fs';
import type { HandlerModel } from '../handlers/model';
import type { FunctionLink, ProjectIndex } from '../project';

export type Severity = 'error' | 'warning' | 'info' | 'hint';

/** A text edit of a quick fix, in document offsets. */
export interface Edit {
  readonly uri: string;
  readonly span: Span;
  readonly newText: string;
}

/** A mechanical fix offered with a finding. */
export interface Fix {
  readonly title: string;
  readonly edits: readonly Edit[];
}

/** What a rule reports. */
export interface Finding {
  readonly ruleId: string;
  readonly message: string;
  readonly uri: string;
  readonly span: Span;
  /** Overrides the rule's default severity for this finding (e.g. LL1011: deprecated vs blocked). */
  readonly severity?: Severity;
  readonly fixes?: readonly Fix[];
}

/** What a template rule sees. */
export interface TemplateRuleContext {
  readonly template: TemplateDocument;
  readonly fs: FileSystem;
  /** Today's date (ISO, `YYYY-MM-DD`), injected so that lifecycle rules are testable. */
  readonly today: string;
  /** The workspace index (template ⇄ handler links), when the caller has one. */
  readonly project?: ProjectIndex;
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

/** Where each rule's documentation lives; diagnostics link to it. */
export const DOCS_BASE = 'https://github.com/lambda-lens/lambda-lens/blob/main/docs/rules/';

export function docsUrl(ruleId: string): string {
  return `${DOCS_BASE}${ruleId}.md`;
}
