import { SQS_VISIBILITY } from '../limits';
import { functionTimeout, queueVisibility, triggerLabel, type Effective } from '../model/invocation';
import type { FunctionModel, QueueModel, Trigger } from '../model/types';
import { numberSnippet, replaceEdit, setPathEdit } from '../actions/templateEdits';
import type { TemplateDocument } from '../templates/template';
import { withStakes } from '../model/effects';
import { num } from './format';
import { functionEffects } from './linked';
import type { Finding, Fix, TemplateRule } from './types';

interface Consumer {
  readonly fn: FunctionModel;
  readonly trigger: Trigger;
  readonly timeout: Effective;
}

/**
 * An SQS queue of the template whose visibility timeout is below the timeout of a function
 * that reads it (the mapping fails to deploy) or below 6× it (AWS's recommendation, so that
 * a batch that is still being retried is not received twice). Reported on the queue, once,
 * for the consumer with the longest timeout.
 */
export const LL2001: TemplateRule = {
  id: 'LL2001',
  title: 'SQS visibility timeout below the function timeout',
  severity: 'error',
  template(ctx) {
    const { template } = ctx;
    const worst = new Map<string, Consumer>();
    for (const fn of template.functions) {
      const timeout = functionTimeout(fn);
      if (timeout === undefined) continue;
      for (const trigger of fn.triggers) {
        const queue = trigger.mapping?.queue;
        if (trigger.type !== 'SQS' || queue === undefined) continue;
        const prev = worst.get(queue.logicalId);
        if (prev === undefined || prev.timeout.value < timeout.value)
          worst.set(queue.logicalId, { fn, trigger, timeout });
      }
    }
    const findings: { fn: string; finding: Finding; redrive: boolean }[] = [];
    for (const [queueId, consumer] of worst) {
      const queue = template.queues.get(queueId);
      if (queue === undefined) continue;
      const finding = check(template, queue, consumer);
      if (finding) findings.push({ fn: consumer.fn.logicalId, finding, redrive: queue.maxReceiveCount !== undefined });
    }
    // A batch received twice repeats nothing when the handler has no effect. Only that lowers the
    // warning: a throttled batch comes back whether or not the code catches its errors. Not with a
    // redrive policy: every extra receive counts towards maxReceiveCount, so messages reach the
    // dead-letter queue without having failed (docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html).
    const warned = findings.filter((f) => f.finding.severity === 'warning' && !f.redrive);
    if (warned.length === 0) return findings.map((f) => f.finding);
    const effects = functionEffects(ctx, new Set(warned.map((f) => f.fn)));
    return findings.map(({ fn, finding, redrive }) => {
      const e = effects.get(fn);
      return finding.severity === 'warning' && !redrive && e !== undefined && e.effects.length === 0
        ? withStakes(finding, { ...e, errorsEscape: true })
        : finding;
    });
  },
};

function check(template: TemplateDocument, queue: QueueModel, { fn, trigger, timeout }: Consumer): Finding | undefined {
  const visibility = queueVisibility(queue);
  if (visibility === undefined) return undefined;
  const recommended = Math.min(timeout.value * SQS_VISIBILITY.recommendedFactor, SQS_VISIBILITY.max);
  if (visibility.value >= recommended) return undefined;
  const vis = `${visibility.isDefault ? 'has no VisibilityTimeout, so it uses the SQS default of' : 'has a visibility timeout of'} ${num(visibility.value)} s`;
  const to = `${timeout.isDefault ? 'the default timeout of' : 'a timeout of'} ${num(timeout.value)} s`;
  const who = `function ${fn.logicalId} reads it through ${triggerLabel(trigger)} and has ${to}`;
  const below = visibility.value < timeout.value;
  const message = below
    ? `Queue ${queue.logicalId} ${vis}, but ${who}: the event source mapping fails to deploy when the visibility timeout is below the function timeout. Set it to at least ${num(recommended)} s (${SQS_VISIBILITY.recommendedFactor}× the timeout, as AWS recommends).`
    : `Queue ${queue.logicalId} ${vis}, less than ${SQS_VISIBILITY.recommendedFactor}× the timeout of function ${fn.logicalId} (${num(timeout.value)} s${timeout.isDefault ? ', the default' : ''}): a batch still being retried or throttled can become visible again and be processed twice. AWS recommends at least ${num(recommended)} s.`;
  const span = queue.visibilityTimeout?.span ?? queue.idSpan;
  const fix = raiseFix(template, queue, recommended);
  return {
    ruleId: 'LL2001',
    message,
    uri: queue.uri,
    span,
    severity: below ? 'error' : 'warning',
    ...(fix ? { fixes: [fix] } : {}),
  };
}

function raiseFix(template: TemplateDocument, queue: QueueModel, seconds: number): Fix | undefined {
  const title = `Set ${queue.logicalId}'s VisibilityTimeout to ${num(seconds)} s (${SQS_VISIBILITY.recommendedFactor}× the function timeout)`;
  const vt = queue.visibilityTimeout;
  if (vt !== undefined) {
    // Replace a literal only; a value from a parameter is changed where the parameter is.
    if (!('value' in vt) || template.text.slice(vt.span.start, vt.span.end).trim() !== String(vt.value))
      return undefined;
    return { title, edits: [replaceEdit(queue.uri, vt.span, String(seconds))] };
  }
  const resource = template.resolver?.resource(queue.logicalId);
  const edit =
    resource !== undefined
      ? setPathEdit(template, resource, ['Properties', 'VisibilityTimeout'], numberSnippet(seconds))
      : undefined;
  return edit ? { title, edits: [edit] } : undefined;
}
