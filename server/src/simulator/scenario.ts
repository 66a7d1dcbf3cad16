/**
 * Scenario files: what to simulate, as JSON (schema: schemas/scenario.schema.json).
 *
 * A scenario names a function — `template` (path) + `function` (logical id), or an inline
 * function config — plus `overrides`, `platform` settings and `traffic`. This module reads
 * one, checks it with messages that point at the bad field, and resolves it into a
 * `SimulationConfig` (paths made absolute, template values and trigger settings filled in).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, parse as parsePath, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BATCH_SIZE, EPHEMERAL_STORAGE, PAYLOAD, SQS_VISIBILITY } from '../service/limits';
import { readTemplate, type TemplateDocument } from '../service/templates/template';
import { getPath, scalarString } from '../service/templates/tree';
import { isStackFile } from '../service/cdk/paths';
import { knownValue, type EventSourceMappingModel, type FunctionModel, type Setting } from '../service/model/types';
import { parseTrafficShift } from '../service/model/deployment';
import {
  defaultAsyncConfig,
  defaultPlatform,
  type Deployment,
  type FunctionConfig,
  type PlatformSettings,
  type SimulationConfig,
  type SqsMessageInput,
  type ServicesConfig,
  type SqsQueueConfig,
  type StreamConfig,
  type StreamRecordInput,
  type TrafficEntry,
  type VersionRouting,
} from './config';
import type { CallRule } from './aws/faults';
import { SAMPLE_EVENTS } from './events';
import { scenarioShapeProblems } from './scenarioSchema';
import { depthOver, MAX_DATA_FILE_BYTES, MAX_JSON_DEPTH, readJsonInput } from './inputFiles';

/** The most requests, messages and records one run takes: each is kept in the trace. */
export const MAX_RUN_INPUTS = 100_000;
import { isPythonRuntime } from './runtimes/python';
import { rejections, type Rejection } from './validate';

/** A scenario that cannot be used, with every problem found. */
export class ScenarioError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.length === 1 ? problems[0] : `\n  ${problems.join('\n  ')}`}`);
  }
}

export interface LoadedScenario {
  config: SimulationConfig;
  /** Things the scenario could not use and replaced by defaults (unresolved template values…). */
  warnings: string[];
  /**
   * Settings of the template function that Lambda would reject (LL1xxx errors): callers stop
   * before running unless forced. Empty for inline functions (their values are range-checked).
   */
  rejections: Rejection[];
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Reads JSON values with the path of each, collecting problems instead of throwing at the first. */
class Reader {
  readonly problems: string[] = [];

  /** `roots`: the folders files named by the scenario may be in (inputFiles.ts). */
  constructor(readonly roots: readonly string[] = []) {}

  object(v: Json | undefined, path: string): JsonObject | undefined {
    if (v === undefined) return undefined;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      this.problems.push(`${path}: expected an object`);
      return undefined;
    }
    return v;
  }

  array(v: Json | undefined, path: string): Json[] | undefined {
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) {
      this.problems.push(`${path}: expected an array`);
      return undefined;
    }
    return v;
  }

  string(v: Json | undefined, path: string): string | undefined {
    if (v === undefined) return undefined;
    if (typeof v !== 'string') {
      this.problems.push(`${path}: expected a string`);
      return undefined;
    }
    return v;
  }

  boolean(v: Json | undefined, path: string): boolean | undefined {
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') {
      this.problems.push(`${path}: expected true or false`);
      return undefined;
    }
    return v;
  }

  number(v: Json | undefined, path: string, min: number, max: number, integer = true): number | undefined {
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isInteger(v)) || v < min || v > max) {
      this.problems.push(`${path}: expected ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`);
      return undefined;
    }
    return v;
  }
}

const PLATFORM_KEYS: readonly (keyof PlatformSettings)[] = Object.keys(defaultPlatform()) as (keyof PlatformSettings)[];

interface FunctionSpec {
  name?: string;
  handler?: string;
  runtime?: string;
  codeUri?: string;
  memorySize?: number;
  timeout?: number;
  ephemeralStorage?: number;
  architecture?: 'x86_64' | 'arm64';
  environment?: Record<string, string>;
  reservedConcurrency?: number | null;
  provisionedConcurrency?: number;
  async?: {
    maximumRetryAttempts?: number;
    maximumEventAgeInSeconds?: number;
    onSuccess?: string | null;
    onFailure?: string | null;
  };
  deadLetterQueue?: string | null;
}

function readFunctionSpec(r: Reader, v: Json | undefined, path: string): FunctionSpec {
  const o = r.object(v, path);
  if (!o) return {};
  const spec: FunctionSpec = {};
  const set = <K extends keyof FunctionSpec>(key: K, value: FunctionSpec[K] | undefined): void => {
    if (value !== undefined) spec[key] = value;
  };
  set('name', r.string(o['name'], `${path}.name`));
  set('handler', r.string(o['handler'], `${path}.handler`));
  set('runtime', r.string(o['runtime'], `${path}.runtime`));
  set('codeUri', r.string(o['codeUri'], `${path}.codeUri`));
  // Memory 128–10,240 MB (configuration-memory.html); timeout 1–900 s (quotas page).
  set('memorySize', r.number(o['memorySize'], `${path}.memorySize`, 128, 10240));
  set('timeout', r.number(o['timeout'], `${path}.timeout`, 1, 900, false));
  // EphemeralStorage.Size 512–10,240 MB (API_EphemeralStorage.html).
  set(
    'ephemeralStorage',
    r.number(o['ephemeralStorage'], `${path}.ephemeralStorage`, EPHEMERAL_STORAGE.min, EPHEMERAL_STORAGE.max),
  );
  set('architecture', o['architecture'] as FunctionSpec['architecture']);
  const env = r.object(o['environment'], `${path}.environment`);
  if (env) {
    const vars: Record<string, string> = {};
    for (const [k, val] of Object.entries(env)) {
      if (typeof val === 'string' || typeof val === 'number' || typeof val === 'boolean') vars[k] = String(val);
      else r.problems.push(`${path}.environment.${k}: expected a string`);
    }
    spec.environment = vars;
  }
  if (o['reservedConcurrency'] === null) spec.reservedConcurrency = null;
  else set('reservedConcurrency', r.number(o['reservedConcurrency'], `${path}.reservedConcurrency`, 0, 100_000));
  set('provisionedConcurrency', r.number(o['provisionedConcurrency'], `${path}.provisionedConcurrency`, 0, 100_000));
  const a = r.object(o['async'], `${path}.async`);
  if (a) {
    const asyncSpec: NonNullable<FunctionSpec['async']> = {};
    // MaximumRetryAttempts 0–2, MaximumEventAgeInSeconds 60–21,600 (API_FunctionEventInvokeConfig).
    const retries = r.number(a['maximumRetryAttempts'], `${path}.async.maximumRetryAttempts`, 0, 2);
    if (retries !== undefined) asyncSpec.maximumRetryAttempts = retries;
    const age = r.number(a['maximumEventAgeInSeconds'], `${path}.async.maximumEventAgeInSeconds`, 60, 21_600);
    if (age !== undefined) asyncSpec.maximumEventAgeInSeconds = age;
    for (const key of ['onSuccess', 'onFailure'] as const) {
      if (a[key] === null) asyncSpec[key] = null;
      else {
        const target = r.string(a[key], `${path}.async.${key}`);
        if (target !== undefined) asyncSpec[key] = target;
      }
    }
    spec.async = asyncSpec;
  }
  if (o['deadLetterQueue'] === null) spec.deadLetterQueue = null;
  else set('deadLetterQueue', r.string(o['deadLetterQueue'], `${path}.deadLetterQueue`));
  return spec;
}

function settingValue<T>(s: Setting<T> | undefined, name: string, warnings: string[]): T | undefined {
  if (s !== undefined && 'unknown' in s)
    warnings.push(`${name} cannot be resolved from the template (${s.unknown}); using the default`);
  return knownValue(s);
}

/** Why a value is unknown, when it refers to a resource of the template or a pseudo parameter. */
const RESOURCE_REFERENCE = /^(a Ref to |the pseudo parameter |the intrinsic function Fn::(GetAtt|Sub|Join|Select)$)/;

/** The function's settings as the template gives them. */
function specFromTemplate(model: FunctionModel, templateDir: string, warnings: string[]): FunctionSpec {
  const spec: FunctionSpec = { name: model.logicalId };
  const id = model.logicalId;
  const handler = settingValue(model.handler, `${id}.Handler`, warnings);
  if (handler !== undefined) spec.handler = handler;
  const runtime = settingValue(model.runtime, `${id}.Runtime`, warnings);
  if (runtime !== undefined) spec.runtime = runtime;
  const codeUri = settingValue(model.codeUri, `${id}.CodeUri`, warnings);
  spec.codeUri = resolve(templateDir, codeUri ?? '.');
  const memory = settingValue(model.memorySize, `${id}.MemorySize`, warnings);
  if (memory !== undefined) spec.memorySize = memory;
  const timeout = settingValue(model.timeout, `${id}.Timeout`, warnings);
  if (timeout !== undefined) spec.timeout = timeout;
  const storage = settingValue(model.ephemeralStorage, `${id}.EphemeralStorage.Size`, warnings);
  if (storage !== undefined) spec.ephemeralStorage = storage;
  const arch = settingValue(model.architectures, `${id}.Architectures`, warnings)?.[0];
  if (arch === 'arm64' || arch === 'x86_64') spec.architecture = arch;
  if (model.environment) {
    const vars: Record<string, string> = {};
    for (const v of model.environment.variables) {
      // References to the template's resources are resolved by the run's local AWS endpoint (run.ts).
      if ('unknown' in v.value && RESOURCE_REFERENCE.test(v.value.unknown)) continue;
      const value = settingValue(v.value, `${id}.Environment.${v.name}`, warnings);
      if (value !== undefined) vars[v.name] = value;
    }
    spec.environment = vars;
  }
  const reserved = settingValue(model.reservedConcurrency, `${id}.ReservedConcurrentExecutions`, warnings);
  if (reserved !== undefined) spec.reservedConcurrency = reserved;
  if (model.asyncConfig) {
    const c = model.asyncConfig;
    const asyncSpec: NonNullable<FunctionSpec['async']> = {};
    const retries = settingValue(c.maximumRetryAttempts, `${id}.MaximumRetryAttempts`, warnings);
    if (retries !== undefined) asyncSpec.maximumRetryAttempts = retries;
    const age = settingValue(c.maximumEventAgeInSeconds, `${id}.MaximumEventAgeInSeconds`, warnings);
    if (age !== undefined) asyncSpec.maximumEventAgeInSeconds = age;
    if (c.onSuccess) asyncSpec.onSuccess = knownValue(c.onSuccess.target) ?? c.onSuccess.targetLogicalId ?? 'OnSuccess';
    if (c.onFailure) asyncSpec.onFailure = knownValue(c.onFailure.target) ?? c.onFailure.targetLogicalId ?? 'OnFailure';
    spec.async = asyncSpec;
  }
  if (model.deadLetterQueue)
    spec.deadLetterQueue =
      knownValue(model.deadLetterQueue.target) ?? model.deadLetterQueue.targetLogicalId ?? 'DeadLetterQueue';
  return spec;
}

/**
 * The alias a template function publishes: SAM's AutoPublishAlias, else an `AWS::Lambda::Alias`
 * on it (the one with provisioned concurrency first). Its triggers invoke the alias (SAM points
 * a function's events at its AutoPublishAlias), so a scenario for the function does too.
 */
export function publishedAlias(model: FunctionModel): string | undefined {
  const auto = knownValue(model.autoPublishAlias);
  if (auto !== undefined) return auto;
  const named = model.aliases.filter((a) => knownValue(a.name) !== undefined);
  const alias = named.find((a) => (knownValue(a.provisionedConcurrency) ?? 0) > 0) ?? named[0];
  return alias === undefined ? undefined : knownValue(alias.name);
}

/**
 * Provisioned concurrency lives on an alias or a version, never on `$LATEST`
 * (provisioned-concurrency.html), so the template's applies only when the scenario invokes
 * where it is configured: SAM's ProvisionedConcurrencyConfig on the AutoPublishAlias, an
 * `AWS::Lambda::Alias`'s on that alias, an `AWS::Lambda::Version`'s on a version number.
 */
function templateProvisioned(model: FunctionModel, qualifier: string, warnings: string[]): number | undefined {
  const id = model.logicalId;
  const alias = knownValue(model.autoPublishAlias);
  const where: { qualifier: string | null; value: number | undefined; name: string }[] = [];
  if (model.provisionedConcurrency !== undefined) {
    const value = settingValue(model.provisionedConcurrency, `${id}.ProvisionedConcurrencyConfig`, warnings);
    where.push({
      qualifier: alias ?? null,
      value,
      name: alias !== undefined ? `alias ${alias}` : `${id} (AutoPublishAlias is not set)`,
    });
  }
  for (const a of model.aliases) {
    if (a.provisionedConcurrency !== undefined)
      where.push({
        qualifier: knownValue(a.name) ?? null,
        value: knownValue(a.provisionedConcurrency),
        name: `alias ${knownValue(a.name) ?? a.logicalId ?? '?'}`,
      });
  }
  if (/^\d+$/.test(qualifier)) {
    // A template cannot say which number a Version resource gets: the first with provisioned concurrency is taken.
    const version = model.versions.find((v) => knownValue(v.provisionedConcurrency) !== undefined);
    if (version) return knownValue(version.provisionedConcurrency);
  }
  const match = where.find((w) => w.qualifier === qualifier && w.value !== undefined);
  if (match) return match.value;
  const configured = where.filter((w) => (w.value ?? 0) > 0);
  if (configured.length > 0) {
    warnings.push(
      `${id}: the template's provisioned concurrency is on ${configured.map((w) => w.name).join(' and ')}, and this scenario invokes ${qualifier === '$LATEST' ? '$LATEST' : `"${qualifier}"`}, which has none (set "qualifier" to use it)`,
    );
  }
  return undefined;
}

function merge(base: FunctionSpec, over: FunctionSpec): FunctionSpec {
  const out: FunctionSpec = { ...base, ...over };
  if (base.environment || over.environment) out.environment = { ...base.environment, ...over.environment };
  if (base.async || over.async) out.async = { ...base.async, ...over.async };
  return out;
}

function toFunctionConfig(spec: FunctionSpec, baseDir: string, problems: string[]): FunctionConfig | undefined {
  // With no function found, the missing handler is a consequence, not news.
  if (!spec.handler && problems.some((p) => p.startsWith('function:') || p.startsWith('template:'))) return undefined;
  if (!spec.handler) {
    problems.push('function.handler: missing (the Handler, e.g. "index.handler")');
    return undefined;
  }
  const codeRoot = resolve(baseDir, spec.codeUri ?? '.');
  if (!existsSync(codeRoot) || !statSync(codeRoot).isDirectory()) {
    problems.push(`function.codeUri: folder ${codeRoot} does not exist`);
    return undefined;
  }
  const runtime = spec.runtime ?? 'nodejs22.x';
  if (!/^nodejs\d+\.x$/.test(runtime) && !isPythonRuntime(runtime))
    problems.push(`function.runtime: ${runtime} is not simulated yet (Node.js and Python runtimes only)`);
  const async = { ...defaultAsyncConfig() };
  if (spec.async?.maximumRetryAttempts !== undefined) async.maximumRetryAttempts = spec.async.maximumRetryAttempts;
  if (spec.async?.maximumEventAgeInSeconds !== undefined)
    async.maximumEventAgeSeconds = spec.async.maximumEventAgeInSeconds;
  if (spec.async?.onSuccess !== undefined) async.onSuccess = spec.async.onSuccess;
  if (spec.async?.onFailure !== undefined) async.onFailure = spec.async.onFailure;
  return {
    name: spec.name ?? 'Function',
    handler: spec.handler,
    runtime,
    codeRoot,
    architecture: spec.architecture ?? 'x86_64',
    // Defaults: 128 MB and 3 s (configuration-memory.html; quotas page).
    memorySizeMb: spec.memorySize ?? 128,
    timeoutMs: Math.round((spec.timeout ?? 3) * 1000),
    // Default 512 MB (API_EphemeralStorage.html).
    ephemeralStorageMb: spec.ephemeralStorage ?? EPHEMERAL_STORAGE.default,
    environment: spec.environment ?? {},
    reservedConcurrency: spec.reservedConcurrency ?? null,
    provisionedConcurrency: spec.provisionedConcurrency ?? 0,
    async,
    deadLetterQueue: spec.deadLetterQueue ?? null,
  };
}

function readJsonFile(
  file: string,
  path: string,
  r: Reader,
  limit = MAX_DATA_FILE_BYTES,
  limitWhy = 'the limit for a scenario data file',
): Json | undefined {
  const read = readJsonInput(file, file, r.roots, limit, limitWhy);
  if (read.ok) return read.value as Json;
  r.problems.push(`${path}: ${read.problem}`);
  return undefined;
}

/** The template's trigger of one type, for event source mapping defaults. */
function mappingOf(model: FunctionModel | undefined, types: string[]): EventSourceMappingModel | undefined {
  return model?.triggers.find((t) => types.includes(t.type) && t.mapping)?.mapping;
}

function readEvent(r: Reader, o: JsonObject, path: string, baseDir: string, kind: 'sync' | 'async'): Json | undefined {
  const given = ['event', 'eventFile', 'sample'].filter((k) => o[k] !== undefined);
  if (given.length > 1) r.problems.push(`${path}: give one of event, eventFile, sample (not ${given.join(' and ')})`);
  if (o['eventFile'] !== undefined) {
    const file = r.string(o['eventFile'], `${path}.eventFile`);
    // The invocation payload limits, 6 MB synchronous and 1 MB asynchronous
    // (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html): a larger event file is not read.
    const limit = kind === 'sync' ? PAYLOAD.syncMb * 2 ** 20 : PAYLOAD.asyncKb * 2 ** 10;
    return file === undefined
      ? undefined
      : readJsonFile(resolve(baseDir, file), `${path}.eventFile`, r, limit, `the ${kind} invocation payload limit`);
  }
  if (o['event'] !== undefined && depthOver(o['event'], MAX_JSON_DEPTH) !== null) {
    r.problems.push(
      `${path}.event: nests values more than ${MAX_JSON_DEPTH} levels deep; the simulator takes at most ${MAX_JSON_DEPTH}`,
    );
    return undefined;
  }
  if (o['sample'] !== undefined) {
    const name = r.string(o['sample'], `${path}.sample`);
    if (name === undefined) return undefined;
    const sample = SAMPLE_EVENTS[name];
    if (sample === undefined)
      r.problems.push(`${path}.sample: unknown sample "${name}" (one of ${Object.keys(SAMPLE_EVENTS).join(', ')})`);
    return sample as Json | undefined;
  }
  return o['event'] ?? {};
}

function readSqs(
  r: Reader,
  v: Json | undefined,
  path: string,
  baseDir: string,
  model: FunctionModel | undefined,
  fnTimeoutMs: number,
  warnings: string[],
): { queue: SqsQueueConfig; messages: SqsMessageInput[] } | undefined {
  const o = r.object(v, path);
  if (!o) return undefined;
  const mapping = mappingOf(model, ['SQS', 'EventSourceMapping']);
  const q = mapping?.queue;
  const fifo = r.boolean(o['fifo'], `${path}.fifo`) ?? knownValue(q?.fifo) ?? false;
  const name = r.string(o['queue'], `${path}.queue`) ?? q?.logicalId ?? (fifo ? 'queue.fifo' : 'queue');
  // BatchSize default 10; standard ≤ 10,000, FIFO ≤ 10 (API_CreateEventSourceMapping.html).
  const sizeLimit = fifo ? (BATCH_SIZE['SQS FIFO']?.max ?? 10) : (BATCH_SIZE['SQS']?.max ?? 10_000);
  const givenSize = r.number(o['batchSize'], `${path}.batchSize`, 1, sizeLimit);
  const batchSize = givenSize ?? knownValue(mapping?.batchSize) ?? 10;
  const window =
    r.number(o['batchingWindowSeconds'], `${path}.batchingWindowSeconds`, 0, 300) ??
    knownValue(mapping?.maximumBatchingWindowInSeconds) ??
    0;
  if (batchSize > 10 && window < 1) {
    const from = givenSize === undefined ? ' (from the template)' : '';
    r.problems.push(
      `${path}.batchSize: BatchSize ${batchSize}${from} needs a batching window of at least 1 s; AWS refuses this mapping (API_EventSourceMappingConfiguration.html)`,
    );
  }
  const visibility =
    r.number(o['visibilityTimeoutSeconds'], `${path}.visibilityTimeoutSeconds`, 0, 43_200) ??
    knownValue(q?.visibilityTimeout) ??
    SQS_VISIBILITY.default;
  if (visibility * 1000 < fnTimeoutMs)
    warnings.push(
      `${path}: the visibility timeout (${visibility} s) is shorter than the function timeout; AWS refuses such a mapping, and messages may be received twice here`,
    );
  let rbif = r.boolean(o['reportBatchItemFailures'], `${path}.reportBatchItemFailures`);
  if (rbif === undefined)
    rbif = knownValue(mapping?.functionResponseTypes)?.includes('ReportBatchItemFailures') ?? false;
  const maxReceive =
    o['maxReceiveCount'] === null
      ? null
      : (r.number(o['maxReceiveCount'], `${path}.maxReceiveCount`, 1, 1000) ?? knownValue(q?.maxReceiveCount) ?? null);
  const dlq =
    r.string(o['deadLetterQueue'], `${path}.deadLetterQueue`) ??
    q?.deadLetterQueueLogicalId ??
    (maxReceive !== null ? `${name}-dlq` : null);
  const maxConcurrency =
    r.number(o['maximumConcurrency'], `${path}.maximumConcurrency`, 2, 1000) ??
    knownValue(mapping?.maximumConcurrency) ??
    null;
  const retention = r.number(o['retentionSeconds'], `${path}.retentionSeconds`, 60, 1_209_600) ?? 345_600;
  let list = r.array(o['messages'], `${path}.messages`);
  if (o['messagesFile'] !== undefined) {
    const file = r.string(o['messagesFile'], `${path}.messagesFile`);
    const loaded = file === undefined ? undefined : readJsonFile(resolve(baseDir, file), `${path}.messagesFile`, r);
    list = r.array(loaded, `${path}.messagesFile`);
  }
  if (!list) {
    r.problems.push(`${path}: give messages or messagesFile`);
    return undefined;
  }
  const count = r.number(o['count'], `${path}.count`, 1, 1_000_000) ?? 1;
  const messages: SqsMessageInput[] = [];
  for (let c = 0; c < count; c++) {
    list.forEach((m, i) => {
      const p = `${path}.messages[${i}]`;
      if (typeof m === 'string') messages.push({ body: m });
      else if (m !== null && typeof m === 'object' && !Array.isArray(m) && 'body' in m) {
        const body = typeof m['body'] === 'string' ? m['body'] : JSON.stringify(m['body']);
        const msg: SqsMessageInput = { body };
        const id = r.string(m['messageId'], `${p}.messageId`);
        if (id !== undefined) msg.messageId = count > 1 ? `${id}-${c + 1}` : id;
        const group = r.string(m['groupId'], `${p}.groupId`);
        if (group !== undefined) msg.groupId = group;
        const attrs = r.object(m['attributes'], `${p}.attributes`);
        if (attrs) msg.attributes = attrs;
        messages.push(msg);
      } else if (m !== null && typeof m === 'object') messages.push({ body: JSON.stringify(m) });
      else r.problems.push(`${p}: expected a string body or an object with "body"`);
    });
  }
  return {
    queue: {
      name,
      fifo,
      batchSize,
      batchingWindowSeconds: window,
      visibilityTimeoutSeconds: visibility,
      reportBatchItemFailures: rbif,
      maxReceiveCount: maxReceive,
      deadLetterQueue: dlq,
      maximumConcurrency: maxConcurrency,
      retentionSeconds: retention,
    },
    messages,
  };
}

function readStream(
  r: Reader,
  v: Json | undefined,
  path: string,
  kind: 'kinesis' | 'dynamodb',
  baseDir: string,
  model: FunctionModel | undefined,
): { stream: StreamConfig; records: StreamRecordInput[] } | undefined {
  const o = r.object(v, path);
  if (!o) return undefined;
  const mapping = mappingOf(model, kind === 'kinesis' ? ['Kinesis'] : ['DynamoDB']);
  // Stream settings and ranges: services-kinesis-parameters.html.
  const maxAge = o['maximumRecordAgeInSeconds'];
  let age = knownValue(mapping?.maximumRecordAgeInSeconds) ?? -1;
  if (maxAge !== undefined) {
    if (maxAge === -1) age = -1;
    else age = r.number(maxAge, `${path}.maximumRecordAgeInSeconds`, 60, 604_800) ?? age;
  }
  let list = r.array(o['records'], `${path}.records`);
  if (o['recordsFile'] !== undefined) {
    const file = r.string(o['recordsFile'], `${path}.recordsFile`);
    const loaded = file === undefined ? undefined : readJsonFile(resolve(baseDir, file), `${path}.recordsFile`, r);
    list = r.array(loaded, `${path}.recordsFile`);
  }
  if (!list) {
    r.problems.push(`${path}: give records or recordsFile`);
    return undefined;
  }
  const records: StreamRecordInput[] = list.map((rec, i) => {
    if (rec !== null && typeof rec === 'object' && !Array.isArray(rec) && 'data' in rec) {
      const out: StreamRecordInput = { data: rec['data'] };
      const key = r.string(rec['partitionKey'], `${path}.records[${i}].partitionKey`);
      if (key !== undefined) out.partitionKey = key;
      const name = r.string(rec['eventName'], `${path}.records[${i}].eventName`);
      if (name !== undefined) out.eventName = name;
      return out;
    }
    return { data: rec };
  });
  const onFailure = mapping?.onFailure
    ? (knownValue(mapping.onFailure.target) ?? mapping.onFailure.targetLogicalId ?? 'OnFailure')
    : null;
  return {
    stream: {
      name: r.string(o['stream'], `${path}.stream`) ?? (kind === 'kinesis' ? 'stream' : 'table'),
      kind,
      shards: r.number(o['shards'], `${path}.shards`, 1, 1000) ?? 1,
      batchSize: r.number(o['batchSize'], `${path}.batchSize`, 1, 10_000) ?? knownValue(mapping?.batchSize) ?? 100,
      maximumRetryAttempts:
        r.number(o['maximumRetryAttempts'], `${path}.maximumRetryAttempts`, -1, 10_000) ??
        knownValue(mapping?.maximumRetryAttempts) ??
        -1,
      maximumRecordAgeSeconds: age,
      bisectBatchOnFunctionError:
        r.boolean(o['bisectBatchOnFunctionError'], `${path}.bisectBatchOnFunctionError`) ??
        knownValue(mapping?.bisectBatchOnFunctionError) ??
        false,
      reportBatchItemFailures:
        r.boolean(o['reportBatchItemFailures'], `${path}.reportBatchItemFailures`) ??
        knownValue(mapping?.functionResponseTypes)?.includes('ReportBatchItemFailures') ??
        false,
      parallelizationFactor:
        r.number(o['parallelizationFactor'], `${path}.parallelizationFactor`, 1, 10) ??
        knownValue(mapping?.parallelizationFactor) ??
        1,
      onFailure: r.string(o['onFailure'], `${path}.onFailure`) ?? onFailure,
      // Kinesis and DynamoDB streams keep records 24 h by default.
      retentionSeconds: r.number(o['retentionSeconds'], `${path}.retentionSeconds`, 60, 31_536_000) ?? 86_400,
    },
    records,
  };
}

/** Read and resolve a scenario file. Throws `ScenarioError` listing every problem. */
export function loadScenario(
  file: string,
  platformDefaults: Partial<PlatformSettings> = {},
  inputs: ScenarioInputs = {},
): LoadedScenario {
  const path = resolve(file);
  // The scenario file itself is the one the user chose: any folder, but a regular file of a sane size.
  const read = readJsonInput(
    path,
    'the scenario',
    [parsePath(path).root],
    MAX_DATA_FILE_BYTES,
    'the limit for a scenario file',
  );
  if (!read.ok) throw new ScenarioError(file, [read.problem]);
  return resolveScenario(read.value, path, platformDefaults, inputs);
}

/** Where the files a scenario names may be. */
export interface ScenarioInputs {
  /**
   * Folders the files a scenario names (eventFile, messagesFile, recordsFile, seed files) may be
   * in: the workspace and folders allowed explicitly. Default: the scenario's folder.
   */
  roots?: readonly string[];
  /**
   * Templates rendered by the caller, by absolute path: a CDK stack file (`lib/stack.ts`) as the
   * SAM template (JSON) the language server or the CLI rendered from it (service/cdk/simulation.ts);
   * the simulator holds no TypeScript compiler to read the stack itself.
   */
  templates?: ReadonlyMap<string, string>;
}

/** A template's text and format: the caller's rendering of a CDK stack, or the file. */
export function templateSource(
  file: string,
  rendered: string | undefined,
): { text: string; format: 'json' | undefined } {
  if (rendered !== undefined) return { text: rendered, format: 'json' };
  if (isStackFile(file))
    throw new Error(
      `${file} is a CDK stack: run it with \`lambda-lens simulate\` or the editor's Simulate Function…, which read the stack`,
    );
  return { text: readFileSync(file, 'utf8'), format: /\.json$/i.test(file) ? 'json' : undefined };
}

/** A rejection of a rendered CDK stack, placed at its construct in the stack file (the rendering's `LambdaLens::Source`). */
function placeInStack(r: Rejection, template: TemplateDocument, model: FunctionModel): Rejection {
  const line = scalarString(
    getPath(template.resolver?.resource(model.logicalId), 'Metadata', 'LambdaLens::Source', 'line'),
  );
  return { ...r, line: line !== undefined ? Number(line) : r.line };
}

/** Whether `later` is about the value `first` is about, or one inside it (its reading repeats the schema's word). */
function samePlace(first: string, later: string): boolean {
  const place = first.slice(0, first.indexOf(': '));
  const other = later.slice(0, later.indexOf(': '));
  return other === place || other.startsWith(`${place}.`) || other.startsWith(`${place}[`);
}

/**
 * Resolve a parsed scenario; `path` is the scenario file's path (relative paths start at its
 * folder). `platformDefaults` (an editor's settings) replace the built-in platform defaults;
 * the scenario's own `platform` values win over both.
 */
export function resolveScenario(
  json: unknown,
  path: string,
  platformDefaults: Partial<PlatformSettings> = {},
  inputs: ScenarioInputs = {},
): LoadedScenario {
  const baseDir = dirname(path);
  const r = new Reader(inputs.roots ?? [baseDir]);
  const warnings: string[] = [];
  // Events sit a few levels below the root; deeper than that is refused before anything walks it.
  if (depthOver(json, MAX_JSON_DEPTH + 8) !== null)
    throw new ScenarioError(path, [
      `the scenario nests values more than ${MAX_JSON_DEPTH} levels deep; the simulator takes at most ${MAX_JSON_DEPTH}`,
    ]);
  // The shape (types, ranges, known properties, one kind per traffic entry) is the schema's to say;
  // the reading below adds what the schema cannot (files, the template, AWS's cross-field rules).
  const shape = scenarioShapeProblems(json);
  const root = r.object(json as Json, 'scenario');
  if (!root) throw new ScenarioError(path, shape);

  let spec: FunctionSpec = {};
  let model: FunctionModel | undefined;
  let specDir = baseDir;
  let templateFileUsed: string | undefined;
  let templateText: string | undefined;
  /** A template function that publishes an alias is invoked through it unless `qualifier` says otherwise. */
  let defaultQualifier: string | undefined;
  let rejected: Rejection[] = [];
  const templatePath = r.string(root['template'], 'template');
  if (templatePath !== undefined) {
    const templateFile = isAbsolute(templatePath) ? templatePath : resolve(baseDir, templatePath);
    const logicalId = typeof root['function'] === 'string' ? root['function'] : undefined;
    if (logicalId === undefined)
      r.problems.push("function: with a template, give the function's logical id as a string");
    let source: { text: string; format: 'json' | undefined } | undefined;
    const rendered = inputs.templates?.get(templateFile);
    try {
      source = templateSource(templateFile, rendered);
    } catch (e) {
      r.problems.push(`template: cannot read ${templateFile}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (source !== undefined && rendered !== undefined) templateText = rendered;
    if (source !== undefined && logicalId !== undefined) {
      const template = readTemplate(pathToFileURL(templateFile).href, source.text, source.format);
      const functions = template.functions;
      model = functions.find((f) => f.logicalId === logicalId);
      if (!model)
        r.problems.push(
          `function: no function "${logicalId}" in ${templatePath} (found: ${functions.map((f) => f.logicalId).join(', ') || 'none'})`,
        );
      else {
        spec = specFromTemplate(model, dirname(templateFile), warnings);
        const overrides = root['overrides'] !== null && typeof root['overrides'] === 'object' ? root['overrides'] : {};
        const traffic = Array.isArray(root['traffic']) ? root['traffic'] : [];
        const sqsBatchSize = traffic.some(
          (e) =>
            e !== null &&
            typeof e === 'object' &&
            !Array.isArray(e) &&
            typeof e['sqs'] === 'object' &&
            e['sqs'] !== null &&
            'batchSize' in e['sqs'],
        );
        rejected = rejections(template, model, {
          memorySize: 'memorySize' in overrides,
          timeout: 'timeout' in overrides,
          runtime: 'runtime' in overrides,
          ephemeralStorage: 'ephemeralStorage' in overrides,
          sqsBatchSize,
        });
        if (rendered !== undefined) {
          const m = model;
          rejected = rejected.map((x) => placeInStack(x, template, m));
        }
        defaultQualifier = publishedAlias(model);
        const qualifier =
          (typeof root['qualifier'] === 'string' ? root['qualifier'] : undefined) ?? defaultQualifier ?? '$LATEST';
        const provisioned = templateProvisioned(model, qualifier, warnings);
        if (provisioned !== undefined) spec.provisionedConcurrency = provisioned;
      }
    }
    specDir = dirname(templateFile);
    templateFileUsed = templateFile;
  } else {
    spec = readFunctionSpec(r, root['function'], 'function');
  }
  spec = merge(spec, readFunctionSpec(r, root['overrides'], 'overrides'));
  const fn = toFunctionConfig(spec, specDir, r.problems);

  const platform: PlatformSettings = { ...defaultPlatform(), ...platformDefaults };
  const p = r.object(root['platform'], 'platform');
  if (p) {
    const target = platform as unknown as Record<string, unknown>;
    for (const key of PLATFORM_KEYS) {
      const v = p[key];
      if (v === undefined) continue;
      const current = target[key];
      if (typeof current === 'number') {
        const n = r.number(v, `platform.${key}`, 0, Number.MAX_SAFE_INTEGER, false);
        if (n !== undefined) target[key] = n;
      } else if (typeof current === 'boolean') {
        const b = r.boolean(v, `platform.${key}`);
        if (b !== undefined) target[key] = b;
      } else if (key === 'runtimeStartupMs') {
        // null (the default): the runtime's published median; a number replaces it.
        const n = r.number(v, `platform.${key}`, 0, 60_000, false);
        if (n !== undefined) target[key] = n;
      } else if (typeof current === 'string') {
        const s = r.string(v, `platform.${key}`);
        if (s !== undefined) target[key] = s;
      } else if (Array.isArray(current)) {
        const list = r.array(v, `platform.${key}`);
        if (list && list.every((x) => typeof x === 'number' && x >= 0)) target[key] = list;
        else if (list) r.problems.push(`platform.${key}: expected an array of numbers ≥ 0`);
      }
    }
  }

  const traffic: TrafficEntry[] = [];
  const deploys: { at: number; spec: JsonObject; path: string }[] = [];
  const entries = r.array(root['traffic'], 'traffic');
  (entries ?? []).forEach((e, i) => {
    const path = `traffic[${i}]`;
    const o = r.object(e, path);
    if (!o) return;
    const at = r.number(o['at'], `${path}.at`, 0, Number.MAX_SAFE_INTEGER, false) ?? 0;
    if (o['deploy'] !== undefined) {
      const spec = r.object(o['deploy'], `${path}.deploy`);
      if (spec) deploys.push({ at, spec, path: `${path}.deploy` });
    } else if (o['invoke'] !== undefined) {
      const kind = o['invoke'] as 'sync' | 'async';
      const event = readEvent(r, o, path, baseDir, kind);
      const count = r.number(o['count'], `${path}.count`, 1, 1_000_000) ?? 1;
      const intervalMs = r.number(o['intervalMs'], `${path}.intervalMs`, 0, Number.MAX_SAFE_INTEGER, false) ?? 0;
      traffic.push({ at, kind, event: event ?? {}, count, intervalMs });
    } else if (o['sqs'] !== undefined) {
      const sqs = readSqs(r, o['sqs'], `${path}.sqs`, baseDir, model, fn?.timeoutMs ?? 3000, warnings);
      if (sqs) traffic.push({ at, kind: 'sqs', ...sqs });
    } else {
      const kind = o['kinesis'] !== undefined ? 'kinesis' : 'dynamodb';
      const s = readStream(r, o[kind], `${path}.${kind}`, kind, baseDir, model);
      if (s) traffic.push({ at, kind: 'stream', ...s });
    }
  });

  // Every request, message and record is kept in the trace: past this, the run could not be written out.
  const requests = traffic.reduce(
    (n, t) => n + (t.kind === 'sqs' ? t.messages.length : t.kind === 'stream' ? t.records.length : t.count),
    0,
  );
  if (requests > MAX_RUN_INPUTS) {
    r.problems.push(
      `traffic: ${requests} requests, messages and records in all; a run takes at most ${MAX_RUN_INPUTS} (lower count, or split the scenario)`,
    );
  }
  const routing = readRouting(r, root, deploys, defaultQualifier);
  const services = readServices(r, root['services'], baseDir);
  const problems = [...shape, ...r.problems.filter((p) => !shape.some((s) => samePlace(s, p)))];
  if (problems.length > 0 || !fn) throw new ScenarioError(path, problems);
  const name = typeof root['name'] === 'string' ? root['name'] : fn.name;
  const seed = typeof root['seed'] === 'number' ? root['seed'] : 1;
  return {
    config: {
      scenario: { name, path },
      function: fn,
      platform,
      traffic,
      ...(routing !== undefined ? { routing } : {}),
      ...(templateFileUsed !== undefined ? { templateFile: templateFileUsed } : {}),
      ...(templateText !== undefined ? { templateText } : {}),
      services: { ...services, seed },
    },
    warnings,
    rejections: rejected,
  };
}

/**
 * `qualifier` (`$LATEST`, a version number or an alias name), `alias` (the alias's version and
 * weighted additional version), `seed`, and `deploy` traffic entries. Without any of them,
 * every request invokes `$LATEST` as before.
 */
function readRouting(
  r: Reader,
  root: JsonObject,
  deploys: readonly { at: number; spec: JsonObject; path: string }[],
  defaultQualifier: string | undefined,
): VersionRouting | undefined {
  const qualifier = r.string(root['qualifier'], 'qualifier') ?? defaultQualifier;
  const aliasSpec = r.object(root['alias'], 'alias');
  const seed = r.number(root['seed'], 'seed', 0, 2 ** 32 - 1) ?? 1;
  if (qualifier === undefined && aliasSpec === undefined && deploys.length === 0) return undefined;
  const target = qualifier ?? '$LATEST';
  const isAlias = target !== '$LATEST' && !/^\d+$/.test(target);
  if (!isAlias && aliasSpec !== undefined)
    r.problems.push(`alias: the qualifier "${target}" is not an alias (give "qualifier": "<alias name>")`);
  if (!isAlias && deploys.length > 0)
    r.problems.push(
      `${deploys[0]?.path ?? 'deploy'}: a deployment moves an alias, and the qualifier "${target}" is not one (give "qualifier": "<alias name>")`,
    );
  let version = isAlias ? '1' : target;
  let additional: VersionRouting['additional'] = null;
  if (aliasSpec !== undefined && isAlias) {
    version = r.string(aliasSpec['version'], 'alias.version') ?? version;
    const extra = r.string(aliasSpec['additionalVersion'], 'alias.additionalVersion');
    const weight = r.number(aliasSpec['weight'], 'alias.weight', 0, 1, false);
    if ((extra === undefined) !== (weight === undefined))
      r.problems.push('alias: give both additionalVersion and weight, or neither');
    else if (extra !== undefined && weight !== undefined) additional = { version: extra, weight };
  }
  const deployments: Deployment[] = [];
  let previous = version;
  for (const d of [...deploys].sort((a, b) => a.at - b.at)) {
    const next =
      r.string(d.spec['version'], `${d.path}.version`) ??
      (/^\d+$/.test(previous) ? String(Number(previous) + 1) : undefined);
    if (next === undefined) {
      r.problems.push(
        `${d.path}.version: missing (the previous version "${previous}" is not a number to count on from)`,
      );
      continue;
    }
    const type = r.string(d.spec['type'], `${d.path}.type`) ?? 'AllAtOnce';
    const shift = parseTrafficShift(type);
    if (shift === undefined) {
      r.problems.push(
        `${d.path}.type: expected AllAtOnce, Canary<N>Percent<M>Minutes or Linear<N>PercentEvery<M>Minute(s) (got "${type}")`,
      );
      continue;
    }
    deployments.push({ at: d.at, version: next, shift, type });
    previous = next;
  }
  return { qualifier: target, version, additional, deployments, seed };
}

const SERVICE_FAILURES = ['throttle', 'conditional-check-failed', 'http-500', 'hang'];

/**
 * `services`: data for the emulated resources (`seed`: DynamoDB items by table, S3 objects by
 * bucket and key, SSM parameters, Secrets Manager secrets) and `calls`: latency, failures and
 * responses per service, operation or resource (aws/faults.ts).
 */
function readServices(r: Reader, v: Json | undefined, baseDir: string): Omit<ServicesConfig, 'seed'> {
  const out: Omit<ServicesConfig, 'seed'> = { data: {}, calls: [] };
  const o = r.object(v, 'services');
  if (!o) return out;
  const seed = r.object(o['seed'], 'services.seed');
  if (seed) {
    let tables = r.object(seed['dynamodb'], 'services.seed.dynamodb');
    if (seed['dynamodbFile'] !== undefined) {
      const file = r.string(seed['dynamodbFile'], 'services.seed.dynamodbFile');
      tables =
        file === undefined
          ? undefined
          : r.object(
              readJsonFile(resolve(baseDir, file), 'services.seed.dynamodbFile', r),
              'services.seed.dynamodbFile',
            );
    }
    if (tables) {
      const items: Record<string, unknown[]> = {};
      for (const [table, list] of Object.entries(tables)) {
        const a = r.array(list, `services.seed.dynamodb.${table}`);
        if (!a) continue;
        a.forEach((item, i) => {
          if (item === null || typeof item !== 'object' || Array.isArray(item))
            r.problems.push(`services.seed.dynamodb.${table}[${i}]: expected an item (an object)`);
        });
        items[table] = a;
      }
      out.data.dynamodb = items;
    }
    const buckets = r.object(seed['s3'], 'services.seed.s3');
    if (buckets) {
      const s3: Record<string, Record<string, string>> = {};
      for (const [bucket, objects] of Object.entries(buckets)) {
        const files = r.object(objects, `services.seed.s3.${bucket}`);
        if (!files) continue;
        s3[bucket] = {};
        for (const [key, body] of Object.entries(files))
          (s3[bucket] as Record<string, string>)[key] = typeof body === 'string' ? body : JSON.stringify(body);
      }
      out.data.s3 = s3;
    }
    const ssm = r.object(seed['ssm'], 'services.seed.ssm');
    if (ssm) {
      out.data.ssm = {};
      for (const [name, value] of Object.entries(ssm)) {
        const text = r.string(value, `services.seed.ssm.${name}`);
        if (text !== undefined) out.data.ssm[name] = text;
      }
    }
    const secrets = r.object(seed['secretsmanager'], 'services.seed.secretsmanager');
    if (secrets) out.data.secretsmanager = { ...secrets };
  }
  const calls = r.array(o['calls'], 'services.calls') ?? [];
  calls.forEach((c, i) => {
    const path = `services.calls[${i}]`;
    const e = r.object(c, path);
    if (!e) return;
    const service = r.string(e['service'], `${path}.service`);
    if (service === undefined) {
      r.problems.push(
        `${path}.service: missing (the SigV4 service name: dynamodb, sqs, sns, events, s3, lambda, ssm, secretsmanager, ses, states…)`,
      );
      return;
    }
    const rule: CallRule = { service };
    const operation = r.string(e['operation'], `${path}.operation`);
    if (operation !== undefined) rule.operation = operation;
    const resource = r.string(e['resource'], `${path}.resource`);
    if (resource !== undefined) rule.resource = resource;
    const latency = r.number(e['latencyMs'], `${path}.latencyMs`, 0, 900_000, false);
    if (latency !== undefined) rule.latencyMs = latency;
    const fail = r.string(e['fail'], `${path}.fail`);
    if (fail !== undefined) {
      if (!SERVICE_FAILURES.includes(fail) && !/^[A-Za-z][A-Za-z0-9.]*$/.test(fail))
        r.problems.push(`${path}.fail: expected ${SERVICE_FAILURES.join(', ')} or an AWS error code`);
      rule.fail = fail;
    }
    const rate = r.number(e['rate'], `${path}.rate`, 0, 1, false);
    if (rate !== undefined) rule.rate = rate;
    const nth = r.array(e['calls'], `${path}.calls`);
    if (nth) {
      if (nth.every((n) => typeof n === 'number' && Number.isInteger(n) && n >= 1)) rule.calls = nth as number[];
      else r.problems.push(`${path}.calls: expected call numbers (1 for the first matching call)`);
    }
    if ((rate !== undefined || nth !== undefined) && fail === undefined)
      r.problems.push(`${path}: rate and calls say when to fail; give fail too`);
    if (e['response'] !== undefined) rule.response = e['response'];
    out.calls.push(rule);
  });
  return out;
}

/** A template function's config as a scenario naming it would have it (for functions a run reaches through others). */
export function templateFunction(
  templateFile: string,
  logicalId: string,
  rendered?: string,
): { config: FunctionConfig; model: FunctionModel; warnings: string[] } | undefined {
  let source: { text: string; format: 'json' | undefined };
  try {
    source = templateSource(templateFile, rendered);
  } catch {
    return undefined;
  }
  const model = readTemplate(pathToFileURL(templateFile).href, source.text, source.format).functions.find(
    (f) => f.logicalId === logicalId,
  );
  if (!model) return undefined;
  const warnings: string[] = [];
  const problems: string[] = [];
  const config = toFunctionConfig(
    specFromTemplate(model, dirname(templateFile), warnings),
    dirname(templateFile),
    problems,
  );
  return config ? { config, model, warnings: [...warnings, ...problems] } : undefined;
}

/** The SQS event source mapping of a template function, as a scenario's `sqs` entry with no settings gets it. */
export function templateQueue(model: FunctionModel, queue: string, fnTimeoutMs: number): SqsQueueConfig | undefined {
  const r = new Reader();
  return readSqs(r, { queue, messages: [] }, 'sqs', '.', model, fnTimeoutMs, [])?.queue;
}

/** The DynamoDB stream mapping of a template function. */
export function templateStream(model: FunctionModel, table: string): StreamConfig | undefined {
  const r = new Reader();
  return readStream(r, { stream: table, records: [] }, 'dynamodb', 'dynamodb', '.', model)?.stream;
}
