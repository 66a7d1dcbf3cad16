/**
 * Hovers for serverless.yml: `provider` and `functions.*` keys, `events` entries with their
 * invocation model, and event source mapping settings. The Lambda facts are the same as for
 * SAM (properties.ts); this file maps the framework's key names onto them, as data, and adds
 * what the framework itself does (its defaults, merging with `provider`).
 */
import { formatNumber } from '../model/numbers';
import { MEMORY } from '../limits';
import { eventInfo } from '../model/events';
import type { Span } from '../model/types';
import { SERVERLESS_DEFAULTS, SERVERLESS_EVENT_TYPES } from '../templates/serverless';
import type { TemplateDocument } from '../templates/template';
import { nodeAt } from '../templates/tree';
import {
  ASYNC_CONFIG_PROPERTIES,
  FUNCTION_PROPERTIES,
  INVOCATION_TEXT,
  MAPPING_PROPERTIES,
  URL_PROPERTIES,
  type PropertyDoc,
} from './properties';

/** A serverless.yml key: the Lambda property it sets, and what the framework adds. */
interface KeyDoc {
  readonly doc: PropertyDoc | undefined;
  /** The CloudFormation property it becomes. */
  readonly property: string;
  readonly framework?: string;
}

const n = formatNumber;
const SLS_FUNCTIONS = 'https://www.serverless.com/framework/docs/providers/aws/guide/functions';
const SLS_EVENTS = 'https://www.serverless.com/framework/docs/providers/aws/events';
const FROM_PROVIDER = 'Set under `provider`, it applies to every function that does not set its own.';

const FUNCTION_KEYS: Readonly<Record<string, KeyDoc>> = {
  handler: {
    doc: FUNCTION_PROPERTIES['Handler'],
    property: 'Handler',
    framework: 'The path is relative to the service folder (where serverless.yml is), which the framework packages.',
  },
  runtime: { doc: FUNCTION_PROPERTIES['Runtime'], property: 'Runtime', framework: FROM_PROVIDER },
  memorySize: {
    doc: FUNCTION_PROPERTIES['MemorySize'],
    property: 'MemorySize',
    framework: `The framework sets ${n(SERVERLESS_DEFAULTS.memorySize)} MB when neither the function nor \`provider\` does (Lambda's own default is ${MEMORY.default} MB). ${FROM_PROVIDER}`,
  },
  timeout: {
    doc: FUNCTION_PROPERTIES['Timeout'],
    property: 'Timeout',
    framework: `The framework sets ${SERVERLESS_DEFAULTS.timeout} s when neither the function nor \`provider\` does. ${FROM_PROVIDER}`,
  },
  ephemeralStorageSize: {
    doc: FUNCTION_PROPERTIES['EphemeralStorage'],
    property: 'EphemeralStorage.Size',
    framework: 'Per function only: `provider` has no such key.',
  },
  environment: {
    doc: FUNCTION_PROPERTIES['Environment'],
    property: 'Environment.Variables',
    framework: "The function's variables are merged over `provider.environment`; the 4 KB limit counts both.",
  },
  layers: {
    doc: FUNCTION_PROPERTIES['Layers'],
    property: 'Layers',
    framework: "A function's `layers` replace `provider.layers` (they are not added to them).",
  },
  architecture: {
    doc: FUNCTION_PROPERTIES['Architectures'],
    property: 'Architectures',
    framework: `\`x86_64\` (default) or \`arm64\`. ${FROM_PROVIDER}`,
  },
  reservedConcurrency: {
    doc: FUNCTION_PROPERTIES['ReservedConcurrentExecutions'],
    property: 'ReservedConcurrentExecutions',
  },
  provisionedConcurrency: {
    doc: FUNCTION_PROPERTIES['ProvisionedConcurrencyConfig'],
    property: 'ProvisionedConcurrencyConfig',
    framework:
      'The framework publishes a version and an alias (`provisioned`) for it; invoke that alias to use the warm environments.',
  },
  vpc: {
    doc: FUNCTION_PROPERTIES['VpcConfig'],
    property: 'VpcConfig',
    framework:
      "A function's `vpc` replaces the provider's; `vpc: false` on a function takes it out of the provider's VPC.",
  },
  role: {
    doc: FUNCTION_PROPERTIES['Role'],
    property: 'Role',
    framework:
      'Without it, the framework builds one role for the service (IamRoleLambdaExecution) from `provider.iam.role.statements`, with log permissions and what the sqs/stream events need.',
  },
  maximumRetryAttempts: {
    doc: ASYNC_CONFIG_PROPERTIES['MaximumRetryAttempts'],
    property: 'EventInvokeConfig.MaximumRetryAttempts',
  },
  maximumEventAge: {
    doc: ASYNC_CONFIG_PROPERTIES['MaximumEventAgeInSeconds'],
    property: 'EventInvokeConfig.MaximumEventAgeInSeconds',
  },
  destinations: {
    doc: ASYNC_CONFIG_PROPERTIES['DestinationConfig'],
    property: 'EventInvokeConfig.DestinationConfig',
    framework:
      '`onSuccess` / `onFailure`: an ARN, the name of another function of the service, or `{ type, arn }` for a CloudFormation reference.',
  },
  onError: {
    doc: FUNCTION_PROPERTIES['DeadLetterConfig'],
    property: 'DeadLetterConfig',
    framework: 'An SNS topic (or SQS queue) ARN that receives events that fail all asynchronous retries.',
  },
  url: {
    doc: URL_PROPERTIES['AuthType'],
    property: 'AWS::Lambda::Url',
    framework:
      '`url: true` creates a public URL (AuthType NONE); `url: { authorizer: aws_iam }` requires signed requests.',
  },
  snapStart: { doc: FUNCTION_PROPERTIES['SnapStart'], property: 'SnapStart' },
  tracing: { doc: FUNCTION_PROPERTIES['TracingConfig'], property: 'TracingConfig' },
  kmsKeyArn: { doc: FUNCTION_PROPERTIES['KmsKeyArn'], property: 'KmsKeyArn' },
  events: {
    doc: FUNCTION_PROPERTIES['Events'],
    property: 'event sources',
    framework: 'Each item is one event: `http`, `httpApi`, `sqs`, `stream`, `s3`, `sns`, `schedule`, `eventBridge`, …',
  },
};

/** Event source mapping settings under `sqs`, `stream`, `kafka`, `msk`, … */
const MAPPING_KEYS: Readonly<Record<string, KeyDoc>> = {
  arn: { doc: MAPPING_PROPERTIES['EventSourceArn'], property: 'EventSourceArn' },
  batchSize: {
    doc: MAPPING_PROPERTIES['BatchSize'],
    property: 'BatchSize',
    framework: 'The framework sends 10 when it is not set (sqs and stream).',
  },
  maximumBatchingWindow: {
    doc: MAPPING_PROPERTIES['MaximumBatchingWindowInSeconds'],
    property: 'MaximumBatchingWindowInSeconds',
  },
  batchWindow: {
    doc: MAPPING_PROPERTIES['MaximumBatchingWindowInSeconds'],
    property: 'MaximumBatchingWindowInSeconds',
  },
  functionResponseType: {
    doc: MAPPING_PROPERTIES['FunctionResponseTypes'],
    property: 'FunctionResponseTypes',
    framework: 'One value here: `functionResponseType: ReportBatchItemFailures`.',
  },
  parallelizationFactor: { doc: MAPPING_PROPERTIES['ParallelizationFactor'], property: 'ParallelizationFactor' },
  bisectBatchOnFunctionError: {
    doc: MAPPING_PROPERTIES['BisectBatchOnFunctionError'],
    property: 'BisectBatchOnFunctionError',
  },
  maximumRetryAttempts: { doc: MAPPING_PROPERTIES['MaximumRetryAttempts'], property: 'MaximumRetryAttempts' },
  maximumRecordAgeInSeconds: {
    doc: MAPPING_PROPERTIES['MaximumRecordAgeInSeconds'],
    property: 'MaximumRecordAgeInSeconds',
  },
  tumblingWindowInSeconds: { doc: MAPPING_PROPERTIES['TumblingWindowInSeconds'], property: 'TumblingWindowInSeconds' },
  startingPosition: {
    doc: MAPPING_PROPERTIES['StartingPosition'],
    property: 'StartingPosition',
    framework: 'The framework sends TRIM_HORIZON for `stream` when it is not set.',
  },
  maximumConcurrency: { doc: MAPPING_PROPERTIES['ScalingConfig'], property: 'ScalingConfig.MaximumConcurrency' },
  destinations: {
    doc: MAPPING_PROPERTIES['DestinationConfig'],
    property: 'DestinationConfig',
    framework: '`onFailure`: an SQS queue or SNS topic ARN, or `{ type, arn }`.',
  },
  filterPatterns: { doc: MAPPING_PROPERTIES['FilterCriteria'], property: 'FilterCriteria' },
  enabled: { doc: MAPPING_PROPERTIES['Enabled'], property: 'Enabled' },
};

const POLL_EVENTS = new Set(['sqs', 'stream', 'kafka', 'msk', 'activemq', 'rabbitmq']);

export interface ServerlessHover {
  readonly markdown: string;
  readonly span: Span;
}

/** Hover for a position in serverless.yml. */
export function serverlessHover(template: TemplateDocument, offset: number): ServerlessHover | undefined {
  const root = template.root;
  if (root === undefined) return undefined;
  const at = nodeAt(root, offset);
  const last = at?.entries[at.entries.length - 1];
  if (at === undefined || last === undefined) return undefined;
  const keys = at.keys;
  const span = at.onKey ? last.keySpan : last.value.span;
  if (keys[0] === 'provider' && keys.length === 2) return keyHover(FUNCTION_KEYS[last.key], last.key, span);
  if (keys[0] !== 'functions') return undefined;
  // `functions` is a map, or a list of maps (`[i]` before the function's name).
  const fnAt = keys[1]?.startsWith('[') === true ? 2 : 1;
  const rest = keys.slice(fnAt + 1);
  if (rest.length === 1) return keyHover(FUNCTION_KEYS[last.key], last.key, span);
  if (rest[0] !== 'events' || rest[1]?.startsWith('[') !== true) return undefined;
  const eventKey = rest[2];
  if (eventKey === undefined) return undefined;
  if (rest.length === 3) return eventHover(template, eventKey, last.keySpan, span);
  if (rest.length === 4 && POLL_EVENTS.has(eventKey)) return keyHover(MAPPING_KEYS[last.key], last.key, span);
  return undefined;
}

function keyHover(key: KeyDoc | undefined, name: string, span: Span): ServerlessHover | undefined {
  if (key === undefined) return undefined;
  const lines = [`**${name}** → \`${key.property}\``, ''];
  if (key.doc !== undefined) lines.push(key.doc.summary);
  if (key.doc?.limits !== undefined && key.doc.limits.length > 0)
    lines.push('', ...key.doc.limits.map((l) => `- ${l}`));
  if (key.framework !== undefined) lines.push('', `Serverless Framework: ${key.framework}`);
  if (key.doc?.source !== undefined) lines.push('', `[AWS documentation](${key.doc.source})`);
  return { markdown: lines.join('\n'), span };
}

/** An `events` item: the service, its invocation model and what happens on failure. */
function eventHover(
  template: TemplateDocument,
  eventKey: string,
  keySpan: Span,
  span: Span,
): ServerlessHover | undefined {
  const type = SERVERLESS_EVENT_TYPES[eventKey];
  if (type === undefined) return undefined;
  // The model knows whether a `stream` is Kinesis or DynamoDB; its trigger sits on this key.
  const trigger = template.functions.flatMap((f) => f.triggers).find((t) => t.span.start === keySpan.start);
  const info = eventInfo(trigger?.type ?? type);
  if (info === undefined) return undefined;
  const lines = [
    `**${eventKey}** — ${info.service}`,
    '',
    `Invocation **${info.invocation}**: ${INVOCATION_TEXT[info.invocation]}.`,
    '',
    `On failure: ${info.retries}`,
    '',
    `[Serverless Framework events](${SLS_EVENTS}) · [functions](${SLS_FUNCTIONS})`,
  ];
  return { markdown: lines.join('\n'), span };
}
