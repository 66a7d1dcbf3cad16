/**
 * dist/yaml.js is the `yaml` package built without its per-token debug switches
 * (scripts/build.mjs, yaml-without-debug-env): its parser and composer must not read
 * process.env while they work, and must read documents exactly as the package does. `npm test`
 * builds dist/ before this runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as full from 'yaml';
import { yamlFilesUnder } from './helpers/fixtures';

const ROOT = join(__dirname, '..', '..');
const BUNDLE = join(ROOT, 'dist/yaml.js');

test('the parser and composer of dist/yaml.js do not read their debug switches from process.env', () => {
  const r = spawnSync(
    process.execPath,
    ['-e', `require(${JSON.stringify(BUNDLE)}).parseDocument('Resources:\\n  Q: {Type: AWS::SQS::Queue}\\n')`],
    { env: { ...process.env, LOG_TOKENS: '1', LOG_STREAM: '1' }, encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  // The package itself prints every token (`| <DOC>` …) and every document with these set.
  assert.equal(r.stdout, '');
});

test('dist/yaml.js reads every YAML template of the repository as the yaml package does', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the built file, loaded as the bundles load it
  const built = require(BUNDLE) as typeof full;
  const options = { uniqueKeys: false, merge: true, strict: false, prettyErrors: false } as const;
  const files = [join(ROOT, 'examples'), join(ROOT, 'test/fixtures')].flatMap(yamlFilesUnder);
  assert.ok(files.length > 50, `${files.length} YAML files`);
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const a = full.parseDocument(text, options);
    const b = built.parseDocument(text, options);
    assert.deepEqual(b.toJS({ maxAliasCount: -1 }), a.toJS({ maxAliasCount: -1 }), file);
    assert.deepEqual(
      b.errors.map((e) => [e.code, e.pos]),
      a.errors.map((e) => [e.code, e.pos]),
      file,
    );
  }
});
