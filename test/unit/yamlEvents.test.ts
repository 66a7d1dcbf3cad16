/**
 * The fast YAML reader (templates/yamlEvents.ts, over js-yaml's events) must give exactly the
 * tree the `yaml` package's reading gives (templates/parse.ts `parseYamlWithPackage`), spans
 * included, or decline: over every YAML file of the repository and the shared corpus when it
 * is beside it, and over mutated copies of them (layout changes that move node ranges, and the
 * fuzz harness's damage). A text the `yaml` package finds broken must be declined, so that its
 * syntax errors are still reported.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { parseTreeText, parseYamlWith, type ParsedTree } from '../../server/src/service/templates/parse';
import { readYamlEvents, resolvePlain } from '../../server/src/service/templates/yamlEvents';
import { INPUT_LIMITS, longestLine, nestingDepth } from '../../server/src/service/input';
import { inputRandom, mutate } from '../fuzz/mutate';
import { yamlFilesUnder } from './helpers/fixtures';
import { mutateLayout } from './helpers/yamlLayout';

const ROOT = resolve(__dirname, '../..');

function corpus(): string | undefined {
  for (let dir = dirname(ROOT); dirname(dir) !== dir; dir = dirname(dir))
    if (existsSync(join(dir, 'shared', 'corpus'))) return join(dir, 'shared', 'corpus');
  return undefined;
}

const repoFiles = [join(ROOT, 'examples'), join(ROOT, 'test/fixtures')].flatMap(yamlFilesUnder);

/**
 * Whether the reading with the fast reader first equals the `yaml` package's (the tree, its spans,
 * the syntax errors), and whether the fast reader took the text as it is ('fast').
 */
function compare(text: string): 'fast' | 'declined' | string {
  const read = readYamlEvents(text.replace(/\r(?!\n)/g, '\n'), 100);
  // Declined, the text goes to the yaml package alone, as in the reading compared against; so does
  // a rejected one with aliases, which its re-reading declines too (and alias bombs took seconds).
  if (read === 'declined' || (!(typeof read === 'object' && 'root' in read) && /(?:^|[\s,[{])\*[\w-]/.test(text)))
    return 'declined';
  // What a reading gives its callers; `parseYamlWith` may also return internal flags (whether an
  // edit may patch the tree), which depend on the reader that took it.
  const given = ({ root, syntaxErrors, format, overLimit }: ParsedTree) => ({ root, syntaxErrors, format, overLimit });
  const fast = given(parseYamlWith('fast', text));
  const pkg = given(parseYamlWith('package', text));
  try {
    assert.deepStrictEqual(fast, pkg);
  } catch (e) {
    return String(e instanceof Error ? e.message : e).slice(0, 2000);
  }
  return typeof read === 'object' && 'root' in read ? 'fast' : 'declined';
}

test('the fast reader reads the repository and corpus YAML files as the yaml package does, and most of them', () => {
  const shared = corpus();
  const files = [...repoFiles, ...(shared ? yamlFilesUnder(shared) : [])];
  assert.ok(repoFiles.length > 150, `${repoFiles.length} YAML files in the repository`);
  let read = 0;
  for (const file of files) {
    const outcome = compare(readFileSync(file, 'utf8'));
    if (outcome === 'fast') read++;
    else assert.equal(outcome, 'declined', file);
  }
  // The ones declined: broken YAML, Jinja sources, aliases, `%YAML 1.1`, empty values followed by comments.
  assert.ok(read / files.length > 0.9, `read ${read} of ${files.length}`);
});

test('the fast reader reads mutated templates as the yaml package does, or declines them', () => {
  let read = 0;
  const inputs = 3000;
  for (let i = 0; i < inputs; i++) {
    const file = repoFiles[i % repoFiles.length] as string;
    const base = readFileSync(file, 'utf8');
    // Two in three change only the layout; the third is the fuzz harness's damage.
    const text = i % 3 === 2 ? mutate(base, inputRandom(2026, i)).text : mutateLayout(base, i);
    // Past the input budgets parseTreeText reads nothing (test/unit/hostile.test.ts covers those).
    if (
      text.length > 200_000 ||
      nestingDepth(text, 'yaml').depth > INPUT_LIMITS.maxNesting ||
      longestLine(text, INPUT_LIMITS.maxYamlLineLength).length > INPUT_LIMITS.maxYamlLineLength
    )
      continue;
    const outcome = compare(text);
    if (outcome === 'fast') read++;
    else assert.equal(outcome, 'declined', `${file}, mutation ${i}`);
  }
  assert.ok(read > inputs / 2, `read ${read} of ${inputs}`);
});

test('each construct the fast reader does not reproduce is declined, and still read by the yaml package', () => {
  const declined: Record<string, string> = {
    alias: 'A: &x 1\nB: *x\n',
    merge: 'A:\n  <<: {a: 1}\n  b: 2\n',
    'YAML 1.1 directive': '%YAML 1.1\n---\nA: yes\n',
    'two documents': 'A: 1\n---\nB: 2\n',
    'a global tag': 'A: !!str 1\n',
    'an empty value followed by a comment': 'A:\n  B: # none\n  C: 1\n',
    'an indented document start': '  ---\nA: 1\n',
    'a tab in indentation': 'A:\n\tB: 1\n',
    'a key over two lines': 'A\n  B: 1\n',
    'a mapping after a tag on its key line': 'A: !GetAtt B: 1\n',
    'an empty document': '# nothing\n',
  };
  for (const [what, text] of Object.entries(declined)) {
    assert.notEqual(typeof readYamlEvents(text, 100), 'object', what);
    // parseTreeText still reads it (through the yaml package), as before the fast reader.
    assert.deepStrictEqual(parseTreeText(text, 'yaml'), parseYamlWith('package', text), what);
  }
});

test('plain scalars resolve as the yaml package resolves them (YAML 1.2 core schema)', () => {
  const plain = [
    ...['~', 'null', 'Null', 'NULL', 'nULL', ''],
    ...['true', 'True', 'TRUE', 'tRUE', 'false', 'False', 'FALSE', 'yes', 'no', 'on', 'off', 'y', 'n'],
    ...['0', '-0', '+0', '007', '+12', '-12', '0o17', '0o8', '0O17', '0x1F', '0X1F', '0xg', '0b101', '1_000'],
    ...['12345678901234567890', '9007199254740993', '1e3', '1E-3', '-1.5e+2', '.5', '5.', '-.5', '+.5', '1.0', '1.50'],
    ...['.inf', '-.Inf', '+.INF', '.nan', '.NaN', '.NAN', '-.nan', 'inf', 'NaN'],
    ...['2012-10-17', '2010-09-09', '12:30:00', '1:20', '0.0.0.0', '1.2.3', '10GB', '128MB', 'nodejs20.x'],
  ];
  for (const s of plain) {
    const doc = parseDocument(`v: ${s}\n`, { uniqueKeys: false, merge: true, strict: false, prettyErrors: false });
    const expected = (doc.toJS() as { v: unknown }).v;
    assert.ok(
      Object.is(resolvePlain(s), expected),
      `${JSON.stringify(s)}: ${String(resolvePlain(s))} ≠ ${String(expected)}`,
    );
  }
});
