import type { Edit, Fix } from '../model/findings';
import { isKnown, type FunctionModel, type PolicyGrant } from '../model/types';
import { actionMatches, authorize, showResource, token, type Authorization } from '../iam';
import { iamAction, requestResource } from '../iamActions';
import { appendItemEdit } from '../actions/roleFixes';
import { setPathEdit } from '../actions/templateEdits';
import { TemplateValues, variables } from '../templates/arns';
import type { TemplateDocument } from '../templates/template';
import { get, nodeAt } from '../templates/tree';
import type { SdkCall } from '../handlers/awsCalls';
import { linkedHandlersOf, sdkCallsOf, usesOtherCredentialsOf } from '../handlers/extract';
import { roleLabel } from './roles';
import { linkedCode } from './linked';
import type { Finding, Rule, TemplateRuleContext } from './types';

/** One call of the code, judged against a function's execution role. */
export interface CallJudgement {
  readonly call: SdkCall;
  readonly action: string;
  /** The ARN the call is authorised on, when its parameters name it. */
  readonly resource: string | undefined;
  /** The template resource the call reaches, when an environment variable names one. */
  readonly resourceId: string | undefined;
  readonly authorization: Authorization;
}

/**
 * The code's calls that a function runs (module scope, its own handler, and helpers when the
 * file serves one handler only), each judged by the IAM evaluator against its execution role.
 * Calls whose operation has no known IAM action are left out.
 */
export function judgeCalls(
  template: TemplateDocument,
  fn: FunctionModel,
  calls: readonly SdkCall[],
  handler: string,
  singleHandler: boolean,
): CallJudgement[] {
  const r = template.resolver;
  const root = template.root;
  // A CDK stack has no template tree: its environment values are judged as unknown resources.
  if ((r === undefined || root === undefined) && template.kind !== 'cdk') return [];
  const values = r !== undefined ? new TemplateValues(r) : undefined;
  const out: CallJudgement[] = [];
  for (const call of calls) {
    if (call.handler === null ? !singleHandler : call.handler !== undefined && call.handler !== handler) continue;
    const action = iamAction(call.service, call.operation);
    if (action === undefined) continue;
    let resourceId: string | undefined;
    let resource: string | undefined;
    if (call.params !== undefined) {
      const params: Record<string, string> = {};
      for (const [name, origin] of Object.entries(call.params)) {
        if ('literal' in origin) params[name] = origin.literal;
        else if ('env' in origin) {
          const v = fn.environment?.variables.find((x) => x.name === origin.env);
          const node = v !== undefined && root !== undefined ? nodeAt(root, v.value.span.start)?.node : undefined;
          // serverless.yml: the reader's value has the file's own variables (${self:…}) resolved; the tree does not.
          const text =
            template.kind === 'serverless' && v !== undefined && isKnown(v.value)
              ? variables(v.value.value)
              : node !== undefined && values !== undefined && v?.value.uri === template.uri
                ? values.text(node)
                : undefined;
          params[name] = text ?? token(`unknown:${origin.env}`);
          const id = node !== undefined ? r?.refTarget(node) : undefined;
          if (id !== undefined && RESOURCE_NAMING.has(name)) resourceId = id;
        } else params[name] = token(`unknown:${name}`);
      }
      resource = requestResource(action, params);
    }
    out.push({ call, action, resource, resourceId, authorization: authorize(fn.executionRole, action, resource) });
  }
  return out;
}

/** Parameters that name the call's main resource (not a key, an index or a qualifier). */
const RESOURCE_NAMING: ReadonlySet<string> = new Set([
  'TableName',
  'QueueUrl',
  'TopicArn',
  'Bucket',
  'EventBusName',
  'Name',
  'Path',
  'SecretId',
  'FunctionName',
  'StreamName',
  'StreamARN',
  'stateMachineArn',
]);

/** What a role grants in an action's service, for messages: `DynamoDBReadPolicy (Orders), dynamodb:PutItem on <ARN>`. */
export function grantsFor(grants: readonly PolicyGrant[], action: string): string {
  const prefix = (action.split(':')[0] ?? '').toLowerCase();
  const inService = (a: string): boolean => a === '*' || a.toLowerCase().startsWith(`${prefix}:`);
  const parts: string[] = [];
  for (const g of grants) {
    const sts = (g.statements ?? []).filter((st) => st.effect === 'Allow' && !st.notAction);
    const actions = [...new Set(sts.flatMap((st) => st.actions.filter(inService)))];
    if (actions.length === 0) continue;
    if (g.kind === 'statement') {
      const on = [...new Set(sts.flatMap((st) => st.resources))].map(showResource).join(', ');
      parts.push(`${actions.join(', ')} on ${on}`);
    } else {
      parts.push(`${g.name}${g.resourceIds.length > 0 ? ` (${g.resourceIds.join(', ')})` : ''}`);
    }
  }
  return parts.length > 0 ? `in ${prefix} it grants ${parts.join('; ')}` : `it grants nothing in ${prefix}`;
}

/** The narrowest SAM policy template for an action on a resource of the template, and how its parameter names the resource. */
const NARROWEST: readonly {
  readonly actions: RegExp;
  readonly types: readonly string[];
  readonly template: string;
  readonly parameter: string;
  readonly value: (id: string) => { readonly yaml: string; readonly json: string };
}[] = (() => {
  const ref = (id: string) => ({ yaml: `!Ref ${id}`, json: `{ "Ref": ${JSON.stringify(id)} }` });
  const att = (attr: string) => (id: string) => ({
    yaml: `!GetAtt ${id}.${attr}`,
    json: `{ "Fn::GetAtt": [${JSON.stringify(id)}, ${JSON.stringify(attr)}] }`,
  });
  const tables = ['AWS::DynamoDB::Table', 'AWS::Serverless::SimpleTable'];
  const queues = ['AWS::SQS::Queue'];
  const buckets = ['AWS::S3::Bucket'];
  return [
    {
      actions: /^dynamodb:(PutItem|UpdateItem|BatchWriteItem)$/,
      types: tables,
      template: 'DynamoDBWritePolicy',
      parameter: 'TableName',
      value: ref,
    },
    {
      actions: /^dynamodb:(GetItem|Query|Scan|BatchGetItem|DescribeTable)$/,
      types: tables,
      template: 'DynamoDBReadPolicy',
      parameter: 'TableName',
      value: ref,
    },
    {
      actions: /^dynamodb:(DeleteItem|ConditionCheckItem)$/,
      types: tables,
      template: 'DynamoDBCrudPolicy',
      parameter: 'TableName',
      value: ref,
    },
    {
      actions: /^sqs:SendMessage$/,
      types: queues,
      template: 'SQSSendMessagePolicy',
      parameter: 'QueueName',
      value: att('QueueName'),
    },
    {
      actions: /^sqs:(ReceiveMessage|DeleteMessage|ChangeMessageVisibility|GetQueueAttributes)$/,
      types: queues,
      template: 'SQSPollerPolicy',
      parameter: 'QueueName',
      value: att('QueueName'),
    },
    {
      actions: /^sns:Publish$/,
      types: ['AWS::SNS::Topic'],
      template: 'SNSPublishMessagePolicy',
      parameter: 'TopicName',
      value: att('TopicName'),
    },
    {
      actions: /^s3:(GetObject|ListBucket|GetBucketLocation)$/,
      types: buckets,
      template: 'S3ReadPolicy',
      parameter: 'BucketName',
      value: ref,
    },
    {
      actions: /^s3:(PutObject|PutObjectAcl)$/,
      types: buckets,
      template: 'S3WritePolicy',
      parameter: 'BucketName',
      value: ref,
    },
    { actions: /^s3:DeleteObject$/, types: buckets, template: 'S3CrudPolicy', parameter: 'BucketName', value: ref },
    {
      actions: /^events:PutEvents$/,
      types: ['AWS::Events::EventBus'],
      template: 'EventBridgePutEventsPolicy',
      parameter: 'EventBusName',
      value: ref,
    },
    {
      actions: /^secretsmanager:GetSecretValue$/,
      types: ['AWS::SecretsManager::Secret'],
      template: 'AWSSecretsManagerGetSecretValuePolicy',
      parameter: 'SecretArn',
      value: ref,
    },
    {
      actions: /^lambda:InvokeFunction$/,
      types: ['AWS::Serverless::Function', 'AWS::Lambda::Function'],
      template: 'LambdaInvokePolicy',
      parameter: 'FunctionName',
      value: ref,
    },
    {
      actions: /^kinesis:(PutRecord|PutRecords)$/,
      types: ['AWS::Kinesis::Stream'],
      template: 'KinesisCrudPolicy',
      parameter: 'StreamName',
      value: ref,
    },
    {
      actions: /^states:StartExecution$/,
      types: ['AWS::Serverless::StateMachine', 'AWS::StepFunctions::StateMachine'],
      template: 'StepFunctionsExecutionPolicy',
      parameter: 'StateMachineName',
      value: att('Name'),
    },
  ];
})();

/** "Add DynamoDBWritePolicy for Orders to function F's Policies", for a SAM function whose role SAM builds. */
export function policyTemplateFix(
  template: TemplateDocument,
  fn: FunctionModel,
  action: string,
  resourceId: string | undefined,
): Fix | undefined {
  const r = template.resolver;
  if (
    r === undefined ||
    resourceId === undefined ||
    template.kind !== 'sam' ||
    fn.resourceType !== 'AWS::Serverless::Function' ||
    fn.executionRole.managedBy !== 'sam'
  )
    return undefined;
  const type = r.resourceType(resourceId) ?? '';
  const choice = NARROWEST.find((n) => n.actions.test(action) && n.types.includes(type));
  if (choice === undefined) return undefined;
  const v = choice.value(resourceId);
  const item = {
    kind: 'scalar' as const,
    yaml: `${choice.template}: { ${choice.parameter}: ${v.yaml} }`,
    json: `{ ${JSON.stringify(choice.template)}: { ${JSON.stringify(choice.parameter)}: ${v.json} } }`,
  };
  const props = get(r.resource(fn.logicalId), 'Properties');
  if (props?.kind !== 'map') return undefined;
  const policies = get(props, 'Policies');
  let edit: Edit | undefined;
  if (policies === undefined) edit = setPathEdit(template, props, ['Policies'], { kind: 'seq', items: [item] });
  else if (policies.kind === 'seq') edit = appendItemEdit(template, policies, item);
  return edit === undefined
    ? undefined
    : { title: `Add ${choice.template} for ${resourceId} to function ${fn.logicalId}'s Policies`, edits: [edit] };
}

function finding(fnLink: { fn: FunctionModel; template: TemplateDocument }, j: CallJudgement, uri: string): Finding {
  const { fn, template } = fnLink;
  const on =
    j.resourceId !== undefined
      ? ` on ${j.resourceId}`
      : j.resource !== undefined && !/\uE000unknown:/.test(j.resource)
        ? ` on ${showResource(j.resource)}`
        : '';
  const a = j.authorization;
  const why =
    a.decision === 'explicit-deny'
      ? `${a.reason}`
      : `${grantsFor(fn.executionRole.grants, j.action)}${matchesElsewhere(fn, j.action) ? `, not ${j.action} on this resource` : ''}`;
  const fix = a.decision === 'implicit-deny' ? policyTemplateFix(template, fn, j.action, j.resourceId) : undefined;
  return {
    ruleId: 'LL4007',
    message: `${j.call.what} needs ${j.action}${on}, which ${roleLabel(fn)
      .replace(/^The role/, 'the role')
      .replace(
        /^Execution role/,
        'execution role',
      )} does not allow (${why}): the call fails with AccessDeniedException in function ${fn.logicalId}.`,
    uri,
    span: j.call.span,
    ...(fix !== undefined ? { fixes: [fix] } : {}),
  };
}

/** True when some Allow statement names the action (on other resources). */
function matchesElsewhere(fn: FunctionModel, action: string): boolean {
  return fn.executionRole.grants.some((g) =>
    (g.statements ?? []).some(
      (st) => st.effect === 'Allow' && !st.notAction && st.actions.some((p) => actionMatches(p, action)),
    ),
  );
}

function report(
  links: readonly { readonly fn: FunctionModel; readonly template: TemplateDocument; readonly name: string }[],
  calls: readonly SdkCall[],
  uri: string,
): Finding[] {
  const out: Finding[] = [];
  const single = new Set(links.map((l) => l.name)).size === 1;
  const seen = new Set<string>();
  for (const link of links) {
    const key = `${link.template.uri}#${link.fn.logicalId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    for (const j of judgeCalls(link.template, link.fn, calls, link.name, single)) {
      const d = j.authorization.decision;
      if (d === 'implicit-deny' || d === 'explicit-deny') out.push(finding(link, j, uri));
    }
  }
  return out;
}

/**
 * The handler code calls an AWS action its function's execution role does not allow. The
 * code's calls (SDK v3 commands and client methods, v2 clients, the DynamoDB document client,
 * boto3 clients and Table resources) are mapped to IAM actions (iamActions.ts) and to the
 * resource their parameters name (an environment variable the template sets to a resource),
 * and judged by the IAM evaluator (iam.ts). Reported only when the role is known in full and
 * denies: roles from outside the template, grants that cannot be read, conditions and
 * resources that cannot be compared leave the call unreported.
 * (docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html,
 * docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html)
 */
export const LL4007: Rule = {
  id: 'LL4007',
  title: 'Code calls an action the execution role does not allow',
  severity: 'error',
  handler({ file }) {
    // Calls made with other credentials (a client given keys, an assumed role) are not the role's.
    if (file.links.length === 0 || usesOtherCredentialsOf(file)) return [];
    return report(
      linkedHandlersOf(file).map((l) => ({ fn: l.fn, template: l.template, name: l.handler })),
      sdkCallsOf(file),
      file.uri,
    );
  },
};

/**
 * Hover lines for a function's `Policies` or `Role`: each AWS call of its handler code, the IAM
 * action it needs, and whether the role allows it. Empty when the code is not read or makes
 * no call Lambda Lens maps to an action.
 */
export function accessLines(ctx: TemplateRuleContext, fnLogicalId: string): string[] {
  const fn = ctx.template.functions.find((f) => f.logicalId === fnLogicalId);
  const code = linkedCode(ctx, new Set([fnLogicalId])).get(fnLogicalId);
  if (fn === undefined || code === undefined) return [];
  if (code.otherCredentials)
    return [
      `**What the code of ${fnLogicalId} calls** is not judged: it calls AWS with other credentials than its role.`,
    ];
  // Helpers are judged only by the rule, which sees every export of the file.
  const judged = judgeCalls(ctx.template, fn, code.calls, code.handler, false);
  if (judged.length === 0) return [];
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const j of judged) {
    const on = j.resourceId !== undefined ? ` on ${j.resourceId}` : '';
    const a = j.authorization;
    const verdict =
      a.decision === 'allow'
        ? `allowed (${a.grants.map((g) => g.name).join(', ')})`
        : a.decision === 'unknown'
          ? `cannot tell: ${a.reason}`
          : `**denied**: ${a.reason}`;
    const line = `- \`${j.call.what}\` → \`${j.action}\`${on}: ${verdict}`;
    if (seen.has(line)) continue;
    seen.add(line);
    lines.push(line);
  }
  return [`**What the code of ${fnLogicalId} calls** (LL4007):`, ...lines];
}
