import { LOGS_NEED } from '../iam';
import { addManagedPolicyFix } from '../actions/roleFixes';
import { roleFinding } from './roles';
import type { TemplateRule } from './types';

/**
 * A custom execution role (an `AWS::IAM::Role` of the template) that cannot write logs.
 * Roles SAM creates always have AWSLambdaBasicExecutionRole; roles from elsewhere are not judged.
 */
export const LL4001: TemplateRule = {
  id: 'LL4001',
  title: 'Execution role without CloudWatch Logs permissions',
  severity: 'warning',
  template({ template }) {
    return template.functions.flatMap((fn) => {
      const role = fn.executionRole;
      if (role.managedBy !== 'template' || role.roleLogicalId === undefined) return [];
      const roleId = role.roleLogicalId;
      return roleFinding(
        'LL4001',
        fn,
        role,
        LOGS_NEED,
        {
          consequence: 'the function runs, but its logs and errors are silently lost.',
          advice: 'Add the managed policy AWSLambdaBasicExecutionRole (or an Allow statement for these actions).',
        },
        { quickFix: () => addManagedPolicyFix(template, roleId, 'service-role/AWSLambdaBasicExecutionRole') },
      );
    });
  },
};
