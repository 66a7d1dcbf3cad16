import { REPORT_BATCH_ITEM_FAILURES, reportsBatchItemFailures, triggerLabel } from '../model/invocation';
import { knownValue, type FunctionModel, type Trigger } from '../model/types';
import { seqSnippet, setPathEdit, triggerProperties, wordSnippet } from '../actions/templateEdits';
import type { TemplateDocument } from '../templates/template';
import { serverlessEventConfig } from '../templates/serverless';
import { withStakes } from '../model/effects';
import { functionEffects } from './linked';
import { withLazyFixes } from '../model/findings';
import type { Fix, TemplateRule } from './types';

/**
 * An SQS trigger without partial batch responses: one failing message makes the whole batch
 * come back after the visibility timeout, and every message in it is processed again.
 * Batches of one message are left alone: there is nothing to report partially.
 */
export const LL2004: TemplateRule = {
  id: 'LL2004',
  title: 'SQS trigger without ReportBatchItemFailures',
  severity: 'warning',
  template(ctx) {
    const { template } = ctx;
    const found = template.functions.flatMap((fn) =>
      fn.triggers
        .filter(
          (t) =>
            t.type === 'SQS' &&
            t.mapping !== undefined &&
            reportsBatchItemFailures(t) === false &&
            knownValue(t.mapping.batchSize) !== 1,
        )
        .map((t) => ({ fn, t })),
    );
    if (found.length === 0) return [];
    // A whole batch coming back matters only when processing it again repeats work.
    const known = functionEffects(ctx, new Set(found.map((f) => f.fn.logicalId)));
    return found.map(({ fn, t }) => {
      const effects = known.get(fn.logicalId);
      const setting =
        fn.resourceType === 'serverless'
          ? `functionResponseType: ${REPORT_BATCH_ITEM_FAILURES}`
          : fn.kind === 'cdk'
            ? 'reportBatchItemFailures: true'
            : `FunctionResponseTypes: [${REPORT_BATCH_ITEM_FAILURES}]`;
      // A handler that already answers with batchItemFailures (itself, or through Powertools or middy):
      // without the setting Lambda ignores the list and takes a normal return as success for the whole
      // batch (docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html).
      const why =
        effects?.partialBatchResponse === true
          ? 'this handler returns batchItemFailures, which Lambda ignores without it: an invocation that returns normally counts as a success for the whole batch, so the messages it lists as failed are deleted and never retried (and when it throws, every message of the batch comes back). Enable it.'
          : 'when one message of a batch fails, the whole batch returns to the queue and every message in it is processed again. Enable it and return { batchItemFailures } from the handler.';
      const finding = withStakes(
        {
          ruleId: 'LL2004',
          message: `${triggerLabel(t)} invokes function ${fn.logicalId} without ${setting}: ${why}`,
          uri: t.uri,
          span: t.span,
        },
        effects,
      );
      return withLazyFixes(finding, () => {
        const fix = addResponseTypesFix(template, fn, t);
        return fix ? [fix] : undefined;
      });
    });
  },
};

function addResponseTypesFix(template: TemplateDocument, fn: FunctionModel, t: Trigger): Fix | undefined {
  if (fn.resourceType === 'serverless') {
    // serverless.yml: `functionResponseType: ReportBatchItemFailures` in the event's map (the short `sqs: <arn>` form is left alone).
    const config = serverlessEventConfig(template.root, t);
    const edit =
      config?.kind === 'map'
        ? setPathEdit(template, config, ['functionResponseType'], wordSnippet(REPORT_BATCH_ITEM_FAILURES))
        : undefined;
    return edit
      ? {
          title: `Add functionResponseType: ${REPORT_BATCH_ITEM_FAILURES} to this sqs event (the handler must then return { batchItemFailures })`,
          edits: [edit],
        }
      : undefined;
  }
  const props = triggerProperties(template, fn, t);
  const edit =
    props !== undefined
      ? setPathEdit(template, props, ['FunctionResponseTypes'], seqSnippet(wordSnippet(REPORT_BATCH_ITEM_FAILURES)))
      : undefined;
  return edit
    ? {
        title: `Add FunctionResponseTypes: [${REPORT_BATCH_ITEM_FAILURES}] to ${t.name} (the handler must then return { batchItemFailures })`,
        edits: [edit],
      }
    : undefined;
}
