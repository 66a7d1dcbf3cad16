/**
 * Writes l10n/bundle.l10n.json: every string the extension host code passes to
 * `vscode.l10n.t(...)` (client/src), the file translators start from
 * (bundle.l10n.<locale>.json beside it). `--check` fails when the file is out of date instead.
 * Reads the sources with the TypeScript compiler, so only literal first arguments count.
 */
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'l10n', 'bundle.l10n.json');

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const strings = new Set();
const problems = [];
for (const file of sources(join(root, 'client', 'src'))) {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const visit = (node) => {
    if (ts.isCallExpression(node) && node.expression.getText(sf) === 'vscode.l10n.t') {
      const first = node.arguments[0];
      if (first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first))) strings.add(first.text);
      else
        problems.push(
          `${file}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}: vscode.l10n.t needs a string literal`,
        );
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
const bundle = `${JSON.stringify(Object.fromEntries([...strings].sort().map((s) => [s, s])), null, 2)}\n`;
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(out, 'utf8');
  } catch {
    // Missing: out of date.
  }
  if (current !== bundle) {
    console.error('l10n/bundle.l10n.json is out of date: run `npm run l10n`.');
    process.exit(1);
  }
} else {
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, bundle);
  console.log(`${strings.size} strings → ${out}`);
}
