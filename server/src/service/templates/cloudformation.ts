import { isKeepWarmInput } from './keepWarm';
import type {
  AliasModel,
  AliasRoutingModel,
  DeploymentPreferenceModel,
  AsyncConfigModel,
  DestinationModel,
  EnvironmentModel,
  EnvironmentVariable,
  EventSourceMappingModel,
  FunctionModel,
  QueueModel,
  Setting,
  Span,
  TemplateKind,
  Trigger,
} from '../model/types';
import { knownValue } from '../model/types';
import { EVENT_TYPES, PRINCIPAL_EVENT_TYPES, RESOURCE_EVENT_TYPES, eventTypeForArn } from '../model/events';
import { get, getEntry, getPath, scalarString, type TEntry, type TMap, type TNode } from './tree';
import type { Resolver } from './resolve';
import { IamReader, readVpcAttachment } from './iam';
import type { PatchedEntry } from './patch';

const SAM_FUNCTION = 'AWS::Serverless::Function';
const CFN_FUNCTION = 'AWS::Lambda::Function';

interface Mutable {
  triggers: Trigger[];
  versions: { logicalId: string; span: Span; provisionedConcurrency: Setting<number> | undefined }[];
  aliases: AliasModel[];
  asyncConfig: AsyncConfigModel | undefined;
  functionUrl: FunctionModel['functionUrl'];
}

/**
 * The last version's models and where an edit changed its text since (templates/patch.ts): the
 * models of functions the edit cannot have changed are kept instead of read again.
 */
export interface PreviousModels {
  /** The last version's text and the new one (line breaks normalised, as parsed). */
  readonly oldText: string;
  readonly text: string;
  readonly functions: readonly FunctionModel[];
  readonly queues: ReadonlyMap<string, QueueModel>;
  readonly edited: PatchedEntry;
}

/** Reads every Lambda function of a SAM or CloudFormation template, with the resources that configure it. */
export function readCloudFormationFunctions(
  root: TMap,
  r: Resolver,
  kind: TemplateKind,
  previous?: PreviousModels,
): { functions: FunctionModel[]; queues: Map<string, QueueModel>; detachedMappings: Trigger[] } {
  const resources = get(root, 'Resources');
  const queues = new Map<string, QueueModel>();
  const detachedMappings: Trigger[] = [];
  if (resources?.kind !== 'map') return { functions: [], queues, detachedMappings };
  const functionIds: string[] = [];
  const queueIds: string[] = [];
  for (const e of resources.entries) {
    const type = scalarString(get(e.value, 'Type'));
    if (type === SAM_FUNCTION || type === CFN_FUNCTION) functionIds.push(e.key);
    else if (type === 'AWS::SQS::Queue') queueIds.push(e.key);
  }
  const kept = previous !== undefined ? keptModels(previous, functionIds, queueIds) : undefined;
  for (const e of resources.entries) {
    if (scalarString(get(e.value, 'Type')) === 'AWS::SQS::Queue')
      queues.set(e.key, kept?.queues.get(e.key) ?? readQueue(e, r));
  }
  const globals = getPath(root, 'Globals', 'Function');
  const extras = new Map<string, Mutable>();
  for (const id of functionIds)
    extras.set(id, { triggers: [], versions: [], aliases: [], asyncConfig: undefined, functionUrl: undefined });
  for (const e of resources.entries) readRelatedResource(e, r, extras, queues, detachedMappings);
  iotAuthorizers(resources, r, extras);
  const iam = new IamReader(resources, r);
  const functions: FunctionModel[] = [];
  for (const e of resources.entries) {
    const extra = extras.get(e.key);
    if (extra === undefined) continue;
    const type = scalarString(get(e.value, 'Type'));
    functions.push(
      kept?.functions.get(e.key) ??
        (type === SAM_FUNCTION
          ? readSamFunction(e, globals, r, queues, extra, iam)
          : readLambdaFunction(e, r, extra, kind, iam)),
    );
  }
  return { functions, queues, detachedMappings };
}

/**
 * The models an edit inside one function's resource leaves as they were, moved by the edit's
 * length: what a full read would give, reused because reading every function again was most of
 * an edit's time in a large template (bench/lsp.ts). Kept only when nothing else can have
 * changed them:
 * - the edit stays inside one resource under `Resources` (the rest of the text is the same, moved),
 *   and that resource is a function before and after it (so no queue, role, policy, mapping or
 *   other resource that functions read changed), with the same functions in the same order;
 * - nothing outside that resource names it (a `Ref`, a `GetAtt`, a `Sub`, a generated name such as
 *   `${id}Role`): what reads it by name might read it differently now;
 * - for each function kept, the edited resource's text, old or new, does not name it (a SAM
 *   connector embedded in one resource adds grants to the function it names);
 * - each model is plain data whose spans lie before the edited resource or after it (a copy moves
 *   those after it); a queue that cannot be copied so keeps nothing.
 * templatePatch.test.ts compares the result with a full read over random edits of real templates.
 */
function keptModels(
  previous: PreviousModels,
  functionIds: readonly string[],
  queueIds: readonly string[],
): { functions: Map<string, FunctionModel>; queues: Map<string, QueueModel> } | undefined {
  const { edited, text, oldText } = previous;
  // No keys: the text is the same (a new version of an unchanged document), and so is everything read from it.
  const id = edited.keys[1];
  if (edited.keys.length !== 0 && (edited.keys.length !== 2 || edited.keys[0] !== 'Resources' || id === undefined))
    return undefined;
  if (
    previous.functions.length !== functionIds.length ||
    previous.functions.some((f, i) => f.logicalId !== functionIds[i]) ||
    (id !== undefined && !functionIds.includes(id)) ||
    previous.queues.size !== queueIds.length ||
    queueIds.some((q) => !previous.queues.has(q))
  )
    return undefined;
  const newEnd = edited.oldEnd + edited.delta;
  for (let at = id !== undefined ? text.indexOf(id) : -1; at >= 0; at = text.indexOf(id as string, at + 1)) {
    if (at < edited.start || at >= newEnd) return undefined;
  }
  const oldEntry = oldText.slice(edited.start, edited.oldEnd);
  const newEntry = text.slice(edited.start, newEnd);
  const move = new SpanShift(edited.start, edited.oldEnd, edited.delta);
  const queues = new Map<string, QueueModel>();
  for (const [q, model] of previous.queues) {
    const moved = move.copy(model);
    if (moved === undefined) return undefined;
    queues.set(q, moved);
  }
  const functions = new Map<string, FunctionModel>();
  for (const fn of previous.functions) {
    if (fn.logicalId === id || oldEntry.includes(fn.logicalId) || newEntry.includes(fn.logicalId)) continue;
    const moved = move.copy(fn);
    if (moved !== undefined) functions.set(fn.logicalId, moved);
  }
  return { functions, queues };
}

/**
 * Copies plain data (objects, arrays, primitives) read from the last version of a text, moving
 * spans (`{ start, end }`) after the edited range `[from, to)` by `delta`; parts with nothing to
 * move are kept as they are, and an object met twice is copied once (a queue shared by a
 * function's trigger and the template's queues stays one object). `undefined` when a span
 * overlaps the edited range or the data holds anything but plain objects and arrays.
 */
class SpanShift {
  /** Objects copied so far (those with nothing to move are not remembered: walking them again is cheaper). */
  private readonly copies = new Map<object, unknown>();

  constructor(
    private readonly from: number,
    private readonly to: number,
    private readonly delta: number,
  ) {}

  copy<T>(value: T): T | undefined {
    const out = this.any(value);
    return out === FAILED ? undefined : (out as T);
  }

  private any(value: unknown): unknown {
    if (typeof value !== 'object' || value === null) return value;
    // Spans are most of what a model holds, and are never shared in a way that matters: no memo.
    if (isSpan(value)) {
      if (value.end <= this.from) return value;
      if (value.start < this.to) return FAILED;
      return this.delta === 0 ? value : { start: value.start + this.delta, end: value.end + this.delta };
    }
    const done = this.copies.get(value);
    if (done !== undefined) return done;
    const out = Array.isArray(value) ? this.array(value) : this.object(value);
    if (out !== value) this.copies.set(value, out);
    return out;
  }

  private array(list: readonly unknown[]): unknown {
    let out: unknown[] | undefined;
    for (let i = 0; i < list.length; i++) {
      const item = this.any(list[i]);
      if (item === FAILED) return FAILED;
      if (item !== list[i]) (out ??= list.slice())[i] = item;
    }
    return out ?? list;
  }

  private object(value: object): unknown {
    if (Object.getPrototypeOf(value) !== Object.prototype) return FAILED;
    const record = value as Record<string, unknown>;
    let out: Record<string, unknown> | undefined;
    for (const key in record) {
      const v = record[key];
      if (typeof v !== 'object' || v === null) continue;
      const moved = this.any(v);
      if (moved === FAILED) return FAILED;
      if (moved !== v) (out ??= { ...record })[key] = moved;
    }
    return out ?? value;
  }
}

/** A plain `{ start, end }` object. */
function isSpan(value: object): value is Span {
  const v = value as Partial<Record<string, unknown>>;
  return (
    typeof v.start === 'number' &&
    typeof v.end === 'number' &&
    Object.getPrototypeOf(value) === Object.prototype &&
    keyCount(value) === 2
  );
}

function keyCount(record: object): number {
  let n = 0;
  for (const _ in record) n++;
  return n;
}

const FAILED = Symbol('failed');

function readQueue(e: TEntry, r: Resolver): QueueModel {
  const props = get(e.value, 'Properties');
  const redrive = get(props, 'RedrivePolicy');
  return {
    logicalId: e.key,
    uri: r.uri,
    idSpan: e.keySpan,
    visibilityTimeout: r.num(get(props, 'VisibilityTimeout')),
    fifo:
      r.bool(get(props, 'FifoQueue')) ??
      (/\.fifo$/.test(scalarString(get(props, 'QueueName')) ?? '')
        ? { value: true, span: e.keySpan, uri: r.uri }
        : undefined),
    maxReceiveCount: r.num(get(redrive, 'maxReceiveCount')),
    deadLetterQueueLogicalId: r.refTarget(get(redrive, 'deadLetterTargetArn')),
  };
}

/**
 * SAM Globals, as SAM merges them: maps are merged key by key (recursively, the function's
 * value winning), lists are concatenated (Globals first), and for anything else — scalars,
 * intrinsics, or a map meeting a list — the function's value wins.
 * (docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-template-anatomy-globals.html;
 * samtranslator/plugins/globals/globals.py `_do_merge`)
 */
function fromGlobals(props: TNode | undefined, globals: TNode | undefined, key: string): TNode | undefined {
  return mergeGlobal(get(globals, key), get(props, key));
}

function mergeGlobal(global: TNode | undefined, own: TNode | undefined): TNode | undefined {
  if (own === undefined) return global;
  if (global === undefined) return own;
  if (global.kind === 'map' && own.kind === 'map') {
    const ownKeys = new Set(own.entries.map((e) => e.key));
    const merged = own.entries.map((e) => {
      const g = get(global, e.key);
      return g === undefined ? e : { ...e, value: mergeGlobal(g, e.value) ?? e.value };
    });
    return { ...own, entries: [...global.entries.filter((e) => !ownKeys.has(e.key)), ...merged] };
  }
  if (global.kind === 'seq' && own.kind === 'seq') return { ...own, items: [...global.items, ...own.items] };
  return own;
}

/**
 * The Globals a function takes: SAM's resource attribute `IgnoreGlobals` drops all of them
 * (`'*'`) or the listed properties.
 */
function globalsFor(resource: TNode, globals: TNode | undefined): TNode | undefined {
  const ignore = get(resource, 'IgnoreGlobals');
  if (ignore === undefined || globals?.kind !== 'map') return globals;
  if (scalarString(ignore) === '*') return undefined;
  const names = new Set(ignore.kind === 'seq' ? ignore.items.map(scalarString) : [scalarString(ignore)]);
  return { ...globals, entries: globals.entries.filter((g) => !names.has(g.key)) };
}

function readSamFunction(
  e: TEntry,
  allGlobals: TNode | undefined,
  r: Resolver,
  queues: Map<string, QueueModel>,
  extra: Mutable,
  iam: IamReader,
): FunctionModel {
  const props = get(e.value, 'Properties');
  const globals = globalsFor(e.value, allGlobals);
  const g = (key: string) => fromGlobals(props, globals, key);
  const triggers: Trigger[] = [...extra.triggers];
  // SAM points a function's own events (and its URL) at the AutoPublishAlias when there is one.
  const qualifier = g('AutoPublishAlias') !== undefined ? 'qualified' : 'unqualified';
  const events = get(props, 'Events');
  if (events?.kind === 'map') {
    for (const ev of events.entries) {
      const t = readSamEvent(ev, r, queues);
      if (t) triggers.push({ ...t, qualifier });
    }
  }
  const furl = g('FunctionUrlConfig');
  if (furl !== undefined)
    triggers.push({ ...syncTrigger('FunctionUrl', 'FunctionUrlConfig', furl.span, r.uri), qualifier });
  const eic = g('EventInvokeConfig');
  const codeUri = g('CodeUri');
  const inlineCode = g('InlineCode') !== undefined;
  const pc = g('ProvisionedConcurrencyConfig');
  return {
    logicalId: e.key,
    uri: r.uri,
    kind: 'sam',
    resourceType: SAM_FUNCTION,
    idSpan: e.keySpan,
    span: e.value.span,
    handler: r.str(g('Handler')),
    runtime: r.str(g('Runtime')),
    codeUri: codeUri?.kind === 'map' ? { unknown: 'an S3 location', span: codeUri.span, uri: r.uri } : r.str(codeUri),
    inlineCode,
    packageType: r.str(g('PackageType')),
    architectures: r.strList(g('Architectures')),
    memorySize: r.num(g('MemorySize')),
    timeout: r.num(g('Timeout')),
    ephemeralStorage: r.num(get(g('EphemeralStorage'), 'Size')),
    environment: readEnvironment(g('Environment'), r),
    layers: r.list(g('Layers')),
    role: r.str(get(props, 'Role')),
    reservedConcurrency: r.num(g('ReservedConcurrentExecutions')),
    provisionedConcurrency: r.num(get(pc, 'ProvisionedConcurrentExecutions')),
    autoPublishAlias: r.str(g('AutoPublishAlias')),
    autoPublishCodeSha256: r.str(g('AutoPublishCodeSha256')),
    versionDescription: r.str(g('VersionDescription')),
    deploymentPreference: readDeploymentPreference(g('DeploymentPreference'), r),
    snapStart: r.str(get(g('SnapStart'), 'ApplyOn')),
    versions: extra.versions,
    aliases: extra.aliases,
    asyncConfig: eic !== undefined ? readAsyncConfig(eic, r) : extra.asyncConfig,
    deadLetterQueue: readSamDlq(g('DeadLetterQueue'), r),
    vpcConfig: presence(g('VpcConfig'), r),
    vpc: readVpcAttachment(g('VpcConfig'), r),
    executionRole: iam.executionRole(
      e.keySpan,
      get(props, 'Role'),
      {
        policies: get(props, 'Policies'),
        eventTypes: triggers.filter((t) => t.definedBy === 'event').map((t) => t.type),
        vpc: g('VpcConfig') !== undefined,
      },
      e.key,
    ),
    functionUrl:
      furl !== undefined ? { authType: r.str(get(furl, 'AuthType')), span: furl.span, uri: r.uri } : extra.functionUrl,
    triggers,
  };
}

function readLambdaFunction(e: TEntry, r: Resolver, extra: Mutable, kind: TemplateKind, iam: IamReader): FunctionModel {
  const props = get(e.value, 'Properties');
  const code = get(props, 'Code');
  const dlc = get(props, 'DeadLetterConfig');
  const target = get(dlc, 'TargetArn');
  return {
    logicalId: e.key,
    uri: r.uri,
    kind,
    resourceType: CFN_FUNCTION,
    idSpan: e.keySpan,
    span: e.value.span,
    handler: r.str(get(props, 'Handler')),
    runtime: r.str(get(props, 'Runtime')),
    // A string Code is a local path that `aws cloudformation package` / `sam build` uploads.
    codeUri:
      code?.kind === 'scalar'
        ? r.str(code)
        : code !== undefined && get(code, 'ZipFile') === undefined
          ? { unknown: 'an S3 location or image', span: code.span, uri: r.uri }
          : undefined,
    inlineCode: get(code, 'ZipFile') !== undefined,
    packageType: r.str(get(props, 'PackageType')),
    architectures: r.strList(get(props, 'Architectures')),
    memorySize: r.num(get(props, 'MemorySize')),
    timeout: r.num(get(props, 'Timeout')),
    ephemeralStorage: r.num(getPath(props, 'EphemeralStorage', 'Size')),
    environment: readEnvironment(get(props, 'Environment'), r),
    layers: r.list(get(props, 'Layers')),
    role: r.str(get(props, 'Role')),
    reservedConcurrency: r.num(get(props, 'ReservedConcurrentExecutions')),
    provisionedConcurrency: undefined,
    autoPublishAlias: undefined,
    autoPublishCodeSha256: undefined,
    versionDescription: undefined,
    deploymentPreference: undefined,
    snapStart: r.str(getPath(props, 'SnapStart', 'ApplyOn')),
    versions: extra.versions,
    aliases: extra.aliases,
    asyncConfig: extra.asyncConfig,
    deadLetterQueue: dlc !== undefined ? destination(target, undefined, dlc.span, r) : undefined,
    vpcConfig: presence(get(props, 'VpcConfig'), r),
    vpc: readVpcAttachment(get(props, 'VpcConfig'), r),
    executionRole: iam.executionRole(e.keySpan, get(props, 'Role'), undefined, e.key),
    functionUrl: extra.functionUrl,
    triggers: extra.triggers,
  };
}

function presence(node: TNode | undefined, r: Resolver): Setting<true> | undefined {
  if (node === undefined) return undefined;
  if (node.kind === 'intrinsic') return { unknown: `the intrinsic function ${node.fn}`, span: node.span, uri: r.uri };
  return { value: true, span: node.span, uri: r.uri };
}

/** Environment variables; for SAM, `env` is already merged with Globals (the function's values win). */
function readEnvironment(env: TNode | undefined, r: Resolver): EnvironmentModel | undefined {
  const vars = get(env, 'Variables');
  if (vars === undefined) return undefined;
  // An intrinsic in place of the map (`!If [...]`): present, but its variables cannot be read.
  if (vars.kind !== 'map') return { variables: [], span: vars.span, uri: r.uri, partial: true };
  const byName = new Map<string, EnvironmentVariable>();
  for (const v of vars.entries) {
    byName.set(v.key, {
      name: v.key,
      nameSpan: v.keySpan,
      value: r.str(v.value) ?? { unknown: 'empty', span: v.value.span, uri: r.uri },
      uri: r.uri,
    });
  }
  return { variables: [...byName.values()], span: vars.span, uri: r.uri, partial: false };
}

function destination(target: TNode | undefined, type: TNode | undefined, span: Span, r: Resolver): DestinationModel {
  const targetId = r.refTarget(target);
  const inferred = targetId !== undefined ? destinationTypeOfResource(r.resourceType(targetId)) : undefined;
  const typeSetting = r.str(type) ?? (inferred !== undefined ? { value: inferred, span, uri: r.uri } : undefined);
  return { type: typeSetting, target: r.str(target), targetLogicalId: targetId, span, uri: r.uri };
}

/** The destination type (`SQS`, `SNS`, `Lambda`, `EventBridge`, `S3`) a resource type stands for. */
export function destinationTypeOfResource(type: string | undefined): string | undefined {
  switch (type) {
    case 'AWS::SQS::Queue':
      return 'SQS';
    case 'AWS::SNS::Topic':
      return 'SNS';
    case 'AWS::Serverless::Function':
    case 'AWS::Lambda::Function':
      return 'Lambda';
    case 'AWS::Events::EventBus':
      return 'EventBridge';
    case 'AWS::S3::Bucket':
      return 'S3';
    default:
      return undefined;
  }
}

function readDestinationConfig(
  node: TNode | undefined,
  key: 'OnSuccess' | 'OnFailure',
  r: Resolver,
): DestinationModel | undefined {
  const d = get(node, key);
  if (d === undefined) return undefined;
  return destination(get(d, 'Destination'), get(d, 'Type'), d.span, r);
}

function readAsyncConfig(node: TNode, r: Resolver): AsyncConfigModel {
  const dc = get(node, 'DestinationConfig');
  return {
    maximumRetryAttempts: r.num(get(node, 'MaximumRetryAttempts')),
    maximumEventAgeInSeconds: r.num(get(node, 'MaximumEventAgeInSeconds')),
    onSuccess: readDestinationConfig(dc, 'OnSuccess', r),
    onFailure: readDestinationConfig(dc, 'OnFailure', r),
    uri: r.uri,
    span: node.span,
  };
}

function readSamDlq(node: TNode | undefined, r: Resolver): DestinationModel | undefined {
  if (node === undefined) return undefined;
  return destination(get(node, 'TargetArn'), get(node, 'Type'), node.span, r);
}

function readDeploymentPreference(node: TNode | undefined, r: Resolver): DeploymentPreferenceModel | undefined {
  if (node === undefined) return undefined;
  return {
    type: r.str(get(node, 'Type')),
    enabled: knownValue(r.bool(get(node, 'Enabled'))) !== false,
    hooks: {
      preTraffic: r.str(getPath(node, 'Hooks', 'PreTraffic')),
      postTraffic: r.str(getPath(node, 'Hooks', 'PostTraffic')),
    },
    span: node.span,
    uri: r.uri,
  };
}

function readRouting(node: TNode | undefined, r: Resolver): AliasRoutingModel | undefined {
  if (node === undefined) return undefined;
  const list = getEntry(node, 'AdditionalVersionWeights');
  const items = list?.value.kind === 'seq' ? list.value.items : [];
  return {
    weights: items.map((item) => ({
      version: r.str(get(item, 'FunctionVersion')),
      weight: r.num(get(item, 'FunctionWeight')),
      span: item.span,
    })),
    span: list?.keySpan ?? node.span,
    uri: r.uri,
  };
}

function syncTrigger(type: string, name: string, span: Span, uri: string): Trigger {
  return {
    type,
    name,
    invocation: 'sync',
    uri,
    span,
    definedBy: 'event',
    mapping: undefined,
    path: undefined,
    method: undefined,
  };
}

function readMapping(
  props: TNode | undefined,
  sourceKey: string,
  r: Resolver,
  queues: Map<string, QueueModel>,
): EventSourceMappingModel {
  const sourceNode = get(props, sourceKey);
  const sourceId = r.refTarget(sourceNode);
  return {
    batchSize: r.num(get(props, 'BatchSize')),
    maximumBatchingWindowInSeconds: r.num(get(props, 'MaximumBatchingWindowInSeconds')),
    functionResponseTypes: r.strList(get(props, 'FunctionResponseTypes')),
    parallelizationFactor: r.num(get(props, 'ParallelizationFactor')),
    maximumRetryAttempts: r.num(get(props, 'MaximumRetryAttempts')),
    maximumRecordAgeInSeconds: r.num(get(props, 'MaximumRecordAgeInSeconds')),
    bisectBatchOnFunctionError: r.bool(get(props, 'BisectBatchOnFunctionError')),
    tumblingWindowInSeconds: r.num(get(props, 'TumblingWindowInSeconds')),
    startingPosition: r.str(get(props, 'StartingPosition')),
    maximumConcurrency: r.num(getPath(props, 'ScalingConfig', 'MaximumConcurrency')),
    onFailure: readDestinationConfig(get(props, 'DestinationConfig'), 'OnFailure', r),
    enabled: r.bool(get(props, 'Enabled')),
    source: r.str(sourceNode),
    queue: sourceId !== undefined ? queues.get(sourceId) : undefined,
  };
}

const MAPPING_SOURCE_KEYS: Readonly<Record<string, string>> = {
  SQS: 'Queue',
  Kinesis: 'Stream',
  DynamoDB: 'Stream',
  MSK: 'Stream',
  DocumentDB: 'Cluster',
  MQ: 'Broker',
  SelfManagedKafka: 'KafkaBootstrapServers',
};

function readSamEvent(ev: TEntry, r: Resolver, queues: Map<string, QueueModel>): Trigger | undefined {
  const type = scalarString(get(ev.value, 'Type'));
  if (type === undefined) return undefined;
  const info = EVENT_TYPES[type];
  const props = get(ev.value, 'Properties');
  const invocation = info?.invocation ?? 'async';
  const sourceKey = MAPPING_SOURCE_KEYS[type];
  return {
    type,
    name: ev.key,
    invocation,
    uri: r.uri,
    span: ev.keySpan,
    definedBy: 'event',
    mapping: invocation === 'poll' && sourceKey !== undefined ? readMapping(props, sourceKey, r, queues) : undefined,
    path: scalarString(get(props, 'Path')),
    method: scalarString(get(props, 'Method')),
    ...((type === 'Schedule' || type === 'ScheduleV2') && isKeepWarmInput(get(props, 'Input'))
      ? { keepWarm: true as const }
      : {}),
  };
}

/** A function of the template that a value points at, and whether it names the function itself or one of its aliases or versions. */
interface FunctionTarget {
  readonly id: string;
  readonly qualifier: 'unqualified' | 'qualified';
}

/** The function a `FunctionName` / `TargetFunctionArn` / target `Arn` points at, and whether the value is qualified by an alias or version. */
function functionRef(node: TNode | undefined, r: Resolver, extras: Map<string, Mutable>): FunctionTarget | undefined {
  if (node === undefined) return undefined;
  // `!Sub` first: the resolver reads `${Fn.Alias}` as the function itself.
  const direct = node.kind === 'intrinsic' && node.fn === 'Fn::Sub' ? undefined : r.refTarget(node);
  if (direct !== undefined) {
    if (extras.has(direct)) return { id: direct, qualifier: 'unqualified' };
    // A Ref to an alias or version resolves to its function.
    const target = r.resource(direct);
    const fnId = r.refTarget(getPath(target, 'Properties', 'FunctionName'));
    return fnId !== undefined && extras.has(fnId) ? { id: fnId, qualifier: 'qualified' } : undefined;
  }
  // SAM's `!Ref Fn.Alias` / `!Ref Fn.Version`, and the alias SAM generates (`!Ref FnAliaslive`).
  if (node.kind === 'intrinsic' && node.fn === 'Ref') {
    const name = scalarString(node.arg) ?? '';
    const m = /^([A-Za-z0-9]+)\.(?:Alias|Version)$/.exec(name) ?? /^([A-Za-z0-9]+?)Alias[A-Za-z0-9]+$/.exec(name);
    const id = m?.[1];
    return id !== undefined && extras.has(id) ? { id, qualifier: 'qualified' } : undefined;
  }
  // `!Sub "${Fn.Arn}:live"` and `!Join [":", [!GetAtt Fn.Arn, live]]`.
  if (node.kind === 'intrinsic' && node.fn === 'Fn::Sub') {
    const s = node.arg.kind === 'seq' ? scalarString(node.arg.items[0]) : scalarString(node.arg);
    const m = s === undefined ? null : /\$\{([A-Za-z0-9]+)(\.Arn|\.Alias|\.Version)?\}(:\S+)?/.exec(s);
    const id = m?.[1];
    if (m === null || id === undefined) return undefined;
    if (!extras.has(id)) {
      // `${MyAlias}` / `${MyVersion}`: an alias or version of a function.
      const fnId = r.refTarget(getPath(r.resource(id), 'Properties', 'FunctionName'));
      return fnId !== undefined && extras.has(fnId) ? { id: fnId, qualifier: 'qualified' } : undefined;
    }
    return {
      id,
      qualifier: m[3] !== undefined || (m[2] !== undefined && m[2] !== '.Arn') ? 'qualified' : 'unqualified',
    };
  }
  if (node.kind === 'intrinsic' && node.fn === 'Fn::Join' && node.arg.kind === 'seq') {
    const parts = node.arg.items[1];
    if (parts?.kind === 'seq') {
      for (const p of parts.items) {
        const t = functionRef(p, r, extras);
        if (t !== undefined) return parts.items.length > 1 ? { id: t.id, qualifier: 'qualified' } : t;
      }
    }
  }
  return undefined;
}

/**
 * The function of an AWS::IoT::Authorizer is called synchronously by IoT Core; its permission for
 * iot.amazonaws.com was read as an IoT rule's (asynchronous) unless a topic rule of the template
 * targets the function too.
 */
function iotAuthorizers(resources: TMap, r: Resolver, extras: Map<string, Mutable>): void {
  const ofType = (type: string) => resources.entries.filter((e) => scalarString(get(e.value, 'Type')) === type);
  const ruleTargets = new Set<string>();
  for (const e of ofType('AWS::IoT::TopicRule'))
    for (const n of collectRefs(get(e.value, 'Properties'), r)) ruleTargets.add(n);
  for (const e of ofType('AWS::IoT::Authorizer')) {
    const id = functionRef(get(get(e.value, 'Properties'), 'AuthorizerFunctionArn'), r, extras)?.id;
    const fn = id !== undefined ? extras.get(id) : undefined;
    if (id === undefined || fn === undefined || ruleTargets.has(id)) continue;
    fn.triggers = fn.triggers.map((t) =>
      t.type === 'IoTRule' && t.definedBy === 'resource' ? { ...t, type: 'IoTAuthorizer', invocation: 'sync' } : t,
    );
  }
}

/** Logical ids a subtree refers to (Ref, GetAtt, Sub). */
function collectRefs(node: TNode | undefined, r: Resolver): string[] {
  const out: string[] = [];
  const walk = (n: TNode | undefined): void => {
    if (n === undefined) return;
    const id = r.refTarget(n);
    if (id !== undefined) out.push(id);
    if (n.kind === 'map') for (const e of n.entries) walk(e.value);
    else if (n.kind === 'seq') for (const x of n.items) walk(x);
  };
  walk(node);
  return out;
}

function readRelatedResource(
  e: TEntry,
  r: Resolver,
  extras: Map<string, Mutable>,
  queues: Map<string, QueueModel>,
  detached: Trigger[],
): void {
  const type = scalarString(get(e.value, 'Type'));
  const props = get(e.value, 'Properties');
  const forFn = (node: TNode | undefined) => {
    const t = functionRef(node, r, extras);
    return t !== undefined ? extras.get(t.id) : undefined;
  };
  const qualifierOf = (node: TNode | undefined) => functionRef(node, r, extras)?.qualifier;
  switch (type) {
    case 'AWS::Lambda::EventSourceMapping': {
      const fn = forFn(get(props, 'FunctionName'));
      const sourceNode = get(props, 'EventSourceArn');
      const sourceId = r.refTarget(sourceNode);
      const sourceStr = r.str(sourceNode);
      const eventType =
        (sourceId !== undefined ? RESOURCE_EVENT_TYPES[r.resourceType(sourceId) ?? ''] : undefined) ??
        (sourceStr !== undefined && !('unknown' in sourceStr) ? eventTypeForArn(sourceStr.value) : undefined) ??
        (get(props, 'SelfManagedEventSource') !== undefined ? 'SelfManagedKafka' : 'EventSourceMapping');
      const trigger: Trigger = {
        type: eventType,
        name: e.key,
        invocation: 'poll',
        uri: r.uri,
        span: e.keySpan,
        definedBy: 'resource',
        mapping: readMapping(props, 'EventSourceArn', r, queues),
        path: undefined,
        method: undefined,
        qualifier: qualifierOf(get(props, 'FunctionName')),
      };
      // A mapping for a function outside the template (FunctionName is a name or ARN) is still checked.
      (fn?.triggers ?? detached).push(trigger);
      return;
    }
    case 'AWS::Lambda::EventInvokeConfig': {
      const fn = forFn(get(props, 'FunctionName'));
      if (fn && props !== undefined) fn.asyncConfig = readAsyncConfig(props, r);
      return;
    }
    case 'AWS::Lambda::Permission': {
      const fn = forFn(get(props, 'FunctionName'));
      const principal = scalarString(get(props, 'Principal'));
      const eventType = principal !== undefined ? PRINCIPAL_EVENT_TYPES[principal] : undefined;
      if (!fn || eventType === undefined) return;
      const info = EVENT_TYPES[eventType];
      fn.triggers.push({
        type: eventType,
        name: e.key,
        invocation: info?.invocation ?? 'async',
        uri: r.uri,
        span: e.keySpan,
        definedBy: 'resource',
        mapping: undefined,
        path: undefined,
        method: undefined,
        qualifier: qualifierOf(get(props, 'FunctionName')),
      });
      return;
    }
    case 'AWS::Lambda::Url': {
      const fn = forFn(get(props, 'TargetFunctionArn'));
      if (!fn) return;
      fn.functionUrl = { authType: r.str(get(props, 'AuthType')), span: e.keySpan, uri: r.uri };
      const qualifier =
        get(props, 'Qualifier') !== undefined ? 'qualified' : qualifierOf(get(props, 'TargetFunctionArn'));
      fn.triggers.push({ ...syncTrigger('FunctionUrl', e.key, e.keySpan, r.uri), definedBy: 'resource', qualifier });
      return;
    }
    case 'AWS::Lambda::Version': {
      const fn = forFn(get(props, 'FunctionName'));
      fn?.versions.push({
        logicalId: e.key,
        span: e.keySpan,
        provisionedConcurrency: r.num(
          getPath(props, 'ProvisionedConcurrencyConfig', 'ProvisionedConcurrentExecutions'),
        ),
      });
      return;
    }
    case 'AWS::Lambda::Alias': {
      const fn = forFn(get(props, 'FunctionName'));
      const versionNode = get(props, 'FunctionVersion');
      const versionId = r.refTarget(versionNode);
      fn?.aliases.push({
        name: r.str(get(props, 'Name')) ?? { unknown: 'no Name', span: e.keySpan, uri: r.uri },
        logicalId: e.key,
        provisionedConcurrency: r.num(
          getPath(props, 'ProvisionedConcurrencyConfig', 'ProvisionedConcurrentExecutions'),
        ),
        functionVersion: r.str(versionNode),
        versionLogicalId:
          versionId !== undefined && r.resourceType(versionId) === 'AWS::Lambda::Version' ? versionId : undefined,
        routing: readRouting(get(props, 'RoutingConfig'), r),
        uri: r.uri,
        span: e.keySpan,
      });
      return;
    }
    case 'AWS::Events::Rule': {
      const targets = get(props, 'Targets');
      if (targets?.kind !== 'seq') return;
      for (const t of targets.items) {
        const fn = forFn(get(t, 'Arn'));
        if (!fn) continue;
        const qualifier = qualifierOf(get(t, 'Arn'));
        const isSchedule = get(props, 'ScheduleExpression') !== undefined;
        fn.triggers.push({
          type: isSchedule ? 'Schedule' : 'EventBridgeRule',
          name: e.key,
          invocation: 'async',
          uri: r.uri,
          span: e.keySpan,
          definedBy: 'resource',
          mapping: undefined,
          path: undefined,
          method: undefined,
          qualifier,
          ...(isSchedule && isKeepWarmInput(get(t, 'Input')) ? { keepWarm: true as const } : {}),
        });
      }
      return;
    }
    case 'AWS::SNS::Subscription':
    case 'AWS::SNS::Topic': {
      const subs = type === 'AWS::SNS::Topic' ? get(props, 'Subscription') : props;
      const list = subs?.kind === 'seq' ? subs.items : subs !== undefined ? [subs] : [];
      for (const s of list) {
        if (scalarString(get(s, 'Protocol')) !== 'lambda') continue;
        const fn = forFn(get(s, 'Endpoint'));
        fn?.triggers.push({
          type: 'SNS',
          name: e.key,
          invocation: 'async',
          uri: r.uri,
          span: e.keySpan,
          definedBy: 'resource',
          mapping: undefined,
          path: undefined,
          method: undefined,
          qualifier: qualifierOf(get(s, 'Endpoint')),
        });
      }
      return;
    }
    default:
      return;
  }
}
