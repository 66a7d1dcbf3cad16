/**
 * What every analysis produces, in document offsets: findings of rules, their fixes and
 * severities. The rules, the quick-fix builders, the handler-file pipeline and the service
 * facade all speak these types; they sit at the bottom so that none of them imports upward.
 */
import type { Span } from './types';

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

/** Where each rule's documentation lives; diagnostics link to it. */
export const DOCS_BASE = 'https://github.com/lambda-lens/lambda-lens/blob/main/docs/rules/';

export function docsUrl(ruleId: string): string {
  return `${DOCS_BASE}${ruleId}.md`;
}
