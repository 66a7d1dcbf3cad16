import { BATCH_SIZE, MEMORY, SQS_VISIBILITY, TIMEOUT } from '../limits';
import { formatNumber } from '../model/numbers';
import { describeTrafficShift, parseTrafficShift } from '../model/deployment';
import { eventInfo } from '../model/events';
import { describeInvocation } from '../model/invocation';
import { isKnown, knownValue, type Setting, type Span, type Trigger } from '../model/types';
import { runtimeInfo, runtimePhase, RUNTIMES_LAST_CHECKED, LONG_PAST } from '../runtimes';
import type { TemplateDocument } from '../templates/template';
import { invokePermissionsOf } from '../templates/security';
import { get, nodeAt, scalarString, type TEntry } from '../templates/tree';
import {
  ASYNC_CONFIG_PROPERTIES,
  FUNCTION_PROPERTIES,
  INVOCATION_TEXT,
  MAPPING_PROPERTIES,
  QUEUE_PROPERTIES,
  URL_PROPERTIES,
  VERSION_PROPERTIES,
  type PropertyDoc,
} from './properties';
import { serverlessHover } from './serverless';

/** A hover: Markdown and the span it applies to. */
export interface HoverResult {
  readonly markdown: string;
  readonly span: Span;
}

type Table = Readonly<Record<string, PropertyDoc>>;

const SAM_FUNCTION = 'AWS::Serverless::Function';
const CFN_FUNCTION = 'AWS::Lambda::Function';
const n = formatNumber;

/** Where the cursor is: the map keys from the root and their entries. */
interface Place {
  readonly template: TemplateDocument;
  readonly keys: readonly string[];
  readonly entries: readonly TEntry[];
  /** True when the cursor is on the key of the last entry. */
  readonly onKey: boolean;
  readonly today: string;
  /** Lines on what a function's code calls and whether its role allows it (from the rules layer, LL4007). */
  readonly access: ((fnLogicalId: string) => readonly string[]) | undefined;
}

/**
 * Hover for a template position: explains Lambda function properties (also in SAM Globals),
 * SAM events, event source mapping settings, asynchronous invocation config, function URLs
 * and the SQS queue settings that matter to a trigger. Where a value is set, the hover adds
 * what it means here (runtime lifecycle, vCPU share, batch size limits of the source, …).
 */
export function templateHover(
  template: TemplateDocument,
  offset: number,
  today: string,
  access?: (fnLogicalId: string) => readonly string[],
): HoverResult | undefined {
  if (template.kind === 'serverless') return serverlessHover(template, offset);
  const root = template.root;
  if (root === undefined) return undefined;
  const at = nodeAt(root, offset);
  if (at === undefined || at.entries.length === 0) return undefined;
  // Inside a list item (a layer ARN, a policy) the cursor is on something the property's hover does not explain.
  if (at.keys.some((k) => k.startsWith('['))) return undefined;
  const place: Place = { template, keys: at.keys, entries: at.entries, onKey: at.onKey, today, access };
  const { keys } = place;
  if (keys[0] === 'Globals' && keys[1] === 'Function' && keys.length >= 3)
    return property(place, 2, FUNCTION_PROPERTIES, 'sam');
  if (keys[0] === 'Resources' && keys.length === 2 && place.onKey)
    return invokersHover(place, keys[1] as string) ?? triggerResourceHover(place, keys[1] as string);
  if (keys[0] !== 'Resources' || keys[2] !== 'Properties' || keys.length < 4) return undefined;
  const logicalId = keys[1] as string;
  const type = scalarString(get(get(get(root, 'Resources'), logicalId), 'Type'));
  switch (type) {
    case SAM_FUNCTION:
      if (keys[3] === 'Events' && keys.length >= 5) return eventHover(place, logicalId);
      return property(place, 3, FUNCTION_PROPERTIES, 'sam');
    case CFN_FUNCTION:
      return property(place, 3, FUNCTION_PROPERTIES, 'cloudformation');
    case 'AWS::Lambda::EventSourceMapping':
      return property(
        place,
        3,
        MAPPING_PROPERTIES,
        undefined,
        triggerOf(template, (t) => t.definedBy === 'resource' && t.name === logicalId) ??
          template.detachedMappings.find((t) => t.name === logicalId),
      );
    case 'AWS::Lambda::EventInvokeConfig':
      return property(place, 3, ASYNC_CONFIG_PROPERTIES);
    case 'AWS::Lambda::Version':
    case 'AWS::Lambda::Alias':
      return property(place, 3, VERSION_PROPERTIES);
    case 'AWS::Lambda::Url':
      return property(place, 3, URL_PROPERTIES);
    case 'AWS::SQS::Queue':
      return property(place, 3, QUEUE_PROPERTIES, undefined, undefined, logicalId);
    default:
      return undefined;
  }
}

/**
 * On a function's logical id: who may invoke it, from its resource policy as the template gives
 * it: its `AWS::Lambda::Permission` resources and the permissions SAM generates for its push
 * events, each principal with its source conditions.
 * (docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html)
 */
function invokersHover(place: Place, logicalId: string): HoverResult | undefined {
  const { template } = place;
  if (!template.functions.some((f) => f.logicalId === logicalId)) return undefined;
  const entry = place.entries[place.entries.length - 1];
  if (entry === undefined) return undefined;
  const show = (s: Setting<string> | undefined): string | undefined =>
    s === undefined ? undefined : `\`${isKnown(s) ? s.value : template.text.slice(s.span.start, s.span.end)}\``;
  const { permissions, unattributed } = invokePermissionsOf(template, logicalId);
  const lines: string[] = [];
  for (const p of permissions) {
    if (p.kind === 'sam-event') {
      lines.push(
        `- \`${p.principal}\`: the permission SAM generates for event ${p.event} (${p.eventType}), scoped to that event's source`,
      );
      continue;
    }
    const m = p.permission;
    const conditions = [
      ['SourceArn', show(m.sourceArn)],
      ['SourceAccount', show(m.sourceAccount)],
      ['PrincipalOrgID', show(m.principalOrgId)],
      ['FunctionUrlAuthType', show(m.functionUrlAuthType)],
    ]
      .filter((c): c is [string, string] => c[1] !== undefined)
      .map(([k, v]) => `${k} ${v}`);
    lines.push(
      `- ${show(m.principal) ?? 'no principal'} (${m.logicalId}${m.action !== undefined ? `, ${show(m.action)}` : ''}): ${conditions.length > 0 ? conditions.join(', ') : '**no source condition**: any resource of that principal may invoke it'}`,
    );
  }
  if (unattributed.length > 0)
    lines.push(
      `- and perhaps ${unattributed.map((u) => u.logicalId).join(', ')}, whose FunctionName cannot be tied to a function of this template`,
    );
  const head =
    lines.length > 0
      ? `**Who may invoke ${logicalId}** (its resource policy, as far as this template sets it):`
      : `**Who may invoke ${logicalId}:** no permission in this template; only callers whose own IAM policies allow \`lambda:InvokeFunction\` on it (same account), and event source mappings, which use its execution role.`;
  return { markdown: [head, ...lines].join('\n'), span: entry.keySpan };
}

/**
 * On the logical id of a resource that invokes a function (an event source mapping, a
 * permission, a rule, a subscription): how it invokes the function and what a failure does
 * (describeInvocation, issue 5).
 */
function triggerResourceHover(place: Place, logicalId: string): HoverResult | undefined {
  const stories = place.template.functions.flatMap((fn) =>
    fn.triggers
      .filter((t) => t.definedBy === 'resource' && t.name === logicalId)
      .map((t) => `**${fn.logicalId}:** ${describeInvocation(fn, t)}`),
  );
  const entry = place.entries[place.entries.length - 1];
  if (stories.length === 0 || entry === undefined) return undefined;
  return { markdown: [`**${logicalId}**`, '', ...stories].join('\n'), span: entry.keySpan };
}

function triggerOf(template: TemplateDocument, match: (t: Trigger) => boolean): Trigger | undefined {
  for (const fn of template.functions) {
    const t = fn.triggers.find(match);
    if (t !== undefined) return t;
  }
  return undefined;
}

/** The deepest documented property from `keys[base]` down, rendered with notes for its value. */
function property(
  place: Place,
  base: number,
  table: Table,
  flavour?: 'sam' | 'cloudformation',
  trigger?: Trigger,
  queueId?: string,
): HoverResult | undefined {
  let doc = table[place.keys[base] ?? ''];
  if (doc === undefined || (flavour !== undefined && doc.only !== undefined && doc.only !== flavour)) return undefined;
  let i = base;
  for (;;) {
    const child: PropertyDoc | undefined = doc.children?.[place.keys[i + 1] ?? ''];
    if (child === undefined) break;
    doc = child;
    i++;
  }
  const entry = place.entries[i] as TEntry;
  const span = hoverSpan(place, i);
  if (span === undefined) return undefined;
  const path = place.keys.slice(base, i + 1).join('.');
  const notes = valueNotes(place, path, entry, table, trigger, queueId);
  const limits = table === MAPPING_PROPERTIES && path === 'BatchSize' ? batchSizeLines(trigger) : doc.limits;
  return { markdown: render(path, { ...doc, limits }, notes), span };
}

/**
 * Where a hover on the entry at `index` applies: its key, or its value when that is a
 * one-line scalar or intrinsic. Inside larger values (policy documents, inline code, lists)
 * the cursor is on something else, and the property's hover would only get in the way.
 */
function hoverSpan(place: Place, index: number): Span | undefined {
  const entry = place.entries[index];
  if (entry === undefined || index !== place.keys.length - 1) return undefined;
  if (place.onKey) return entry.keySpan;
  const v = entry.value;
  if (v.kind !== 'scalar' && v.kind !== 'intrinsic') return undefined;
  return place.template.text.slice(v.span.start, v.span.end).includes('\n') ? undefined : v.span;
}

/** Default and maximum batch size for the mapping's source, or for every source when it is not known. */
export function batchSizeLines(trigger: Trigger | undefined): string[] {
  const fifo =
    knownValue(trigger?.mapping?.queue?.fifo) === true || /\.fifo$/.test(knownValue(trigger?.mapping?.source) ?? '');
  const key = trigger?.type === 'SQS' && fifo ? 'SQS FIFO' : trigger?.type;
  const limit = key !== undefined ? BATCH_SIZE[key] : undefined;
  if (key !== undefined && limit !== undefined)
    return [`${key}: default ${n(limit.default)}, at most ${n(limit.max)} records`];
  return Object.entries(BATCH_SIZE).map(([source, l]) => `${source}: default ${n(l.default)}, at most ${n(l.max)}`);
}

/** What a set value means for this function or queue. */
function valueNotes(
  place: Place,
  path: string,
  entry: TEntry,
  table: Table,
  trigger: Trigger | undefined,
  queueId: string | undefined,
): string[] {
  const r = place.template.resolver;
  if (r === undefined) return [];
  if (table === FUNCTION_PROPERTIES && (path === 'Policies' || path === 'Role') && place.keys[0] === 'Resources')
    return [...(place.access?.(place.keys[1] ?? '') ?? [])];
  if (table === FUNCTION_PROPERTIES && path === 'Runtime') {
    const id = knownValue(r.str(entry.value));
    return id === undefined ? [] : runtimeNotes(id, place.today);
  }
  if (table === FUNCTION_PROPERTIES && path === 'MemorySize') {
    const mb = knownValue(r.num(entry.value));
    if (mb === undefined || mb < MEMORY.min || mb > MEMORY.max) return [];
    return [`${n(mb)} MB gives about ${(mb / MEMORY.mbPerVcpu).toFixed(2)} vCPU.`];
  }
  if (table === FUNCTION_PROPERTIES && path === 'DeploymentPreference.Type') {
    const type = knownValue(r.str(entry.value));
    const shift = type === undefined ? undefined : parseTrafficShift(type);
    if (type === undefined) return [];
    if (shift === undefined)
      return [`\`${type}\` is not a canary, linear or all-at-once configuration Lambda Lens knows.`];
    return [
      `\`${type}\`: ${describeTrafficShift(shift)}. Each step sends requests to environments of the new version that do not exist yet: expect a wave of cold starts per step.`,
    ];
  }
  if (table === MAPPING_PROPERTIES && path === 'BatchSize' && trigger !== undefined) {
    const info = eventInfo(trigger.type);
    return info !== undefined ? [`This mapping reads ${info.service}.`] : [];
  }
  if (table === QUEUE_PROPERTIES && path === 'VisibilityTimeout' && queueId !== undefined) {
    const visibility = knownValue(r.num(entry.value));
    return visibilityNotes(place.template, queueId, visibility);
  }
  return [];
}

/**
 * What each function reading queue `queueId` needs of its visibility timeout (at least the
 * function's timeout, recommended 6×), and how `visibility` compares; for the template's and the
 * CDK stack's hovers.
 */
export function visibilityNotes(template: TemplateDocument, queueId: string, visibility: number | undefined): string[] {
  const notes: string[] = [];
  for (const fn of template.functions) {
    if (!fn.triggers.some((t) => t.mapping?.queue?.logicalId === queueId)) continue;
    const timeout = fn.timeout === undefined ? TIMEOUT.default : knownValue(fn.timeout);
    if (timeout === undefined) continue;
    const recommended = timeout * SQS_VISIBILITY.recommendedFactor;
    const verdict =
      visibility === undefined
        ? ''
        : visibility < timeout
          ? ' — too short: the mapping fails to create.'
          : visibility < recommended
            ? ' — below the recommendation.'
            : ' — enough.';
    notes.push(
      `${fn.logicalId} reads this queue with a timeout of ${n(timeout)} s: at least ${n(timeout)} s, recommended ${n(recommended)} s or more${verdict}`,
    );
  }
  return notes;
}

export function runtimeNotes(id: string, today: string): string[] {
  const info = runtimeInfo(id);
  if (info === undefined) return [`\`${id}\` is not a Lambda runtime (table last checked ${RUNTIMES_LAST_CHECKED}).`];
  const date = (d: string | undefined) => (d === undefined ? 'not announced' : d === LONG_PAST ? 'long past' : d);
  const phase = runtimePhase(info, today);
  const now =
    phase === 'supported'
      ? 'supported'
      : phase === 'deprecated'
        ? 'deprecated (no more security patches)'
        : phase === 'create-blocked'
          ? 'blocked for new functions'
          : 'blocked for new functions and updates';
  return [
    `\`${id}\` today: ${now}.`,
    `Deprecated: ${date(info.deprecated)} · create blocked: ${date(info.blockCreate)} · update blocked: ${date(info.blockUpdate)} (table last checked ${RUNTIMES_LAST_CHECKED}).`,
  ];
}

/** A SAM event: its name or Type explains the trigger; under Properties, mapping settings are explained. */
function eventHover(place: Place, functionId: string): HoverResult | undefined {
  const { keys, entries } = place;
  const eventEntry = entries[4] as TEntry;
  const type = scalarString(get(eventEntry.value, 'Type'));
  const fn = place.template.functions.find((f) => f.logicalId === functionId);
  const trigger = fn?.triggers.find((t) => t.definedBy === 'event' && t.name === eventEntry.key);
  if (keys[5] === 'Properties' && keys.length >= 7) {
    if (type === undefined || eventInfo(type)?.invocation !== 'poll') return undefined;
    return property(place, 6, MAPPING_PROPERTIES, undefined, trigger);
  }
  if (keys.length > 6 || (keys.length === 6 && keys[5] !== 'Type')) return undefined;
  if (type === undefined) return undefined;
  const info = eventInfo(type);
  const lines = [`**${eventEntry.key}** — \`${type}\` event`, ''];
  if (info === undefined) {
    lines.push(`Lambda Lens does not know the event type \`${type}\`.`);
  } else {
    lines.push(
      `**${info.service}** · invocation **${info.invocation}**: ${INVOCATION_TEXT[info.invocation]}.`,
      '',
      `On failure: ${info.retries}`,
    );
    if (info.invocation === 'poll') lines.push('', ...batchSizeLines(trigger).map((l) => `- Batch size ${l}`));
    // The invocation story of this function and trigger, from the retry rules' model (issue 5).
    if (fn !== undefined && trigger !== undefined)
      lines.push('', `**${fn.logicalId}:** ${describeInvocation(fn, trigger)}`);
  }
  lines.push(
    '',
    '[SAM event sources](https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-eventsource.html)',
  );
  const span = hoverSpan(place, keys.length - 1);
  return span === undefined ? undefined : { markdown: lines.join('\n'), span };
}

export function render(title: string, doc: PropertyDoc, notes: readonly string[]): string {
  const lines = [`**${title}**`, '', doc.summary];
  if (doc.limits && doc.limits.length > 0) lines.push('', ...doc.limits.map((l) => `- ${l}`));
  if (notes.length > 0) lines.push('', ...notes);
  if (doc.source) lines.push('', `[AWS documentation](${doc.source})`);
  return lines.join('\n');
}
