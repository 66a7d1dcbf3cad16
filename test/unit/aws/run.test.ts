/**
 * Whole runs with the local AWS endpoint: real handlers in real child processes calling AWS
 * with the real SDKs (v3 CommonJS and ES modules, v2 bundled, boto3 from every interpreter on
 * this machine that has it, including releases that predate AWS_ENDPOINT_URL), functions
 * reached through the template's resources, calls recorded per attempt with their duplicates,
 * the SDK copy of the cache folder, and proof in a loopback-only network namespace that nothing
 * needed the network.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { main } from '../../../server/src/cli';
import { runSimulate } from '../../../server/src/simulator/cli';
import { AwsEmulator } from '../../../server/src/simulator/aws/emulator';
import { emptyResources } from '../../../server/src/simulator/aws/resources';
import { simulate } from '../../../server/src/simulator/run';
import { pythonsWithBoto3 } from './pythons';
import { loadScenario, resolveScenario } from '../../../server/src/simulator/scenario';
import type { SimulationTrace, TraceInvocation } from '../../../server/src/simulator/trace';

const app = join(__dirname, '../../fixtures/aws/app');
const repoRoot = join(__dirname, '../../..');

function byFunction(trace: SimulationTrace, fn: string): TraceInvocation[] {
  return trace.invocations.filter((i) => i.function === fn).sort((a, b) => a.startMs - b.startMs);
}

function everyInputSettled(trace: SimulationTrace): void {
  for (const input of trace.inputs) assert.notEqual(input.reason, 'pending', `${input.id} has no fate`);
}

test('an API call stores, queues and publishes; the worker it feeds retries and repeats its side effects', async () => {
  const trace = await simulate(loadScenario(join(app, 'flow.scenario.json')).config);
  everyInputSettled(trace);
  const [api] = byFunction(trace, 'ApiFunction');
  assert.equal(api?.outcome, 'success', JSON.stringify(api?.error));
  assert.deepEqual(
    api?.awsCalls?.map((c) => `${c.service} ${c.operation} ${c.outcome}`),
    ['dynamodb PutItem ok', 'sqs SendMessage ok', 'sns Publish ok'],
  );
  // The queue's reader ran in the same run: the first receive fails, the redelivery succeeds.
  const worker = byFunction(trace, 'WorkerFunction');
  assert.deepEqual(
    worker.map((w) => [w.attempt, w.outcome]),
    [
      [1, 'error'],
      [2, 'success'],
    ],
  );
  const [first, second] = worker.map((w) => w.awsCalls ?? []);
  assert.deepEqual(
    first?.map((c) => `${c.service} ${c.operation}`),
    ['dynamodb UpdateItem', 'ses SendEmail'],
  );
  // SDK v2 (aws-sdk) reached the endpoint too, and the retry's ADD and email are duplicates of the first attempt's.
  assert.deepEqual(
    second?.map((c) => c.duplicateOf),
    first?.map((c) => c.id),
  );
  assert.equal(trace.summary.duplicateSideEffects, 2);
  assert.equal(
    trace.summary.awsCalls,
    trace.invocations.reduce((n, i) => n + (i.awsCalls?.length ?? 0), 0),
  );
  // On the Lambda clock every call takes the time its handler waited for the answer, and starts
  // inside its invocation's bar. One call may read 0 ms when the clock's reading did not move
  // (a loaded machine); all of them at 0 ms was the bug.
  const durations = trace.invocations.flatMap((inv) => (inv.awsCalls ?? []).map((c) => c.durationMs));
  assert.ok(
    durations.filter((ms) => ms > 0).length >= durations.length / 2,
    `calls on the Lambda clock: ${durations.join(', ')} ms`,
  );
  for (const inv of trace.invocations) {
    for (const c of inv.awsCalls ?? []) {
      assert.ok(
        c.durationMs >= 0 && Number.isFinite(c.durationMs),
        `${c.operation} of ${inv.function} took ${c.durationMs} ms`,
      );
      assert.ok(
        c.startMs >= inv.startMs && c.startMs <= inv.endMs,
        `${c.operation} at ${c.startMs} ms in ${inv.function}'s bar ${inv.startMs}–${inv.endMs} ms`,
      );
    }
  }
  // SNS fan-out to a function, and the table's stream to its reader; both read SSM.
  const [notify] = byFunction(trace, 'NotifyFunction');
  assert.equal(notify?.outcome, 'success', JSON.stringify(notify?.error));
  assert.deepEqual(notify?.response, { records: 1, key: 'key-123' });
  assert.equal(byFunction(trace, 'StreamFunction')[0]?.source, 'dynamodb');
  assert.deepEqual(trace.functions?.map((f) => f.logicalId).sort(), [
    'ApiFunction',
    'NotifyFunction',
    'StreamFunction',
    'WorkerFunction',
  ]);
  // The final state: the counter applied twice, the order stored, the SNS copy in the audit queue.
  const state = trace.aws?.state as {
    tables: Record<string, { id?: string; n?: number; pk?: string }[]>;
    queues: Record<string, string[]>;
  };
  assert.equal(state.tables['CountersTable']?.find((i) => i.id === 'charges')?.n, 2);
  assert.deepEqual(
    state.tables['OrdersTable']?.map((i) => i.pk),
    ['o-1'],
  );
  assert.equal(state.queues['AuditQueue']?.length, 1);
  // Environments and inputs of other functions keep ids of their own.
  assert.equal(new Set(trace.environments.map((e) => e.id)).size, trace.environments.length);
  assert.equal(new Set(trace.inputs.map((i) => i.id)).size, trace.inputs.length);
});

test('boto3 calls reach the endpoint, also releases without AWS_ENDPOINT_URL support', async (t) => {
  const pythons = pythonsWithBoto3();
  if (pythons.length === 0) {
    t.skip('no Python interpreter with boto3 here (.ci/run installs python3-boto3)');
    return;
  }
  for (const py of pythons) {
    const trace = await simulate(loadScenario(join(app, 'python.scenario.json')).config, {
      executables: { python: py.binary },
    });
    everyInputSettled(trace);
    const [inv] = byFunction(trace, 'PyFunction');
    assert.equal(inv?.outcome, 'success', `${py.binary} (boto3 ${py.version}): ${JSON.stringify(inv?.error)}`);
    const response = inv?.response as { customer: string; botocore: string; missing: string };
    assert.equal(response.customer, 'c2');
    // A function the template does not have: AWS's error, named, never real AWS.
    assert.equal(response.missing, 'ResourceNotFoundException');
    assert.deepEqual(
      inv?.awsCalls?.map((c) => `${c.service} ${c.operation} ${c.outcome}`),
      ['dynamodb PutItem ok', 'dynamodb GetItem ok', 'sqs SendMessage ok', 's3 PutObject ok', 'lambda Invoke error'],
    );
    // The message went to the worker, which ran in the same run.
    assert.ok(byFunction(trace, 'WorkerFunction').length >= 1, `${py.binary}: the worker did not run`);
  }
});

test('@aws-sdk resolves from the SDK copy when the code has none; without it the note says how to install it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-lens-sdk-copy-'));
  try {
    const code = join(dir, 'code');
    mkdirSync(code);
    writeFileSync(
      join(code, 'cjs.js'),
      "const { SNSClient } = require('@aws-sdk/client-sns');\nexports.handler = async () => typeof SNSClient;\n",
    );
    writeFileSync(
      join(code, 'esm.mjs'),
      "import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';\nexport const handler = async () => { await new S3Client({}).send(new PutObjectCommand({ Bucket: 'nope', Key: 'k', Body: 'x' })).catch((e) => { throw new Error(e.name); }); };\n",
    );
    const run = (handler: string): Promise<SimulationTrace> =>
      simulate(
        resolveScenario(
          {
            function: { handler, runtime: 'nodejs22.x', codeUri: 'code' },
            traffic: [{ at: 0, invoke: 'sync', event: {} }],
          },
          join(dir, 'x.scenario.json'),
        ).config,
      );
    // A cache folder whose copy is this repository's own SDK packages (no download in tests).
    const cache = join(dir, 'cache');
    mkdirSync(join(cache, 'aws-sdk-js-v3'), { recursive: true });
    symlinkSync(join(repoRoot, 'node_modules'), join(cache, 'aws-sdk-js-v3', 'node_modules'), 'dir');
    const saved = process.env['LAMBDA_LENS_CACHE'];
    process.env['LAMBDA_LENS_CACHE'] = join(dir, 'empty-cache');
    try {
      const missing = await run('cjs.handler');
      assert.equal(missing.invocations[0]?.errorType, 'Runtime.ImportModuleError');
      assert.ok(missing.environmentLogs.some((l) => /lambda-lens sdk install/.test(l.line)));
      process.env['LAMBDA_LENS_CACHE'] = cache;
      const cjs = await run('cjs.handler');
      assert.equal(cjs.invocations[0]?.response, 'function');
      // ES modules resolve it too; the bucket is not in any template: S3's NoSuchBucket, from the endpoint.
      const esm = await run('esm.handler');
      assert.equal(esm.invocations[0]?.error?.errorMessage, 'NoSuchBucket');
      assert.equal(esm.invocations[0]?.awsCalls?.[0]?.errorCode, 'NoSuchBucket');
    } finally {
      if (saved === undefined) delete process.env['LAMBDA_LENS_CACHE'];
      else process.env['LAMBDA_LENS_CACHE'] = saved;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('in a network namespace with only loopback, the whole flow runs the same: nothing needed the network', (t) => {
  const probe = spawnSync('unshare', ['-n', 'true']);
  if (probe.status !== 0) {
    t.skip('unshare -n is not permitted here (needs root or user namespaces)');
    return;
  }
  const script = join(__dirname, '../../fixtures/aws/offline-run.ts');
  const out = execFileSync(
    'unshare',
    ['-n', 'sh', '-c', `ip link set lo up && ip -o link | grep -c . && "${process.execPath}" --import tsx "${script}"`],
    {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 240_000,
    },
  );
  const [links, json] = [out.split('\n')[0], out.slice(out.indexOf('{'))];
  // Only the loopback interface exists in the namespace.
  assert.equal(links?.trim(), '1');
  const result = JSON.parse(json) as { outcomes: Record<string, string[]>; calls: number; failedCalls: string[] };
  assert.deepEqual(result.outcomes['ApiFunction'], ['success']);
  assert.deepEqual(result.outcomes['WorkerFunction'], ['error', 'success']);
  assert.deepEqual(result.outcomes['NotifyFunction'], ['success']);
  assert.ok(result.calls >= 8);
  assert.deepEqual(result.failedCalls, []);
});

test('lambda-lens sdk status says where the copy is, or that it is not installed; a wrong subcommand is a usage error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-lens-sdk-status-'));
  const saved = process.env['LAMBDA_LENS_CACHE'];
  process.env['LAMBDA_LENS_CACHE'] = dir;
  try {
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (s: string) => out.push(s), err: (s: string) => err.push(s) };
    assert.equal(await main(['sdk', 'status'], io), 0);
    assert.match(out.join('\n'), /^not installed \(lambda-lens sdk install puts it in .*aws-sdk-js-v3\)$/);
    mkdirSync(join(dir, 'aws-sdk-js-v3'));
    symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'aws-sdk-js-v3', 'node_modules'), 'dir');
    assert.equal(await main(['sdk', 'status'], io), 0);
    assert.match(out.at(-1) ?? '', /^installed in .*aws-sdk-js-v3$/);
    assert.equal(await main(['sdk', 'upgrade'], io), 2);
    assert.match(err.join('\n'), /give install or status/);
  } finally {
    if (saved === undefined) delete process.env['LAMBDA_LENS_CACHE'];
    else process.env['LAMBDA_LENS_CACHE'] = saved;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('scenario call rules: injected latency is on the call, and a hanging call ends when the function times out', async () => {
  const { config } = resolveScenario(
    {
      template: 'template.yaml',
      function: 'ApiFunction',
      overrides: { timeout: 2 },
      traffic: [{ at: 0, invoke: 'sync', event: { id: 'slow' } }],
      services: {
        calls: [
          { service: 'dynamodb', operation: 'PutItem', latencyMs: 50 },
          { service: 'sns', operation: 'Publish', fail: 'hang' },
        ],
      },
    },
    join(app, 'hang.scenario.json'),
  );
  const trace = await simulate(config);
  everyInputSettled(trace);
  const [api] = byFunction(trace, 'ApiFunction');
  assert.equal(api?.outcome, 'timeout');
  const calls = api?.awsCalls ?? [];
  assert.deepEqual(
    calls.map((c) => `${c.operation} ${c.outcome}`),
    ['PutItem ok', 'SendMessage ok', 'Publish hang'],
  );
  assert.ok((calls[0]?.durationMs ?? 0) >= 50, `PutItem took ${calls[0]?.durationMs} ms with 50 ms injected`);
  assert.match(calls[2]?.summary ?? '', /no answer/);
});

test('a request the endpoint cannot read gets an AWS-shaped error, never a crash', async () => {
  const em = new AwsEmulator(emptyResources({ region: 'us-east-1', accountId: '123456789012', endpoint: '' }), {
    now: () => 0,
    caller: () => undefined,
    deliverToQueue: () => false,
    invokeAsync: () => undefined,
    invokeSync: async () => ({ payload: null, functionError: null }),
    streamChange: () => undefined,
  });
  const url = await em.start();
  try {
    const unsigned = await fetch(`${url}/`, {
      method: 'POST',
      body: '{}',
      headers: { 'x-amz-target': 'DynamoDB_20120810.GetItem' },
    });
    assert.equal(unsigned.status, 403);
    assert.match(await unsigned.text(), /MissingAuthenticationTokenException/);
    const auth = {
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
      'x-amz-target': 'DynamoDB_20120810.PutItem',
      'content-type': 'application/x-amz-json-1.0',
    };
    const broken = await fetch(`${url}/`, { method: 'POST', body: '{not json', headers: auth });
    assert.equal(broken.status, 400);
    assert.match(await broken.text(), /SerializationException/);
    assert.deepEqual(
      em.recorder.calls.map((c) => [c.outcome, c.errorCode]),
      [
        ['error', 'MissingAuthenticationTokenException'],
        ['error', 'SerializationException'],
      ],
    );
  } finally {
    await em.close();
  }
});

test('lambda-lens simulate reports the calls per operation with p50 and the duplicates, and --dump-state - prints the final state', async () => {
  const chunks: string[] = [];
  const errors: string[] = [];
  const sink = (into: string[]): NodeJS.WritableStream =>
    ({ write: (s: string) => (into.push(String(s)), true) }) as unknown as NodeJS.WritableStream;
  const code = await runSimulate([join(app, 'flow.scenario.json'), '--dump-state', '-'], sink(chunks), sink(errors));
  assert.equal(code, 0, errors.join(''));
  const out = chunks.join('');
  assert.match(
    out,
    /^AWS calls: \d+, answered by the local endpoint http:\/\/127\.0\.0\.1:\d+ \(nothing left this machine\)$/m,
  );
  assert.match(out, /^ {2}dynamodb UpdateItem +2 calls +p50 +[\d.]+ ms +1 duplicate$/m);
  assert.match(out, /^ {2}Duplicate side effects: 2 /m);
  assert.match(out, /DUPLICATE SendEmail/);
  const state = JSON.parse(out.slice(out.lastIndexOf('\n{\n') + 1)) as { tables: Record<string, unknown[]> };
  assert.ok(Array.isArray(state.tables['CountersTable']));
});

test('a Python interpreter without boto3: the run says exactly how to install it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-lens-no-boto3-'));
  try {
    // A virtual environment sees none of the system's packages: no boto3.
    const made = spawnSync('python3', ['-m', 'venv', '--without-pip', join(dir, 'venv')], { encoding: 'utf8' });
    if (made.status !== 0) {
      t.skip(`python3 -m venv is not available here: ${made.stderr.trim()}`);
      return;
    }
    const python = join(dir, 'venv', 'bin', 'python3');
    const trace = await simulate(loadScenario(join(app, 'python.scenario.json')).config, { executables: { python } });
    const [inv] = byFunction(trace, 'PyFunction');
    assert.equal(inv?.errorType, 'Runtime.ImportModuleError');
    const note = trace.environmentLogs.find((l) => l.line.startsWith('LAMBDA_LENS note:'))?.line ?? '';
    assert.match(
      note,
      /includes boto3, but the interpreter this simulation uses \(.*venv.*\) has no boto3; install it with: .*venv.* -m pip install boto3/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the run's functions share the account's concurrency; reserved concurrency is carved out of it", async () => {
  const dir = join(__dirname, '../../fixtures/aws/concurrency');
  // ReservedFunction reserves 5 (it never runs): of an account limit of 6, one is left for the
  // two others, and CallerFunction holds it while it invokes CalleeFunction.
  const run = async (accountConcurrency: number): Promise<SimulationTrace> =>
    simulate(
      resolveScenario(
        {
          template: 'template.yaml',
          function: 'CallerFunction',
          platform: { accountConcurrency },
          traffic: [{ at: 0, invoke: 'sync', event: {} }],
        },
        join(dir, 'concurrency.scenario.json'),
      ).config,
    );
  const tight = await run(6);
  everyInputSettled(tight);
  const [caller] = byFunction(tight, 'CallerFunction');
  assert.deepEqual(caller?.response, {
    error: 'TooManyRequestsException',
    reason: 'ConcurrentInvocationLimitExceeded',
    status: 429,
  });
  const [callee] = byFunction(tight, 'CalleeFunction');
  assert.equal(callee?.outcome, 'throttled');
  assert.equal(callee?.throttleReason, 'ConcurrentInvocationLimitExceeded');
  assert.equal(caller?.awsCalls?.[0]?.errorCode, 'TooManyRequestsException');
  // One more in the account: both run.
  const roomy = await run(7);
  everyInputSettled(roomy);
  assert.deepEqual(byFunction(roomy, 'CallerFunction')[0]?.response, { callee: 'ok' });
  assert.equal(byFunction(roomy, 'CalleeFunction')[0]?.outcome, 'success');
});
