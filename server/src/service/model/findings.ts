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

/**
 * The finding with fixes built when they are first read, once. A rule reporting hundreds of
 * findings in a large template built a fix for each at every keystroke (LL2004: the YAML edit
 * for each trigger), while the editor asks for the fixes of the findings under the cursor only.
 * `build` must depend only on what the finding was made from (an immutable template parse).
 */
export function withLazyFixes(finding: Finding, build: () => Fix[] | undefined): Finding {
  return new LazyFixes(finding, build);
}

class LazyFixes implements Finding {
  readonly ruleId: string;
  readonly message: string;
  readonly uri: string;
  readonly span: Span;
  readonly severity?: Severity;
  #build: (() => Fix[] | undefined) | undefined;
  #fixes: readonly Fix[] | undefined;

  constructor(finding: Finding, build: () => Fix[] | undefined) {
    this.ruleId = finding.ruleId;
    this.message = finding.message;
    this.uri = finding.uri;
    this.span = finding.span;
    if (finding.severity !== undefined) this.severity = finding.severity;
    this.#build = build;
  }

  // On the prototype (an own getter made each finding slower to build than its fix): a copy made with
  // `{ ...finding }` does not carry it, so code that copies findings reads `fixes` itself (withStakes).
  get fixes(): readonly Fix[] | undefined {
    if (this.#build !== undefined) {
      this.#fixes = this.#build();
      this.#build = undefined;
    }
    return this.#fixes;
  }
}

/** Where each rule's documentation lives; diagnostics link to it. */
export const DOCS_BASE = 'https://github.com/lambda-lens/lambda-lens/blob/main/docs/rules/';

export function docsUrl(ruleId: string): string {
  return `${DOCS_BASE}${ruleId}.md`;
}
