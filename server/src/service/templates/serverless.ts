/**
 * Serverless Framework `serverless.yml` → {@link FunctionModel}: `provider` defaults,
 * `functions.*` with their `events`, and the `resources:` section read as CloudFormation.
 *
 * What the framework does with each key follows its AWS provider
 * (github.com/serverless/serverless, `lib/plugins/aws/package/compile/functions.js` and
 * `compile/events/*.js`): memorySize defaults to 1,024 MB and timeout to 6 s; the function's
 * `environment` is merged over the provider's; `layers`, `vpc`, `architecture`, `runtime`,
 * `memorySize` and `timeout` on the function replace the provider's.
 */
import { isKeepWarmInput } from './keepWarm';
import type {
  AsyncConfigModel,
  DestinationModel,
  EnvironmentModel,
  EnvironmentVariable,
  EventSourceMappingModel,
  ExecutionRoleModel,
  FunctionModel,
  InvocationModel,
  Located,
  PolicyGrant,
  QueueModel,
  Setting,
  Span,
  Trigger,
} from '../model/types';
import { isKnown } from '../model/types';
import { EVENT_TYPES, RESOURCE_EVENT_TYPES, eventTypeForArn } from '../model/events';
import { destinationTypeOfResource, readCloudFormationFunctions } from './cloudformation';
import { IamReader, readVpcAttachment } from './iam';
import { Resolver } from './resolve';
import { ServerlessVariables } from './serverlessVariables';
import { SERVERLESS_VARIABLE, get, getEntry, scalarString, type TEntry, type TMap, type TNode } from './tree';

/** The framework's defaults for every function it compiles (compile/functions.js). */
export const SERVERLESS_DEFAULTS = { memorySize: 1024, timeout: 6 } as const;

/**
 * Plugins that accept a runtime name Lambda does not know and replace it when packaging
 * (serverless-rust builds a `bootstrap` for `provided.al2`). Such a runtime is left unknown.
 */
const PLUGIN_RUNTIMES: Readonly<Record<string, string>> = { rust: 'serverless-rust' };

/**
 * Plugins that add statements to the role the framework builds: Lift's constructs grant the
 * service's functions access to the queues, buckets and tables they define
 * (github.com/getlift/lift, docs/queue.md "Permissions"), serverless-iam-roles-per-function gives
 * each function its own role from its `iamRoleStatements`, and the tracing plugin adds X-Ray.
 */
const IAM_PLUGINS: ReadonlySet<string> = new Set([
  'serverless-lift',
  'serverless-iam-roles-per-function',
  'serverless-plugin-tracing',
  'serverless-plugin-lambda-dead-letter',
]);

/** `events[].<key>` → the event type of the model, for the events whose invocation is known. */
export const SERVERLESS_EVENT_TYPES: Readonly<Record<string, string>> = {
  http: 'Api',
  httpApi: 'HttpApi',
  websocket: 'WebSocket',
  alb: 'ALB',
  alexaSkill: 'AlexaSkill',
  alexaSmartHome: 'AlexaSmartHome',
  cognitoUserPool: 'Cognito',
  cloudFront: 'CloudFront',
  iotFleetProvisioning: 'IoTFleetProvisioning',
  s3: 'S3',
  sns: 'SNS',
  schedule: 'Schedule',
  eventBridge: 'EventBridgeRule',
  cloudwatchEvent: 'CloudWatchEvent',
  cloudwatchLog: 'CloudWatchLogs',
  iot: 'IoTRule',
  sqs: 'SQS',
  stream: 'Kinesis',
  kafka: 'SelfManagedKafka',
  msk: 'MSK',
  activemq: 'MQ',
  rabbitmq: 'MQ',
};

export interface ServerlessTemplate {
  readonly functions: FunctionModel[];
  readonly queues: Map<string, QueueModel>;
  readonly resolver: Resolver;
}

/** Reads the functions of a Serverless Framework file. */
export function readServerlessTemplate(root: TMap, uri: string): ServerlessTemplate {
  const variables = new ServerlessVariables(root);
  const resolvedRoot = variables.resolveTree();
  const resolved: TMap = resolvedRoot.kind === 'map' ? resolvedRoot : root;
  const cfn = cloudFormationPart(get(resolved, 'resources'));
  // The framework also deploys to other clouds (`provider.name: google`, `azure`, …): only AWS has Lambda functions.
  const providerNode = get(resolved, 'provider');
  const providerName = scalarString(providerNode?.kind === 'map' ? get(providerNode, 'name') : providerNode);
  const onAws = providerName === undefined || providerName === 'aws';
  const r = new Resolver(uri, undefined, asMap(get(cfn, 'Mappings')), asMap(get(cfn, 'Resources')));
  // Queues, and any Lambda functions written as plain CloudFormation under `resources`.
  const fromResources = readCloudFormationFunctions(cfn, r, 'serverless');
  const queues = fromResources.queues;
  const iam = new IamReader(asMap(get(cfn, 'Resources')) ?? { kind: 'map', span: cfn.span, entries: [] }, r);
  const plugins = get(resolved, 'plugins');
  const pluginNames = new Set(
    (plugins?.kind === 'seq' ? plugins.items : plugins?.kind === 'map' ? [get(plugins, 'modules')] : [])
      .flatMap((p) => (p?.kind === 'seq' ? p.items : p !== undefined ? [p] : []))
      .map(scalarString),
  );
  // What changes the role the framework builds beyond what the reader reads.
  const roleChanges = [...pluginNames]
    .filter((p): p is string => p !== undefined && IAM_PLUGINS.has(p))
    .map((p) => `the ${p} plugin, which adds statements to the role`);
  const extensions = get(get(resolved, 'resources'), 'extensions');
  if (
    get(get(cfn, 'Resources'), 'IamRoleLambdaExecution') !== undefined ||
    get(extensions, 'IamRoleLambdaExecution') !== undefined
  )
    roleChanges.push('resources that override IamRoleLambdaExecution');
  const reader = new FunctionReader(
    uri,
    r,
    queues,
    variables,
    asMap(get(resolved, 'provider')),
    iam,
    pluginNames,
    roleChanges,
  );
  const functions: FunctionModel[] = [];
  for (const e of onAws ? functionEntries(get(resolved, 'functions')) : []) {
    if (e.value.kind === 'map') functions.push(reader.read(e, e.value));
  }
  functions.push(...fromResources.functions);
  return { functions, queues, resolver: r };
}

/**
 * The configuration node of a serverless.yml event (`sqs: <arn>` or `sqs: { arn, batchSize }`)
 * that a trigger was read from, found by the trigger's span in the file's tree.
 */
export function serverlessEventConfig(root: TNode | undefined, trigger: Trigger): TNode | undefined {
  for (const fn of functionEntries(get(root, 'functions'))) {
    const events = get(fn.value, 'events');
    if (events?.kind !== 'seq') continue;
    for (const item of events.items) {
      const e = item.kind === 'map' ? item.entries[0] : undefined;
      if (e !== undefined && e.keySpan.start === trigger.span.start && e.keySpan.end === trigger.span.end)
        return e.value;
    }
  }
  return undefined;
}

/** `resources:` is a CloudFormation fragment, or a list of them (often `${file(…)}` includes). */
function cloudFormationPart(node: TNode | undefined): TMap {
  const empty: TMap = { kind: 'map', span: node?.span ?? { start: 0, end: 0 }, entries: [] };
  if (node?.kind === 'map') return node;
  if (node?.kind !== 'seq') return empty;
  const entries: TEntry[] = [];
  for (const item of node.items) {
    for (const key of ['Resources', 'Mappings', 'Conditions']) {
      const e = getEntry(item, key);
      if (e !== undefined) entries.push(e);
    }
  }
  // Several fragments' Resources are merged by the framework: one map with all their entries.
  const resources = entries.filter((e) => e.key === 'Resources');
  const merged: TEntry[] = entries.filter((e) => e.key !== 'Resources');
  const first = resources[0];
  if (first !== undefined) {
    merged.push({
      key: 'Resources',
      keySpan: first.keySpan,
      value: {
        kind: 'map',
        span: first.value.span,
        entries: resources.flatMap((e) => (e.value.kind === 'map' ? e.value.entries : [])),
      },
    });
  }
  return { ...empty, entries: merged };
}

/** The framework's logical-id form of a function name (lib/plugins/aws/lib/naming.js, getNormalizedFunctionName). */
function normalizedName(name: string): string {
  const n = name.replace(/-/g, 'Dash').replace(/_/g, 'Underscore');
  return n.charAt(0).toUpperCase() + n.slice(1);
}

/** `functions:` is a map, or a list of maps (files included with `${file(…)}`). */
function functionEntries(node: TNode | undefined): TEntry[] {
  if (node?.kind === 'map') return [...node.entries];
  if (node?.kind === 'seq') return node.items.flatMap((i) => (i.kind === 'map' ? i.entries : []));
  return [];
}

function asMap(node: TNode | undefined): TMap | undefined {
  return node?.kind === 'map' ? node : undefined;
}

function isUnknownVariable(node: TNode | undefined): boolean {
  return node?.kind === 'intrinsic' && node.fn === SERVERLESS_VARIABLE;
}

class FunctionReader {
  constructor(
    private readonly uri: string,
    private readonly r: Resolver,
    private readonly queues: Map<string, QueueModel>,
    private readonly variables: ServerlessVariables,
    private readonly provider: TMap | undefined,
    private readonly iam: IamReader,
    private readonly plugins: ReadonlySet<string | undefined>,
    private readonly roleChanges: readonly string[],
  ) {}

  /** The role the framework builds, with what plugins, per-function statements or overrides may add to it as grants not known. */
  private withChanges(fn: TMap, role: ExecutionRoleModel): ExecutionRoleModel {
    if (role.managedBy !== 'sam') return role;
    const perFunction = ['iamRoleStatements', 'iamRoleStatementsInherit', 'iamRoleStatementsName']
      .filter((k) => get(fn, k) !== undefined)
      .map((k) => `the function's ${k} (serverless-iam-roles-per-function)`);
    const reasons = [...this.roleChanges, ...perFunction];
    if (reasons.length === 0) return role;
    const unknown = reasons.map((name): PolicyGrant => ({
      kind: 'unknown',
      name,
      actions: [],
      resourceIds: [],
      span: role.span,
      uri: role.uri,
    }));
    return { ...role, grants: [...role.grants, ...unknown] };
  }

  /** The runtime, unless a plugin of the service rewrites it. */
  private runtime(node: TNode | undefined): Setting<string> | undefined {
    const rt = this.r.str(node);
    if (!isKnown(rt)) return rt;
    const plugin = PLUGIN_RUNTIMES[rt.value];
    if (plugin === undefined || !this.plugins.has(plugin)) return rt;
    return { unknown: `the runtime the ${plugin} plugin deploys for "${rt.value}"`, span: rt.span, uri: this.uri };
  }

  private located<T>(value: T, span: Span): Located<T> {
    return { value, span, uri: this.uri };
  }

  /** The function's own value, else the provider's. */
  private own(fn: TMap, key: string): TNode | undefined {
    return get(fn, key) ?? get(this.provider, key);
  }

  read(e: TEntry, fn: TMap): FunctionModel {
    const r = this.r;
    const image = get(fn, 'image');
    const roleNode = get(fn, 'role') ?? roleName(get(this.provider, 'iam')) ?? get(this.provider, 'role');
    const timeout = r.num(this.own(fn, 'timeout')) ?? this.located<number>(SERVERLESS_DEFAULTS.timeout, e.keySpan);
    const memorySize =
      r.num(this.own(fn, 'memorySize')) ?? this.located<number>(SERVERLESS_DEFAULTS.memorySize, e.keySpan);
    const url = get(fn, 'url');
    const functionUrl = this.functionUrl(url);
    const pc = get(fn, 'provisionedConcurrency');
    const provisionedConcurrency = r.num(pc?.kind === 'map' ? get(pc, 'executions') : pc);
    const snapStart = this.snapStart(get(fn, 'snapStart'));
    const alias = this.publishedAlias(fn, provisionedConcurrency, snapStart);
    // The framework points every event at the function's alias when it has one, else at the
    // unqualified function (serverless/serverless, test/unit/lib/plugins/aws/package/compile/events/alias.test.js).
    const triggers = this.triggers(e, fn).map((t): Trigger => ({
      ...t,
      qualifier: alias !== undefined ? 'qualified' : 'unqualified',
    }));
    if (functionUrl !== undefined) {
      triggers.push({
        type: 'FunctionUrl',
        name: 'url',
        invocation: 'sync',
        uri: this.uri,
        span: functionUrl.span,
        definedBy: 'event',
        mapping: undefined,
        path: undefined,
        method: undefined,
      });
    }
    const vpc = this.vpc(fn);
    return {
      logicalId: e.key,
      uri: this.uri,
      kind: 'serverless',
      resourceType: 'serverless',
      idSpan: e.keySpan,
      span: fn.span,
      handler: r.str(get(fn, 'handler')),
      runtime: image !== undefined ? undefined : this.runtime(this.own(fn, 'runtime')),
      codeUri: undefined,
      inlineCode: false,
      packageType: image !== undefined ? this.located('Image', image.span) : undefined,
      architectures: r.strList(this.own(fn, 'architecture')),
      memorySize,
      timeout,
      ephemeralStorage: r.num(get(fn, 'ephemeralStorageSize')),
      environment: this.environment(get(this.provider, 'environment'), get(fn, 'environment')),
      layers: r.list(this.own(fn, 'layers')),
      role: r.str(roleNode),
      reservedConcurrency: r.num(get(fn, 'reservedConcurrency')),
      // On the alias the framework creates for it (`provisioned`), as SAM's is on its AutoPublishAlias.
      provisionedConcurrency,
      autoPublishAlias: alias,
      autoPublishCodeSha256: undefined,
      versionDescription: undefined,
      deploymentPreference: undefined,
      snapStart,
      versions: this.versions(e, fn, alias),
      aliases: [],
      asyncConfig: this.asyncConfig(fn),
      deadLetterQueue: this.onError(get(fn, 'onError')),
      vpcConfig: vpc.setting,
      vpc: vpc.node !== undefined ? readVpcAttachment(cfnVpc(vpc.node), r) : undefined,
      // Without a `role`, the framework builds IamRoleLambdaExecution: logs, the permissions
      // its sqs/stream events need, the VPC policy, plus `provider.iam.role.statements` and
      // `managedPolicies` — the same shape as the role SAM builds.
      executionRole: this.withChanges(
        fn,
        this.iam.executionRole(e.keySpan, roleNode, {
          policies: this.providerPolicies(),
          eventTypes: triggers.map((t) => t.type),
          vpc: vpc.node !== undefined,
        }),
      ),
      functionUrl,
      triggers,
    };
  }

  /** `snapStart: true` is SnapStart on published versions; `false`, none. */
  private snapStart(node: TNode | undefined): Setting<string> | undefined {
    const on = this.r.bool(node);
    if (on === undefined || !isKnown(on))
      return on === undefined ? undefined : { unknown: on.unknown, span: on.span, uri: this.uri };
    return this.located(on.value ? 'PublishedVersions' : 'None', on.span);
  }

  /**
   * The alias the framework publishes for a function, which its events then invoke:
   * `provisioned` for `provisionedConcurrency` (set on that alias), `snapstart` for
   * `snapStart: true` (serverless/serverless lib/plugins/aws/lib/naming.js; the framework
   * rejects both together). Modelled as SAM's AutoPublishAlias is: a version published on
   * every deploy and an alias moved to it.
   */
  private publishedAlias(
    fn: TMap,
    pc: Setting<number> | undefined,
    snap: Setting<string> | undefined,
  ): Setting<string> | undefined {
    const pcEntry = getEntry(fn, 'provisionedConcurrency');
    if (pcEntry !== undefined && pc !== undefined && !(isKnown(pc) && pc.value <= 0))
      return this.located('provisioned', pcEntry.keySpan);
    const snapEntry = getEntry(fn, 'snapStart');
    if (snapEntry !== undefined && snap !== undefined && !(isKnown(snap) && snap.value !== 'PublishedVersions'))
      return this.located('snapstart', snapEntry.keySpan);
    return undefined;
  }

  /**
   * The version the framework publishes on each deploy: by default (`provider.versionFunctions`,
   * default true; `versionFunction` per function), and always for a function with an alias
   * (serverless.com/framework/docs/providers/aws/guide/functions, "Versioning Deployed
   * Functions"; lib/plugins/aws/package/compile/functions.js).
   */
  private versions(e: TEntry, fn: TMap, alias: Setting<string> | undefined): FunctionModel['versions'] {
    const own = this.r.bool(get(fn, 'versionFunction'));
    const provider = this.r.bool(get(this.provider, 'versionFunctions'));
    const versioned =
      own !== undefined && isKnown(own)
        ? own.value
        : provider !== undefined && isKnown(provider)
          ? provider.value
          : true;
    if (!versioned && alias === undefined) return [];
    return [{ logicalId: `${normalizedName(e.key)}LambdaVersion`, span: e.keySpan, provisionedConcurrency: undefined }];
  }

  private environment(providerEnv: TNode | undefined, fnEnv: TNode | undefined): EnvironmentModel | undefined {
    if (providerEnv === undefined && fnEnv === undefined) return undefined;
    const byName = new Map<string, EnvironmentVariable>();
    let partial = false;
    for (const vars of [providerEnv, fnEnv]) {
      if (vars === undefined) continue;
      if (vars.kind !== 'map') {
        partial = true;
        continue;
      }
      for (const v of vars.entries) {
        byName.set(v.key, {
          name: v.key,
          nameSpan: v.keySpan,
          value: this.r.str(v.value) ?? { unknown: 'empty', span: v.value.span, uri: this.uri },
          uri: this.uri,
        });
      }
    }
    const anchor = (fnEnv ?? providerEnv) as TNode;
    return { variables: [...byName.values()], span: anchor.span, uri: this.uri, partial };
  }

  /** `vpc` on the function replaces the provider's; `vpc: false` / `null` on the function removes it. */
  private vpc(fn: TMap): { setting: Setting<true> | undefined; node: TMap | undefined } {
    const none = { setting: undefined, node: undefined };
    const own = getEntry(fn, 'vpc');
    if (own !== undefined && own.value.kind !== 'map' && !isUnknownVariable(own.value)) return none;
    const node = own?.value ?? get(this.provider, 'vpc');
    if (node === undefined) return none;
    if (node.kind === 'intrinsic' && node.fn === SERVERLESS_VARIABLE) {
      return {
        setting: { unknown: scalarString(node.arg) ?? 'a variable', span: node.span, uri: this.uri },
        node: undefined,
      };
    }
    return node.kind === 'map' ? { setting: this.located<true>(true, node.span), node } : none;
  }

  /** `provider.iam.role.statements` (or the older `iamRoleStatements`) and managed policies, as SAM-style `Policies`. */
  private providerPolicies(): TNode | undefined {
    const iamRole = get(get(this.provider, 'iam'), 'role');
    const statements = [get(iamRole, 'statements'), get(this.provider, 'iamRoleStatements')].filter(
      (n): n is TNode => n !== undefined,
    );
    const managed = [get(iamRole, 'managedPolicies'), get(this.provider, 'iamManagedPolicies')].filter(
      (n): n is TNode => n !== undefined,
    );
    if (statements.length === 0 && managed.length === 0) return undefined;
    const items: TNode[] = statements.map((st) => ({
      kind: 'map',
      span: st.span,
      entries: [{ key: 'Statement', keySpan: st.span, value: st }],
    }));
    for (const m of managed) items.push(...(m.kind === 'seq' ? m.items : [m]));
    return { kind: 'seq', span: (statements[0] ?? (managed[0] as TNode)).span, items };
  }

  /** `url: true` or `url: { authorizer: aws_iam }`: a function URL, public unless `aws_iam`. */
  private functionUrl(url: TNode | undefined): FunctionModel['functionUrl'] {
    if (url === undefined) return undefined;
    if (url.kind === 'scalar' && url.value !== true && url.value !== 'true') return undefined;
    const authorizer = get(url, 'authorizer');
    const authType: Setting<string> | undefined =
      authorizer === undefined
        ? this.located('NONE', url.span)
        : isUnknownVariable(authorizer)
          ? this.r.str(authorizer)
          : this.located(scalarString(authorizer) === 'aws_iam' ? 'AWS_IAM' : 'NONE', authorizer.span);
    return { authType, span: url.span, uri: this.uri };
  }

  private asyncConfig(fn: TMap): AsyncConfigModel | undefined {
    const destinations = get(fn, 'destinations');
    const retries = getEntry(fn, 'maximumRetryAttempts');
    const age = getEntry(fn, 'maximumEventAge');
    if (destinations === undefined && retries === undefined && age === undefined) return undefined;
    const anchor = destinations ?? retries?.value ?? age?.value ?? fn;
    return {
      maximumRetryAttempts: this.r.num(retries?.value),
      maximumEventAgeInSeconds: this.r.num(age?.value),
      onSuccess: this.destination(get(destinations, 'onSuccess'), true),
      onFailure: this.destination(get(destinations, 'onFailure'), true),
      uri: this.uri,
      span: anchor.span,
    };
  }

  private onError(node: TNode | undefined): DestinationModel | undefined {
    return this.destination(node, false);
  }

  /**
   * A destination: an ARN, `{ type, arn }`, a CloudFormation reference, or (for function
   * destinations) the name of another function of the service.
   */
  private destination(node: TNode | undefined, functionNames: boolean): DestinationModel | undefined {
    if (node === undefined) return undefined;
    const target = node.kind === 'map' && getEntry(node, 'arn') !== undefined ? get(node, 'arn') : node;
    const typeNode = node.kind === 'map' ? get(node, 'type') : undefined;
    const targetId = this.r.refTarget(target);
    const targetText = this.r.str(target);
    const literal = targetText !== undefined && 'value' in targetText ? targetText.value : undefined;
    let type: Setting<string> | undefined;
    const explicit = scalarString(typeNode);
    if (explicit !== undefined && typeNode !== undefined)
      type = this.located(destinationTypeName(explicit), typeNode.span);
    else if (targetId !== undefined) {
      const t = destinationTypeOfResource(this.r.resourceType(targetId));
      if (t !== undefined) type = this.located(t, node.span);
    } else if (literal !== undefined) {
      const t = literal.startsWith('arn:') ? arnDestinationType(literal) : functionNames ? 'Lambda' : undefined;
      if (t !== undefined) type = this.located(t, node.span);
    }
    return { type, target: targetText, targetLogicalId: targetId, span: node.span, uri: this.uri };
  }

  private triggers(fnEntry: TEntry, fn: TMap): Trigger[] {
    const events = get(fn, 'events');
    if (events?.kind !== 'seq') return [];
    const out: Trigger[] = [];
    events.items.forEach((item, index) => {
      const e = item.kind === 'map' ? item.entries[0] : undefined;
      if (e === undefined) return;
      const t = this.trigger(fnEntry, e, index);
      if (t !== undefined) out.push(t);
    });
    return out;
  }

  private trigger(fnEntry: TEntry, e: TEntry, index: number): Trigger | undefined {
    let type = SERVERLESS_EVENT_TYPES[e.key];
    if (type === undefined) return undefined;
    const config = e.value;
    const base = { uri: this.uri, span: e.keySpan, definedBy: 'event' as const, path: undefined, method: undefined };
    const fallbackName =
      eventName(e.key, config) ??
      this.r.refTarget(get(config, 'bucket') ?? get(config, 'arn')) ??
      `${fnEntry.key} events[${index}]`;
    if (type === 'Api' || type === 'HttpApi') {
      const { method, path } = route(config);
      return { ...base, type, name: fallbackName, invocation: 'sync', mapping: undefined, method, path };
    }
    if (type === 'EventBridgeRule' && get(config, 'schedule') !== undefined) type = 'Schedule';
    const info = EVENT_TYPES[type];
    const invocation: InvocationModel = info?.invocation ?? 'sync';
    if (invocation !== 'poll')
      return {
        ...base,
        type,
        name: fallbackName,
        invocation,
        mapping: undefined,
        ...(type === 'Schedule' && isKeepWarmInput(get(config, 'input')) ? { keepWarm: true as const } : {}),
      };
    const arnNode = config.kind === 'map' ? (get(config, 'arn') ?? get(config, 'bootstrapServers')) : config;
    if (e.key === 'stream') type = this.streamType(config, arnNode);
    const mapping = this.mapping(e.key, config, arnNode);
    return { ...base, type, name: this.sourceName(arnNode) ?? fallbackName, invocation, mapping };
  }

  /** `stream:` is Kinesis or DynamoDB: from `type`, the ARN, or the referenced resource. */
  private streamType(config: TNode, arnNode: TNode | undefined): string {
    const explicit = scalarString(get(config, 'type'));
    if (explicit === 'dynamodb') return 'DynamoDB';
    if (explicit === 'kinesis') return 'Kinesis';
    const id = this.r.refTarget(arnNode);
    if (id !== undefined) {
      const byResource = RESOURCE_EVENT_TYPES[this.r.resourceType(id) ?? ''];
      if (byResource !== undefined) return byResource;
    }
    const arn = this.arnText(arnNode);
    if (arn !== undefined) {
      const byArn = eventTypeForArn(arn);
      if (byArn !== undefined) return byArn;
      if (/^arn:[^:]*:dynamodb:/.test(arn)) return 'DynamoDB';
    }
    return 'Kinesis';
  }

  /** An ARN as written, with unresolved variables left in it. */
  private arnText(node: TNode | undefined): string | undefined {
    if (node === undefined) return undefined;
    const s = this.r.str(node);
    if (s !== undefined && 'value' in s) return s.value;
    return this.variables.partial.get(node);
  }

  /** The queue or stream a mapping reads: a resource of this file, or the last part of its ARN. */
  private sourceName(arnNode: TNode | undefined): string | undefined {
    const id = this.r.refTarget(arnNode);
    if (id !== undefined) return id;
    const arn = this.arnText(arnNode);
    const last = arn?.split(/[:/]/).pop();
    return last !== undefined && last !== '' && !last.includes('${') ? last : undefined;
  }

  /** An SQS queue of `resources:`, by reference or by the queue name at the end of a literal ARN. */
  private queueOf(arnNode: TNode | undefined): QueueModel | undefined {
    const id = this.r.refTarget(arnNode);
    if (id !== undefined) return this.queues.get(id);
    const name = this.sourceName(arnNode);
    if (name === undefined) return undefined;
    for (const [logicalId, q] of this.queues) {
      const queueName = scalarString(get(get(this.r.resource(logicalId), 'Properties'), 'QueueName'));
      if (queueName === name) return q;
    }
    return undefined;
  }

  private mapping(key: string, config: TNode, arnNode: TNode | undefined): EventSourceMappingModel {
    const r = this.r;
    const c = config.kind === 'map' ? config : undefined;
    const window = key === 'stream' ? get(c, 'batchWindow') : get(c, 'maximumBatchingWindow');
    const destinations = get(c, 'destinations');
    return {
      batchSize: r.num(get(c, 'batchSize')),
      maximumBatchingWindowInSeconds: r.num(window),
      functionResponseTypes: r.strList(get(c, 'functionResponseType')),
      parallelizationFactor: r.num(get(c, 'parallelizationFactor')),
      maximumRetryAttempts: r.num(get(c, 'maximumRetryAttempts')),
      maximumRecordAgeInSeconds: r.num(get(c, 'maximumRecordAgeInSeconds')),
      bisectBatchOnFunctionError: r.bool(get(c, 'bisectBatchOnFunctionError')),
      tumblingWindowInSeconds: r.num(get(c, 'tumblingWindowInSeconds')),
      startingPosition: r.str(get(c, 'startingPosition')),
      maximumConcurrency: r.num(get(c, 'maximumConcurrency')),
      onFailure: this.destination(get(destinations, 'onFailure'), false),
      enabled: r.bool(get(c, 'enabled')),
      source: r.str(arnNode),
      queue: key === 'sqs' ? this.queueOf(arnNode) : undefined,
    };
  }
}

/** What the event is attached to, as the file names it: a bucket, topic, rate, bus or route. */
function eventName(key: string, config: TNode): string | undefined {
  const s = scalarString(config);
  const pick = (...keys: string[]) =>
    keys
      .map((k) => get(config, k))
      .map((n) => (n?.kind === 'seq' ? scalarString(n.items[0]) : scalarString(n)))
      .find((v) => v !== undefined);
  let name: string | undefined;
  switch (key) {
    case 's3':
      name = s ?? pick('bucket');
      break;
    case 'sns':
      name = s ?? pick('topicName', 'arn');
      break;
    case 'schedule':
      name = s ?? pick('name', 'rate');
      break;
    case 'eventBridge':
      name = pick('name', 'eventBus', 'schedule');
      break;
    case 'http':
    case 'httpApi': {
      const { method, path } = route(config);
      name = method !== undefined && path !== undefined ? `${method.toUpperCase()} ${path}` : path;
      break;
    }
    default:
      name = s ?? pick('name');
  }
  if (name === undefined || name.includes('${')) return undefined;
  // The last part of an ARN names the topic or bus.
  return name.startsWith('arn:') ? name.split(/[:/]/).pop() : name;
}

/** `http: GET /users`, `httpApi: 'POST /x'`, or `{ method, path }`. */
function route(config: TNode): { method: string | undefined; path: string | undefined } {
  const s = scalarString(config);
  if (s !== undefined) {
    const m = /^\s*(\S+)\s+(\S+)\s*$/.exec(s);
    return m ? { method: m[1], path: m[2] } : { method: undefined, path: s === '*' ? '*' : undefined };
  }
  return { method: scalarString(get(config, 'method')), path: scalarString(get(config, 'path')) };
}

/** A Serverless `vpc` map with CloudFormation's key for the subnets, for {@link readVpcAttachment}. */
function cfnVpc(vpc: TMap): TMap {
  const subnets = getEntry(vpc, 'subnetIds');
  return { ...vpc, entries: subnets !== undefined ? [{ ...subnets, key: 'SubnetIds' }] : [] };
}

/** `provider.iam.role` when it names a role (a string or a reference) rather than describing one. */
function roleName(iam: TNode | undefined): TNode | undefined {
  const role = get(iam, 'role');
  return role !== undefined && role.kind !== 'map' ? role : undefined;
}

function destinationTypeName(t: string): string {
  switch (t.toLowerCase()) {
    case 'sqs':
      return 'SQS';
    case 'sns':
      return 'SNS';
    case 'function':
    case 'lambda':
      return 'Lambda';
    case 'eventbus':
    case 'eventbridge':
      return 'EventBridge';
    case 's3':
      return 'S3';
    default:
      return t;
  }
}

function arnDestinationType(arn: string): string | undefined {
  const service = arn.split(':')[2];
  switch (service) {
    case 'sqs':
      return 'SQS';
    case 'sns':
      return 'SNS';
    case 'lambda':
      return 'Lambda';
    case 'events':
      return 'EventBridge';
    case 's3':
      return 'S3';
    default:
      return undefined;
  }
}
