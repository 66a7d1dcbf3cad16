/**
 * The language server (dist/server.js over stdio) survives hostile documents: files nested
 * thousands of levels deep, alias bombs, handlers with 10,000 nested parentheses. After each,
 * it still answers and still publishes diagnostics for an ordinary template (issue 19).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DidOpenTextDocumentNotification,
  HoverRequest,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { URI } from 'vscode-uri';
import { startServer, type TestServer } from './client';
import { aliasBomb, cfnTemplate, deepJsonTemplate, deepParens } from '../unit/helpers/hostile';

const dir = mkdtempSync(join(tmpdir(), 'lambda-lens-lsp-hostile-'));
let server: TestServer;

before(async () => {
  server = await startServer({ rootUri: URI.file(dir).toString(), capabilities: {} });
});

after(() => server.stop());

async function open(name: string, text: string, languageId: string): Promise<PublishDiagnosticsParams> {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  const uri = URI.file(path).toString();
  const published = server.nextDiagnostics(uri);
  await server.conn.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId, version: 1, text },
  });
  return published;
}

const TEMPLATE = cfnTemplate();

/** The server is alive and still checks: a fresh ordinary template gets its LL1001. */
async function stillWorks(n: number): Promise<void> {
  const p = await open(`ok${n}/template.yaml`, TEMPLATE, 'yaml');
  assert.ok(
    p.diagnostics.some((d) => d.code === 'LL1001'),
    'an ordinary template is still checked',
  );
  const hover = await server.conn.sendRequest(HoverRequest.type, {
    textDocument: { uri: p.uri },
    position: { line: 7, character: 8 },
  });
  assert.ok(hover !== null, 'hovers still answer');
}

test('a JSON template nested 10,000 levels deep gets LL0003, and the server goes on', async () => {
  const deep = deepJsonTemplate();
  const p = await open('deep/template.json', deep, 'json');
  assert.deepEqual(
    p.diagnostics.map((d) => d.code),
    ['LL0003'],
  );
  await stillWorks(1);
});

test('a handler beside a deep file, and a handler with 10,000 nested parentheses', async () => {
  const parens = deepParens();
  await open('deep/index.js', `exports.handler = async () => ${parens};\n`, 'javascript');
  await open('deep/app.py', `def handler(event, context):\n    return ${parens}\n`, 'python');
  await open('deep/main.ts', `export const handler = async () => ${parens};\n`, 'typescript');
  await stillWorks(2);
});

test('a YAML alias bomb (not a template) opened in the editor', async () => {
  const p = await open('bomb/config.yaml', aliasBomb(), 'yaml');
  assert.deepEqual(p.diagnostics, []);
  await stillWorks(3);
});

test('a CodeUri over 18,000 entries is walked in the background: the template is answered, then LL1013 arrives', async () => {
  const code = join(dir, 'walk/src');
  for (let d = 0; d < 18; d++) {
    mkdirSync(join(code, `d${d}`), { recursive: true });
    for (let f = 0; f < 1000; f++) writeFileSync(join(code, `d${d}`, `f${f}.js`), '');
  }
  writeFileSync(join(code, 'index.js'), 'exports.handler = async () => 1;\n');
  writeFileSync(join(code, 'zz.bin'), '');
  truncateSync(join(code, 'zz.bin'), 300 * 1024 * 1024);
  const template = `Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: index.handler
      Runtime: nodejs22.x
`;
  const path = join(dir, 'walk/template.yaml');
  writeFileSync(path, template);
  const uri = URI.file(path).toString();
  const withSize = server.nextDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'LL1013'));
  await server.conn.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId: 'yaml', version: 1, text: template },
  });
  const hover = await server.conn.sendRequest(HoverRequest.type, {
    textDocument: { uri },
    position: { line: 7, character: 8 },
  });
  assert.ok(hover !== null, 'the template is answered while the walk runs');
  const p = await withSize;
  const message = p.diagnostics.find((d) => d.code === 'LL1013')?.message;
  assert.match(typeof message === 'string' ? message : (message?.value ?? ''), /300 MB on disk/);
});
