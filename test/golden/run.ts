/**
 * Golden findings: `lambda-lens check --format json` over examples/, the rule fixtures and the
 * shared corpus of real templates, recorded in test/golden/*.json. A change of any finding fails
 * with a summary (rule, file, line) of what appeared and what disappeared; when a change is
 * meant, `npm run golden:update` records it and the commit says why.
 *
 * The bundled CLI (dist/cli.js, built by `npm run build`) runs in this process, in each set's
 * folder so that paths are relative and the same in every clone, on a fixed day so that runtime
 * lifecycle findings do not move with the calendar.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const GOLDEN = __dirname;
const TODAY = '2026-11-27';

interface Finding {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly ruleId: string;
  readonly severity: string;
  readonly message: string;
}

interface Golden {
  /** What the CLI wrote to stderr (notes about skipped files, internal errors), sorted. */
  readonly notes: string[];
  readonly findings: Finding[];
}

type Main = (argv: readonly string[], io: { out: (s: string) => void; err: (s: string) => void }, options: { today: () => string }) => Promise<number>;

/**
 * The shared corpus: $LAMBDA_LENS_CORPUS, else `shared/corpus` beside the clone or one of the
 * folders above it (a worktree may sit deeper than the clone).
 */
function corpusDir(): string | undefined {
  const fromEnv = process.env.LAMBDA_LENS_CORPUS;
  if (fromEnv !== undefined && fromEnv !== '') return existsSync(fromEnv) ? resolve(fromEnv) : undefined;
  for (let dir = dirname(ROOT); ; dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'corpus');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

const SETS: readonly { readonly name: string; readonly dir: string | undefined }[] = [
  { name: 'examples', dir: join(ROOT, 'examples') },
  { name: 'fixtures', dir: join(ROOT, 'test/fixtures/rules') },
  { name: 'corpus', dir: corpusDir() },
];

function compareFindings(a: Finding, b: Finding): number {
  return (
    a.file.localeCompare(b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    a.ruleId.localeCompare(b.ruleId) ||
    a.endLine - b.endLine ||
    a.endColumn - b.endColumn ||
    a.message.localeCompare(b.message)
  );
}

async function runSet(main: Main, dir: string): Promise<Golden> {
  const out: string[] = [];
  const notes: string[] = [];
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    await main(['check', '--format', 'json', '.'], { out: (s) => out.push(s), err: (s) => notes.push(...s.split('\n')) }, { today: () => TODAY });
  } finally {
    process.chdir(cwd);
  }
  const findings = (JSON.parse(out.join('\n')) as Finding[]).sort(compareFindings);
  return { notes: notes.filter((n) => n.trim() !== '').sort(), findings };
}

/** One finding per line, so that a regenerated file's diff shows the findings that changed. */
function serialise(g: Golden): string {
  const findings = g.findings.map((f) => `    ${JSON.stringify(f)}`).join(',\n');
  return `{\n  "notes": ${JSON.stringify(g.notes)},\n  "findings": [\n${findings}\n  ]\n}\n`;
}

function key(f: Finding): string {
  return `${f.ruleId} ${f.file}:${f.line}:${f.column} ${f.severity} ${f.message}`;
}

/** Findings in `a` that `b` lacks, as a multiset difference. */
function minus(a: readonly Finding[], b: readonly Finding[]): Finding[] {
  const counts = new Map<string, number>();
  for (const f of b) counts.set(key(f), (counts.get(key(f)) ?? 0) + 1);
  return a.filter((f) => {
    const n = counts.get(key(f)) ?? 0;
    if (n === 0) return true;
    counts.set(key(f), n - 1);
    return false;
  });
}

const SHOWN = 25;

function describe(name: string, want: Golden, got: Golden): string[] {
  const lines: string[] = [];
  const gone = minus(want.findings, got.findings);
  const added = minus(got.findings, want.findings);
  if (gone.length > 0 || added.length > 0) {
    const perRule = new Map<string, [number, number]>();
    for (const f of gone) perRule.set(f.ruleId, [(perRule.get(f.ruleId)?.[0] ?? 0) + 1, perRule.get(f.ruleId)?.[1] ?? 0]);
    for (const f of added) perRule.set(f.ruleId, [perRule.get(f.ruleId)?.[0] ?? 0, (perRule.get(f.ruleId)?.[1] ?? 0) + 1]);
    lines.push(`${name}: ${gone.length} findings disappeared, ${added.length} appeared`);
    for (const [id, [g, a]] of [...perRule].sort()) lines.push(`  ${id}: -${g} +${a}`);
    const show = (sign: string, list: readonly Finding[]) => {
      for (const f of list.slice(0, SHOWN)) lines.push(`  ${sign} ${f.ruleId} ${f.file}:${f.line}:${f.column} ${f.severity}  ${f.message.slice(0, 100)}`);
      if (list.length > SHOWN) lines.push(`  ${sign} … and ${list.length - SHOWN} more`);
    };
    show('-', gone);
    show('+', added);
  }
  const notesGone = want.notes.filter((n) => !got.notes.includes(n));
  const notesAdded = got.notes.filter((n) => !want.notes.includes(n));
  if (notesGone.length > 0 || notesAdded.length > 0) {
    lines.push(`${name}: notes on stderr changed`);
    for (const n of notesGone.slice(0, SHOWN)) lines.push(`  - ${n}`);
    for (const n of notesAdded.slice(0, SHOWN)) lines.push(`  + ${n}`);
  }
  return lines;
}

async function run(): Promise<number> {
  const update = process.argv.includes('--update');
  const bundle = join(ROOT, 'dist/cli.js');
  if (!existsSync(bundle)) {
    console.error('golden: dist/cli.js is missing; run `npm run build` first');
    return 1;
  }
  const { main } = require(bundle) as { main: Main };
  let failed = 0;
  for (const set of SETS) {
    const file = join(GOLDEN, `${set.name}.json`);
    if (set.dir === undefined) {
      console.log(`golden: ${set.name}: the shared corpus was not found (set LAMBDA_LENS_CORPUS); skipped`);
      continue;
    }
    const got = await runSet(main, set.dir);
    if (update) {
      writeFileSync(file, serialise(got));
      console.log(`golden: ${set.name}: recorded ${got.findings.length} findings, ${got.notes.length} notes`);
      continue;
    }
    if (!existsSync(file)) {
      console.error(`golden: ${set.name}: ${file} is missing; run \`npm run golden:update\``);
      failed++;
      continue;
    }
    const want = JSON.parse(readFileSync(file, 'utf8')) as Golden;
    const diff = describe(set.name, want, got);
    if (diff.length === 0) {
      console.log(`golden: ${set.name}: ${got.findings.length} findings, unchanged`);
    } else {
      console.error(diff.join('\n'));
      failed++;
    }
  }
  if (failed > 0) {
    console.error(`golden: ${failed} set(s) changed. If the change is meant, run \`npm run golden:update\` and say why in the commit.`);
    return 1;
  }
  return 0;
}

run().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  },
);
