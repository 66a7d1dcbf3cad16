import { ASYNC_RETRY_ATTEMPTS } from '../limits';
import { effective, isKinesisOrDynamoDbStream, retryingTriggers, triggerLabel } from '../model/invocation';
import type { FunctionModel, Trigger } from '../model/types';
import { asyncFailureDestinationFix, mappingFailureDestinationFix } from '../actions/failureDestination';
import type { TemplateDocument } from '../templates/template';
import { withStakes } from '../model/effects';
import { functionEffects } from './linked';
import type { Finding, TemplateRule } from './types';

/**
 * An async or stream trigger with nowhere to send the events it gives up on. SQS triggers are
 * left to the queue's redrive policy: a message that keeps failing stays in (or moves out of)
 * its queue, it is not dropped by Lambda.
 */
export const LL2003: TemplateRule = {
  id: 'LL2003',
  title: 'Async or stream trigger without a failure destination',
  severity: 'warning',
  template(ctx) {
    const { template } = ctx;
    const found = template.functions.flatMap((fn) => [...asyncFinding(template, fn), ...streamFindings(template, fn)]);
    if (found.length === 0) return [];
    // The handler's effects set the severity: a failure destination cannot matter for code that never fails or changes nothing.
    const effects = functionEffects(ctx, new Set(found.map((f) => f.fn)));
    return found.map(({ fn, finding }) => withStakes(finding, effects.get(fn)));
  },
};

interface Found {
  readonly fn: string;
  readonly finding: Finding;
}

function asyncFinding(template: TemplateDocument, fn: FunctionModel): Found[] {
  const isPermission = (t: Trigger) =>
    t.definedBy === 'resource' && template.resolver?.resourceType(t.name) === 'AWS::Lambda::Permission';
  const triggers = retryingTriggers(fn, isPermission).filter((t) => t.invocation === 'async');
  if (triggers.length === 0 || fn.asyncConfig?.onFailure !== undefined || fn.deadLetterQueue !== undefined) return [];
  const retries = effective(fn.asyncConfig?.maximumRetryAttempts, ASYNC_RETRY_ATTEMPTS.default);
  const tries =
    retries === undefined
      ? 'its retries'
      : retries.value === 0
        ? 'its one attempt (MaximumRetryAttempts 0)'
        : `${retries.value + 1} attempts`;
  const fix = asyncFailureDestinationFix(template, fn);
  return [
    {
      fn: fn.logicalId,
      finding: {
        ruleId: 'LL2003',
        message: `Function ${fn.logicalId} is invoked asynchronously by ${[...new Set(triggers.map(triggerLabel))].join(', ')}, but has no ${fn.resourceType === 'serverless' ? 'destinations.onFailure or onError' : fn.kind === 'cdk' ? 'onFailure destination or deadLetterQueue' : 'OnFailure destination or DeadLetterQueue'}: an event that still fails after ${tries} is dropped and lost.`,
        uri: fn.uri,
        span: fn.idSpan,
        ...(fix ? { fixes: [fix] } : {}),
      },
    },
  ];
}

function streamFindings(template: TemplateDocument, fn: FunctionModel): Found[] {
  return fn.triggers
    .filter((t) => isKinesisOrDynamoDbStream(t) && t.mapping !== undefined && t.mapping.onFailure === undefined)
    .map((t) => {
      const fix = mappingFailureDestinationFix(template, fn, t);
      return {
        fn: fn.logicalId,
        finding: {
          ruleId: 'LL2003',
          message: `${triggerLabel(t)} invokes function ${fn.logicalId} with no ${fn.resourceType === 'serverless' ? 'destinations.onFailure on the event' : fn.kind === 'cdk' ? 'onFailure on the event source (new SqsDlq(…))' : 'OnFailure destination'}: when a batch exhausts its retries or its records expire, Lambda skips it and keeps no record of which records were lost.`,
          uri: t.uri,
          span: t.span,
          ...(fix ? { fixes: [fix] } : {}),
        },
      };
    });
}
