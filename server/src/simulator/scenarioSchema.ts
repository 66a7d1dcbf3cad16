/**
 * The scenario's shape, checked against schemas/scenario.schema.json (the schema VS Code uses for
 * `*.scenario.json`) with Ajv (https://ajv.js.org/): the one description of what a scenario may
 * hold. Ajv's errors become one sentence each, `path: what is wrong`, with the path written as in
 * the file (`traffic[1].sqs.batchSize`). What the schema cannot say (files that exist, functions in
 * a template, AWS's cross-field rules) is checked by scenario.ts after this.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { scenarioValidator } from './scenarioValidator';

let compiled: ValidateFunction | undefined;

/** Made on first use, then kept (precompiled in the bundles: scenarioValidator.ts). */
function validator(): ValidateFunction {
  compiled ??= scenarioValidator();
  return compiled;
}

/** The problems of `json` as a scenario, each as `path: what is wrong`; empty when its shape is valid. */
export function scenarioShapeProblems(json: unknown): string[] {
  const validate = validator();
  if (validate(json)) return [];
  return [...new Set(explain(validate.errors ?? []))];
}

/** `/traffic/1/sqs` → `traffic[1].sqs`; the root is `scenario`. */
function displayPath(instancePath: string): string {
  if (instancePath === '') return 'scenario';
  return instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((out, s) => (/^\d+$/.test(s) ? `${out}[${s}]` : out === '' ? s : `${out}.${s}`), '');
}

function child(path: string, name: string): string {
  return path === 'scenario' ? name : `${path}.${name}`;
}

function describeType(type: unknown): string {
  const one = (t: string) =>
    ({
      integer: 'a whole number',
      number: 'a number',
      string: 'a string',
      boolean: 'true or false',
      object: 'an object',
      array: 'an array',
      null: 'null',
    })[t] ?? t;
  return Array.isArray(type) ? type.map((t) => one(String(t))).join(' or ') : one(String(type));
}

/** ` (got 64)` for a scalar value; nothing for objects and arrays, which do not fit on the line. */
function got(data: unknown): string {
  return data === null || typeof data !== 'object' ? ` (got ${JSON.stringify(data)})` : '';
}

function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1] ?? ''}`;
}

function range(parent: Record<string, unknown>): string {
  const kind = parent['type'] === 'integer' ? 'a whole number' : 'a number';
  const min = parent['minimum'];
  const max = parent['maximum'];
  if (typeof min === 'number' && typeof max === 'number') return `expected ${kind} from ${min} to ${max}`;
  if (typeof min === 'number') return `expected ${kind} ≥ ${min}`;
  return `expected ${kind} ≤ ${String(max)}`;
}

/** One error as a sentence, or undefined for errors that only summarise others (oneOf, if). */
function sentence(e: ErrorObject): string | undefined {
  const path = displayPath(e.instancePath);
  const parent = (e.parentSchema ?? {}) as Record<string, unknown>;
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return `${child(path, String(params['missingProperty']))}: missing`;
    case 'additionalProperties': {
      const known = Object.keys((parent['properties'] as Record<string, unknown> | undefined) ?? {}).filter(
        (k) => k !== '$schema' && k !== 'description',
      );
      const name = String(params['additionalProperty']);
      return `${child(path, name)}: unknown property${known.length > 0 ? ` (expected one of ${known.join(', ')})` : ''}`;
    }
    case 'type':
      return `${path}: expected ${describeType(params['type'])}${got(e.data)}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `${path}: ${range(parent)}${got(e.data)}`;
    case 'enum':
      return `${path}: expected ${orList(((params['allowedValues'] as unknown[]) ?? []).map((v) => JSON.stringify(v)))}${got(e.data)}`;
    case 'pattern':
      // patternErrorMessage: VS Code's annotation for the same error in the editor.
      if (typeof parent['patternErrorMessage'] === 'string')
        return `${path}: ${parent['patternErrorMessage']}${got(e.data)}`;
      return `${path}: ${JSON.stringify(e.data)} does not have the expected form (${String(params['pattern'])})`;
    case 'oneOf':
    case 'anyOf':
    case 'if':
      return undefined;
    default:
      return `${path}: ${e.message ?? e.keyword}`;
  }
}

/**
 * Sentences for `errors`. A failed oneOf/anyOf reports the errors of the alternatives the value
 * was meant for: an alternative that wants another type, or a property the value lacks, is not
 * the one meant; when none is left, one sentence lists what the alternatives want.
 */
function explain(errors: readonly ErrorObject[]): string[] {
  const out: string[] = [];
  const handled = new Set<ErrorObject>();
  // Alternatives first, outermost first: their branches' errors leave the plain list.
  const alternatives = errors
    .filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf')
    .sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  for (const e of alternatives) {
    if (handled.has(e)) continue;
    const here = e.instancePath;
    const branch = new RegExp(`^${escape(e.schemaPath)}/(\\d+)/`);
    const branches = new Map<number, ErrorObject[]>();
    for (const x of errors) {
      // The same schema checks every item of an array: a branch error is this item's, or below it.
      if (x.instancePath !== here && !x.instancePath.startsWith(`${here}/`)) continue;
      const m = branch.exec(x.schemaPath);
      if (!m) continue;
      handled.add(x);
      const i = Number(m[1]);
      branches.set(i, [...(branches.get(i) ?? []), x]);
    }
    handled.add(e);
    const meant = [...branches.values()].filter(
      (list) => !list.some((x) => x.instancePath === here && (x.keyword === 'type' || x.keyword === 'required')),
    );
    const path = displayPath(here);
    if (meant.length > 0) {
      for (const list of meant) out.push(...explain(list));
      continue;
    }
    const all = [...branches.values()].flat().filter((x) => x.instancePath === here);
    const types = [
      ...new Set(
        all.filter((x) => x.keyword === 'type').map((x) => describeType((x.params as Record<string, unknown>)['type'])),
      ),
    ];
    const wanted = [
      ...new Set(
        all
          .filter((x) => x.keyword === 'required')
          .map((x) => String((x.params as Record<string, unknown>)['missingProperty'])),
      ),
    ];
    const object = e.data !== null && typeof e.data === 'object' && !Array.isArray(e.data);
    if (wanted.length === 1 && object) out.push(`${child(path, wanted[0] ?? '')}: missing`);
    else if (wanted.length > 1 && object) out.push(`${path}: give one of ${orList(wanted)}`);
    else if (Array.isArray((e.params as Record<string, unknown>)['passingSchemas']))
      out.push(`${path}: fits more than one of the forms allowed here`);
    else out.push(`${path}: expected ${orList(types) || 'another form'}${got(e.data)}`);
  }
  for (const e of errors) {
    if (handled.has(e)) continue;
    const s = sentence(e);
    if (s !== undefined) out.push(s);
  }
  return out;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
