/**
 * Time to validate a 2,000-line handler file after an edit: the language service re-parses
 * the file (TypeScript compiler API), rebuilds the handler model, re-links it to its
 * template (from the index's caches) and runs every handler rule. The file is linked from a
 * SAM template in a temporary folder, so the links and trigger-dependent rules run too.
 * Baseline in the same run: `ts.createSourceFile` alone on the same text (the parse floor).
 * The service is bundled with esbuild first, as the server ships (tsx's per-module
 * transpilation adds a getter to every cross-module call). Prints medians and p95; asserts nothing.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { URI } from 'vscode-uri';
import { buildSync } from 'esbuild';
import type * as Service from '../server/src/service';
import type * as NodeFs from '../server/src/nodeFs';
import { stats } from './stats';

/** The language service and the disk file system, bundled as the server bundles them. */
function loadBundled(dir: string): { service: typeof Service; nodeFs: typeof NodeFs } {
  const root = join(__dirname, '..');
  const out = join(dir, 'service.js');
  writeFileSync(
    join(dir, 'entry.ts'),
    `export * from ${JSON.stringify(join(root, 'server/src/service'))};\nexport { nodeFileSystem } from ${JSON.stringify(join(root, 'server/src/nodeFs'))};\n`,
  );
  buildSync({
    entryPoints: [join(dir, 'entry.ts')],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    mainFields: ['module', 'main'],
    nodePaths: [join(root, 'node_modules')],
    logLevel: 'error',
  });
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a bundle built at run time, by path
  const m = require(out) as typeof Service & typeof NodeFs;
  return { service: m, nodeFs: m };
}

const LINES = 2000;
const EDITS = 100;

const TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: nodejs22.x
      MemorySize: 512
      Timeout: 30
      Events:
        Orders:
          Type: SQS
          Properties:
            Queue: arn:aws:sqs:eu-west-1:123456789012:orders
            BatchSize: 10
`;

/** A handler module of about `lines` lines: imports, module-scope clients, helpers, one handler with a few findings. */
function handlerSource(lines: number): string {
  const out = [
    "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
    "import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';",
    "import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';",
    '',
    'const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));',
    'const sqs = new SQSClient({});',
    'const seen = [];',
    'let invocations = 0;',
    '',
  ];
  // Each step is 13 lines of helper and 1 line in the handler.
  const steps = Math.floor((lines - 15) / 14);
  let i = 0;
  while (i < steps) {
    out.push(
      `/** Step ${i} of the order pipeline. */`,
      `async function step${i}(order, context) {`,
      `  const key = { id: order.id, step: ${i} };`,
      `  const { Item } = await db.send(new GetCommand({ TableName: process.env.TABLE_NAME, Key: key }));`,
      '  if (Item && Item.done) return Item;',
      '  const total = order.items.reduce((sum, item) => sum + item.price * item.quantity, 0);',
      `  await db.send(new UpdateCommand({ TableName: process.env.TABLE_NAME, Key: key, UpdateExpression: 'SET #t = :t', ExpressionAttributeNames: { '#t': 'total' }, ExpressionAttributeValues: { ':t': total } }));`,
      `  if (total > ${1000 + i}) {`,
      `    await sqs.send(new SendMessageCommand({ QueueUrl: process.env.REVIEW_QUEUE_URL, MessageBody: JSON.stringify({ id: order.id, step: ${i}, requestId: context.awsRequestId }) }));`,
      '  }',
      '  return { ...order, total };',
      '}',
      '',
    );
    i++;
  }
  out.push(
    'export const handler = async (event, context) => {',
    '  invocations++;',
    '  const local = new SQSClient({});',
  );
  for (let s = 0; s < i; s++)
    out.push(`  for (const record of event.Records) seen.push(await step${s}(JSON.parse(record.body), context));`);
  out.push(
    '  local.send(new SendMessageCommand({ QueueUrl: process.env.DONE_QUEUE_URL, MessageBody: String(invocations) }));',
    '  return { batchItemFailures: [] };',
    '};',
    '',
  );
  return out.join('\n');
}

function main(): void {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-lens-bench-handlers-'));
  try {
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'template.yaml'), TEMPLATE);
    const text = handlerSource(LINES);
    const path = join(dir, 'src', 'app.mjs');
    writeFileSync(path, text);
    const uri = URI.file(path).toString();
    const { service: bundled, nodeFs } = loadBundled(dir);
    const service = new bundled.LanguageService({ fs: nodeFs.nodeFileSystem() });

    // First open: parses the template, links, warms the JIT.
    const first = process.hrtime.bigint();
    const initial = service.validate({ uri, text, version: 0 });
    const firstMs = Number(process.hrtime.bigint() - first) / 1e6;

    const edit = text.indexOf('invocations++;');
    const validate: number[] = [];
    const validateCpu: number[] = [];
    const parse: number[] = [];
    let findings = initial.length;
    for (let v = 1; v <= EDITS; v++) {
      // A keystroke inside the handler: the text changes, the exports do not.
      const edited = `${text.slice(0, edit)}invocations += ${v};${text.slice(edit + 'invocations++;'.length)}`;
      let t = process.hrtime.bigint();
      const cpu = process.cpuUsage();
      findings = service.validate({ uri, text: edited, version: v }).length;
      validate.push(Number(process.hrtime.bigint() - t) / 1e6);
      const used = process.cpuUsage(cpu);
      validateCpu.push((used.user + used.system) / 1000);
      t = process.hrtime.bigint();
      ts.createSourceFile(path, edited, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
      parse.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    // The same edits with only this file's init-vs-invoke rules (LL3001–LL3007) on: the
    // handler model's own cost, apart from the retry rules that also run on handler files.
    service.configure(
      Object.fromEntries(
        bundled.RULES.filter((r) => r.handler !== undefined && !r.id.startsWith('LL3')).map((r) => [
          r.id,
          'off' as const,
        ]),
      ),
    );
    const own: number[] = [];
    const ownCpu: number[] = [];
    for (let v = EDITS + 1; v <= 2 * EDITS; v++) {
      const edited = `${text.slice(0, edit)}invocations += ${v};${text.slice(edit + 'invocations++;'.length)}`;
      const t = process.hrtime.bigint();
      const cpu = process.cpuUsage();
      service.validate({ uri, text: edited, version: v });
      own.push(Number(process.hrtime.bigint() - t) / 1e6);
      const used = process.cpuUsage(cpu);
      ownCpu.push((used.user + used.system) / 1000);
    }
    const lines = text.split('\n').length;
    const v = stats(validate);
    const o = stats(own);
    const p = stats(parse);
    console.log(
      `load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} on ${availableParallelism()} CPUs`,
    );
    console.log(
      `handler file: ${lines} lines, ${(text.length / 1024).toFixed(0)} KB, linked to 1 SQS function; ${findings} findings per run`,
    );
    console.log(`first validation (cold, links the template): ${firstMs.toFixed(1)} ms`);
    console.log(
      `validate after an edit (${EDITS} edits): median ${v.median.toFixed(1)} ms, p95 ${v.p95.toFixed(1)} ms (min ${v.min.toFixed(1)}, max ${v.max.toFixed(1)}); CPU time median ${stats(validateCpu).median.toFixed(1)} ms`,
    );
    console.log(
      `  with LL3001–LL3007 only (model + rules): median ${o.median.toFixed(1)} ms, p95 ${o.p95.toFixed(1)} ms; CPU time median ${stats(ownCpu).median.toFixed(1)} ms`,
    );
    console.log(
      `baseline, ts.createSourceFile alone:      median ${p.median.toFixed(1)} ms, p95 ${p.p95.toFixed(1)} ms`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
