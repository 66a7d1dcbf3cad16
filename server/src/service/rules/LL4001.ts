import { LOGS_NEED } from '../iam';
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
  scope: 'template',
  check({ template }) {
    return template.functions.flatMap((fn) =>
      fn.executionRole.managedBy !== 'template'
        ? []
        : roleFinding(
            'LL4001',
            fn,
            fn.executionRole,
            LOGS_NEED,
            'the function runs, but its logs and errors are silently lost.',
            'Add the managed policy AWSLambdaBasicExecutionRole (or an Allow statement for these actions).',
          ),
    );
  },
};
