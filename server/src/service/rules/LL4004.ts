import { VPC_NEED } from '../iam';
import { isKnown } from '../model/types';
import { roleFinding } from './roles';
import type { TemplateRule } from './types';

/**
 * A function in a VPC whose custom role cannot manage network interfaces. Lambda checks this
 * when it creates or updates the function, so the deploy fails. SAM adds
 * AWSLambdaVPCAccessExecutionRole to the role it creates.
 */
export const LL4004: TemplateRule = {
  id: 'LL4004',
  title: 'VPC function without network-interface permissions',
  severity: 'error',
  scope: 'template',
  check({ template }) {
    return template.functions.flatMap((fn) =>
      !isKnown(fn.vpcConfig) || fn.executionRole.managedBy !== 'template'
        ? []
        : roleFinding(
            'LL4004',
            fn,
            fn.executionRole,
            VPC_NEED,
            'Lambda checks this when it creates or updates the function, so the deploy fails.',
            'Add the managed policy AWSLambdaVPCAccessExecutionRole (or an Allow statement for these actions on Resource "*").',
          ),
    );
  },
};
