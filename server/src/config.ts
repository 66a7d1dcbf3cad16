import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse, type ParseError } from 'jsonc-parser';
import type { RuleSettings, Severity } from './service';

/** The project config file the CLI and the language server both read. */
export const CONFIG_FILE = '.lambda-lens.json';

const VALUES = new Set<Severity | 'off'>(['error', 'warning', 'info', 'hint', 'off']);

export interface LoadedConfig {
  readonly path: string | undefined;
  readonly rules: RuleSettings;
  /** Problems found in the file, to tell the user (never fatal). */
  readonly problems: readonly string[];
}

/** Finds `.lambda-lens.json` in `start` or the nearest folder above it. */
export function findConfig(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    const p = join(dir, CONFIG_FILE);
    if (existsSync(p)) return p;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

export function loadConfig(path: string | undefined): LoadedConfig {
  if (path === undefined) return { path, rules: {}, problems: [] };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { path, rules: {}, problems: [`${path}: cannot be read (${String(e)})`] };
  }
  const errors: ParseError[] = [];
  const json: unknown = parse(text, errors, { allowTrailingComma: true });
  if (errors.length > 0) return { path, rules: {}, problems: [`${path}: not valid JSON`] };
  return { path, ...ruleSettingsFrom(json, path) };
}

/** Validates `{ "rules": { "LL1001": "off" } }` (or a bare rules object from editor settings). */
export function ruleSettingsFrom(json: unknown, where: string): { rules: RuleSettings; problems: string[] } {
  const rules: Record<string, Severity | 'off'> = {};
  const problems: string[] = [];
  const obj =
    isRecord(json) && isRecord(json.rules) ? json.rules : isRecord(json) && !('rules' in json) ? json : undefined;
  if (obj === undefined) {
    if (isRecord(json) && 'rules' in json) problems.push(`${where}: "rules" must be an object`);
    return { rules, problems };
  }
  for (const [id, value] of Object.entries(obj)) {
    if (!/^LL\d{4}$/.test(id)) {
      problems.push(`${where}: "${id}" is not a rule id (LLnnnn)`);
      continue;
    }
    if (typeof value !== 'string' || !VALUES.has(value as Severity | 'off')) {
      problems.push(`${where}: ${id} must be one of error, warning, info, hint, off`);
      continue;
    }
    rules[id] = value as Severity | 'off';
  }
  return { rules, problems };
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
