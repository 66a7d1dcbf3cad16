/**
 * The bundled CLI (dist/cli.js), run as a user runs it: output formats, exit codes,
 * configuration, bad files. `npm test` builds before running this.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync, mkdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { filesUnder, formatExpectation, readExpectations } from './helpers/fixtures';

const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'bin/lambda-lens.js');
const FIXTURES = join(ROOT, 'test/fixtures/rules');

interface JsonFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  ruleId: string;
  severity: string;
  message: string;
}

function run(args: string[], cwd = ROOT): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const BAD_MEMORY =
  "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Handler: index.handler\n      Runtime: nodejs22.x\n      Role: arn:aws:iam::123456789012:role/r\n      Code: { ZipFile: 'x' }\n      MemorySize: 64\n";
const GOOD = BAD_MEMORY.replace('MemorySize: 64', 'MemorySize: 256');

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'lambda-lens-cli-'));
}

test('every rule fixture: JSON findings match the caret markers', () => {
  const r = run(['check', 'test/fixtures/rules', '--format', 'json']);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  const findings = JSON.parse(r.stdout) as JsonFinding[];
  for (const ruleId of readdirSync(FIXTURES).sort()) {
    for (const file of filesUnder(join(FIXTURES, ruleId))) {
      if (/\.(md|txt)$/.test(file)) continue;
      const rel = relative(ROOT, file);
      const got = findings
        .filter((f) => f.file === rel && f.ruleId === ruleId)
        .map(formatExpectation)
        .sort();
      const want = readExpectations(file)
        .filter((e) => e.ruleId === ruleId)
        .map(formatExpectation)
        .sort();
      assert.deepEqual(got, want, rel);
    }
  }
});

test('JSON output: 1-based positions and every field', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'template.yaml'), BAD_MEMORY);
  const r = run(['check', dir, '--format', 'json']);
  assert.equal(r.code, 1);
  const [f, ...rest] = JSON.parse(r.stdout) as JsonFinding[];
  assert.equal(rest.length, 0);
  assert.ok(f);
  assert.deepEqual(
    {
      line: f.line,
      column: f.column,
      endLine: f.endLine,
      endColumn: f.endColumn,
      ruleId: f.ruleId,
      severity: f.severity,
    },
    { line: 10, column: 19, endLine: 10, endColumn: 21, ruleId: 'LL1001', severity: 'error' },
  );
  assert.match(f.file, /template\.yaml$/);
  assert.match(f.message, /64 MB/);
});

test('exit codes: 0 clean, 1 errors, 2 bad usage, 3 a file that could not be checked', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'template.yaml'), GOOD);
  assert.equal(run(['check', dir]).code, 0);
  writeFileSync(join(dir, 'template.yaml'), BAD_MEMORY);
  assert.equal(run(['check', dir]).code, 1);
  assert.equal(run(['check', dir, '--format', 'xml']).code, 2);
  assert.equal(run(['check', join(dir, 'missing.yaml')]).code, 2);
  assert.equal(run(['frobnicate']).code, 2);
  assert.equal(run([]).code, 2);
  assert.equal(run(['--help']).code, 0);
  // A path that cannot be read (a dangling link named on the command line): the run is
  // incomplete, which is neither "clean" nor "findings"; the other files are still checked.
  symlinkSync(join(dir, 'gone.yaml'), join(dir, 'link.yaml'));
  const unreadable = run(['check', join(dir, 'link.yaml'), join(dir, 'template.yaml'), '--format', 'json']);
  assert.equal(unreadable.code, 3, unreadable.stderr);
  assert.match(unreadable.stderr, /link\.yaml: cannot be read/);
  assert.deepEqual(
    (JSON.parse(unreadable.stdout) as JsonFinding[]).map((f) => f.ruleId),
    ['LL1001'],
  );
});

test('options: --format=json and -f json are the same, unknown options and missing values are usage errors', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'template.yaml'), BAD_MEMORY);
  const long = run(['check', dir, '--format=json']);
  const short = run(['check', dir, '-f', 'json']);
  assert.equal(long.code, 1);
  assert.deepEqual(JSON.parse(short.stdout), JSON.parse(long.stdout));
  const unknown = run(['check', dir, '--bogus']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /^lambda-lens check: unknown option --bogus$/m);
  const missing = run(['check', dir, '--format']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^lambda-lens check: --format needs a value$/m);
  const bad = run(['check', dir, '--format', 'xml']);
  assert.match(bad.stderr, /--format takes text, json or sarif \(got xml\)/);
  const rules = run(['rules', 'extra']);
  assert.equal(rules.code, 2);
  assert.match(rules.stderr, /unexpected argument extra/);
});

test('help: the global help names every command and language; each command has its own help', () => {
  const global = run(['help']);
  assert.equal(global.code, 0);
  for (const command of [
    'check',
    'simulate <scenario.json>',
    'simulate <template> [--function <id>]',
    'rules',
    'help',
    'version',
  ]) {
    assert.ok(global.stdout.includes(`  ${command}`), `the global help lists ${command}:\n${global.stdout}`);
  }
  assert.match(global.stdout, /JavaScript, TypeScript and Python/);
  assert.match(global.stdout, /serverless\.yml and\nCDK stacks/);
  assert.deepEqual(run(['--help']).stdout, global.stdout);
  const own: Record<string, RegExp> = {
    check: /^Usage: lambda-lens check \[paths\.\.\.\]/,
    simulate: /^Usage: lambda-lens simulate <scenario\.json>/,
    rules: /^Usage: lambda-lens rules\n/,
    tune: /^Usage: lambda-lens tune <scenario\.json\|template\.yaml>/,
  };
  for (const [command, usage] of Object.entries(own)) {
    const viaHelp = run(['help', command]);
    const viaFlag = run([command, '--help']);
    const viaShort = run([command, '-h']);
    assert.equal(viaHelp.code, 0);
    assert.equal(viaFlag.code, 0);
    assert.match(viaHelp.stdout, usage);
    assert.equal(viaFlag.stdout, viaHelp.stdout, `${command} --help`);
    assert.equal(viaShort.stdout, viaHelp.stdout, `${command} -h`);
    assert.notEqual(viaHelp.stdout, global.stdout);
  }
  // --help wins over the other arguments, even bad ones.
  assert.equal(run(['check', '--format', 'xml', '--help']).code, 0);
  const unknown = run(['help', 'nope']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no command "nope" \(commands: check, simulate, tune, rules/);
});

test('text output names the file, position, rule and a summary', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'template.yaml'), BAD_MEMORY);
  const r = run(['check', 'template.yaml'], dir);
  assert.match(r.stdout, /^template\.yaml$/m);
  assert.match(r.stdout, /10:19\s+error\s+MemorySize 64 MB .* LL1001/);
  assert.match(r.stdout, /1 template checked: 1 problem \(1 errors/);
});

test('SARIF 2.1.0 output for code scanning', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'template.yaml'), BAD_MEMORY);
  const r = run(['check', '.', '--format', 'sarif'], dir);
  const sarif = JSON.parse(r.stdout) as {
    version: string;
    runs: {
      tool: { driver: { name: string; rules: { id: string; helpUri: string }[] } };
      results: {
        ruleId: string;
        ruleIndex: number;
        level: string;
        locations: {
          physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } };
        }[];
      }[];
    }[];
  };
  assert.equal(sarif.version, '2.1.0');
  const run0 = sarif.runs[0];
  assert.ok(run0);
  const result = run0.results[0];
  assert.ok(result);
  assert.equal(result.ruleId, 'LL1001');
  assert.equal(result.level, 'error');
  assert.equal(run0.tool.driver.rules[result.ruleIndex]?.id, 'LL1001');
  assert.match(run0.tool.driver.rules[result.ruleIndex]?.helpUri ?? '', /LL1001\.md$/);
  assert.deepEqual(result.locations[0]?.physicalLocation.region, {
    startLine: 10,
    startColumn: 19,
    endLine: 10,
    endColumn: 21,
  });
  assert.equal(result.locations[0]?.physicalLocation.artifactLocation.uri, 'template.yaml');
});

test('.lambda-lens.json turns rules off or changes severity', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'template.yaml'), BAD_MEMORY);
  writeFileSync(join(dir, '.lambda-lens.json'), JSON.stringify({ rules: { LL1001: 'warning' } }));
  let r = run(['check', '.', '--format', 'json'], dir);
  assert.equal(r.code, 0, 'a warning does not fail the run');
  assert.equal((JSON.parse(r.stdout) as JsonFinding[])[0]?.severity, 'warning');
  writeFileSync(join(dir, '.lambda-lens.json'), JSON.stringify({ rules: { LL1001: 'off' } }));
  r = run(['check', '.', '--format', 'json'], dir);
  assert.deepEqual(JSON.parse(r.stdout), []);
  writeFileSync(join(dir, '.lambda-lens.json'), JSON.stringify({ rules: { LL1001: 'loud', nope: 'off' } }));
  r = run(['check', '.', '--format', 'json'], dir);
  assert.match(r.stderr, /LL1001 must be one of/);
  assert.match(r.stderr, /"nope" is not a rule id/);
});

test('bad files: the run goes on past them and says why', () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'node_modules/pkg'), { recursive: true });
  writeFileSync(join(dir, 'node_modules/pkg/template.yaml'), BAD_MEMORY);
  writeFileSync(join(dir, 'a-broken.yaml'), "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Fn: [\n");
  writeFileSync(join(dir, 'b-binary.yaml'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0xff, 0xfe]));
  writeFileSync(join(dir, 'c-empty.yaml'), '');
  writeFileSync(
    join(dir, 'd-latin1.yaml'),
    Buffer.concat([Buffer.from(BAD_MEMORY.replace('Resources:', '# caf\u00e9\nResources:'), 'latin1')]),
  );
  writeFileSync(join(dir, 'e-not-a-template.json'), '{"name": "x"}');
  writeFileSync(join(dir, 'f-template.yaml'), BAD_MEMORY);
  const r = run(['check', '.', '--format', 'json'], dir);
  assert.equal(r.code, 1);
  const findings = JSON.parse(r.stdout) as JsonFinding[];
  const byFile = (name: string) => findings.filter((f) => f.file === name).map((f) => f.ruleId);
  assert.deepEqual(byFile('a-broken.yaml'), ['LL0001']);
  assert.deepEqual(
    byFile('b-binary.yaml'),
    ['LL0002'],
    'a template-named file that is not text is reported, not skipped in silence',
  );
  assert.deepEqual(byFile('c-empty.yaml'), []);
  assert.deepEqual(byFile('d-latin1.yaml').sort(), ['LL0002', 'LL1001']);
  assert.deepEqual(byFile('e-not-a-template.json'), []);
  assert.deepEqual(byFile('f-template.yaml'), ['LL1001']);
  assert.equal(findings.filter((f) => f.file.includes('node_modules')).length, 0, 'node_modules is not walked');
  const explicit = run(['check', 'b-binary.yaml', 'c-empty.yaml', 'e-not-a-template.json'], dir);
  assert.equal(explicit.code, 0);
  assert.match(explicit.stderr, /b-binary\.yaml: skipped, binary/);
  assert.match(explicit.stderr, /c-empty\.yaml: skipped, empty/);
  assert.match(explicit.stderr, /e-not-a-template\.json: not a SAM \/ CloudFormation template/);
});

test('a 10 MB template is checked in full by the CLI', () => {
  const dir = tempDir();
  const fn = (i: number) =>
    `  Fn${i}:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: index.handler\n      Runtime: nodejs22.x\n      InlineCode: x\n      MemorySize: ${i % 1000 === 0 ? 64 : 256}\n      Description: ${'x'.repeat(120)}\n`;
  const parts = ["AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nResources:\n"];
  let size = 0;
  let i = 0;
  for (; size < 10 * 1024 * 1024; i++) {
    parts.push(fn(i));
    size += (parts[parts.length - 1] as string).length;
  }
  writeFileSync(join(dir, 'template.yaml'), parts.join(''));
  const r = run(['check', '.', '--format', 'json'], dir);
  assert.equal(r.code, 1, r.stderr);
  const findings = JSON.parse(r.stdout) as JsonFinding[];
  assert.equal(findings.filter((f) => f.ruleId === 'LL1001').length, Math.ceil(i / 1000));
});

test('a handler file checked on its own is linked to the template above it', () => {
  const r = run(['check', 'examples/sam-app/src/orders/charge.js', '--format', 'json']);
  const findings = JSON.parse(r.stdout) as JsonFinding[];
  // LL2101 needs the template: it knows the function is fed by SQS, which retries.
  assert.ok(
    findings.some((f) => f.ruleId === 'LL2101'),
    JSON.stringify(findings.map((f) => f.ruleId)),
  );
});

test('simulate: a scenario with problems is bad input (exit 2), each problem with its path, from the bundled validator', () => {
  const r = run(['simulate', 'test/fixtures/simulator/scenarios/bad.scenario.json']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /function\.memorySize: expected a whole number from 128 to 10240 \(got 64\)/);
  assert.match(r.stderr, /traffic\[2\]: give one of deploy, invoke, sqs, kinesis or dynamodb/);
  assert.match(r.stderr, /traffic\[1\]\.sqs\.batchSize: BatchSize 20 needs a batching window/);
});
