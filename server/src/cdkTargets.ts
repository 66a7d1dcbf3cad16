/**
 * `lambda-lens simulate` on a CDK stack: the stack file given (`lambda-lens simulate
 * lib/stack.ts --function Worker`), or named by a scenario's `template`, is rendered as the SAM
 * template the simulator reads (service/cdk/simulation.ts), with its NodejsFunction entries
 * compiled. This runs in dist/cli.js, which has the CDK reader; the simulator bundle does not.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { nodeFileSystem } from './nodeFs';
import { renderCdkStack } from './service/cdk/simulation';
import { isStackFile } from './service/cdk/paths';

/** Scenario files read here to find a CDK stack they name are at most this large. */
const MAX_SCENARIO_BYTES = 1024 * 1024;

/** The CDK stacks `simulate`'s arguments name, rendered, by absolute path; warnings as lines. */
export function renderStacksFor(argv: readonly string[]): { templates: Map<string, string>; warnings: string[] } {
  const templates = new Map<string, string>();
  const warnings: string[] = [];
  for (const stack of stacksNamed(argv)) {
    let text: string;
    try {
      text = readFileSync(stack, 'utf8');
    } catch {
      continue; // The simulator says the file cannot be read.
    }
    const rendering = renderCdkStack(stack, text, nodeFileSystem(), { build: true });
    templates.set(stack, rendering.template);
    warnings.push(...rendering.warnings);
  }
  return { templates, warnings };
}

/** Stack files among the arguments, and the stack a scenario file's `template` names. */
export function stacksNamed(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (const a of argv) {
    if (a.startsWith('-')) continue;
    if (isStackFile(a)) out.push(resolve(a));
    else if (/\.json$/i.test(a)) {
      const named = scenarioTemplate(resolve(a));
      if (named !== undefined && isStackFile(named)) out.push(named);
    }
  }
  return out;
}

function scenarioTemplate(file: string): string | undefined {
  try {
    if (statSync(file).size > MAX_SCENARIO_BYTES) return undefined;
    const json = JSON.parse(readFileSync(file, 'utf8')) as { template?: unknown };
    const t = json.template;
    return typeof t === 'string' ? (isAbsolute(t) ? t : resolve(dirname(file), t)) : undefined;
  } catch {
    return undefined;
  }
}
