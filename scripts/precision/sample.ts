/**
 * The judged sample behind docs/precision.md: runs `lambda-lens check --format json` over real
 * checkouts, draws a seeded random sample of the warnings and errors (all rules together, as users
 * meet them) and writes a sheet to judge; `score` computes precision from a judged sheet.
 *
 *   node --import tsx scripts/precision/sample.ts draw --seed 17 --size 150 --out sheet.tsv \
 *     serverless-patterns=/path/to/checkout serverless-samples=/path/to/other ...
 *   node --import tsx scripts/precision/sample.ts score docs/precision/baseline.tsv
 *   node --import tsx scripts/precision/sample.ts compare docs/precision/baseline.tsv all.json
 *
 * Checkouts are read where they are (nothing is copied into the repository); `label=path` names a
 * checkout in the sheet (default: the folder's name). The CLI runs with the checkout as its working
 * folder, so no .lambda-lens.json of this repository applies. `--findings all.json` also saves every
 * finding, and `--from all.json` draws from a saved run instead of running the CLI again.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';

interface Finding {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly ruleId: string;
  readonly severity: 'error' | 'warning' | 'info' | 'hint';
  readonly message: string;
}

/** A finding with the checkout it came from, its path shown relative to that checkout. */
interface Located extends Finding {
  readonly shown: string;
}

const VERDICTS = ['TRUE', 'NOISE', 'FALSE'] as const;
const COLUMNS = ['n', 'rule', 'severity', 'file', 'line', 'code', 'message', 'verdict', 'reason'] as const;
const CLI = resolve(__dirname, '..', '..', 'bin', 'lambda-lens.js');

/** mulberry32: a small seeded PRNG, so a seed always draws the same sample. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function run(checkouts: readonly string[]): Located[] {
  const all: Located[] = [];
  for (const arg of checkouts) {
    const eq = arg.indexOf('=');
    const label = eq > 0 ? arg.slice(0, eq) : basename(resolve(arg));
    const root = resolve(eq > 0 ? arg.slice(eq + 1) : arg);
    process.stderr.write(`checking ${label} (${root})…\n`);
    let out: string;
    try {
      out = execFileSync(process.execPath, [CLI, 'check', '--format', 'json', '.'], {
        cwd: root,
        encoding: 'utf8',
        maxBuffer: 1 << 30,
        stdio: ['ignore', 'pipe', 'ignore'],
      });
    } catch (e) {
      // Exit code 1 means "errors found": the JSON is still on stdout.
      const stdout = (e as { stdout?: unknown }).stdout;
      if (typeof stdout !== 'string' || stdout === '') throw e;
      out = stdout;
    }
    for (const f of JSON.parse(out) as Finding[]) {
      all.push({ ...f, file: resolve(root, f.file), shown: join(label, relative(root, resolve(root, f.file))) });
    }
  }
  return all;
}

function codeLine(file: string, line: number): string {
  try {
    const text = readFileSync(file, 'utf8').split(/\r?\n/)[line - 1] ?? '';
    return cell(text.trim()).slice(0, 160);
  } catch {
    return '(unreadable)';
  }
}

/** A TSV cell: no tabs or line breaks. */
function cell(s: string): string {
  return s.replace(/[\t\r\n]+/g, ' ');
}

function countBy<T>(items: readonly T[], key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const i of items) m.set(key(i), (m.get(key(i)) ?? 0) + 1);
  return new Map([...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}

function draw(args: string[]): void {
  let seed = 1;
  let size = 150;
  let out = 'sheet.tsv';
  let save: string | undefined;
  let from: string | undefined;
  const checkouts: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--seed') seed = Number(args[++i]);
    else if (a === '--size') size = Number(args[++i]);
    else if (a === '--out') out = args[++i] as string;
    else if (a === '--findings') save = args[++i];
    else if (a === '--from') from = args[++i];
    else checkouts.push(a);
  }
  if (!Number.isInteger(seed) || !Number.isInteger(size) || size < 1)
    throw new Error('--seed and --size take whole numbers');
  if (from === undefined && checkouts.length === 0)
    throw new Error('give checkouts to run over, or --from a saved run');
  const all = from !== undefined ? (JSON.parse(readFileSync(from, 'utf8')) as Located[]) : run(checkouts);
  if (save !== undefined) writeFileSync(save, JSON.stringify(all));
  // Sorted first so the draw depends only on the findings and the seed, not on walk order.
  const pool = all
    .filter((f) => f.severity === 'error' || f.severity === 'warning')
    .sort(
      (a, b) =>
        a.shown.localeCompare(b.shown) ||
        a.line - b.line ||
        a.column - b.column ||
        a.ruleId.localeCompare(b.ruleId) ||
        a.message.localeCompare(b.message),
    );
  const next = random(seed);
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [pool[i], pool[j]] = [pool[j] as Located, pool[i] as Located];
  }
  const sample = pool.slice(0, size);
  const rows = sample.map((f, i) =>
    [
      String(i + 1),
      f.ruleId,
      f.severity,
      f.shown,
      String(f.line),
      codeLine(f.file, f.line),
      cell(f.message),
      '',
      '',
    ].join('\t'),
  );
  writeFileSync(out, [COLUMNS.join('\t'), ...rows].join('\n') + '\n');
  const infos = all.filter((f) => f.severity !== 'error' && f.severity !== 'warning');
  process.stdout.write(
    `${all.length} findings: ${pool.length} warnings and errors, ${infos.length} infos; ${sample.length} drawn (seed ${seed}) to ${out}\n`,
  );
  process.stdout.write(
    `warnings and errors by rule: ${[...countBy(pool, (f) => f.ruleId)].map(([k, v]) => `${k} ${v}`).join(', ')}\n`,
  );
  process.stdout.write(
    `infos by rule: ${[...countBy(infos, (f) => f.ruleId)].map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}\n`,
  );
}

function score(file: string): void {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  const header = (lines[0] ?? '').split('\t');
  const at = (name: (typeof COLUMNS)[number]): number => header.indexOf(name);
  const rows = lines.slice(1).map((l) => l.split('\t'));
  const unjudged = rows.filter((r) => !VERDICTS.includes(r[at('verdict')] as (typeof VERDICTS)[number]));
  if (unjudged.length > 0)
    throw new Error(`${unjudged.length} rows without a TRUE/NOISE/FALSE verdict (first: row ${unjudged[0]?.[0]})`);
  const n = rows.length;
  const pct = (k: number): string => `${((100 * k) / n).toFixed(1)}%`;
  const by = countBy(rows, (r) => r[at('verdict')] as string);
  process.stdout.write(
    `${n} judged: ${VERDICTS.map((v) => `${v} ${by.get(v) ?? 0} (${pct(by.get(v) ?? 0)})`).join(', ')}\n`,
  );
  process.stdout.write('by rule (TRUE/NOISE/FALSE):\n');
  for (const [rule] of countBy(rows, (r) => r[at('rule')] as string)) {
    const of = rows.filter((r) => r[at('rule')] === rule);
    const c = (v: string): number => of.filter((r) => r[at('verdict')] === v).length;
    process.stdout.write(`  ${rule}  ${c('TRUE')}/${c('NOISE')}/${c('FALSE')}\n`);
  }
}

/**
 * Nothing right before is lost: each TRUE finding of a judged sheet must still be reported, as a
 * warning or an error, in a later run saved with `--findings` (same file, line and rule).
 */
function compare(sheet: string, saved: string): void {
  const lines = readFileSync(sheet, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  const header = (lines[0] ?? '').split('\t');
  const at = (name: (typeof COLUMNS)[number]): number => header.indexOf(name);
  const now = JSON.parse(readFileSync(saved, 'utf8')) as Located[];
  const rows = lines
    .slice(1)
    .map((l) => l.split('\t'))
    .filter((r) => r[at('verdict')] === 'TRUE');
  const lost = rows.filter(
    (r) =>
      !now.some(
        (f) =>
          f.shown === r[at('file')] &&
          String(f.line) === r[at('line')] &&
          f.ruleId === r[at('rule')] &&
          (f.severity === 'error' || f.severity === 'warning'),
      ),
  );
  process.stdout.write(
    `${rows.length} TRUE findings judged; ${rows.length - lost.length} still reported as warnings or errors, ${lost.length} not:\n`,
  );
  for (const r of lost) {
    const same = now.find(
      (f) => f.shown === r[at('file')] && String(f.line) === r[at('line')] && f.ruleId === r[at('rule')],
    );
    process.stdout.write(
      `  #${r[0]} ${r[at('rule')]} ${r[at('file')]}:${r[at('line')]} ${same ? `now ${same.severity}` : 'gone'}\n`,
    );
  }
}

const [command, ...rest] = process.argv.slice(2);
if (command === 'draw') draw(rest);
else if (command === 'score' && rest[0] !== undefined) score(rest[0]);
else if (command === 'compare' && rest[0] !== undefined && rest[1] !== undefined) compare(rest[0], rest[1]);
else {
  process.stderr.write(
    'usage: sample.ts draw [--seed N] [--size N] [--out sheet.tsv] [--findings all.json | --from all.json] [label=]checkout...\n       sample.ts score sheet.tsv\n       sample.ts compare judged.tsv all.json\n',
  );
  process.exitCode = 2;
}
