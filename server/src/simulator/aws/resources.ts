/**
 * The template's resources as the local endpoint emulates them: tables, queues, topics and their
 * subscriptions, EventBridge rules, buckets and their notifications, parameters, secrets and
 * functions, each with the name, ARN and URL it has in the run; and `Ref`/`Fn::GetAtt`/`Fn::Sub`/
 * `Fn::Join` of them resolved to those values (for environment variables).
 *
 * Return values per resource type are CloudFormation's ("Return values" of each resource page,
 * e.g. https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sqs-queue.html:
 * Ref is the queue URL; GetAtt Arn, QueueName, QueueUrl).
 */
import { get, scalarString, type TMap, type TNode } from '../../service/templates/tree';

export interface Region {
  region: string;
  accountId: string;
  /** The endpoint's base URL (`http://127.0.0.1:PORT`): queue URLs point at it. */
  endpoint: string;
}

export interface KeyElement {
  AttributeName: string;
  KeyType: 'HASH' | 'RANGE';
}

export interface TableDef {
  logicalId: string;
  name: string;
  arn: string;
  streamArn: string | null;
  /** NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES or KEYS_ONLY when the table has a stream. */
  streamViewType: string | null;
  /** The CreateTable request dynalite is given (keys, attributes, indexes). */
  create: Record<string, unknown>;
}

export interface QueueDef {
  logicalId: string;
  name: string;
  arn: string;
  url: string;
  fifo: boolean;
  visibilityTimeoutSeconds: number;
  contentBasedDeduplication: boolean;
}

/** Where a topic, rule or bucket delivers: a function of the template or a queue. */
export type Target =
  | {
      kind: 'function';
      logicalId: string;
      /** Set when a SAM event of the function defines the delivery: SAM then adds the permission that allows it. */
      samEvent?: string;
    }
  | { kind: 'queue'; logicalId: string }
  | { kind: 'topic'; logicalId: string };

export interface TopicDef {
  logicalId: string;
  name: string;
  arn: string;
  subscriptions: { target: Target; rawMessageDelivery: boolean; filterPolicy: unknown }[];
}

export interface RuleDef {
  logicalId: string;
  arn: string;
  /** The bus name (`default` unless the rule names another). */
  bus: string;
  pattern: unknown;
  targets: Target[];
}

export interface BucketDef {
  logicalId: string;
  name: string;
  arn: string;
  /** Lambda notifications: `s3:ObjectCreated:*`-style events and the key filter. */
  notifications: { events: string[]; prefix: string; suffix: string; target: Target }[];
}

export interface FunctionDef {
  logicalId: string;
  name: string;
  arn: string;
}

export interface Resources {
  region: Region;
  tables: Map<string, TableDef>;
  queues: Map<string, QueueDef>;
  topics: Map<string, TopicDef>;
  rules: RuleDef[];
  buckets: Map<string, BucketDef>;
  functions: Map<string, FunctionDef>;
  /** SSM parameters by name: value and type. */
  parameters: Map<string, { value: string; type: string }>;
  /** Secrets by name. */
  secrets: Map<string, { arn: string; value: string }>;
  /** Template parameters' defaults, for `Ref`. */
  templateParameters: Map<string, string>;
  /** The logical ids of resources the emulation does not model, with their type (for `Ref`). */
  others: Map<string, string>;
  /** Event source mappings: which function reads which queue or table stream (logical ids). */
  mappings: { function: string; kind: 'sqs' | 'dynamodb'; source: string }[];
}

/** The stack name used in generated physical names (CloudFormation's `stack-LogicalId-SUFFIX`). */
const STACK = 'sim';

export function emptyResources(region: Region): Resources {
  return {
    region,
    tables: new Map(),
    queues: new Map(),
    topics: new Map(),
    rules: [],
    buckets: new Map(),
    functions: new Map(),
    parameters: new Map(),
    secrets: new Map(),
    templateParameters: new Map(),
    others: new Map(),
    mappings: [],
  };
}

function arn(r: Region, service: string, resource: string, regional = true): string {
  return `arn:aws:${service}:${regional ? r.region : ''}:${service === 's3' ? '' : r.accountId}:${resource}`;
}

/**
 * Reads a template's resources (CloudFormation/SAM `Resources`, or serverless.yml's
 * `resources.Resources` and `functions`). Names left to CloudFormation get `sim-LogicalId`.
 */
export function readResources(root: TNode | undefined, region: Region): Resources {
  const res = emptyResources(region);
  const map = (n: TNode | undefined): TMap | undefined => (n?.kind === 'map' ? n : undefined);
  const serverless = get(root, 'service') !== undefined && get(root, 'provider') !== undefined;
  const resources = map(serverless ? get(get(root, 'resources'), 'Resources') : get(root, 'Resources'));
  for (const p of map(get(root, 'Parameters'))?.entries ?? []) {
    const def = scalarString(get(p.value, 'Default'));
    if (def !== undefined) res.templateParameters.set(p.key, def);
  }
  const ev = new Evaluator(res);
  const entries = resources?.entries ?? [];
  // Names first (a queue's URL is needed to resolve a subscription to it), then relations.
  for (const { key: id, value } of entries) {
    const type = scalarString(get(value, 'Type')) ?? '';
    const props = get(value, 'Properties');
    const named = (prop: string, fallback: string): string => ev.string(get(props, prop)) ?? fallback;
    switch (type) {
      case 'AWS::DynamoDB::Table':
      case 'AWS::DynamoDB::GlobalTable':
      case 'AWS::Serverless::SimpleTable': {
        const name = named('TableName', `${STACK}-${id}`);
        const t = tableDef(ev, id, name, type, props, region);
        res.tables.set(id, t);
        break;
      }
      case 'AWS::SQS::Queue': {
        const fifo = ev.value(get(props, 'FifoQueue')) === 'true';
        const name = named('QueueName', `${STACK}-${id}${fifo ? '.fifo' : ''}`);
        res.queues.set(id, {
          logicalId: id,
          name,
          arn: arn(region, 'sqs', name),
          url: `${region.endpoint}/${region.accountId}/${name}`,
          fifo: fifo || name.endsWith('.fifo'),
          visibilityTimeoutSeconds: Number(ev.value(get(props, 'VisibilityTimeout')) ?? 30) || 30,
          contentBasedDeduplication: ev.value(get(props, 'ContentBasedDeduplication')) === 'true',
        });
        break;
      }
      case 'AWS::SNS::Topic': {
        const name = named('TopicName', `${STACK}-${id}`);
        res.topics.set(id, { logicalId: id, name, arn: arn(region, 'sns', name), subscriptions: [] });
        break;
      }
      case 'AWS::S3::Bucket': {
        const name = named('BucketName', `${STACK}-${id.toLowerCase()}`);
        res.buckets.set(id, { logicalId: id, name, arn: `arn:aws:s3:::${name}`, notifications: [] });
        break;
      }
      case 'AWS::Serverless::Function':
      case 'AWS::Lambda::Function': {
        const name = named('FunctionName', `${STACK}-${id}`);
        res.functions.set(id, { logicalId: id, name, arn: arn(region, 'lambda', `function:${name}`) });
        break;
      }
      case 'AWS::SSM::Parameter': {
        const name = named('Name', `CFN-${id}`);
        res.parameters.set(name, {
          value: ev.string(get(props, 'Value')) ?? '',
          type: ev.string(get(props, 'Type')) ?? 'String',
        });
        res.others.set(id, name);
        break;
      }
      case 'AWS::SecretsManager::Secret': {
        const name = named('Name', `${id}-sim`);
        const generated = get(props, 'GenerateSecretString');
        const template = ev.string(get(generated, 'SecretStringTemplate'));
        const key = ev.string(get(generated, 'GenerateStringKey'));
        let value = ev.string(get(props, 'SecretString')) ?? '';
        if (generated !== undefined) {
          // A generated secret: a fixed placeholder, so runs repeat.
          try {
            const obj = template !== undefined ? (JSON.parse(template) as Record<string, unknown>) : {};
            if (key !== undefined) obj[key] = 'simulated-secret-value';
            value = template !== undefined || key !== undefined ? JSON.stringify(obj) : 'simulated-secret-value';
          } catch {
            value = 'simulated-secret-value';
          }
        }
        res.secrets.set(name, { arn: arn(region, 'secretsmanager', `secret:${name}-AbCdEf`), value });
        res.others.set(id, res.secrets.get(name)?.arn ?? name);
        break;
      }
      default:
        if (type.startsWith('AWS::')) res.others.set(id, `${STACK}-${id}`);
    }
  }
  if (serverless) {
    for (const f of map(get(root, 'functions'))?.entries ?? []) {
      const service = scalarString(get(root, 'service')) ?? 'service';
      const name = ev.string(get(f.value, 'name')) ?? `${service}-dev-${f.key}`;
      res.functions.set(f.key, { logicalId: f.key, name, arn: arn(region, 'lambda', `function:${name}`) });
    }
  }
  if (serverless) {
    // serverless.yml events that read a queue or a table's stream of `resources` (an `arn:` reference).
    for (const f of map(get(root, 'functions'))?.entries ?? []) {
      for (const e of seqItems(get(f.value, 'events'))) {
        const sqs = get(e, 'sqs');
        const stream = get(e, 'stream');
        const source = ev.refId(get(sqs, 'arn') ?? sqs) ?? ev.refId(get(stream, 'arn') ?? stream);
        if (source === undefined) continue;
        if (res.queues.has(source)) res.mappings.push({ function: f.key, kind: 'sqs', source });
        else if (res.tables.has(source)) res.mappings.push({ function: f.key, kind: 'dynamodb', source });
      }
    }
  }
  for (const { key: id, value } of entries) {
    const type = scalarString(get(value, 'Type')) ?? '';
    const props = get(value, 'Properties');
    if (type === 'AWS::SNS::Topic') {
      for (const s of seqItems(get(props, 'Subscription'))) {
        const target = ev.target(get(s, 'Endpoint'));
        if (target)
          res.topics.get(id)?.subscriptions.push({ target, rawMessageDelivery: false, filterPolicy: undefined });
      }
    } else if (type === 'AWS::SNS::Subscription') {
      const topic = ev.refId(get(props, 'TopicArn'));
      const target = ev.target(get(props, 'Endpoint'));
      const t = topic !== undefined ? res.topics.get(topic) : undefined;
      if (t && target)
        t.subscriptions.push({
          target,
          rawMessageDelivery: ev.value(get(props, 'RawMessageDelivery')) === 'true',
          filterPolicy: ev.json(get(props, 'FilterPolicy')),
        });
    } else if (type === 'AWS::Events::Rule') {
      const targets = seqItems(get(props, 'Targets')).flatMap((t) => {
        const target = ev.target(get(t, 'Arn'));
        return target ? [target] : [];
      });
      const pattern = ev.json(get(props, 'EventPattern'));
      if (pattern !== undefined)
        res.rules.push(ruleDef(region, id, busName(ev, get(props, 'EventBusName')), pattern, targets));
    } else if (type === 'AWS::S3::Bucket') {
      for (const c of seqItems(get(get(props, 'NotificationConfiguration'), 'LambdaConfigurations'))) {
        const target = ev.target(get(c, 'Function'));
        const rules = seqItems(get(get(get(c, 'Filter'), 'S3Key'), 'Rules'));
        const filter = (n: string): string =>
          ev.string(
            get(
              rules.find((r) => ev.string(get(r, 'Name'))?.toLowerCase() === n),
              'Value',
            ),
          ) ?? '';
        const event = ev.string(get(c, 'Event'));
        if (target && event)
          res.buckets
            .get(id)
            ?.notifications.push({ events: [event], prefix: filter('prefix'), suffix: filter('suffix'), target });
      }
    } else if (type === 'AWS::Lambda::EventSourceMapping') {
      const fn = ev.refId(get(props, 'FunctionName'));
      const source = ev.refId(get(props, 'EventSourceArn'));
      if (fn !== undefined && source !== undefined) {
        if (res.queues.has(source)) res.mappings.push({ function: fn, kind: 'sqs', source });
        else if (res.tables.has(source)) res.mappings.push({ function: fn, kind: 'dynamodb', source });
      }
    } else if (type === 'AWS::Serverless::Function') {
      for (const e of map(get(props, 'Events'))?.entries ?? []) {
        const eventType = scalarString(get(e.value, 'Type'));
        const ep = get(e.value, 'Properties');
        const self: Target = { kind: 'function', logicalId: id, samEvent: e.key };
        if (eventType === 'SNS') {
          const topic = ev.refId(get(ep, 'Topic'));
          const t = topic !== undefined ? res.topics.get(topic) : undefined;
          t?.subscriptions.push({
            target: self,
            rawMessageDelivery: false,
            filterPolicy: ev.json(get(ep, 'FilterPolicy')),
          });
        } else if (eventType === 'EventBridgeRule' || eventType === 'CloudWatchEvent') {
          const pattern = ev.json(get(ep, 'Pattern'));
          if (pattern !== undefined)
            res.rules.push(ruleDef(region, `${id}${e.key}`, busName(ev, get(ep, 'EventBusName')), pattern, [self]));
        } else if (eventType === 'SQS' || eventType === 'DynamoDB') {
          const source = ev.refId(get(ep, eventType === 'SQS' ? 'Queue' : 'Stream'));
          if (source !== undefined)
            res.mappings.push({ function: id, kind: eventType === 'SQS' ? 'sqs' : 'dynamodb', source });
        } else if (eventType === 'S3') {
          const bucket = ev.refId(get(ep, 'Bucket'));
          const b = bucket !== undefined ? res.buckets.get(bucket) : undefined;
          const rules = seqItems(get(get(get(ep, 'Filter'), 'S3Key'), 'Rules'));
          const filter = (n: string): string =>
            ev.string(
              get(
                rules.find((r) => ev.string(get(r, 'Name'))?.toLowerCase() === n),
                'Value',
              ),
            ) ?? '';
          const events = seqItems(get(ep, 'Events')).map((x) => ev.string(x) ?? '');
          const single = ev.string(get(ep, 'Events'));
          b?.notifications.push({
            events: single !== undefined ? [single] : events,
            prefix: filter('prefix'),
            suffix: filter('suffix'),
            target: self,
          });
        }
      }
    }
  }
  return res;
}

/** A rule's ARN: `rule/NAME` on the default bus, `rule/BUS/NAME` on another (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridge.html#amazoneventbridge-resources-for-iam-policies). */
function ruleDef(region: Region, id: string, bus: string, pattern: unknown, targets: Target[]): RuleDef {
  const name = `${STACK}-${id}`;
  return {
    logicalId: id,
    arn: arn(region, 'events', `rule/${bus === 'default' ? '' : `${bus}/`}${name}`),
    bus,
    pattern,
    targets,
  };
}

function busName(ev: Evaluator, node: TNode | undefined): string {
  if (node === undefined) return 'default';
  const s = ev.string(node) ?? 'default';
  // A bus ARN or a name; the emulation keys buses by name.
  return s.includes(':event-bus/') ? s.slice(s.lastIndexOf('/') + 1) : s;
}

function seqItems(node: TNode | undefined): TNode[] {
  return node?.kind === 'seq' ? [...node.items] : [];
}

function tableDef(
  ev: Evaluator,
  id: string,
  name: string,
  type: string,
  props: TNode | undefined,
  region: Region,
): TableDef {
  const tableArn = arn(region, 'dynamodb', `table/${name}`);
  const create: Record<string, unknown> = { TableName: name, BillingMode: 'PAY_PER_REQUEST' };
  if (type === 'AWS::Serverless::SimpleTable') {
    // SimpleTable: PrimaryKey { Name, Type } (default id: String) (sam-resource-simpletable.html).
    const pk = get(props, 'PrimaryKey');
    const keyName = ev.string(get(pk, 'Name')) ?? 'id';
    const keyType = (ev.string(get(pk, 'Type')) ?? 'String').toLowerCase();
    create['AttributeDefinitions'] = [
      { AttributeName: keyName, AttributeType: keyType === 'number' ? 'N' : keyType === 'binary' ? 'B' : 'S' },
    ];
    create['KeySchema'] = [{ AttributeName: keyName, KeyType: 'HASH' }];
  } else {
    create['AttributeDefinitions'] = ev.json(get(props, 'AttributeDefinitions')) ?? [];
    create['KeySchema'] = ev.json(get(props, 'KeySchema')) ?? [];
    const gsi = ev.json(get(props, 'GlobalSecondaryIndexes'));
    if (Array.isArray(gsi) && gsi.length > 0) {
      create['GlobalSecondaryIndexes'] = gsi.map((g: Record<string, unknown>) => ({
        IndexName: g['IndexName'],
        KeySchema: g['KeySchema'],
        Projection: g['Projection'] ?? { ProjectionType: 'ALL' },
      }));
    }
    const lsi = ev.json(get(props, 'LocalSecondaryIndexes'));
    if (Array.isArray(lsi) && lsi.length > 0) {
      create['LocalSecondaryIndexes'] = lsi.map((g: Record<string, unknown>) => ({
        IndexName: g['IndexName'],
        KeySchema: g['KeySchema'],
        Projection: g['Projection'] ?? { ProjectionType: 'ALL' },
      }));
    }
  }
  const view = ev.string(get(get(props, 'StreamSpecification'), 'StreamViewType')) ?? null;
  return {
    logicalId: id,
    name,
    arn: tableArn,
    streamArn: view ? `${tableArn}/stream/2026-01-01T00:00:00.000` : null,
    streamViewType: view,
    create,
  };
}

/** Values of template nodes in the run: intrinsics resolved to the emulated resources. */
export class Evaluator {
  constructor(private readonly res: Resources) {}

  /** A scalar's text, or an intrinsic's resolved value; undefined when it cannot be told. */
  value(node: TNode | undefined, depth = 0): string | undefined {
    if (node === undefined || depth > 10) return undefined;
    if (node.kind === 'scalar') return node.value === null ? undefined : String(node.value);
    if (node.kind !== 'intrinsic') return undefined;
    const arg = node.arg;
    switch (node.fn) {
      case 'Ref':
        return this.ref(scalarString(arg) ?? '');
      case 'Fn::GetAtt': {
        const parts =
          arg.kind === 'seq'
            ? arg.items.map((i) => this.value(i, depth + 1) ?? '')
            : (scalarString(arg) ?? '').split('.');
        const [id, ...attr] = parts;
        return this.getAtt(id ?? '', attr.join('.'));
      }
      case 'Fn::Sub': {
        const template = arg.kind === 'seq' ? this.value(arg.items[0], depth + 1) : scalarString(arg);
        const vars = arg.kind === 'seq' ? arg.items[1] : undefined;
        if (template === undefined) return undefined;
        let ok = true;
        const out = template.replace(/\$\{([^}!][^}]*)\}/g, (_, name: string) => {
          const v =
            this.value(get(vars, name), depth + 1) ??
            (name.includes('.')
              ? this.getAtt(name.slice(0, name.indexOf('.')), name.slice(name.indexOf('.') + 1))
              : this.ref(name));
          if (v === undefined) ok = false;
          return v ?? '';
        });
        return ok ? out.replace(/\$\{!/g, '${') : undefined;
      }
      case 'Fn::Join': {
        if (arg.kind !== 'seq') return undefined;
        const sep = this.value(arg.items[0], depth + 1) ?? '';
        const list = arg.items[1];
        if (list?.kind !== 'seq') return undefined;
        const values = list.items.map((i) => this.value(i, depth + 1));
        return values.every((v) => v !== undefined) ? values.join(sep) : undefined;
      }
      case 'Fn::Select': {
        if (arg.kind !== 'seq') return undefined;
        const index = Number(this.value(arg.items[0], depth + 1));
        const list = arg.items[1];
        return list?.kind === 'seq' ? this.value(list.items[index], depth + 1) : undefined;
      }
      default:
        return undefined;
    }
  }

  string(node: TNode | undefined): string | undefined {
    return this.value(node);
  }

  /** A node as JSON (maps and lists with their values resolved); a JSON string is parsed. */
  json(node: TNode | undefined): unknown {
    if (node === undefined) return undefined;
    if (node.kind === 'map') return Object.fromEntries(node.entries.map((e) => [e.key, this.json(e.value)]));
    if (node.kind === 'seq') return node.items.map((i) => this.json(i));
    if (node.kind === 'scalar') {
      if (typeof node.value === 'string' && /^\s*[[{]/.test(node.value)) {
        try {
          return JSON.parse(node.value) as unknown;
        } catch {
          return node.value;
        }
      }
      return node.value;
    }
    return this.value(node);
  }

  /** The logical id a `Ref`/`GetAtt` (or a `Sub` of one) points at. */
  refId(node: TNode | undefined): string | undefined {
    if (node?.kind !== 'intrinsic') return undefined;
    if (node.fn === 'Ref') return scalarString(node.arg);
    if (node.fn === 'Fn::GetAtt') {
      const first = node.arg.kind === 'seq' ? scalarString(node.arg.items[0]) : scalarString(node.arg)?.split('.')[0];
      return first;
    }
    if (node.fn === 'Fn::Sub') {
      const s = node.arg.kind === 'seq' ? scalarString(node.arg.items[0]) : scalarString(node.arg);
      return /\$\{([A-Za-z0-9]+)(?:\.[A-Za-z]+)?\}/.exec(s ?? '')?.[1];
    }
    return undefined;
  }

  /** What an ARN-valued property points at in the template. */
  target(node: TNode | undefined): Target | undefined {
    const id = this.refId(node);
    if (id !== undefined) {
      if (this.res.functions.has(id)) return { kind: 'function', logicalId: id };
      if (this.res.queues.has(id)) return { kind: 'queue', logicalId: id };
      if (this.res.topics.has(id)) return { kind: 'topic', logicalId: id };
      // An alias or version of a template function: `!Ref FnAliaslive`, SAM's `Fn.Alias`.
      const fn = [...this.res.functions.keys()].find((f) => id.startsWith(f));
      if (fn !== undefined) return { kind: 'function', logicalId: fn };
    }
    return undefined;
  }

  ref(name: string): string | undefined {
    const r = this.res;
    const pseudo: Record<string, string> = {
      'AWS::Region': r.region.region,
      'AWS::AccountId': r.region.accountId,
      'AWS::StackName': STACK,
      'AWS::StackId': `arn:aws:cloudformation:${r.region.region}:${r.region.accountId}:stack/${STACK}/00000000-0000-0000-0000-000000000000`,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
    };
    if (name in pseudo) return pseudo[name];
    if (r.templateParameters.has(name)) return r.templateParameters.get(name);
    const table = r.tables.get(name);
    if (table) return table.name;
    const queue = r.queues.get(name);
    if (queue) return queue.url;
    const topic = r.topics.get(name);
    if (topic) return topic.arn;
    const bucket = r.buckets.get(name);
    if (bucket) return bucket.name;
    const fn = r.functions.get(name);
    if (fn) return fn.name;
    return r.others.get(name);
  }

  getAtt(id: string, attr: string): string | undefined {
    const r = this.res;
    const table = r.tables.get(id);
    if (table) return attr === 'Arn' ? table.arn : attr === 'StreamArn' ? (table.streamArn ?? undefined) : undefined;
    const queue = r.queues.get(id);
    if (queue)
      return attr === 'Arn'
        ? queue.arn
        : attr === 'QueueName'
          ? queue.name
          : attr === 'QueueUrl'
            ? queue.url
            : undefined;
    const topic = r.topics.get(id);
    if (topic) return attr === 'TopicArn' ? topic.arn : attr === 'TopicName' ? topic.name : undefined;
    const bucket = r.buckets.get(id);
    if (bucket) {
      if (attr === 'Arn') return bucket.arn;
      if (attr === 'DomainName' || attr === 'RegionalDomainName')
        return `${bucket.name}.s3.${r.region.region}.amazonaws.com`;
      return undefined;
    }
    const fn = r.functions.get(id);
    if (fn) return attr === 'Arn' ? fn.arn : undefined;
    if (r.others.has(id) && attr === 'Arn') return `arn:aws:unknown:${r.region.region}:${r.region.accountId}:${id}`;
    return undefined;
  }
}

/**
 * A function's environment variables with `Ref`/`GetAtt`/`Sub`/`Join` of the template's
 * resources resolved to their emulated values (SAM Globals merged under the function's own;
 * serverless.yml: provider.environment under the function's). `unresolved` names the ones
 * that still cannot be told.
 */
export function functionEnvironment(
  root: TNode | undefined,
  logicalId: string,
  res: Resources,
): { values: Record<string, string>; unresolved: string[] } {
  const ev = new Evaluator(res);
  const serverless = get(root, 'service') !== undefined && get(root, 'provider') !== undefined;
  const maps = serverless
    ? [get(get(root, 'provider'), 'environment'), get(get(get(root, 'functions'), logicalId), 'environment')]
    : [
        get(get(get(get(root, 'Globals'), 'Function'), 'Environment'), 'Variables'),
        get(get(get(get(get(root, 'Resources'), logicalId), 'Properties'), 'Environment'), 'Variables'),
      ];
  const values: Record<string, string> = {};
  const unresolved = new Set<string>();
  for (const m of maps) {
    if (m?.kind !== 'map') continue;
    for (const e of m.entries) {
      const v = ev.value(e.value);
      if (v === undefined) unresolved.add(e.key);
      else {
        values[e.key] = v;
        unresolved.delete(e.key);
      }
    }
  }
  return { values, unresolved: [...unresolved] };
}
