/**
 * Hovers on CDK construct props (`memorySize`, `batchSize`, `visibilityTimeout`): the same text as
 * on the template property each synthesizes, from the same tables (properties.ts), with what the
 * value means here (runtime lifecycle, vCPU share, batch size limits of the source, queue timing).
 */
import { MEMORY } from '../limits';
import { knownValue, type CdkPropertySite } from '../model/types';
import type { TemplateDocument } from '../templates/template';
import {
  FUNCTION_PROPERTIES,
  MAPPING_PROPERTIES,
  QUEUE_PROPERTIES,
  URL_PROPERTIES,
  VERSION_PROPERTIES,
  type PropertyDoc,
} from './properties';
import { batchSizeLines, render, runtimeNotes, visibilityNotes, type HoverResult } from './template';

const TABLES: Readonly<Record<CdkPropertySite['table'], Readonly<Record<string, PropertyDoc>>>> = {
  function: FUNCTION_PROPERTIES,
  mapping: MAPPING_PROPERTIES,
  queue: QUEUE_PROPERTIES,
  url: URL_PROPERTIES,
  version: VERSION_PROPERTIES,
};

const n = (x: number) => x.toLocaleString('en-US');

export function cdkHover(template: TemplateDocument, offset: number, today: string): HoverResult | undefined {
  const inside = (s: { start: number; end: number }) => offset >= s.start && offset <= s.end;
  const text = template.text;
  // On the prop's name, or on a one-line value (inside a multi-line object the cursor is on something else).
  const site = (template.cdkProperties ?? []).find(
    (p) =>
      inside(p.nameSpan) || (inside(p.valueSpan) && !text.slice(p.valueSpan.start, p.valueSpan.end).includes('\n')),
  );
  if (site === undefined) return undefined;
  const [head, ...rest] = site.property.split('.');
  let doc: PropertyDoc | undefined = TABLES[site.table][head ?? ''];
  for (const key of rest) doc = doc?.children?.[key];
  if (doc === undefined) return undefined;
  const limits = site.table === 'mapping' && site.property === 'BatchSize' ? batchSizeLines(site.trigger) : doc.limits;
  const title = `${site.name}` + ` — CloudFormation \`${site.property}\``;
  const span = inside(site.nameSpan) ? site.nameSpan : site.valueSpan;
  return { markdown: render(title, { ...doc, limits }, notes(template, site, today)), span };
}

/** What the value set here means for this function or queue. */
function notes(template: TemplateDocument, site: CdkPropertySite, today: string): string[] {
  const fn = template.functions.find((f) => f.logicalId === site.functionId);
  if (site.table === 'function' && site.property === 'Runtime') {
    const id = knownValue(fn?.runtime);
    return id === undefined
      ? fn?.runtime !== undefined && 'unknown' in fn.runtime
        ? [`Not known before synth: ${fn.runtime.unknown}.`]
        : []
      : runtimeNotes(id, today);
  }
  if (site.table === 'function' && site.property === 'MemorySize') {
    const mb = knownValue(fn?.memorySize);
    if (mb === undefined || mb < MEMORY.min || mb > MEMORY.max) return [];
    return [`${n(mb)} MB gives about ${(mb / MEMORY.mbPerVcpu).toFixed(2)} vCPU.`];
  }
  if (site.table === 'mapping' && site.property === 'BatchSize' && site.trigger !== undefined)
    return [`This event source reads ${site.trigger.type === 'SQS' ? 'Amazon SQS' : site.trigger.type}.`];
  if (site.table === 'queue' && site.property === 'VisibilityTimeout' && site.queueId !== undefined) {
    const queue = template.queues.get(site.queueId);
    return visibilityNotes(template, site.queueId, knownValue(queue?.visibilityTimeout));
  }
  return [];
}
