/**
 * Python handlers: the tree-sitter parser, the model (handlers, imports, per-request scope),
 * `module.function` resolution from SAM and serverless.yml, the checks through the language
 * service, settings, and hovers.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { URI } from 'vscode-uri';
import { LanguageService, loadPythonParser } from '../../server/src/service';
import { nodeFileSystem } from '../../server/src/nodeFs';
import { buildPythonModel } from '../../server/src/service/handlers/python/model';
import { parsePython } from '../../server/src/service/handlers/python/parser';
import { resolvePythonHandler } from '../../server/src/service/handlers/python/files';
import { readTemplate } from '../../server/src/service/templates/template';

before(async () => {
  assert.ok(await loadPythonParser());
});

function model(text: string, names?: string[]) {
  const tree = parsePython(text);
  assert.ok(tree);
  return buildPythonModel('file:///app.py', text, tree, names);
}

/** Writes files under a fresh folder and returns its path. */
function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'll-py-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return root;
}

test('the model: handlers by name or link, imports with aliases, and when each call runs', () => {
  const text = `import boto3 as b3
from psycopg2 import connect

s3 = b3.client("s3")

def helper(key):
    return connect(key)

def unrelated():
    return b3.client("sns")

def lambda_handler(event, context):
    def inner():
        return b3.resource("dynamodb")
    helper(event["key"])
    return inner()
`;
  const m = model(text);
  assert.deepEqual(
    m.handlers.map((h) => h.name),
    ['lambda_handler'],
  );
  assert.equal(m.imports.get('connect'), 'psycopg2.connect');
  const scope = (callee: string) => m.calls.find((c) => c.callee === callee);
  assert.equal(scope('b3.client')?.scope, 'module');
  assert.equal(scope('b3.client')?.origin, 'boto3.client');
  assert.equal(scope('connect')?.scope, 'handler');
  assert.equal(scope('connect')?.inFunction?.name, 'helper');
  assert.equal(scope('b3.resource')?.scope, 'handler');
  assert.equal(m.calls.filter((c) => c.callee === 'b3.client')[1]?.scope, 'function');
  // A template names the handler: only that function is one.
  assert.deepEqual(
    model(text, ['unrelated']).handlers.map((h) => h.name),
    ['unrelated'],
  );
});

test('module.function handlers resolve like awslambdaric: folders with / or ., packages', () => {
  const root = project({ 'template.yaml': '', 'handlers/orders.py': '', 'pkg/jobs/__init__.py': '', 'app.py': '' });
  const t = readTemplate(
    URI.file(join(root, 'template.yaml')).toString(),
    `Transform: AWS::Serverless-2016-10-31
Resources:
  A: { Type: AWS::Serverless::Function, Properties: { Handler: handlers/orders.create, Runtime: python3.13 } }
  B: { Type: AWS::Serverless::Function, Properties: { Handler: pkg.jobs.run, Runtime: python3.12 } }
  C: { Type: AWS::Serverless::Function, Properties: { Handler: app.lambda_handler, Runtime: python3.13 } }
  D: { Type: AWS::Serverless::Function, Properties: { Handler: missing.handler, Runtime: python3.13 } }
  E: { Type: AWS::Serverless::Function, Properties: { Handler: app.handler, Runtime: nodejs22.x } }
`,
    'yaml',
  );
  const fs = nodeFileSystem();
  const got = t.functions.map((f) => {
    const r = resolvePythonHandler(f, fs);
    return r === undefined ? `${f.logicalId}: -` : `${f.logicalId}: ${r.path.slice(root.length + 1)}#${r.functionName}`;
  });
  assert.deepEqual(got, [
    'A: handlers/orders.py#create',
    'B: pkg/jobs/__init__.py#run',
    'C: app.py#lambda_handler',
    'D: -',
    'E: -',
  ]);
});

test('a Python handler linked from serverless.yml gets the retry rules of its SQS event', () => {
  const root = project({
    'serverless.yml': `service: orders
provider: { name: aws, runtime: python3.13 }
functions:
  worker:
    handler: src/worker.main
    events:
      - sqs: { arn: arn:aws:sqs:us-east-1:123456789012:jobs, functionResponseType: ReportBatchItemFailures }
`,
    'src/worker.py': `import boto3
table = boto3.resource("dynamodb").Table("orders")

def main(event, context):
    for record in event["Records"]:
        table.put_item(Item={"id": record["messageId"]})
`,
  });
  const service = new LanguageService({ fs: nodeFileSystem() });
  service.setWorkspaceRoots([root]);
  const path = join(root, 'src/worker.py');
  const uri = URI.file(path).toString();
  const doc = { uri, text: nodeFileSystem().readFile(path) ?? '' };
  const ids = service.validate(doc).map((d) => d.ruleId);
  // LL4007 too: the role the framework builds grants the SQS event's reads, not dynamodb:PutItem.
  assert.deepEqual(ids, ['LL2103', 'LL2101', 'LL4007']);
  // Settings apply by id, as for JS/TS.
  service.configure({ LL2101: 'off', LL2103: 'info', LL4007: 'off' });
  assert.deepEqual(
    service.validate(doc).map((d) => `${d.ruleId}:${d.severity}`),
    ['LL2103:info'],
  );
  // The handler's name explains how it is invoked.
  const hover = service.hover(doc, doc.text.indexOf('main') + 1);
  assert.match(hover?.markdown ?? '', /worker[\s\S]*SQS \(jobs\)/);
  // A lens above the handler opens the function in serverless.yml.
  const lenses = service.codeLenses(doc);
  assert.equal(lenses.length, 1);
  assert.equal(doc.text.slice(lenses[0]?.span.start, lenses[0]?.span.end), 'main');
  assert.match(lenses[0]?.title ?? '', /^worker · 1024 MB · 6 s · SQS/);
});

test('the same code without a retrying trigger is not reported for retries', () => {
  const text = `import boto3
table = boto3.resource("dynamodb").Table("orders")

def lambda_handler(event, context):
    table.put_item(Item={"id": event["id"]})
    client = boto3.client("s3")
`;
  const service = new LanguageService();
  const ids = service.validate({ uri: 'file:///lone/app.py', text }).map((d) => d.ruleId);
  // No template: LL3001 still applies (it does not depend on triggers), LL2101 does not.
  assert.deepEqual(ids, ['LL3001']);
});

test('the CLI checks a template alone against its Python handler files (the parser loads for it)', () => {
  const root = project({
    'template.yaml': `Transform: AWS::Serverless-2016-10-31
Resources:
  Fn: { Type: AWS::Serverless::Function, Properties: { Handler: app.handler, Runtime: python3.13 } }
`,
    'app.py': 'def lambda_handler(event, context):\n    return {}\n',
  });
  const r = spawnSync(
    process.execPath,
    [join(__dirname, '../../bin/lambda-lens.js'), 'check', join(root, 'template.yaml'), '--format', 'json'],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 1, r.stderr);
  const findings = JSON.parse(r.stdout) as { ruleId: string; message: string }[];
  assert.deepEqual(
    findings.map((f) => f.ruleId),
    ['LL5001'],
  );
  assert.match(findings[0]?.message ?? '', /Runtime\.HandlerNotFound/);
});
