/**
 * Runs the bundled CLI over the real templates in ../shared/corpus (templates nobody here
 * wrote). It must not crash; its findings are printed per rule as a figure for review, not
 * asserted, since the corpus is not ours to label.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const CORPUS = resolve(ROOT, '../shared/corpus');

interface JsonFinding {
  file: string;
  ruleId: string;
  severity: string;
}

function main(): number {
  if (!existsSync(CORPUS)) {
    console.log(`corpus: ${CORPUS} not found; skipped`);
    return 0;
  }
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/lambda-lens.js'), 'check', CORPUS, '--format', 'json'], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.error) throw r.error;
  const crashes = r.stderr.split('\n').filter((l) => /internal error/.test(l));
  if (r.status !== 0 && r.status !== 1) {
    console.error(r.stderr);
    console.error(`corpus: the CLI exited with ${String(r.status)} (signal ${String(r.signal)})`);
    return 1;
  }
  if (crashes.length > 0) {
    console.error(crashes.join('\n'));
    console.error(`corpus: ${crashes.length} internal errors`);
    return 1;
  }
  const findings = JSON.parse(r.stdout) as JsonFinding[];
  const perRule = new Map<string, { count: number; files: Set<string> }>();
  for (const f of findings) {
    const e = perRule.get(f.ruleId) ?? { count: 0, files: new Set<string>() };
    e.count++;
    e.files.add(f.file);
    perRule.set(f.ruleId, e);
  }
  const files = new Set(findings.map((f) => f.file)).size;
  console.log(
    `corpus: ${findings.length} findings in ${files} files, ${(ms / 1000).toFixed(1)} s for the whole corpus`,
  );
  for (const [id, e] of [...perRule].sort())
    console.log(`  ${id}  ${String(e.count).padStart(5)} findings in ${String(e.files.size).padStart(4)} files`);
  const notes = r.stderr.split('\n').filter((l) => l.trim() !== '');
  if (notes.length > 0) console.log(`corpus: ${notes.length} notes on stderr (first: ${notes[0]})`);
  console.log('corpus: 1 passed, 0 failed');
  return 0;
}

process.exitCode = main();
