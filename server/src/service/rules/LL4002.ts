import { EVENT_SOURCE_NEEDS } from '../iam';
import { eventInfo } from '../model/events';
import { roleFinding } from './roles';
import type { Finding, TemplateRule } from './types';

/** Managed policies and SAM policy templates that grant each source's read permissions, for the message. */
const FIXES: Readonly<Record<string, string>> = {
  SQS: 'Add the managed policy AWSLambdaSQSQueueExecutionRole (SAM: the policy template SQSPollerPolicy).',
  Kinesis: 'Add the managed policy AWSLambdaKinesisExecutionRole (SAM: the policy template KinesisStreamReadPolicy).',
  DynamoDB: 'Add the managed policy AWSLambdaDynamoDBExecutionRole (SAM: the policy template DynamoDBStreamReadPolicy).',
};

/**
 * An event source mapping whose function's role cannot read the source. Lambda checks the
 * role when the mapping is created, so the deploy fails. SAM adds these permissions to the
 * role it creates for `Events`; it does not for a separate `AWS::Lambda::EventSourceMapping`.
 */
export const LL4002: TemplateRule = {
  id: 'LL4002',
  title: 'Execution role cannot read its event source',
  severity: 'error',
  scope: 'template',
  check({ template }) {
    const out: Finding[] = [];
    for (const fn of template.functions) {
      for (const t of fn.triggers) {
        const need = EVENT_SOURCE_NEEDS[t.type];
        if (t.mapping === undefined || need === undefined) continue;
        const owner = t.definedBy === 'event' ? `${t.type} event ${t.name}` : `event source mapping ${t.name}`;
        out.push(
          ...roleFinding(
            'LL4002',
            fn,
            fn.executionRole,
            need,
            `Lambda checks this when it creates ${owner} (${eventInfo(t.type)?.service ?? t.type}), so the deploy fails.`,
            FIXES[t.type] ?? '',
            t.span,
          ),
        );
      }
    }
    return out;
  },
};
