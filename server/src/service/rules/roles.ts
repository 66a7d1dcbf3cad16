import type { ExecutionRoleModel, FunctionModel, Span } from '../model/types';
import { missingActions, type PermissionNeed } from '../iam';
import type { Finding, Fix } from './types';

/** How a message names a function's execution role. */
export function roleLabel(fn: FunctionModel): string {
  const role = fn.executionRole;
  if (role.roleLogicalId !== undefined) return `Execution role ${role.roleLogicalId}`;
  const creator = fn.kind === 'serverless' ? 'the Serverless Framework' : fn.kind === 'cdk' ? 'the CDK' : 'SAM';
  return `The role ${creator} creates for function ${fn.logicalId}`;
}

/**
 * A finding when the role is known in full and misses some of the needed actions, reported
 * on the `Role` value (or on the function when SAM creates the role). `consequence` and
 * `advice` finish the message; `quickFix` is built only when there is a finding.
 */
export function roleFinding(
  ruleId: string,
  fn: FunctionModel,
  role: ExecutionRoleModel,
  need: PermissionNeed,
  text: { readonly consequence: string; readonly advice: string },
  options: { readonly span?: Span; readonly quickFix?: () => Fix | undefined } = {},
): Finding[] {
  const missing = missingActions(role, need);
  if (missing === undefined || missing.length === 0) return [];
  const list = missing.join(', ');
  const fix = options.quickFix?.();
  return [
    {
      ruleId,
      message: `${roleLabel(fn)} does not allow ${list}, which function ${fn.logicalId} needs ${need.purpose}: ${text.consequence} ${text.advice}`,
      uri: role.uri,
      span: options.span ?? role.span,
      ...(fix !== undefined ? { fixes: [fix] } : {}),
    },
  ];
}
