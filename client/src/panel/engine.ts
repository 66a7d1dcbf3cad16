/**
 * The heavy half of the simulation feature: the simulator and the template reader (which
 * brings the TypeScript compiler along). scripts/build.mjs bundles this file apart, as
 * dist/simulator.js, and simulation.ts loads it on first use, so that activating the extension
 * does not parse ten megabytes it may never need.
 */
import { readTemplateFunctions } from '../../../server/src/service/index';
import { knownValue } from '../../../server/src/service/model/types';

export { simulate, resolveScenario, loadScenario, ScenarioError, toChromeTrace, SAMPLE_EVENTS, defaultPlatform } from '../../../server/src/simulator/index';

/** A function of a template, as the quick pick shows it. */
export interface TemplateFunction {
  logicalId: string;
  handler: string | undefined;
  runtime: string | undefined;
  /** Trigger types (SAM event types or resource kinds). */
  triggers: string[];
}

export function templateFunctions(uri: string, text: string): TemplateFunction[] {
  return readTemplateFunctions(uri, text).map((f) => ({
    logicalId: f.logicalId,
    handler: knownValue(f.handler),
    runtime: knownValue(f.runtime),
    triggers: f.triggers.map((t) => t.type),
  }));
}
