// The extension manifest (package.json) against what it points at: every `%key%` has its
// string in package.nls.json (and no string there is unused), every file it names exists,
// and every command it names is one the manifest contributes.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(__dirname, '..', '..');
const manifestText = readFileSync(join(root, 'package.json'), 'utf8');
const nls = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;

interface Manifest {
  icon?: string;
  l10n?: string;
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    snippets?: { path: string }[];
    grammars?: { path: string }[];
    jsonValidation?: { url: string }[];
    menus?: Record<string, { command: string }[]>;
    walkthroughs?: {
      id: string;
      steps: { id: string; media: Record<string, unknown>; completionEvents?: string[] }[];
    }[];
  };
}
const manifest = JSON.parse(manifestText) as Manifest;

test('every %key% in package.json has its string in package.nls.json, and every string there is used', () => {
  const used = new Set([...manifestText.matchAll(/"%([^"%]+)%"/g)].map((m) => m[1] ?? ''));
  assert.ok(
    used.size > 20,
    `only ${used.size} localised strings: the manifest's titles and descriptions should be in package.nls.json`,
  );
  const missing = [...used].filter((key) => typeof nls[key] !== 'string' || nls[key] === '');
  assert.deepEqual(missing, [], 'keys used in package.json without a string in package.nls.json');
  const unused = Object.keys(nls).filter((key) => !used.has(key));
  assert.deepEqual(unused, [], 'strings in package.nls.json that package.json does not use');
});

test('command titles and descriptions are localised, not literal', () => {
  for (const command of manifest.contributes.commands) {
    assert.match(command.title, /^%.+%$/, `${command.command}: title "${command.title}" is not in package.nls.json`);
  }
});

test('every file the manifest names exists', () => {
  const paths = [
    manifest.icon,
    ...(manifest.contributes.snippets ?? []).map((s) => s.path),
    ...(manifest.contributes.grammars ?? []).map((g) => g.path),
    ...(manifest.contributes.jsonValidation ?? []).map((j) => j.url),
    ...(manifest.contributes.walkthroughs ?? []).flatMap((w) =>
      w.steps.flatMap((s) =>
        Object.values(s.media).filter((v): v is string => typeof v === 'string' && /\.(md|svg|png)$/.test(v)),
      ),
    ),
    ...(manifest.l10n ? [join(manifest.l10n, 'bundle.l10n.json')] : []),
  ].filter((p): p is string => p !== undefined);
  assert.ok(paths.length > 10);
  const missing = paths.filter((p) => !existsSync(join(root, p)));
  assert.deepEqual(missing, [], 'files named in package.json that do not exist');
});

test('menus and walkthrough steps name contributed commands', () => {
  const contributed = new Set(manifest.contributes.commands.map((c) => c.command));
  const inMenus = Object.values(manifest.contributes.menus ?? {})
    .flat()
    .map((m) => m.command);
  const inSteps = (manifest.contributes.walkthroughs ?? [])
    .flatMap((w) => w.steps.flatMap((s) => s.completionEvents ?? []))
    .filter((e) => e.startsWith('onCommand:'))
    .map((e) => e.slice('onCommand:'.length));
  const unknown = [...inMenus, ...inSteps].filter((c) => c.startsWith('lambdaLens.') && !contributed.has(c));
  assert.deepEqual(unknown, [], 'commands named in menus or walkthrough steps that package.json does not contribute');
});

test('walkthrough step texts use only what the walkthrough page renders: plain text and links', () => {
  // The Welcome page renders a step's description as text with [label](command:… or https:…)
  // links; code spans and emphasis show their backticks and asterisks (seen in the e2e suite).
  const texts = Object.entries(nls).filter(([key]) => key.startsWith('walkthrough.'));
  assert.ok(texts.length > 5);
  const marked = texts
    .filter(([, text]) => /`|\*\*|__/.test(text.replace(/\[[^\]]*\]\([^)]*\)/g, '')))
    .map(([key]) => key);
  assert.deepEqual(marked, [], 'walkthrough texts with markdown the walkthrough page shows literally');
});
