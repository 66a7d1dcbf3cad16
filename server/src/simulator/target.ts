/**
 * What a `simulate` or `tune` argument names: a scenario file, or a template whose function gets
 * its starter scenario (starter.ts).
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readTemplate } from '../service/templates/template';
import { starterScenario } from './starter';
import { templateSource } from './scenario';

/** A template rather than a scenario: YAML, JSON with Resources and no traffic, or a CDK stack the caller rendered. */
export function isTemplate(file: string, templates?: ReadonlyMap<string, string>): boolean {
  if (templates?.has(resolve(file)) === true) return true;
  if (/\.ya?ml$/i.test(file)) return true;
  if (!/\.json$/i.test(file)) return false;
  try {
    const json = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return json !== null && typeof json === 'object' && 'Resources' in json && !('traffic' in json);
  } catch {
    return false;
  }
}

/** The starter scenario for a template function (`rendered`: a CDK stack's rendering), or a usage problem. */
export function starterFor(
  file: string,
  logicalId: string | null,
  rendered?: string,
): { json: object; path: string } | string {
  const path = resolve(file);
  let source: { text: string; format: 'json' | undefined };
  try {
    source = templateSource(path, rendered);
  } catch (e) {
    return `cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`;
  }
  const functions = readTemplate(pathToFileURL(path).href, source.text, source.format).functions;
  const ids = functions.map((f) => f.logicalId);
  const model = logicalId
    ? functions.find((f) => f.logicalId === logicalId)
    : functions.length === 1
      ? functions[0]
      : undefined;
  if (!model) {
    if (logicalId) return `no function ${logicalId} in ${file} (found: ${ids.join(', ') || 'none'})`;
    return ids.length === 0
      ? `no functions in ${file}`
      : `${file} has several functions: choose one with --function (${ids.join(', ')})`;
  }
  return {
    json: starterScenario(model, basename(path)),
    path: join(dirname(path), `${model.logicalId}.scenario.json`),
  };
}
