/**
 * Before a run: would Lambda accept this function's configuration? The LL1xxx rules that are
 * errors (values Lambda rejects at deploy: memory, timeout, /tmp size, async config, batch and
 * stream settings, environment size and reserved names, layers, blocked runtimes, malformed
 * handlers, package size) run on the function's template, and their errors stop the simulation
 * before any process starts — a configuration that cannot be deployed has no behaviour to show.
 *
 * Only the rule modules themselves are imported (template model, limits and their checks), not
 * the rule registry or the code analysis: the simulator bundle stays without TypeScript.
 */
import { fileURLToPath } from 'node:url';
import { nodeFileSystem } from '../nodeFs';
import type { FunctionModel } from '../service/model/types';
import { LIMIT_RULES } from '../service/rules/limitRules';
import type { TemplateDocument } from '../service/templates/template';

/** A setting Lambda would reject, as the rule reports it. */
export interface Rejection {
  ruleId: string;
  message: string;
  /** The template file and the 1-based line of the value. */
  file: string;
  line: number;
}

/** Settings the scenario replaces (`overrides`): the template's value is not what runs. */
export interface Overridden {
  memorySize?: boolean;
  timeout?: boolean;
  runtime?: boolean;
  ephemeralStorage?: boolean;
  /** The scenario's SQS traffic gives its own batch size (and window) for the function's SQS mapping. */
  sqsBatchSize?: boolean;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * The errors Lambda would raise for one function of a template. `today` (ISO date) decides
 * which runtimes are blocked. Findings on values the scenario overrides are left out (the
 * scenario's own values are range-checked when it is read).
 */
export function rejections(
  template: TemplateDocument,
  fn: FunctionModel,
  overridden: Overridden = {},
  today = new Date().toISOString().slice(0, 10),
): Rejection[] {
  // The function alone: findings about other functions of the template do not stop this run.
  const own: TemplateDocument = { ...template, functions: [fn], detachedMappings: [] };
  const ctx = { template: own, fs: nodeFileSystem(), today };
  const skipped = new Set<number>();
  if (overridden.memorySize && fn.memorySize) skipped.add(fn.memorySize.span.start);
  if (overridden.timeout && fn.timeout) skipped.add(fn.timeout.span.start);
  if (overridden.runtime && fn.runtime) skipped.add(fn.runtime.span.start);
  if (overridden.ephemeralStorage && fn.ephemeralStorage) skipped.add(fn.ephemeralStorage.span.start);
  if (overridden.sqsBatchSize) {
    for (const t of fn.triggers)
      if (t.type === 'SQS' && t.mapping?.batchSize) skipped.add(t.mapping.batchSize.span.start);
  }
  let file = template.uri;
  try {
    file = fileURLToPath(template.uri);
  } catch {
    // Not a file: URI; keep it as it is.
  }
  const out: Rejection[] = [];
  for (const rule of LIMIT_RULES) {
    for (const f of rule.template(ctx)) {
      if ((f.severity ?? rule.severity) !== 'error' || skipped.has(f.span.start)) continue;
      out.push({ ruleId: f.ruleId, message: f.message, file, line: lineOf(template.text, f.span.start) });
    }
  }
  return out;
}

/** How a rejection reads in a terminal or a notification: `template.yaml:12 LL1001 MemorySize … `. */
export function formatRejection(r: Rejection): string {
  return `${r.file}:${r.line}  ${r.ruleId}  ${r.message}`;
}
