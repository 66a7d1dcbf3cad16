import { EVENT_SOURCE_NEEDS } from '../iam';
import { eventInfo } from '../model/events';
import { addManagedPolicyFix } from '../actions/roleFixes';
import { roleFinding } from './roles';
import type { Finding, TemplateRule } from './types';

/** The managed policy (path under `policy/`) and the SAM policy template that grant each source's read permissions. */
const POLICIES: Readonly<Record<string, { readonly managed: string; readonly template: string }>> = {
  SQS: { managed: 'service-role/AWSLambdaSQSQueueExecutionRole', template: 'SQSPollerPolicy' },
  Kinesis: { managed: 'service-role/AWSLambdaKinesisExecutionRole', template: 'KinesisStreamReadPolicy' },
  DynamoDB: { managed: 'service-role/AWSLambdaDynamoDBExecutionRole', template: 'DynamoDBStreamReadPolicy' },
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
  template({ template }) {
    const out: Finding[] = [];
    for (const fn of template.functions) {
      for (const t of fn.triggers) {
        const need = EVENT_SOURCE_NEEDS[t.type];
        if (t.mapping === undefined || need === undefined) continue;
        const owner = t.definedBy === 'event' ? `${t.type} event ${t.name}` : `event source mapping ${t.name}`;
        const policies = POLICIES[t.type];
        const managedName = policies?.managed.split('/').pop();
        const roleId = fn.executionRole.roleLogicalId;
        out.push(
          ...roleFinding(
            'LL4002',
            fn,
            fn.executionRole,
            need,
            {
              consequence: `Lambda checks this when it creates ${owner} (${eventInfo(t.type)?.service ?? t.type}), so the deploy fails.`,
              advice:
                policies !== undefined
                  ? `Add the managed policy ${managedName ?? ''} (SAM: the policy template ${policies.template}).`
                  : '',
            },
            {
              span: t.span,
              quickFix: () =>
                roleId !== undefined && policies !== undefined
                  ? addManagedPolicyFix(template, roleId, policies.managed)
                  : undefined,
            },
          ),
        );
      }
    }
    return out;
  },
};
