/**
 * What the template allows is what the simulation allows (issue 22): real handlers in real
 * child processes with the real AWS SDK v3, against the run's local endpoint. A VPC function
 * reaches a service only where its subnets route to it (templates/network.ts, the decision
 * LL4003 reports); otherwise the call hangs until the function times out, and the trace says why.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveScenario } from '../../../server/src/simulator/scenario';
import { simulate } from '../../../server/src/simulator/run';
import type { SimulationTrace, TraceInvocation } from '../../../server/src/simulator/trace';
import { pythonsWithBoto3 } from './pythons';
import { deliveryCheck } from '../../../server/src/simulator/aws/enforcement';
import { readTemplate } from '../../../server/src/service/templates/template';

const dir = join(__dirname, '../../fixtures/aws/enforce');

function run(fn: string, event: unknown = { id: 'o-1' }): Promise<SimulationTrace> {
  const { config } = resolveScenario(
    { template: 'template.yaml', function: fn, traffic: [{ at: 0, invoke: 'sync', event }] },
    join(dir, `${fn}.scenario.json`),
  );
  return simulate(config);
}

function only(trace: SimulationTrace, fn: string): TraceInvocation {
  const list = trace.invocations.filter((i) => i.function === fn);
  assert.equal(list.length, 1, `${fn}: ${list.length} invocations`);
  return list[0] as TraceInvocation;
}

test('a VPC function whose subnet routes through a NAT gateway reaches DynamoDB and SQS', async () => {
  const trace = await run('RoutedFunction');
  const inv = only(trace, 'RoutedFunction');
  assert.equal(inv.outcome, 'success', JSON.stringify(inv.error));
  assert.deepEqual(inv.response, { put: 'ok', send: 'ok' });
  assert.deepEqual(
    inv.awsCalls?.map((c) => `${c.operation} ${c.outcome} ${c.enforcement?.kind ?? '-'}`),
    ['PutItem ok -', 'SendMessage ok -'],
  );
  assert.deepEqual(trace.aws?.warnings, []);
});

test('without a route to SQS the call hangs until the function times out, and the trace says why', async () => {
  const trace = await run('IsolatedFunction');
  const inv = only(trace, 'IsolatedFunction');
  // DynamoDB answered through the gateway endpoint on the subnet's route table; SQS never did.
  assert.equal(inv.outcome, 'timeout');
  assert.match(inv.error?.errorMessage ?? '', /Task timed out after 3\.00 seconds/);
  const [put, send] = inv.awsCalls ?? [];
  assert.equal(put?.outcome, 'ok');
  assert.equal(put?.enforcement, undefined);
  assert.equal(send?.operation, 'SendMessage');
  assert.equal(send?.outcome, 'hang');
  assert.equal(send?.enforcement?.kind, 'unreachable');
  assert.match(
    send?.enforcement?.reason ?? '',
    /^no route from subnet IsolatedSubnet to sqs: subnet IsolatedSubnet has route table IsolatedTable, with no 0\.0\.0\.0\/0 route to a NAT gateway, and the VPC has no interface endpoint for sqs$/,
  );
  assert.equal(send?.summary, 'SendMessage sim-JobsQueue');
  // The message never reached the queue.
  assert.deepEqual((trace.aws?.state as { queues: Record<string, string[]> }).queues['JobsQueue'], []);
});

test('subnets given as ids are assumed to reach everything, and the run says so once', async () => {
  const { config } = resolveScenario(
    {
      template: 'template.yaml',
      function: 'ExternalFunction',
      traffic: [{ at: 0, invoke: 'sync', event: { id: 'x' }, count: 2, intervalMs: 100 }],
    },
    join(dir, 'external.scenario.json'),
  );
  const trace = await simulate(config);
  const invs = trace.invocations.filter((i) => i.function === 'ExternalFunction');
  assert.deepEqual(
    invs.map((i) => i.outcome),
    ['success', 'success'],
  );
  const notes = (trace.aws?.warnings ?? []).filter((w) => /VPC/.test(w));
  assert.deepEqual(notes, [
    'ExternalFunction is attached to a VPC whose routes the template does not describe (its subnets are given as ids, parameters or imports, so the template does not say where they route): its calls are assumed to reach their services',
  ]);
});

test('SNS delivers to a function only where its resource policy allows it; a refused delivery is marked on the Publish', async () => {
  const trace = await run('PublisherFunction', {});
  const pub = only(trace, 'PublisherFunction');
  assert.equal(pub.outcome, 'success', JSON.stringify(pub.error));
  // SNS accepted the message: the publisher sees a success, as on AWS.
  assert.deepEqual(pub.response, { published: 'string' });
  const [publish] = pub.awsCalls ?? [];
  assert.equal(publish?.outcome, 'ok');
  assert.equal(publish?.enforcement?.kind, 'refused');
  assert.match(
    publish?.enforcement?.reason ?? '',
    /^SNS could not deliver to ForgottenFunction: Lambda refused the invocation \(AccessDeniedException\): no statement of its resource-based policy allows sns\.amazonaws\.com to perform lambda:InvokeFunction on arn:aws:lambda:us-east-1:123456789012:function:sim-ForgottenFunction from arn:aws:sns:us-east-1:123456789012:sim-Alerts \(no AWS::Lambda::Permission for Alerts\)$/,
  );
  // The permitted subscriber and the SAM event's function ran; the forgotten one never did.
  assert.deepEqual(only(trace, 'AllowedFunction').response, ['disk full']);
  assert.deepEqual(only(trace, 'EventFunction').response, ['disk full']);
  assert.equal(trace.invocations.filter((i) => i.function === 'ForgottenFunction').length, 0);
});

const DENIED =
  /^User: arn:aws:sts::123456789012:assumed-role\/ReaderFunctionRole\/sim-ReaderFunction is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:123456789012:table\/sim-OrdersTable because no identity-based policy allows the dynamodb:PutItem action$/;

test('a role with DynamoDBReadPolicy: PutItem gets AccessDeniedException from the real SDK v3, with AWS message', async () => {
  const trace = await run('ReaderFunction', { id: 'r-1', send: false });
  const inv = only(trace, 'ReaderFunction');
  assert.equal(inv.outcome, 'success', JSON.stringify(inv.error));
  const put = (inv.response as { put: string }).put;
  const [name, ...message] = put.split(': ');
  assert.equal(name, 'AccessDeniedException');
  assert.match(message.join(': '), DENIED);
  const [call] = inv.awsCalls ?? [];
  assert.equal(call?.outcome, 'error');
  assert.equal(call?.errorCode, 'AccessDeniedException');
  assert.equal(call?.enforcement?.kind, 'denied');
  assert.match(call?.enforcement?.reason ?? '', /DynamoDBReadPolicy|no statement of the role allows dynamodb:PutItem/);
  // Nothing was written.
  assert.deepEqual((trace.aws?.state as { tables: Record<string, unknown[]> }).tables['OrdersTable'], []);
  assert.deepEqual(trace.aws?.warnings, []);
});

test('boto3 parses the same AccessDeniedException', async (t) => {
  const pythons = pythonsWithBoto3();
  if (pythons.length === 0) {
    t.skip('no Python interpreter with boto3 here (.ci/run installs python3-boto3)');
    return;
  }
  for (const py of pythons) {
    const { config } = resolveScenario(
      { template: 'template.yaml', function: 'PyReaderFunction', traffic: [{ at: 0, invoke: 'sync', event: {} }] },
      join(dir, 'py.scenario.json'),
    );
    const trace = await simulate(config, { executables: { python: py.binary } });
    const inv = only(trace, 'PyReaderFunction');
    assert.equal(inv.outcome, 'success', `${py.binary}: ${JSON.stringify(inv.error)}`);
    const out = inv.response as { code: string; message: string };
    assert.equal(out.code, 'AccessDeniedException', `${py.binary} (boto3 ${py.version})`);
    assert.match(
      out.message,
      /assumed-role\/PyReaderFunctionRole\/sim-PyReaderFunction is not authorized to perform: dynamodb:PutItem on resource: .*table\/sim-OrdersTable because no identity-based policy allows the dynamodb:PutItem action$/,
    );
    assert.equal(inv.awsCalls?.[0]?.enforcement?.kind, 'denied');
  }
});

test('S3 and EventBridge deliveries follow the same resource policy; unclear permissions let them through once-warned', () => {
  const text = `Transform: AWS::Serverless-2016-10-31
Parameters:
  Source: { Type: String }
Resources:
  Uploads: { Type: AWS::S3::Bucket }
  Nightly: { Type: AWS::Events::Rule, Properties: { ScheduleExpression: rate(1 day) } }
  Fn: { Type: AWS::Serverless::Function, Properties: { Handler: a.h, Runtime: nodejs22.x } }
  Loose: { Type: AWS::Serverless::Function, Properties: { Handler: a.h, Runtime: nodejs22.x } }
  FromRule:
    Type: AWS::Lambda::Permission
    Properties: { FunctionName: !GetAtt Fn.Arn, Action: lambda:InvokeFunction, Principal: events.amazonaws.com, SourceArn: !GetAtt Nightly.Arn }
  FromSomewhere:
    Type: AWS::Lambda::Permission
    Properties: { FunctionName: !Ref Loose, Action: lambda:InvokeFunction, Principal: s3.amazonaws.com, SourceArn: !Ref Source }
`;
  const doc = readTemplate('file:///t/template.yaml', text);
  const warnings: string[] = [];
  const check = deliveryCheck(doc, (w) => warnings.push(w));
  const fn = { logicalId: 'Fn', name: 'sim-Fn', arn: 'arn:aws:lambda:us-east-1:123456789012:function:sim-Fn' };
  const target = { kind: 'function' as const, logicalId: 'Fn' };
  const rule = {
    service: 'events' as const,
    logicalId: 'Nightly',
    arn: 'arn:aws:events:us-east-1:123456789012:rule/sim-Nightly',
  };
  const bucket = { service: 's3' as const, logicalId: 'Uploads', arn: 'arn:aws:s3:::sim-uploads' };
  assert.equal(check(fn, target, rule), null);
  assert.match(
    check(fn, target, bucket) ?? '',
    /^S3 could not deliver to Fn: Lambda refused the invocation \(AccessDeniedException\): .*s3\.amazonaws\.com.*; deploying this would already fail/,
  );
  // A SAM event's delivery carries SAM's permission.
  assert.equal(check(fn, { ...target, samEvent: 'Upload' }, bucket), null);
  // A SourceArn from a parameter: cannot tell, so allowed, and said once.
  const loose = { ...fn, logicalId: 'Loose', name: 'sim-Loose' };
  assert.equal(check(loose, { kind: 'function', logicalId: 'Loose' }, bucket), null);
  assert.equal(check(loose, { kind: 'function', logicalId: 'Loose' }, bucket), null);
  assert.equal(warnings.length, 1);
  assert.match(
    warnings[0] ?? '',
    /^Loose: whether FromSomewhere allows s3\.amazonaws\.com to invoke it cannot be told/,
  );
});

test('a role with no grant: each protocol carries the access-denied error its SDK parses (query, REST-XML, JSON 1.0, JSON 1.1)', async () => {
  const trace = await run('UngrantedFunction', {});
  const inv = only(trace, 'UngrantedFunction');
  assert.equal(inv.outcome, 'success', JSON.stringify(inv.error));
  type Failure = { name: string; status: number; message: string };
  const out = inv.response as Record<'sns' | 's3' | 'sqs' | 'ssm', Failure>;
  const who =
    'User: arn:aws:sts::123456789012:assumed-role/UngrantedFunctionRole/sim-UngrantedFunction is not authorized to perform:';
  assert.deepEqual([out.sns.name, out.sns.status], ['AuthorizationErrorException', 403]);
  assert.equal(
    out.sns.message,
    `${who} sns:Publish on resource: arn:aws:sns:us-east-1:123456789012:sim-Alerts because no identity-based policy allows the sns:Publish action`,
  );
  assert.deepEqual([out.s3.name, out.s3.status], ['AccessDenied', 403]);
  assert.equal(
    out.s3.message,
    `${who} s3:PutObject on resource: arn:aws:s3:::sim-uploads/a.txt because no identity-based policy allows the s3:PutObject action`,
  );
  assert.equal(out.sqs.status, 400);
  assert.match(out.sqs.name, /AccessDenied/);
  assert.match(
    out.sqs.message,
    /sqs:SendMessage on resource: arn:aws:sqs:us-east-1:123456789012:sim-JobsQueue because/,
  );
  assert.deepEqual([out.ssm.name, out.ssm.status], ['AccessDeniedException', 400]);
  assert.match(
    out.ssm.message,
    /ssm:GetParameter on resource: .*parameter\/app\/key because no identity-based policy allows/,
  );
  assert.deepEqual(
    inv.awsCalls?.map((c) => `${c.service} ${c.enforcement?.kind}`),
    ['sns denied', 's3 denied', 'sqs denied', 'ssm denied'],
  );
});

test('a role from outside the template cannot be evaluated: calls are allowed, and the run says so once', async () => {
  const { config } = resolveScenario(
    {
      template: 'template.yaml',
      function: 'OutsideRoleFunction',
      traffic: [{ at: 0, invoke: 'sync', event: { id: 'x', send: false }, count: 2, intervalMs: 100 }],
    },
    join(dir, 'outside.scenario.json'),
  );
  const trace = await simulate(config);
  const invs = trace.invocations.filter((i) => i.function === 'OutsideRoleFunction');
  assert.deepEqual(
    invs.map((i) => i.response),
    [{ put: 'ok' }, { put: 'ok' }],
  );
  assert.deepEqual(trace.aws?.warnings, [
    'OutsideRoleFunction: its execution role could not be evaluated for dynamodb:PutItem (the role is defined outside the template); the calls it cannot judge are allowed',
  ]);
});
