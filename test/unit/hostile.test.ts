/**
 * Hostile and broken input, rebuilt from the reliability report (issue 19): each crafted file
 * is checked by the bundled CLI (dist/cli.js) beside an ordinary project, and must neither
 * crash nor hang the run, nor lose the other files' findings.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { aliasBomb, cfnTemplate, deepJsonTemplate, deepParens } from './helpers/hostile';

const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'bin/lambda-lens.js');

interface JsonFinding {
  file: string;
  line: number;
  ruleId: string;
  severity: string;
  message: string;
}

/** A SAM function whose handler builds its SDK client per invocation (LL3001). */
const SAM = `Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: nodejs22.x
      MemorySize: 64
`;
const HANDLER = `const { S3Client, ListBucketsCommand } = require('@aws-sdk/client-s3');
exports.handler = async () => {
  const s3 = new S3Client({});
  return s3.send(new ListBucketsCommand({}));
};
`;
const CFN = cfnTemplate;

/** Writes an ordinary project (template + handler) plus the given hostile files, and checks it. */
function checkWith(files: Record<string, string | Buffer>): {
  code: number | null;
  findings: JsonFinding[];
  stderr: string;
} {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-lens-hostile-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'template.yaml'), SAM);
  writeFileSync(join(dir, 'src/app.js'), HANDLER);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  const r = spawnSync(process.execPath, [CLI, 'check', '.', '--format', 'json'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(r.signal, null, `the check was killed (${String(r.signal)}): it hung or blew up`);
  assert.ok(r.status === 0 || r.status === 1, `exit ${String(r.status)}: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /internal error|RangeError|Maximum call stack/);
  return { code: r.status, findings: JSON.parse(r.stdout) as JsonFinding[], stderr: r.stderr };
}

function rulesOf(findings: readonly JsonFinding[], file: string): string[] {
  return findings
    .filter((f) => f.file === file)
    .map((f) => f.ruleId)
    .sort();
}

/** The ordinary project's own findings, which no hostile sibling may take away. */
function assertProjectChecked(findings: readonly JsonFinding[]): void {
  assert.ok(
    rulesOf(findings, 'template.yaml').includes('LL1001'),
    'the template beside the hostile file is still checked',
  );
  assert.ok(rulesOf(findings, 'src/app.js').includes('LL3001'), "the handler's LL3001 is kept");
}

test('a JSON template nested 10,000 levels deep: LL0003 on it, the rest of the run kept', () => {
  const deep = deepJsonTemplate();
  const { findings } = checkWith({ 'deep/template.json': deep });
  const [note] = findings.filter((f) => f.file === 'deep/template.json');
  assert.equal(note?.ruleId, 'LL0003');
  assert.match(note?.message ?? '', /nested more than 256 levels/);
  assertProjectChecked(findings);
});

test('handler code with 10,000 nested parentheses, JS and Python: not parsed; LL0003 where a template links it', () => {
  const parens = deepParens();
  const linked = `Transform: AWS::Serverless-2016-10-31
Resources:
  Deep:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: linked/
      Handler: deep.handler
      Runtime: nodejs22.x
`;
  const { findings } = checkWith({
    'src/deep.js': `exports.handler = async () => ${parens};\n`,
    'py/deep.py': `def handler(event, context):\n    return ${parens}\n`,
    'linked.yaml': linked,
    'linked/deep.js': `exports.handler = async () => ${parens};\n`,
  });
  assert.deepEqual(rulesOf(findings, 'src/deep.js'), [], 'code no template links is not reported');
  assert.deepEqual(rulesOf(findings, 'py/deep.py'), []);
  const [note] = findings.filter((f) => f.file === 'linked/deep.js');
  assert.equal(note?.ruleId, 'LL0003');
  assert.match(note?.message ?? '', /nested more than 256 levels/);
  assert.ok(
    !rulesOf(findings, 'linked.yaml').includes('LL5001'),
    'no "does not export" guessed about code that was not read',
  );
  assertProjectChecked(findings);
});

test('a 470-byte YAML alias bomb beside a template: read in bounded time, not reported (not a template)', () => {
  const { findings } = checkWith({ 'config.yaml': aliasBomb() });
  assert.deepEqual(rulesOf(findings, 'config.yaml'), []);
  assertProjectChecked(findings);
});

test('an alias bomb inside a template: one LL0003 at the alias that ran past the budget', () => {
  const { findings } = checkWith({ 'bomb/template.yaml': CFN(`Metadata:\n${aliasBomb('  ')}`) });
  const notes = findings.filter((f) => f.file === 'bomb/template.yaml');
  assert.deepEqual(
    notes.map((f) => f.ruleId),
    ['LL0003'],
  );
  assert.match(notes[0]?.message ?? '', /aliases expand to more than 10,000 nodes/);
  assertProjectChecked(findings);
});

test('UTF-16 templates (LE and BE, with or without a BOM) are decoded and checked, with an LL0002 note', () => {
  const text = CFN('');
  const be = (s: string) => {
    const le = Buffer.from(s, 'utf16le');
    for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1] ?? 0, le[i] ?? 0];
    return le;
  };
  const { findings } = checkWith({
    'le-bom/template.yaml': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
    'be-bom/template.yaml': Buffer.concat([Buffer.from([0xfe, 0xff]), be(text)]),
    'le/template.yaml': Buffer.from(text, 'utf16le'),
    'utf8-bom/template.yaml': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]),
  });
  for (const f of ['le-bom', 'be-bom', 'le']) {
    const rules = rulesOf(findings, `${f}/template.yaml`);
    assert.ok(rules.includes('LL0002') && rules.includes('LL1001'), `${f}: ${rules.join(', ')}`);
  }
  assert.ok(!rulesOf(findings, 'utf8-bom/template.yaml').includes('LL0002'), 'a UTF-8 BOM is fine');
  assert.ok(rulesOf(findings, 'utf8-bom/template.yaml').includes('LL1001'));
  const line = findings.find((f) => f.file === 'le/template.yaml' && f.ruleId === 'LL1001')?.line;
  assert.equal(line, 8, 'positions count lines of the decoded text');
});

test('CR-only line endings parse, and findings land on their lines', () => {
  const { findings } = checkWith({ 'cr/template.yaml': CFN('').replace(/\n/g, '\r') });
  assert.deepEqual(
    rulesOf(findings, 'cr/template.yaml').filter((r) => r === 'LL0001'),
    [],
  );
  assert.equal(findings.find((f) => f.file === 'cr/template.yaml' && f.ruleId === 'LL1001')?.line, 8);
});

test('package-size walks (LL1013): a CodeUri outside the project is reported, not walked; link loops end; walks stop past the limit', () => {
  const many = Array.from(
    { length: 40 },
    (_, i) =>
      `  F${i}:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: /usr\n      Handler: index.handler\n      Runtime: nodejs22.x\n`,
  ).join('');
  const dir = mkdtempSync(join(tmpdir(), 'lambda-lens-walk-'));
  mkdirSync(join(dir, '.git'));
  mkdirSync(join(dir, 'outside'));
  writeFileSync(join(dir, 'outside/template.yaml'), `Transform: AWS::Serverless-2016-10-31\nResources:\n${many}`);
  // A folder that links to its parent: a walk that followed it would never end.
  mkdirSync(join(dir, 'loop/src'), { recursive: true });
  symlinkSync('..', join(dir, 'loop/src/up'));
  writeFileSync(join(dir, 'loop/src/index.js'), 'exports.handler = async () => 1;\n');
  writeFileSync(join(dir, 'loop/template.yaml'), SAM.replace('src/', 'src/').replace('app.handler', 'index.handler'));
  // 300 MB on paper (a sparse file), and thousands of entries after it that need not be walked.
  mkdirSync(join(dir, 'big/src/a'), { recursive: true });
  writeFileSync(join(dir, 'big/src/index.js'), 'exports.handler = async () => 1;\n');
  writeFileSync(join(dir, 'big/src/a/blob.bin'), '');
  truncateSync(join(dir, 'big/src/a/blob.bin'), 300 * 1024 * 1024);
  writeFileSync(join(dir, 'big/template.yaml'), SAM.replace('app.handler', 'index.handler'));
  const r = spawnSync(process.execPath, [CLI, 'check', '.', '--format', 'json'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(r.signal, null);
  const findings = JSON.parse(r.stdout) as JsonFinding[];
  const outside = findings.filter((f) => f.file === 'outside/template.yaml' && f.ruleId === 'LL1013');
  assert.equal(outside.length, 40);
  assert.ok(outside.every((f) => f.severity === 'info' && /outside the project folder/.test(f.message)));
  assert.deepEqual(
    findings.filter((f) => f.file === 'loop/template.yaml' && f.ruleId === 'LL1013'),
    [],
  );
  const big = findings.find((f) => f.file === 'big/template.yaml' && f.ruleId === 'LL1013');
  assert.match(big?.message ?? '', /is (at least )?300 MB on disk/);
});

test('expressions nested without brackets (!!!…x, await await …, not not …): no stack overflow, the rest kept', () => {
  const { findings } = checkWith({
    'src/unary.js': `exports.handler = async () => ${'!'.repeat(20_000)}x;\n`,
    'src/awaits.mjs': `export const handler = async () => ${'await '.repeat(5_000)}x;\n`,
    'src/arrows.js': `exports.handler = async () => ${'() => '.repeat(5_000)}1;\n`,
    'py/nots.py': `def handler(event, context):\n    return ${'not '.repeat(20_000)}x\n`,
  });
  assertProjectChecked(findings);
});

test('handler code with a 1 MB line of quotes (npm run fuzz): not parsed; LL0003 where a template links it, the rest kept', () => {
  const linked = `Transform: AWS::Serverless-2016-10-31
Resources:
  Quotes:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: linked/
      Handler: quotes.handler
      Runtime: nodejs22.x
`;
  const quotes = `exports.handler = async () => 1;\nconst a = ${'"'.repeat(1_000_000)};\n`;
  const { findings } = checkWith({ 'linked.yaml': linked, 'linked/quotes.js': quotes });
  const [note] = findings.filter((f) => f.file === 'linked/quotes.js');
  assert.equal(note?.ruleId, 'LL0003');
  assert.match(note?.message ?? '', /a line of more than 250,000 characters/);
  assertProjectChecked(findings);
});
