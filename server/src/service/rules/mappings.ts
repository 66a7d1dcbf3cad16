import type { EventSourceMappingModel, Trigger } from '../model/types';
import { knownValue } from '../model/types';
import type { TemplateDocument } from '../templates/template';

/** An event source mapping (SAM poll event or `AWS::Lambda::EventSourceMapping`) with what rules say about it. */
export interface MappingSite {
  readonly trigger: Trigger;
  readonly mapping: EventSourceMappingModel;
  /** How a message names it: `SQS event Orders of function Worker`. */
  readonly owner: string;
  /** True when the source is known to be an SQS FIFO queue (template queue or a `.fifo` ARN). */
  readonly fifo: boolean;
}

function isFifo(mapping: EventSourceMappingModel): boolean {
  return knownValue(mapping.queue?.fifo) === true || /\.fifo$/.test(knownValue(mapping.source) ?? '');
}

/** Every event source mapping of the template: SAM poll events, and mapping resources whether or not their function is here. */
export function mappingSites(template: TemplateDocument): MappingSite[] {
  const out: MappingSite[] = [];
  for (const fn of template.functions) {
    for (const trigger of fn.triggers) {
      const mapping = trigger.mapping;
      if (mapping === undefined) continue;
      const owner =
        trigger.definedBy === 'event'
          ? `${trigger.type} event ${trigger.name} of function ${fn.logicalId}`
          : `event source mapping ${trigger.name} of function ${fn.logicalId}`;
      out.push({ trigger, mapping, owner, fifo: isFifo(mapping) });
    }
  }
  for (const trigger of template.detachedMappings) {
    if (trigger.mapping === undefined) continue;
    out.push({
      trigger,
      mapping: trigger.mapping,
      owner: `event source mapping ${trigger.name}`,
      fifo: isFifo(trigger.mapping),
    });
  }
  return out;
}
