import { VPC_NEED } from '../iam';
import { isKnown } from '../model/types';
import { addManagedPolicyFix } from '../actions/roleFixes';
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
  template({ template }) {
    return template.functions.flatMap((fn) => {
      const role = fn.executionRole;
      if (!isKnown(fn.vpcConfig) || role.managedBy !== 'template' || role.roleLogicalId === undefined) return [];
      const roleId = role.roleLogicalId;
      return roleFinding(
        'LL4004',
        fn,
        role,
        VPC_NEED,
        {
          consequence: 'Lambda checks this when it creates or updates the function, so the deploy fails.',
          advice:
            'Add the managed policy AWSLambdaVPCAccessExecutionRole (or an Allow statement for these actions on Resource "*").',
        },
        { quickFix: () => addManagedPolicyFix(template, roleId, 'service-role/AWSLambdaVPCAccessExecutionRole') },
      );
    });
  },
};
