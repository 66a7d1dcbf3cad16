/**
 * The scenario schema compiled by Ajv at run time, for the sources (tests run them with tsx).
 * The bundles replace this module with Ajv's standalone code generated from the same schema and
 * options at build time (scripts/build.mjs, `precompiledScenarioValidator`), so that they carry
 * neither Ajv's compiler nor its ≈0.2–0.4 s of compiling at the first scenario.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import schema from '../../../schemas/scenario.schema.json';

/** The options both paths compile with; scripts/build.mjs uses the same. */
export const AJV_OPTIONS = { allErrors: true, verbose: true, strict: false, code: { optimize: false } } as const;

export function scenarioValidator(): ValidateFunction {
  // strict: false: the schema carries VS Code's annotations (markdownDescription, defaultSnippets).
  return new Ajv(AJV_OPTIONS).compile(schema);
}
