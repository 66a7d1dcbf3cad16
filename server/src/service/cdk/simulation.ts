/**
 * A CDK stack as the simulator reads it: a SAM template (JSON) with the stack's functions (code,
 * handler, runtime, memory, timeout, environment, event sources, async settings) and the
 * resources their calls reach (tables with their keys, queues, topics, buckets, secrets, SSM
 * parameters), written with `Ref`/`Fn::GetAtt` where the stack uses a construct's attribute
 * (`table.tableName`), so the run's local AWS endpoint answers with the stack's own resources.
 *
 * The simulator bundle holds no TypeScript compiler (test/unit/simulatorBundle.test.ts): the
 * language server and `lambda-lens` render the stack (this module reads it with the CDK reader)
 * and hand the text to the simulator with the stack's path (`ScenarioInputs.templates`), so a
 * scenario names the stack file itself. A `NodejsFunction` entry is compiled into
 * `cdk.out/lambda-lens/` when `build` is asked (build.ts); Python and asset folders run as they are.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FileSystem } from '../fs';
import { knownValue, type FunctionModel, type Setting, type Span, type Trigger } from '../model/types';
import { stackContext } from './app';
import { buildEntry, buildLayout } from './build';
import { readCdkStack } from './read';
import { StackSource, type Props, type Value } from './values';
import type { TS } from './typescript';

export interface CdkRendering {
  /** The SAM template, as JSON text. */
  readonly template: string;
  /** Why functions or resources of the stack are left out of the simulation, or run with a default. */
  readonly warnings: readonly string[];
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Attributes of constructs an environment variable may take, and what they are in CloudFormation. */
const ATTRIBUTES: Readonly<Record<string, Readonly<Record<string, Json | ((id: string) => Json)>>>> = {
  'AWS::DynamoDB::Table': {
    tableName: (id) => ({ Ref: id }),
    tableArn: (id) => ({ 'Fn::GetAtt': [id, 'Arn'] }),
    tableStreamArn: (id) => ({ 'Fn::GetAtt': [id, 'StreamArn'] }),
  },
  'AWS::SQS::Queue': {
    queueUrl: (id) => ({ Ref: id }),
    queueArn: (id) => ({ 'Fn::GetAtt': [id, 'Arn'] }),
    queueName: (id) => ({ 'Fn::GetAtt': [id, 'QueueName'] }),
  },
  'AWS::SNS::Topic': {
    topicArn: (id) => ({ Ref: id }),
    topicName: (id) => ({ 'Fn::GetAtt': [id, 'TopicName'] }),
  },
  'AWS::S3::Bucket': {
    bucketName: (id) => ({ Ref: id }),
    bucketArn: (id) => ({ 'Fn::GetAtt': [id, 'Arn'] }),
  },
  'AWS::Serverless::Function': {
    functionName: (id) => ({ Ref: id }),
    functionArn: (id) => ({ 'Fn::GetAtt': [id, 'Arn'] }),
  },
  'AWS::SecretsManager::Secret': { secretArn: (id) => ({ Ref: id }) },
  'AWS::SSM::Parameter': { parameterName: (id) => ({ Ref: id }) },
};

const KEY_TYPES: Readonly<Record<string, string>> = { STRING: 'S', NUMBER: 'N', BINARY: 'B' };

/** Renders the stack at `path` for the simulator; with `build`, compiles its NodejsFunction entries. */
export function renderCdkStack(path: string, text: string, fs: FileSystem, options: { build: boolean }): CdkRendering {
  const ctx = stackContext(path, fs);
  const uri = pathToFileURL(path).href;
  const doc = readCdkStack(uri, path, text, ctx.appRoot, ctx.synth, ctx.appProps);
  const src = new StackSource(path, text, ctx.appRoot, ctx.appProps);
  const r = new Renderer(src, ctx.appRoot, options.build);
  r.resources();
  for (const fn of doc.functions) r.fn(fn);
  return {
    template: JSON.stringify(
      {
        AWSTemplateFormatVersion: '2010-09-09',
        Transform: 'AWS::Serverless-2016-10-31',
        Description: `The CDK stack ${path}, as Lambda Lens simulates it`,
        Resources: r.out,
      },
      null,
      2,
    ),
    warnings: r.warnings,
  };
}

class Renderer {
  readonly out: JsonObject = {};
  readonly warnings: string[] = [];
  private readonly ts: typeof TS;
  /** Resource constructs by their `new` expression: logical id and CloudFormation type. */
  private readonly byNode = new Map<TS.NewExpression, { id: string; type: string }>();

  constructor(
    private readonly src: StackSource,
    private readonly appRoot: string | undefined,
    private readonly build: boolean,
  ) {
    this.ts = src.ts;
  }

  private add(node: TS.NewExpression, id: string, type: string, properties: JsonObject): void {
    if (this.out[id] !== undefined) {
      this.warnings.push(`two constructs of the stack have the id ${id}: the second is left out of the simulation`);
      return;
    }
    this.out[id] = { Type: type, Properties: properties };
    this.byNode.set(node, { id, type });
  }

  /** Tables, queues, topics, buckets, secrets and parameters of the file. */
  resources(): void {
    const ts = this.ts;
    const news: TS.NewExpression[] = [];
    const indexes = new Map<TS.NewExpression, Json[]>();
    const visit = (n: TS.Node): void => {
      if (ts.isNewExpression(n)) news.push(n);
      else if (
        ts.isCallExpression(n) &&
        ts.isPropertyAccessExpression(n.expression) &&
        n.expression.name.text === 'addGlobalSecondaryIndex'
      ) {
        const table = this.src.value(n.expression.expression);
        const index = this.index(this.src.propsOf(n.arguments[0]));
        if (table.k === 'new' && index !== undefined)
          indexes.set(table.node, [...(indexes.get(table.node) ?? []), index]);
      }
      ts.forEachChild(n, visit);
    };
    visit(this.src.sf);
    for (const n of news) {
      const cls = this.src.qualify(n.expression);
      const idv = this.src.value(n.arguments?.[1]);
      if (cls === undefined || idv.k !== 'str') continue;
      const id = idv.v.replace(/[^A-Za-z0-9]/g, '');
      const p = this.src.propsOf(n.arguments?.[2]);
      const str = (name: string): string | undefined => {
        const v = this.value(p, name);
        return v?.k === 'str' ? v.v : undefined;
      };
      const named = (prop: string, name: string | undefined): JsonObject =>
        name !== undefined ? { [prop]: name } : {};
      switch (cls) {
        case 'aws-dynamodb.Table':
        case 'aws-dynamodb.TableV2': {
          const keys = [this.key(p, 'partitionKey', 'HASH'), this.key(p, 'sortKey', 'RANGE')];
          const pk = keys[0];
          if (pk === undefined) {
            this.warnings.push(`table ${idv.v}: its partitionKey is not read statically, so it is not emulated`);
            continue;
          }
          const defined = keys.filter((k): k is NonNullable<typeof k> => k !== undefined);
          const gsi = indexes.get(n) ?? [];
          const attributes = new Map<string, string>();
          for (const k of defined) attributes.set(k.name, k.type);
          for (const g of gsi)
            for (const k of ((g as JsonObject)['_attributes'] as Json[] | undefined) ?? []) {
              const [name, type] = k as [string, string];
              attributes.set(name, type);
            }
          const stream = this.value(p, cls === 'aws-dynamodb.Table' ? 'stream' : 'dynamoStream');
          const view = stream?.k === 'member' ? stream.name.split('.').pop() : undefined;
          this.add(n, id, 'AWS::DynamoDB::Table', {
            ...named('TableName', str('tableName')),
            KeySchema: defined.map((k) => ({ AttributeName: k.name, KeyType: k.keyType })),
            AttributeDefinitions: [...attributes].map(([name, type]) => ({ AttributeName: name, AttributeType: type })),
            BillingMode: 'PAY_PER_REQUEST',
            ...(gsi.length > 0
              ? {
                  GlobalSecondaryIndexes: gsi.map((g) => {
                    const { _attributes: _, ...rest } = g as JsonObject;
                    return rest;
                  }),
                }
              : {}),
            ...(view !== undefined ? { StreamSpecification: { StreamViewType: view } } : {}),
          });
          break;
        }
        case 'aws-sqs.Queue': {
          const visibility = this.value(p, 'visibilityTimeout');
          const fifo = this.value(p, 'fifo');
          const dlq = this.src.propsOf(p?.entries.get('deadLetterQueue')?.valueNode);
          const dlqQueue = this.src.value(dlq?.entries.get('queue')?.valueNode);
          const dlqId = dlqQueue.k === 'new' ? this.idValue(dlqQueue.node) : undefined;
          const receives = this.value(dlq, 'maxReceiveCount');
          this.add(n, id, 'AWS::SQS::Queue', {
            ...named('QueueName', str('queueName')),
            ...(visibility?.k === 'duration' ? { VisibilityTimeout: visibility.seconds } : {}),
            ...(fifo?.k === 'bool' && fifo.v ? { FifoQueue: true } : {}),
            ...(dlqId !== undefined
              ? {
                  RedrivePolicy: {
                    deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] },
                    maxReceiveCount: receives?.k === 'num' ? receives.v : 3,
                  },
                }
              : {}),
          });
          break;
        }
        case 'aws-sns.Topic':
          this.add(n, id, 'AWS::SNS::Topic', named('TopicName', str('topicName')));
          break;
        case 'aws-s3.Bucket':
          this.add(n, id, 'AWS::S3::Bucket', named('BucketName', str('bucketName')));
          break;
        case 'aws-secretsmanager.Secret':
          // Without a given value the CDK generates one (SecretProps.generateSecretString): a fixed placeholder here.
          this.add(n, id, 'AWS::SecretsManager::Secret', {
            ...named('Name', str('secretName')),
            GenerateSecretString: {},
          });
          break;
        case 'aws-ssm.StringParameter':
          this.add(n, id, 'AWS::SSM::Parameter', {
            ...named('Name', str('parameterName')),
            Type: 'String',
            Value: str('stringValue') ?? '',
          });
          break;
        default:
          break;
      }
    }
  }

  private idValue(node: TS.NewExpression): string | undefined {
    const v = this.src.value(node.arguments?.[1]);
    return v.k === 'str' ? v.v.replace(/[^A-Za-z0-9]/g, '') : undefined;
  }

  private value(p: Props | undefined, name: string): Value | undefined {
    const e = p?.entries.get(name);
    return e ? this.src.value(e.valueNode) : undefined;
  }

  /** `partitionKey: { name: 'pk', type: AttributeType.STRING }`. */
  private key(
    p: Props | undefined,
    prop: string,
    keyType: 'HASH' | 'RANGE',
  ): { name: string; type: string; keyType: string } | undefined {
    const k = this.src.propsOf(p?.entries.get(prop)?.valueNode);
    const name = this.value(k, 'name');
    const type = this.value(k, 'type');
    const t = type?.k === 'member' ? KEY_TYPES[type.name.split('.').pop() ?? ''] : undefined;
    return name?.k === 'str' && t !== undefined ? { name: name.v, type: t, keyType } : undefined;
  }

  /** `table.addGlobalSecondaryIndex({ indexName, partitionKey, sortKey })`. */
  private index(p: Props | undefined): Json | undefined {
    const name = this.value(p, 'indexName');
    const keys = [this.key(p, 'partitionKey', 'HASH'), this.key(p, 'sortKey', 'RANGE')].filter(
      (k): k is NonNullable<typeof k> => k !== undefined,
    );
    if (name?.k !== 'str' || keys[0]?.keyType !== 'HASH') return undefined;
    return {
      IndexName: name.v,
      KeySchema: keys.map((k) => ({ AttributeName: k.name, KeyType: k.keyType })),
      Projection: { ProjectionType: 'ALL' },
      _attributes: keys.map((k) => [k.name, k.type]),
    };
  }

  /** The construct an attribute belongs to and the template value for it (`table.tableName` → `{ Ref: Table }`). */
  private attribute(expr: TS.Expression): Json | undefined {
    const ts = this.ts;
    if (!ts.isPropertyAccessExpression(expr)) return undefined;
    const owner = this.src.value(expr.expression);
    if (owner.k !== 'new') return undefined;
    const res = this.byNode.get(owner.node);
    const make = res !== undefined ? ATTRIBUTES[res.type]?.[expr.name.text] : undefined;
    return make === undefined || res === undefined ? undefined : typeof make === 'function' ? make(res.id) : make;
  }

  private nodeAt(span: Span): TS.Node | undefined {
    const ts = this.ts;
    let found: TS.Node | undefined;
    const visit = (n: TS.Node): void => {
      if (found !== undefined || n.end < span.start || n.pos > span.end) return;
      if (n.getStart(this.src.sf) === span.start && n.end === span.end) {
        found = n;
        return;
      }
      ts.forEachChild(n, visit);
    };
    visit(this.src.sf);
    return found;
  }

  fn(model: FunctionModel): void {
    const id = model.logicalId.replace(/[^A-Za-z0-9]/g, '');
    const node = this.nodeAt(model.span);
    const warn = (why: string) => this.warnings.push(`${model.logicalId}: ${why}`);
    const props: JsonObject = {};
    const runtime = knownValue(model.runtime);
    const kind =
      model.packageType !== undefined
        ? 'image'
        : model.entry !== undefined
          ? 'nodejs'
          : model.inlineCode
            ? 'inline'
            : 'asset';
    if (kind === 'image' || kind === 'inline') {
      warn(kind === 'image' ? 'an image function is not simulated' : 'inline code is not simulated');
      if (node !== undefined && this.ts.isNewExpression(node))
        this.byNode.set(node, { id, type: 'AWS::Serverless::Function' });
      return;
    }
    if (runtime !== undefined) props['Runtime'] = runtime;
    else if (
      (model.runtime !== undefined && 'unknown' in model.runtime && /PythonFunction/.test(model.runtime.unknown)) ||
      (kind === 'asset' && isPythonHandler(model))
    ) {
      // PythonFunction's default runtime depends on the aws-cdk-lib version; the simulator needs one.
      props['Runtime'] = 'python3.12';
      warn('its runtime is not known statically; simulated as python3.12');
    }
    if (kind === 'nodejs') {
      const entry = resolveEntry(knownValue(model.entry));
      const exportName = knownValue(model.handler)?.split('.').pop() ?? 'handler';
      if (entry === undefined) {
        warn('its entry file is not found, so it cannot run');
        return;
      }
      const { outDir, module } = buildLayout(entry, this.appRoot, id);
      props['CodeUri'] = outDir;
      props['Handler'] = `${module}.${exportName}`;
      if (this.build) {
        try {
          buildEntry(entry, this.appRoot, outDir);
        } catch (e) {
          warn(`its entry could not be compiled: ${e instanceof Error ? e.message : String(e)}`);
          return;
        }
      }
    } else {
      const codeUri = knownValue(model.codeUri);
      const handler = knownValue(model.handler);
      if (codeUri === undefined || handler === undefined) {
        warn(codeUri === undefined ? 'its code folder is not known statically' : 'its handler is not known statically');
        return;
      }
      props['CodeUri'] = codeUri;
      props['Handler'] = handler;
    }
    const set = <T extends Json>(key: string, s: Setting<T> | undefined) => {
      const v = knownValue(s);
      if (v !== undefined) props[key] = v;
    };
    set('MemorySize', model.memorySize);
    set('Timeout', model.timeout);
    set('ReservedConcurrentExecutions', model.reservedConcurrency);
    const arch = knownValue(model.architectures);
    if (arch !== undefined) props['Architectures'] = [...arch];
    const vars: JsonObject = {};
    for (const v of model.environment?.variables ?? []) {
      if ('value' in v.value) vars[v.name] = v.value.value;
      else {
        const expr = this.nodeAt(v.value.span);
        const ref = expr !== undefined && this.ts.isExpression(expr) ? this.attribute(expr) : undefined;
        if (ref !== undefined) vars[v.name] = ref;
        else warn(`the environment variable ${v.name} is not known statically (${v.value.unknown}), so it is not set`);
      }
    }
    if (Object.keys(vars).length > 0) props['Environment'] = { Variables: vars };
    const events: JsonObject = {};
    model.triggers.forEach((t, i) => {
      const e = this.event(t);
      if (e !== undefined) events[`${t.type}${i + 1}`] = e;
    });
    if (Object.keys(events).length > 0) props['Events'] = events;
    const url = model.functionUrl?.authType;
    if (url !== undefined) props['FunctionUrlConfig'] = { AuthType: knownValue(url) ?? 'AWS_IAM' };
    const asyncConfig = model.asyncConfig;
    if (asyncConfig !== undefined) {
      const c: JsonObject = {};
      const retries = knownValue(asyncConfig.maximumRetryAttempts);
      if (retries !== undefined) c['MaximumRetryAttempts'] = retries;
      const age = knownValue(asyncConfig.maximumEventAgeInSeconds);
      if (age !== undefined) c['MaximumEventAgeInSeconds'] = age;
      const destination = (d: typeof asyncConfig.onSuccess): Json | undefined => {
        const type = knownValue(d?.type);
        const target = d?.targetLogicalId !== undefined ? this.out[d.targetLogicalId] : undefined;
        return type !== undefined && target !== undefined && d?.targetLogicalId !== undefined
          ? { Type: type, Destination: { 'Fn::GetAtt': [d.targetLogicalId, 'Arn'] } }
          : undefined;
      };
      const onSuccess = destination(asyncConfig.onSuccess);
      const onFailure = destination(asyncConfig.onFailure);
      if (onSuccess !== undefined || onFailure !== undefined)
        c['DestinationConfig'] = {
          ...(onSuccess !== undefined ? { OnSuccess: onSuccess } : {}),
          ...(onFailure !== undefined ? { OnFailure: onFailure } : {}),
        };
      if (Object.keys(c).length > 0) props['EventInvokeConfig'] = c;
    }
    Object.assign(props, this.role(model));
    const dlq = model.deadLetterQueue;
    const dlqType = knownValue(dlq?.type);
    if (dlq?.targetLogicalId !== undefined && this.out[dlq.targetLogicalId] !== undefined && dlqType !== undefined)
      props['DeadLetterQueue'] = {
        Type: dlqType,
        TargetArn: { 'Fn::GetAtt': [dlq.targetLogicalId, dlqType === 'SNS' ? 'TopicArn' : 'Arn'] },
      };
    this.out[id] = {
      Type: 'AWS::Serverless::Function',
      // Where the construct is in the stack file: a configuration Lambda would reject is reported there.
      Metadata: { 'LambdaLens::Source': { line: lineOf(this.src.sf.text, model.idSpan.start) } },
      Properties: props,
    };
    if (node !== undefined && this.ts.isNewExpression(node))
      this.byNode.set(node, { id, type: 'AWS::Serverless::Function' });
  }

  /**
   * The function's execution role as SAM writes it, so that a simulation that checks calls
   * against the role sees the CDK's grants: `Policies` with the managed policies and statements
   * the reader found (a construct's ARN as `Fn::GetAtt`, and `/*` below it for objects and
   * indexes; a resource it cannot name as `*`), or a role from outside the template when the
   * reader cannot see the role whole (given with `role`, or an unknown grant), which is never judged.
   */
  private role(model: FunctionModel): JsonObject {
    const role = model.executionRole;
    if (role.managedBy !== 'sam' || role.grants.some((g) => g.kind === 'unknown'))
      return { Role: 'arn:aws:iam::123456789012:role/a-role-lambda-lens-cannot-read' };
    const policies: Json[] = [];
    for (const g of role.grants) {
      if (g.kind === 'managed') policies.push(g.name);
      else if (g.kind === 'statement')
        for (const st of g.statements ?? [])
          policies.push({
            Statement: [
              { Effect: st.effect, Action: [...st.actions], Resource: st.resources.flatMap((r) => this.resource(r)) },
            ],
          });
    }
    return policies.length > 0 ? { Policies: policies } : {};
  }

  private resource(pattern: string): Json[] {
    const id = /^\uE000([A-Za-z0-9]+)\.Arn\uE001$/.exec(pattern)?.[1];
    if (id !== undefined && this.out[id] !== undefined)
      return [{ 'Fn::GetAtt': [id, 'Arn'] }, { 'Fn::Sub': `\${${id}.Arn}/*` }];
    return /\uE000/.test(pattern) ? ['*'] : [pattern];
  }

  /** A trigger as a SAM event, when its source is a resource of the rendering (or needs none). */
  private event(t: Trigger): Json | undefined {
    const m = t.mapping;
    const source = m?.queue?.logicalId ?? t.name;
    const mapping: JsonObject = {};
    const put = <T extends Json>(key: string, s: Setting<T> | undefined) => {
      const v = knownValue(s);
      if (v !== undefined) mapping[key] = v;
    };
    put('BatchSize', m?.batchSize);
    put('MaximumBatchingWindowInSeconds', m?.maximumBatchingWindowInSeconds);
    const types = knownValue(m?.functionResponseTypes);
    if (types !== undefined) mapping['FunctionResponseTypes'] = [...types];
    const concurrency = knownValue(m?.maximumConcurrency);
    if (concurrency !== undefined) mapping['ScalingConfig'] = { MaximumConcurrency: concurrency };
    put('MaximumRetryAttempts', m?.maximumRetryAttempts);
    put('BisectBatchOnFunctionError', m?.bisectBatchOnFunctionError);
    put('ParallelizationFactor', m?.parallelizationFactor);
    const has = (type: string) => (this.out[source] as JsonObject | undefined)?.['Type'] === type;
    switch (t.type) {
      case 'SQS':
        return has('AWS::SQS::Queue')
          ? { Type: 'SQS', Properties: { Queue: { 'Fn::GetAtt': [source, 'Arn'] }, ...mapping } }
          : undefined;
      case 'DynamoDB':
        return has('AWS::DynamoDB::Table')
          ? {
              Type: 'DynamoDB',
              Properties: {
                Stream: { 'Fn::GetAtt': [source, 'StreamArn'] },
                StartingPosition: knownValue(m?.startingPosition) ?? 'LATEST',
                ...mapping,
              },
            }
          : undefined;
      case 'Kinesis':
        return {
          Type: 'Kinesis',
          Properties: {
            Stream: `arn:aws:kinesis:us-east-1:123456789012:stream/${source}`,
            StartingPosition: knownValue(m?.startingPosition) ?? 'LATEST',
            ...mapping,
          },
        };
      case 'SNS':
        return has('AWS::SNS::Topic') ? { Type: 'SNS', Properties: { Topic: { Ref: source } } } : undefined;
      case 'S3':
        return has('AWS::S3::Bucket')
          ? { Type: 'S3', Properties: { Bucket: { Ref: source }, Events: 's3:ObjectCreated:*' } }
          : undefined;
      case 'Api':
        return { Type: 'Api', Properties: { Path: '/{proxy+}', Method: t.method ?? 'ANY' } };
      case 'HttpApi':
        return { Type: 'HttpApi', Properties: { Path: '/{proxy+}', Method: t.method ?? 'ANY' } };
      case 'Schedule':
        return { Type: 'Schedule', Properties: { Schedule: 'rate(1 hour)' } };
      default:
        return undefined;
    }
  }
}

/** A NodejsFunction entry with its extension (the default entry is `<stack>.<id>` + `.ts` or `.js`). */
function resolveEntry(entry: string | undefined): string | undefined {
  if (entry === undefined) return undefined;
  return [entry, `${entry}.ts`, `${entry}.js`, `${entry}.mts`, `${entry}.mjs`].find((p) => existsSync(p));
}

function isPythonHandler(model: FunctionModel): boolean {
  const dir = knownValue(model.codeUri);
  const handler = knownValue(model.handler);
  if (dir === undefined || handler === undefined) return false;
  const module = handler.slice(0, handler.lastIndexOf('.'));
  return existsSync(join(dir, `${module.replace(/\./g, '/')}.py`)) && !existsSync(join(dir, `${module}.js`));
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
