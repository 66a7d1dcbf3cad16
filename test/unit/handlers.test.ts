/**
 * Handler files: resolution of Handler strings, template ⇄ handler links in both
 * directions, the handler model's export shapes, hovers, code lenses, navigation, quick
 * fixes and cross-file freshness. Uses an in-memory file system.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { URI } from 'vscode-uri';
import { LanguageService, type Diagnostic, type Fix } from '../../server/src/service';
import type { FileSystem } from '../../server/src/service/fs';
import { buildHandlerModel, parseHandlerFile } from '../../server/src/service/handlers/model';
import { parseHandlerString } from '../../server/src/service/handlers/resolve';

/** A mutable in-memory file system; folders are implied by file paths. */
function memoryFs(files: Record<string, string>): FileSystem & { files: Record<string, string> } {
  const dirs = () => {
    const out = new Set<string>();
    for (const p of Object.keys(files)) for (let d = dirname(p); d !== dirname(d); d = dirname(d)) out.add(d);
    out.add('/');
    return out;
  };
  return {
    files,
    readFile: (p) => files[p],
    stat: (p) =>
      files[p] !== undefined
        ? { isFile: true, isDirectory: false, size: files[p].length }
        : dirs().has(p)
          ? { isFile: false, isDirectory: true, size: 0 }
          : undefined,
    readDirectory: (p) => [
      ...new Set(
        Object.keys(files)
          .filter((f) => f.startsWith(`${p === '/' ? '' : p}/`))
          .map((f) => f.slice(p.length + (p === '/' ? 0 : 1)).split('/')[0] as string),
      ),
    ],
  };
}

const uri = (p: string) => URI.file(p).toString();

const TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/orders/
      Handler: api.handler
      Runtime: nodejs22.x
      MemorySize: 256
      Timeout: 10
      Events:
        Orders:
          Type: SQS
          Properties:
            Queue: arn:aws:sqs:eu-west-1:123456789012:orders
            BatchSize: 10
`;

const API = `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

const table = process.env.TABLE_NAME;

export const handler = async (event) => {
  const ddb = new DynamoDBClient({});
  return { table, n: event.Records.length, ddb };
};
`;

function project(extra: Record<string, string> = {}) {
  const fs = memoryFs({ '/app/template.yaml': TEMPLATE, '/app/src/orders/api.mjs': API, ...extra });
  const service = new LanguageService({ fs, today: () => '2026-11-27' });
  return { fs, service };
}

const doc = (fs: { files: Record<string, string> }, path: string, version = 1) => ({
  uri: uri(path),
  text: fs.files[path] as string,
  version,
});

function apply(text: string, fix: Fix): string {
  const edits = [...fix.edits].sort((a, b) => b.span.start - a.span.start);
  let out = text;
  for (const e of edits) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return out;
}

test('Handler strings split as the Node runtime does', () => {
  assert.deepEqual(parseHandlerString('dir/sub/file.a.b'), { dir: 'dir/sub', module: 'file', exportPath: ['a', 'b'] });
  assert.deepEqual(parseHandlerString('index.handler'), { dir: '', module: 'index', exportPath: ['handler'] });
  assert.equal(parseHandlerString('index'), undefined);
  assert.equal(parseHandlerString('../up.handler'), undefined);
});

test('export shapes: ESM, CommonJS, object exports, middleware, class methods, re-exports', () => {
  const cases: [string, string, string, readonly string[]][] = [
    ['a.mjs', 'export const handler = async (event) => event;', 'handler', []],
    ['b.mjs', 'export async function handler(event) { return event; }', 'handler', []],
    ['c.js', 'exports.handler = function (event, context) { return 1; };', 'handler', []],
    ['d.js', 'async function handler(e) { return e; }\nmodule.exports = { handler };', 'handler', []],
    ['e.js', 'module.exports = { handler: async (e) => e };', 'handler', []],
    [
      'f.ts',
      "import middy from '@middy/core';\nconst base = async (e: unknown) => e;\nexport const handler = middy(base).use(x());",
      'handler',
      ['middy'],
    ],
    [
      'g.ts',
      'class L { async handle(e: unknown) { return e; } }\nconst l = new L();\nexport const handler = l.handle.bind(l);',
      'handler',
      [],
    ],
    [
      'h.ts',
      "import { makeIdempotent } from '@aws-lambda-powertools/idempotency';\nexport const handler = makeIdempotent(async (e: unknown) => e, { persistenceStore });",
      'handler',
      ['makeIdempotent'],
    ],
  ];
  for (const [name, text, exportName, wrappers] of cases) {
    const model = buildHandlerModel(parseHandlerFile(uri(`/x/${name}`), text), [exportName]);
    assert.equal(model.handlers.length, 1, name);
    assert.deepEqual(model.handlers[0]?.wrappers, wrappers, name);
  }
  const re = parseHandlerFile(uri('/x/i.mjs'), "export { handler } from './impl.mjs';\nexport * from './more.mjs';");
  assert.deepEqual(re.exports.get('handler')?.reexport, { module: './impl.mjs', name: 'handler' });
  assert.deepEqual(re.starReexports, ['./more.mjs']);
});

test('calls and constructions know whether they run per request or once per environment', () => {
  const model = buildHandlerModel(parseHandlerFile(uri('/x/a.mjs'), API), ['handler']);
  const ctor = model.constructions.find((c) => c.className === 'DynamoDBClient');
  assert.equal(ctor?.scope, 'handler');
  assert.deepEqual(ctor?.import, { module: '@aws-sdk/client-dynamodb', path: 'DynamoDBClient' });
  assert.equal(ctor?.handler?.exportName, 'handler');
  const module = buildHandlerModel(
    parseHandlerFile(
      uri('/x/b.mjs'),
      "import { S3Client } from '@aws-sdk/client-s3';\nconst s3 = new S3Client({});\nexport const handler = async () => s3;",
    ),
    ['handler'],
  );
  assert.equal(module.constructions[0]?.scope, 'module');
});

test('a handler file links to the template functions that use it, and back', () => {
  const { fs, service } = project();
  const lenses = service.codeLenses(doc(fs, '/app/src/orders/api.mjs'));
  assert.deepEqual(
    lenses.map((l) => l.title),
    ['OrdersFunction · 256 MB · 10 s · SQS batch 10 (whole batch retried)'],
  );
  assert.equal(lenses[0]?.target.uri, uri('/app/template.yaml'));
  assert.deepEqual(lenses[0]?.fn, {
    templateUri: uri('/app/template.yaml'),
    logicalId: 'OrdersFunction',
  });

  const api = fs.files['/app/src/orders/api.mjs'] as string;
  const refs = service.references(doc(fs, '/app/src/orders/api.mjs'), api.indexOf('handler ='));
  assert.equal(refs.length, 1);
  assert.equal(TEMPLATE.slice(refs[0]?.span.start, refs[0]?.span.end), 'api.handler');

  const def = service.definition(doc(fs, '/app/template.yaml'), TEMPLATE.indexOf('api.handler') + 2);
  assert.equal(def?.uri, uri('/app/src/orders/api.mjs'));
  assert.equal(api.slice(def?.span.start, def?.span.end), 'handler');
  assert.equal(def?.range.start.line, 4);

  assert.deepEqual(service.dependents(uri('/app/template.yaml')), [uri('/app/src/orders/api.mjs')]);
  assert.deepEqual(service.dependents(uri('/app/src/orders/api.mjs')), [uri('/app/template.yaml')]);
});

test('hovers: the handler export tells its functions and triggers; module scope says INIT', () => {
  const { fs, service } = project();
  const api = fs.files['/app/src/orders/api.mjs'] as string;
  const h = service.hover(doc(fs, '/app/src/orders/api.mjs'), api.indexOf('handler ='));
  assert.match(h?.markdown ?? '', /OrdersFunction/);
  assert.match(h?.markdown ?? '', /nodejs22\.x · 256 MB · timeout 10 s/);
  assert.match(h?.markdown ?? '', /SQS batch 10 \(`Orders`\): event source mapping/);
  const init = service.hover(doc(fs, '/app/src/orders/api.mjs'), api.indexOf('table ='));
  assert.match(init?.markdown ?? '', /once per execution environment/);
});

test('quick fix: move a client construction to module scope', () => {
  const { fs, service } = project();
  const d = service.validate(doc(fs, '/app/src/orders/api.mjs')).find((x) => x.ruleId === 'LL3001') as Diagnostic;
  assert.ok(d);
  const fixed = apply(fs.files['/app/src/orders/api.mjs'] as string, d.fixes[0] as Fix);
  assert.equal(
    fixed,
    `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

const table = process.env.TABLE_NAME;

const ddb = new DynamoDBClient({});

export const handler = async (event) => {
  return { table, n: event.Records.length, ddb };
};
`,
  );
  const after = { uri: uri('/app/src/orders/api.mjs'), text: fixed, version: 2 };
  assert.deepEqual(
    service.validate(after).filter((x) => x.ruleId === 'LL3001'),
    [],
  );
});

test('quick fix: callback handler to async', () => {
  const path = '/app/src/orders/api.js';
  const text = `exports.handler = function (event, context, callback) {
  if (!event.id) {
    callback(new Error('id required'));
    return;
  }
  callback(null, { id: event.id });
};
`;
  const { fs, service } = project({ [path]: text });
  const d = service.validate(doc(fs, path)).find((x) => x.ruleId === 'LL3005') as Diagnostic;
  assert.equal(d.severity, 'warning');
  assert.equal(
    apply(text, d.fixes[0] as Fix),
    `exports.handler = async function (event, context) {
  if (!event.id) {
    throw new Error('id required');
    return;
  }
  return { id: event.id };
};
`,
  );
});

test('LL3005 is an error when a linked function runs on nodejs24.x', () => {
  const path = '/app/src/orders/api.js';
  const { fs, service } = project({
    '/app/template.yaml': TEMPLATE.replace('nodejs22.x', 'nodejs24.x'),
    [path]: 'exports.handler = (event, context, cb) => cb(null, 1);\n',
  });
  delete fs.files['/app/src/orders/api.mjs'];
  const d = service.validate(doc(fs, path)).find((x) => x.ruleId === 'LL3005');
  assert.equal(d?.severity, 'error');
  assert.match(d?.message ?? '', /nodejs24\.x/);
});

test('freshness: a template edit re-checks its handler; a handler edit re-checks LL5001', () => {
  const { fs, service } = project({ '/app/src/orders/package.json': '{ "type": "module" }' });
  const handler = doc(fs, '/app/src/orders/api.mjs');
  assert.equal(service.codeLenses(handler)[0]?.title.includes('256 MB'), true);
  // The template is opened and edited in the editor: the handler's lens follows.
  service.validate({
    uri: uri('/app/template.yaml'),
    text: TEMPLATE.replace('MemorySize: 256', 'MemorySize: 512'),
    version: 2,
  });
  assert.equal(service.codeLenses(handler)[0]?.title.includes('512 MB'), true);

  // Renaming the export makes the template's Handler dangle (LL5001), and back.
  const t = { uri: uri('/app/template.yaml'), text: TEMPLATE, version: 3 };
  assert.deepEqual(
    service.validate(t).filter((d) => d.ruleId === 'LL5001'),
    [],
  );
  service.validate({ uri: handler.uri, text: API.replace('handler =', 'main ='), version: 2 });
  assert.equal(service.validate(t).filter((d) => d.ruleId === 'LL5001').length, 1);

  // A file deleted on disk: the index forgets it when told.
  service.forget(handler.uri);
  delete fs.files['/app/src/orders/api.mjs'];
  service.fileChanged(handler.uri);
  assert.match(service.validate(t).find((d) => d.ruleId === 'LL5001')?.message ?? '', /not in the code folder/);
});

test('a handler with no template still gets the code rules that need no triggers', () => {
  const fs = memoryFs({ '/lone/index.mjs': API });
  const service = new LanguageService({ fs });
  assert.deepEqual(
    service.validate(doc(fs, '/lone/index.mjs')).map((d) => d.ruleId),
    ['LL3001'],
  );
  assert.deepEqual(service.codeLenses(doc(fs, '/lone/index.mjs')), []);
});

test('plain JS/TS files without a handler get nothing', () => {
  const fs = memoryFs({
    '/lib/util.ts': 'export function add(a: number, b: number) { const s = new Set(); s.add(a); return a + b; }\n',
  });
  const service = new LanguageService({ fs });
  assert.deepEqual(service.validate(doc(fs, '/lib/util.ts')), []);
  assert.equal(service.hasHandlers(doc(fs, '/lib/util.ts')), false);
});
