/**
 * Fixture expectations with caret markers. A comment line whose first non-space text is
 * `#` or `//` followed by spaces and `^LLnnnn` says: a finding of that rule starts on the
 * previous (non-marker) line, at the caret's column. Several ids may follow one caret
 * (`^LL1001 LL1003`). A fixture without markers for a rule expects none of its findings.
 *
 *     MemorySize: 100
 *     #           ^LL1001
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface Expectation {
  readonly line: number; // 1-based
  readonly column: number; // 1-based
  readonly ruleId: string;
}

const MARKER = /^(\s*)(#|\/\/)(\s*)\^(LL\d{4}(?:\s+LL\d{4})*)\s*$/;

export function expectationsIn(text: string): Expectation[] {
  const lines = text.split(/\r?\n/);
  const out: Expectation[] = [];
  let lastReal = 0;
  lines.forEach((line, i) => {
    const m = MARKER.exec(line);
    if (!m) {
      lastReal = i + 1;
      return;
    }
    const caret = line.indexOf('^');
    for (const id of (m[4] ?? '').split(/\s+/)) out.push({ line: lastReal, column: caret + 1, ruleId: id });
  });
  return out;
}

/** Every file under a folder, recursively, sorted. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

/** The YAML files under a folder, recursively, sorted, outside node_modules folders. */
export function yamlFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (name === 'node_modules') continue;
    if (statSync(p).isDirectory()) out.push(...yamlFilesUnder(p));
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out;
}

export function readExpectations(path: string): Expectation[] {
  return expectationsIn(readFileSync(path, 'utf8'));
}

export function formatExpectation(e: Expectation): string {
  return `${e.ruleId}@${e.line}:${e.column}`;
}
