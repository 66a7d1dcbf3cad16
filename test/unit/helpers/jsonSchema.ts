/**
 * A JSON Schema (draft-07) validator for the keywords our schemas use: type, enum, required,
 * properties, additionalProperties, items, minimum, maximum, pattern, anyOf, oneOf, if/then.
 * A schema with any other keyword makes it throw, so a schema that grows a keyword cannot be
 * checked more loosely than VS Code checks it. (No validator is a dependency of the project.)
 */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Schema {
  readonly type?: string | readonly string[];
  readonly enum?: readonly Json[];
  readonly required?: readonly string[];
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly additionalProperties?: boolean | Schema;
  readonly items?: Schema;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly pattern?: string;
  readonly anyOf?: readonly Schema[];
  readonly oneOf?: readonly Schema[];
  readonly if?: Schema;
  readonly then?: Schema;
}

const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description', 'default', 'markdownDescription']);
const KEYWORDS = new Set(['type', 'enum', 'required', 'properties', 'additionalProperties', 'items', 'minimum', 'maximum', 'pattern', 'anyOf', 'oneOf', 'if', 'then']);

function typeOf(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** Problems of `value` against `schema`, each as `path: what`; empty when it is valid. */
export function validateJson(value: unknown, schema: Schema, path = '$'): string[] {
  for (const k of Object.keys(schema)) {
    if (!KEYWORDS.has(k) && !ANNOTATIONS.has(k)) throw new Error(`${path}: the test validator does not know the schema keyword "${k}"`);
  }
  const v = value as Json;
  const problems: string[] = [];
  if (schema.type !== undefined) {
    const types = typeof schema.type === 'string' ? [schema.type] : schema.type;
    const t = typeOf(v);
    if (!types.includes(t) && !(t === 'integer' && types.includes('number'))) return [`${path}: expected ${types.join(' or ')}, got ${t}`];
  }
  if (schema.enum !== undefined && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) problems.push(`${path}: not one of ${JSON.stringify(schema.enum)}`);
  if (typeof v === 'number') {
    if (schema.minimum !== undefined && v < schema.minimum) problems.push(`${path}: below the minimum ${schema.minimum}`);
    if (schema.maximum !== undefined && v > schema.maximum) problems.push(`${path}: above the maximum ${schema.maximum}`);
  }
  if (typeof v === 'string' && schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(v)) problems.push(`${path}: does not match ${schema.pattern}`);
  if (Array.isArray(v) && schema.items !== undefined) {
    const items = schema.items;
    v.forEach((item, i) => problems.push(...validateJson(item, items, `${path}[${i}]`)));
  }
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    for (const r of schema.required ?? []) if (!(r in v)) problems.push(`${path}: missing required property "${r}"`);
    for (const [k, child] of Object.entries(v)) {
      const own = schema.properties?.[k];
      if (own !== undefined) problems.push(...validateJson(child, own, `${path}.${k}`));
      else if (schema.additionalProperties === false) problems.push(`${path}.${k}: property not allowed`);
      else if (typeof schema.additionalProperties === 'object') problems.push(...validateJson(child, schema.additionalProperties, `${path}.${k}`));
    }
  }
  if (schema.anyOf !== undefined && !schema.anyOf.some((s) => validateJson(v, s, path).length === 0)) problems.push(`${path}: matches none of anyOf`);
  if (schema.oneOf !== undefined) {
    const matching = schema.oneOf.map((s) => validateJson(v, s, path));
    const ok = matching.filter((p) => p.length === 0).length;
    if (ok !== 1) problems.push(`${path}: matches ${ok} of oneOf, not exactly 1${ok === 0 ? ` (${matching.map((p) => p[0]).join('; ')})` : ''}`);
  }
  if (schema.if !== undefined && schema.then !== undefined && validateJson(v, schema.if, path).length === 0) problems.push(...validateJson(v, schema.then, path));
  return problems;
}
