/**
 * The simulator bundle: the simulator and the template reader, without the rules' registry, the
 * code analysis or the TypeScript compiler (test/unit/simulatorBundle.test.ts checks it).
 * scripts/build.mjs bundles this file apart, as dist/simulator.js: the extension loads it on
 * first use (simulation.ts), and `lambda-lens simulate` runs from it (bin/lambda-lens.js,
 * `runSimulateProcess`).
 */
import { knownValue } from '../../../server/src/service/model/types';
import type { FunctionModel, Trigger } from '../../../server/src/service/model/types';
import { formatOf, readTemplate } from '../../../server/src/service/templates/template';
import type { Resolver } from '../../../server/src/service/templates/resolve';
import { get, getPath, scalarString, type TNode } from '../../../server/src/service/templates/tree';
import type { TriggerFacts } from './fitEvent';

export {
  simulate,
  resolveScenario,
  loadScenario,
  ScenarioError,
  toChromeTrace,
  SAMPLE_EVENTS,
  defaultPlatform,
  runSimulateProcess,
} from '../../../server/src/simulator/index';
export { installSdk, installedSdkDir, sdkDir } from '../../../server/src/simulator/aws/sdk';
export { starterFor } from '../../../server/src/simulator/target';
export { tune, DEFAULT_MEMORY_SIZES } from '../../../server/src/simulator/tune';

/** A function of a template, as the quick pick shows it. */
export interface TemplateFunction {
  logicalId: string;
  handler: string | undefined;
  runtime: string | undefined;
  /** Trigger types (SAM event types or resource kinds). */
  triggers: string[];
  /** What each trigger is: route and method, queue, bucket or topic, when the template says. */
  events: TriggerFacts[];
  /** The resource's span in the template text (offsets), to find the function under the cursor. */
  span: { start: number; end: number };
}

/** `format`: for a CDK stack's rendering, whose uri is the stack's `.ts` file. */
export function templateFunctions(uri: string, text: string, format?: 'json' | 'yaml'): TemplateFunction[] {
  const doc = readTemplate(uri, text, format ?? formatOf(uri));
  return doc.functions.map((f) => ({
    logicalId: f.logicalId,
    handler: knownValue(f.handler),
    runtime: knownValue(f.runtime),
    triggers: f.triggers.map((t) => t.type),
    events: f.triggers.map((t) => triggerFacts(t, f, doc.resolver)),
    span: { start: f.span.start, end: f.span.end },
  }));
}

/**
 * The SAM event property naming the source, and the property of the source's resource that holds
 * its name. A DynamoDB stream is named by its table (`!GetAtt Table.StreamArn`).
 */
const SOURCES: Readonly<Record<string, { samKey: string; nameKey: string }>> = {
  SQS: { samKey: 'Queue', nameKey: 'QueueName' },
  S3: { samKey: 'Bucket', nameKey: 'BucketName' },
  SNS: { samKey: 'Topic', nameKey: 'TopicName' },
  Kinesis: { samKey: 'Stream', nameKey: 'Name' },
  DynamoDB: { samKey: 'Stream', nameKey: 'TableName' },
};

/** SAM event types whose `Pattern` is an EventBridge event pattern. */
const PATTERN_EVENTS = new Set(['EventBridgeRule', 'CloudWatchEvent']);

function triggerFacts(t: Trigger, fn: FunctionModel, r: Resolver | undefined): TriggerFacts {
  const facts: TriggerFacts = { type: t.type, name: t.name };
  if (t.path !== undefined) facts.path = t.path;
  if (t.method !== undefined) facts.method = t.method;
  if (r === undefined) return facts;
  const eventProps =
    t.definedBy === 'event'
      ? getPath(r.resource(fn.logicalId), 'Properties', 'Events', t.name, 'Properties')
      : undefined;
  if (PATTERN_EVENTS.has(t.type)) {
    // The first value the pattern matches on `source` and `detail-type`, when it lists literal strings.
    const pattern = get(eventProps, 'Pattern');
    const first = (key: string) => {
      const v = get(pattern, key);
      return v?.kind === 'seq' ? scalarString(v.items[0]) : scalarString(v);
    };
    const source = first('source');
    const detailType = first('detail-type');
    if (source !== undefined) facts.eventSource = source;
    if (detailType !== undefined) facts.detailType = detailType;
    return facts;
  }
  const source = SOURCES[t.type];
  if (source === undefined) return facts;
  let node: TNode | undefined;
  if (t.definedBy === 'event') node = get(eventProps, source.samKey);
  else node = get(getPath(r.resource(t.name), 'Properties'), 'EventSourceArn');
  const id = t.mapping?.queue?.logicalId ?? r.refTarget(node);
  if (id !== undefined) {
    // A resource of the template: its own name when it sets one, else its logical id stands for it.
    facts.source = scalarString(getPath(r.resource(id), 'Properties', source.nameKey)) ?? id;
    return facts;
  }
  const written = scalarString(node);
  if (written !== undefined) facts.source = written;
  return facts;
}
