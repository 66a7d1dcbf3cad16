/**
 * Protocol-level tests: the bundled language server (dist/server.js) started over stdio,
 * driven with real LSP messages. Run `npm run build` first (`npm test` does).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import {
  DidOpenTextDocumentNotification,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidChangeConfigurationNotification,
  HoverRequest,
  CodeActionRequest,
  type CodeAction,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type Diagnostic,
  type MarkupContent,
} from 'vscode-languageserver-protocol/node';
import { URI } from 'vscode-uri';
import { filesUnder, formatExpectation, readExpectations } from '../unit/helpers/fixtures';
import { startServer, type TestServer } from './client';

const ROOT = resolve(__dirname, '../..');
const FIXTURES = join(ROOT, 'test/fixtures/rules');

let server: TestServer;
let conn: ProtocolConnection;
let editorRules: Record<string, string> = {};
const nextDiagnostics = (uri: string, accept?: (p: PublishDiagnosticsParams) => boolean) =>
  server.nextDiagnostics(uri, accept);

before(async () => {
  server = await startServer({
    rootUri: URI.file(ROOT).toString(),
    capabilities: { workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } } },
    configuration: (section) => (section === 'lambdaLens.rules' ? editorRules : null),
  });
  conn = server.conn;
});

after(() => server.stop());

function languageOf(path: string): string {
  const ext = extname(path);
  if (ext === '.json') return 'json';
  if (/^\.[cm]?js$/.test(ext)) return 'javascript';
  if (/^\.[cm]?ts$/.test(ext)) return 'typescript';
  return 'yaml';
}

async function open(uri: string, text: string, languageId = 'yaml', version = 1): Promise<PublishDiagnosticsParams> {
  const published = nextDiagnostics(uri);
  await conn.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId, version, text },
  });
  return published;
}

async function close(uri: string): Promise<void> {
  const cleared = nextDiagnostics(uri);
  await conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  await cleared;
}

function at(d: Diagnostic): string {
  return formatExpectation({
    line: d.range.start.line + 1,
    column: d.range.start.character + 1,
    ruleId: String(d.code),
  });
}

test('every rule fixture: published diagnostics match the caret markers', async () => {
  for (const ruleId of readdirSync(FIXTURES).sort()) {
    for (const file of filesUnder(join(FIXTURES, ruleId))) {
      if (/\.(md|txt)$/.test(file)) continue;
      const uri = URI.file(file).toString();
      const text = readFileSync(file, 'utf8');
      const p = await open(uri, text, languageOf(file));
      const got = p.diagnostics
        .filter((d) => d.code === ruleId)
        .map(at)
        .sort();
      const want = readExpectations(file)
        .filter((e) => e.ruleId === ruleId)
        .map(formatExpectation)
        .sort();
      assert.deepEqual(got, want, file);
      await close(uri);
    }
  }
});

test('diagnostics carry the rule id, a docs link, the source and severity', async () => {
  const file = join(FIXTURES, 'LL1001/bad.yaml');
  const uri = URI.file(file).toString();
  const p = await open(uri, readFileSync(file, 'utf8'));
  const d = p.diagnostics.find((x) => x.code === 'LL1001');
  assert.ok(d, 'an LL1001 diagnostic');
  assert.equal(d.source, 'Lambda Lens');
  assert.equal(d.severity, 1);
  assert.match(d.codeDescription?.href ?? '', /docs\/rules\/LL1001\.md$/);
  assert.match(typeof d.message === 'string' ? d.message : d.message.value, /128–10,240 MB/);
  await close(uri);
});

test('an edit re-publishes diagnostics for the new version', async () => {
  const uri = 'file:///virtual/edit/template.yaml';
  const text =
    "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: index.handler\n      Runtime: nodejs22.x\n      MemorySize: 256\n";
  const first = await open(uri, text);
  assert.equal(first.diagnostics.filter((d) => d.code === 'LL1001').length, 0);
  const line = 7;
  const changed = nextDiagnostics(uri, (p) => p.version === 2);
  await conn.sendNotification(DidChangeTextDocumentNotification.type, {
    textDocument: { uri, version: 2 },
    contentChanges: [{ range: { start: { line, character: 18 }, end: { line, character: 21 } }, text: '99999' }],
  });
  const second = await changed;
  assert.deepEqual(second.diagnostics.filter((d) => d.code === 'LL1001').map(at), ['LL1001@8:19']);
  await close(uri);
});

test('a quick fix is offered for the finding under the cursor, after an edit too', async () => {
  const uri = 'file:///virtual/fix/template.yaml';
  const text = [
    "AWSTemplateFormatVersion: '2010-09-09'",
    'Transform: AWS::Serverless-2016-10-31',
    'Resources:',
    '  Worker:',
    '    Type: AWS::Serverless::Function',
    '    Properties:',
    '      Handler: index.handler',
    '      Runtime: nodejs22.x',
    '      MemorySize: 256',
    '      Events:',
    '        Orders:',
    '          Type: SQS',
    '          Properties:',
    '            Queue: arn:aws:sqs:us-east-1:123456789012:orders',
    '            BatchSize: 10',
    '',
  ].join('\n');
  await open(uri, text);
  // An edit above the finding moves it: the fix must write at the new place.
  const changed = nextDiagnostics(uri, (p) => p.version === 2);
  await conn.sendNotification(DidChangeTextDocumentNotification.type, {
    textDocument: { uri, version: 2 },
    contentChanges: [{ range: { start: { line: 8, character: 18 }, end: { line: 8, character: 21 } }, text: '1024' }],
  });
  const finding = (await changed).diagnostics.find((d) => d.code === 'LL2004');
  assert.ok(finding, 'LL2004 is published');
  const actions = await conn.sendRequest(CodeActionRequest.type, {
    textDocument: { uri },
    range: finding.range,
    context: { diagnostics: [finding] },
  });
  const fix = (actions ?? []).find((a): a is CodeAction => 'edit' in a && /FunctionResponseTypes/.test(a.title));
  assert.ok(fix, 'the LL2004 quick fix is offered');
  assert.deepEqual(
    fix.diagnostics?.map((d) => d.code),
    ['LL2004'],
  );
  const edits = fix.edit?.changes?.[uri] ?? [];
  assert.equal(edits.length, 1);
  assert.equal(edits[0]?.newText, '\n            FunctionResponseTypes: [ReportBatchItemFailures]');
  // At the end of `BatchSize: 10` (0-based line 14): computed on the edited text, whose offsets there moved by one.
  assert.deepEqual(edits[0]?.range, { start: { line: 14, character: 25 }, end: { line: 14, character: 25 } });
  await close(uri);
});

test('hover on a function property explains it with its limits', async () => {
  const file = join(FIXTURES, 'LL1001/good.yaml');
  const uri = URI.file(file).toString();
  const text = readFileSync(file, 'utf8');
  await open(uri, text);
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes('MemorySize: 10240'));
  const character = (lines[line] ?? '').indexOf('MemorySize') + 3;
  const hover = await conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character } });
  assert.ok(hover, 'a hover');
  const value = (hover.contents as MarkupContent).value;
  assert.match(value, /MemorySize/);
  assert.match(value, /128–10,240 MB/);
  const none = await conn.sendRequest(HoverRequest.type, {
    textDocument: { uri },
    position: { line: 0, character: 0 },
  });
  assert.equal(none, null);
  await close(uri);
});

test('settings turn a rule off or change its severity', async () => {
  const file = join(FIXTURES, 'LL1001/bad.yaml');
  const uri = URI.file(file).toString();
  const initial = await open(uri, readFileSync(file, 'utf8'));
  assert.ok(
    initial.diagnostics.filter((d) => d.code === 'LL1001').every((d) => d.severity === 1),
    'error by default',
  );
  const reconfigure = async (rules: Record<string, string>, accept: (ds: Diagnostic[]) => boolean) => {
    editorRules = rules;
    const republished = nextDiagnostics(uri, (p) => accept(p.diagnostics));
    await conn.sendNotification(DidChangeConfigurationNotification.type, { settings: {} });
    return republished;
  };
  const ll1001 = (ds: Diagnostic[]) => ds.filter((d) => d.code === 'LL1001');
  const asWarning = await reconfigure(
    { LL1001: 'warning' },
    (ds) => ll1001(ds).length > 0 && ll1001(ds).every((d) => d.severity === 2),
  );
  assert.equal(ll1001(asWarning.diagnostics).length, 3);
  const off = await reconfigure({ LL1001: 'off' }, (ds) => ll1001(ds).length === 0);
  assert.equal(ll1001(off.diagnostics).length, 0);
  await reconfigure({}, (ds) => ll1001(ds).length === 3);
  await close(uri);
});

test('bad input never takes the server down', async () => {
  const cases: [string, string][] = [
    ['empty.yaml', ''],
    ['binary.yaml', '\u0000\u0001\u0002PK\u0003\u0004\uFFFD\uFFFD'],
    ['broken.yaml', "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Fn: [\n"],
    ['tabs.yaml', 'Resources:\n\tFn:\n\t\tType: AWS::Lambda::Function\n'],
    ['deep.json', `${'['.repeat(5000)}${']'.repeat(5000)}`],
    [
      'aliases.yaml',
      'a: &a [1, 2]\nb: &b [*a, *a, *a, *a]\nc: &c [*b, *b, *b, *b]\nd: &d [*c, *c, *c, *c]\nResources: {}\n',
    ],
    [
      'intrinsic-everywhere.yaml',
      "AWSTemplateFormatVersion: '2010-09-09'\nResources: !If [c, {}, {}]\nGlobals: !Ref X\n",
    ],
    ['not-a-map.yaml', '- just\n- a\n- list\n'],
  ];
  for (const [name, text] of cases) {
    const uri = `file:///virtual/bad/${name}`;
    const p = await open(uri, text, name.endsWith('.json') ? 'json' : 'yaml');
    assert.ok(Array.isArray(p.diagnostics), name);
    if (name === 'broken.yaml') {
      assert.equal(p.diagnostics.length, 1, 'one clear diagnostic for a template that does not parse');
      assert.equal(p.diagnostics[0]?.code, 'LL0001');
    }
    await close(uri);
  }
  // Still alive and answering.
  const hover = await conn.sendRequest(HoverRequest.type, {
    textDocument: { uri: 'file:///virtual/none.yaml' },
    position: { line: 0, character: 0 },
  });
  assert.equal(hover, null);
});

test('a 10 MB template gets one clear note instead of stalling the server', async () => {
  const fn = (i: number) =>
    `  Fn${i}:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: index.handler\n      Runtime: nodejs22.x\n      MemorySize: ${i % 1000 === 0 ? 64 : 256}\n      Description: ${'x'.repeat(120)}\n`;
  const parts = ["AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nResources:\n"];
  let size = 0;
  for (let i = 0; size < 10 * 1024 * 1024; i++) {
    parts.push(fn(i));
    size += (parts[parts.length - 1] as string).length;
  }
  const uri = 'file:///virtual/huge/template.yaml';
  const p = await open(uri, parts.join(''));
  assert.deepEqual(
    p.diagnostics.map((d) => [d.code, d.severity]),
    [['LL0003', 3]],
  );
  assert.match(String(p.diagnostics[0]?.message), /10\.\d MB, more than the 4\.0 MB/);
  const hover = await conn.sendRequest(HoverRequest.type, {
    textDocument: { uri },
    position: { line: 5, character: 8 },
  });
  assert.equal(hover, null);
  await close(uri);
});
