/**
 * Time to analyse a 1,000-line CDK stack file after an edit (issue 20: at most 50 ms): the language
 * service re-reads the stack (TypeScript parse, constructs, props, triggers), runs the template
 * rules on it and the handler rules on the same file. The stack is in a CDK app (cdk.json) in a
 * temporary folder, with the handler folders it names, so handler resolution (LL5001) runs too.
 * Also timed: the reader alone (`readCdkStack`), and as the baseline in the same run
 * `ts.createSourceFile` on the same text (the parse floor). The service is bundled with esbuild
 * first, as the server ships. Prints medians and p95; asserts nothing.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { URI } from 'vscode-uri';
import { buildSync } from 'esbuild';
import type * as Service from '../server/src/service';
import type * as Read from '../server/src/service/cdk/read';
import type * as NodeFs from '../server/src/nodeFs';
import { stats } from './stats';

type Bundle = typeof Service & typeof Read & typeof NodeFs;

function loadBundled(dir: string): Bundle {
  const root = join(__dirname, '..');
  const out = join(dir, 'service.js');
  const src = (p: string) => JSON.stringify(join(root, p));
  writeFileSync(
    join(dir, 'entry.ts'),
    `export * from ${src('server/src/service')};\nexport { readCdkStack } from ${src('server/src/service/cdk/read')};\nexport { nodeFileSystem } from ${src('server/src/nodeFs')};\n`,
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
  return require(out) as Bundle;
}

const LINES = 1000;
const EDITS = 100;

/** A stack of about `lines` lines: shared props, then per service a queue, a function with a spread, an event source, an API route. */
function stackSource(lines: number): { text: string; services: number } {
  const out = [
    "import * as path from 'path';",
    "import { Duration, Size, Stack, StackProps } from 'aws-cdk-lib';",
    "import * as lambda from 'aws-cdk-lib/aws-lambda';",
    "import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';",
    "import * as sqs from 'aws-cdk-lib/aws-sqs';",
    "import * as apigw from 'aws-cdk-lib/aws-apigateway';",
    "import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';",
    "import { Construct } from 'constructs';",
    '',
    'const TIMEOUT = Duration.seconds(30);',
    'const common = { runtime: lambda.Runtime.NODEJS_22_X, timeout: TIMEOUT, memorySize: 1024, architecture: lambda.Architecture.ARM_64 };',
    '',
    'export class ShopStack extends Stack {',
    '  constructor(scope: Construct, id: string, props?: StackProps) {',
    '    super(scope, id, props);',
    "    const api = new apigw.RestApi(this, 'Api');",
  ];
  // Each service is 30 lines.
  const services = Math.floor((lines - 20) / 30);
  for (let i = 0; i < services; i++) {
    out.push(
      `    // Service ${i}: a queue, its worker, and an API route.`,
      `    const dlq${i} = new sqs.Queue(this, 'Dead${i}', { retentionPeriod: Duration.days(14) });`,
      `    const queue${i} = new sqs.Queue(this, 'Jobs${i}', {`,
      `      visibilityTimeout: Duration.minutes(3),`,
      `      deadLetterQueue: { queue: dlq${i}, maxReceiveCount: 5 },`,
      '    });',
      `    const worker${i} = new lambda.Function(this, 'Worker${i}', {`,
      '      ...common,',
      `      code: lambda.Code.fromAsset(path.join(__dirname, '../functions/worker${i % 5}')),`,
      "      handler: 'index.handler',",
      `      memorySize: ${i % 7 === 0 ? 20000 : 512},`,
      '      ephemeralStorageSize: Size.mebibytes(1024),',
      '      environment: {',
      `        QUEUE_URL: queue${i}.queueUrl,`,
      `        STAGE: 'prod',`,
      '      },',
      '    });',
      `    worker${i}.addEventSource(new SqsEventSource(queue${i}, { batchSize: 10, reportBatchItemFailures: true }));`,
      `    const route${i} = new NodejsFunction(this, 'Route${i}', {`,
      `      entry: path.join(__dirname, '../functions/route${i % 5}/index.ts'),`,
      "      handler: 'handler',",
      '      runtime: lambda.Runtime.NODEJS_22_X,',
      '      timeout: Duration.seconds(10),',
      '      memorySize: 256,',
      '    });',
      `    api.root.addResource('items${i}').addMethod('GET', new apigw.LambdaIntegration(route${i}));`,
      `    queue${i}.grantSendMessages(route${i});`,
      '',
      '',
      '',
    );
  }
  out.push('  }', '}', '');
  return { text: out.join('\n'), services };
}

function main(): void {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-lens-bench-cdk-'));
  try {
    writeFileSync(join(dir, 'cdk.json'), '{ "app": "npx ts-node bin/app.ts" }\n');
    mkdirSync(join(dir, 'lib'));
    for (let k = 0; k < 5; k++) {
      mkdirSync(join(dir, 'functions', `worker${k}`), { recursive: true });
      writeFileSync(
        join(dir, 'functions', `worker${k}`, 'index.js'),
        'exports.handler = async (event) => ({ batchItemFailures: [] });\n',
      );
      mkdirSync(join(dir, 'functions', `route${k}`), { recursive: true });
      writeFileSync(
        join(dir, 'functions', `route${k}`, 'index.ts'),
        'export const handler = async () => ({ statusCode: 200, body: "ok" });\n',
      );
    }
    const { text, services } = stackSource(LINES);
    const path = join(dir, 'lib', 'stack.ts');
    writeFileSync(path, text);
    const uri = URI.file(path).toString();
    const bundle = loadBundled(dir);
    const service = new bundle.LanguageService({ fs: bundle.nodeFileSystem() });
    service.setWorkspaceRoots([dir]);

    const first = process.hrtime.bigint();
    const initial = service.validate({ uri, text, version: 0 });
    const firstMs = Number(process.hrtime.bigint() - first) / 1e6;

    const edit = text.indexOf('memorySize: 1024');
    const validate: number[] = [];
    const read: number[] = [];
    const parse: number[] = [];
    // CPU time of this process: on a loaded machine the wall time also counts waiting for a CPU.
    const validateCpu: number[] = [];
    const readCpu: number[] = [];
    const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
    let findings = initial.length;
    let functions = 0;
    for (let v = 1; v <= EDITS; v++) {
      // A keystroke in the shared props: every function's memory changes.
      const edited = `${text.slice(0, edit)}memorySize: ${1024 + v}${text.slice(edit + 'memorySize: 1024'.length)}`;
      let t = process.hrtime.bigint();
      let cpu = process.cpuUsage();
      findings = service.validate({ uri, text: edited, version: v }).length;
      validate.push(Number(process.hrtime.bigint() - t) / 1e6);
      validateCpu.push(cpuMs(process.cpuUsage(cpu)));
      t = process.hrtime.bigint();
      cpu = process.cpuUsage();
      functions = bundle.readCdkStack(uri, path, edited, dir).functions.length;
      read.push(Number(process.hrtime.bigint() - t) / 1e6);
      readCpu.push(cpuMs(process.cpuUsage(cpu)));
      t = process.hrtime.bigint();
      ts.createSourceFile(path, edited, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
      parse.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    const v = stats(validate);
    const r = stats(read);
    const p = stats(parse);
    console.log(
      `load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} on ${availableParallelism()} CPUs`,
    );
    console.log(
      `stack file: ${text.split('\n').length} lines, ${(text.length / 1024).toFixed(0)} KB, ${services} services, ${functions} functions; ${findings} findings per run`,
    );
    console.log(`first validation (cold: loads TypeScript, scans the app): ${firstMs.toFixed(1)} ms`);
    console.log(
      `validate after an edit (${EDITS} edits): median ${v.median.toFixed(1)} ms, p95 ${v.p95.toFixed(1)} ms (min ${v.min.toFixed(1)}, max ${v.max.toFixed(1)}); CPU time median ${stats(validateCpu).median.toFixed(1)} ms; target ≤ 50 ms`,
    );
    console.log(
      `  the reader alone (readCdkStack):     median ${r.median.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms; CPU time median ${stats(readCpu).median.toFixed(1)} ms`,
    );
    console.log(`baseline, ts.createSourceFile alone:   median ${p.median.toFixed(1)} ms, p95 ${p.p95.toFixed(1)} ms`);
    console.log(
      `ratio validate / parse: ${(v.median / p.median).toFixed(1)}×, read / parse: ${(r.median / p.median).toFixed(1)}×`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
