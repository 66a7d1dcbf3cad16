/**
 * The `lambdaLens/workspaceSummary` request (client → server): what the status bar shows.
 * The server answers from its project index (templates under the workspace roots and open in
 * the editor) and checks every template and the handler files its functions use, open
 * editors' text first, so the counts match a `lambda-lens check` of the workspace.
 */
import type { Severity } from './service';

export const WORKSPACE_SUMMARY_METHOD = 'lambdaLens/workspaceSummary';

export interface WorkspaceSummary {
  /** Templates (SAM, CloudFormation, serverless.yml) that define at least one function. */
  readonly templates: number;
  /** Lambda functions across those templates. */
  readonly functions: number;
  /** Handler files those functions resolve to (JS/TS and Python). */
  readonly handlerFiles: number;
  /** Findings in the templates and handler files, by severity. */
  readonly findings: Readonly<Record<Severity, number>>;
}
