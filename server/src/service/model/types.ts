/**
 * The function model: what a Lambda function IS, read from a template, with the source
 * range of every value so that rules can report on the exact token.
 *
 * Ranges are UTF-16 offsets into the document text (the same unit as LSP positions'
 * characters); they become line/column only at the edge (LSP server, CLI).
 */

/** A half-open range of UTF-16 offsets into a document's text. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** A value read from a document, with where it was read. */
export interface Located<T> {
  readonly value: T;
  readonly span: Span;
  readonly uri: string;
}

/**
 * A value that is present but cannot be resolved statically (an intrinsic function,
 * a parameter without a default, a wrong type). Rules never guess about it.
 */
export interface Unresolved {
  readonly unknown: string;
  readonly span: Span;
  readonly uri: string;
}

/** A configuration value: resolved, or present but unknown. Absent values are `undefined`. */
export type Setting<T> = Located<T> | Unresolved;

export function isKnown<T>(s: Setting<T> | undefined): s is Located<T> {
  return s !== undefined && !('unknown' in s);
}

export function knownValue<T>(s: Setting<T> | undefined): T | undefined {
  return isKnown(s) ? s.value : undefined;
}

/**
 * How Lambda is invoked by a trigger (see ARCHITECTURE.md, "The model"):
 * - `sync`: the caller waits for the response (API Gateway, function URL, ALB, direct).
 * - `async`: Lambda queues the event and retries on error (S3, SNS, EventBridge, schedules).
 * - `poll`: an event source mapping reads batches and retries them (SQS, Kinesis, DynamoDB, MSK).
 */
export type InvocationModel = 'sync' | 'async' | 'poll';

/** Where a template came from: `cdk` is a CDK stack's TypeScript/JavaScript source, read statically (cdk/). */
export type TemplateKind = 'sam' | 'cloudformation' | 'serverless' | 'cdk';

/** A destination (OnSuccess / OnFailure / DLQ) target. */
export interface DestinationModel {
  /** `SQS`, `SNS`, `Lambda`, `EventBridge`, `S3` or unknown. */
  readonly type: Setting<string> | undefined;
  /** The target's ARN or a reference to the logical id of a resource in the template. */
  readonly target: Setting<string> | undefined;
  /** Logical id of the target when it is a resource of the same template. */
  readonly targetLogicalId: string | undefined;
  readonly span: Span;
  readonly uri: string;
}

/** An SQS queue defined in the same template. */
export interface QueueModel {
  readonly logicalId: string;
  readonly uri: string;
  /** The queue resource's logical id span, where findings about a missing property go. */
  readonly idSpan: Span;
  /** VisibilityTimeout; `undefined` when absent (SQS default: 30 s). */
  readonly visibilityTimeout: Setting<number> | undefined;
  readonly fifo: Setting<boolean> | undefined;
  readonly maxReceiveCount: Setting<number> | undefined;
  /** Logical id of the redrive DLQ when it is in the template. */
  readonly deadLetterQueueLogicalId: string | undefined;
}

/** Properties shared by event source mappings (SAM `SQS`/`Kinesis`/`DynamoDB`/`MSK` events and `AWS::Lambda::EventSourceMapping`). */
export interface EventSourceMappingModel {
  readonly batchSize: Setting<number> | undefined;
  readonly maximumBatchingWindowInSeconds: Setting<number> | undefined;
  readonly functionResponseTypes: Setting<readonly string[]> | undefined;
  readonly parallelizationFactor: Setting<number> | undefined;
  readonly maximumRetryAttempts: Setting<number> | undefined;
  readonly maximumRecordAgeInSeconds: Setting<number> | undefined;
  readonly bisectBatchOnFunctionError: Setting<boolean> | undefined;
  readonly tumblingWindowInSeconds: Setting<number> | undefined;
  readonly startingPosition: Setting<string> | undefined;
  readonly maximumConcurrency: Setting<number> | undefined;
  readonly onFailure: DestinationModel | undefined;
  readonly enabled: Setting<boolean> | undefined;
  /** The event source ARN / reference as written. */
  readonly source: Setting<string> | undefined;
  /** The SQS queue in this template that the mapping reads, when it can be resolved. */
  readonly queue: QueueModel | undefined;
}

/** One way a function is invoked. */
export interface Trigger {
  /**
   * Normalised event type: SAM event types (`Api`, `HttpApi`, `SQS`, `S3`, `SNS`, `Kinesis`,
   * `DynamoDB`, `EventBridgeRule`, `Schedule`, `ScheduleV2`, `CloudWatchEvent`, `MSK`, …),
   * or the resource type that creates it (`EventSourceMapping`, `Permission`, `FunctionUrl`).
   */
  readonly type: string;
  /** The event's name (SAM) or the logical id of the resource that defines it. */
  readonly name: string;
  readonly invocation: InvocationModel;
  readonly uri: string;
  /** The span of the event entry's key / resource logical id. */
  readonly span: Span;
  /** Where the trigger is defined: `event` (SAM Events), `resource` (a separate CFN resource). */
  readonly definedBy: 'event' | 'resource';
  /** For poll-based triggers: the mapping's settings. */
  readonly mapping: EventSourceMappingModel | undefined;
  /** For `Api`/`HttpApi`: the event's path and method when known. */
  readonly path: string | undefined;
  readonly method: string | undefined;
  /**
   * What the trigger invokes: `unqualified` (the function's name or ARN, i.e. `$LATEST`),
   * `qualified` (an alias or version). SAM events of a function with AutoPublishAlias invoke
   * the alias. Absent when it cannot be told.
   */
  readonly qualifier?: 'unqualified' | 'qualified';
  /**
   * A schedule whose constant input is a keep-warm ping (templates/keepWarm.ts): the handler is
   * invoked only to keep an environment initialised, so its retries lose or repeat nothing.
   */
  readonly keepWarm?: true;
}

/** Asynchronous invocation configuration (EventInvokeConfig). */
export interface AsyncConfigModel {
  readonly maximumRetryAttempts: Setting<number> | undefined;
  readonly maximumEventAgeInSeconds: Setting<number> | undefined;
  readonly onSuccess: DestinationModel | undefined;
  readonly onFailure: DestinationModel | undefined;
  readonly uri: string;
  readonly span: Span;
}

/** An environment variable, with the span of its name and of its value. */
export interface EnvironmentVariable {
  readonly name: string;
  readonly nameSpan: Span;
  readonly value: Setting<string>;
  readonly uri: string;
}

export interface EnvironmentModel {
  readonly variables: readonly EnvironmentVariable[];
  /** The `Variables` map's span (where size findings are reported). */
  readonly span: Span;
  readonly uri: string;
  /** True when part of the map could not be read (an intrinsic in place of the map). */
  readonly partial: boolean;
}

export interface AliasModel {
  readonly name: Setting<string>;
  readonly logicalId: string | undefined;
  readonly provisionedConcurrency: Setting<number> | undefined;
  /** `FunctionVersion`: the version the alias points at (`$LATEST`, a number, or unknown for `!GetAtt V.Version`). */
  readonly functionVersion: Setting<string> | undefined;
  /** The `AWS::Lambda::Version` of this template that `FunctionVersion` names, when it names one. */
  readonly versionLogicalId: string | undefined;
  /** `RoutingConfig.AdditionalVersionWeights`: a weighted share of the alias's traffic sent to another version. */
  readonly routing: AliasRoutingModel | undefined;
  readonly uri: string;
  readonly span: Span;
}

/** An alias's `RoutingConfig`: Lambda sends `weight` (0–1) of the alias's requests to `version`, the rest to `FunctionVersion`. */
export interface AliasRoutingModel {
  readonly weights: readonly {
    readonly version: Setting<string> | undefined;
    readonly weight: Setting<number> | undefined;
    readonly span: Span;
  }[];
  /** The `AdditionalVersionWeights` key (or the `RoutingConfig` value when the key is missing). */
  readonly span: Span;
  readonly uri: string;
}

/** SAM `DeploymentPreference`: CodeDeploy shifts the AutoPublishAlias to each new version. */
export interface DeploymentPreferenceModel {
  /** `Canary10Percent5Minutes`, `Linear10PercentEvery1Minute`, `AllAtOnce`, … */
  readonly type: Setting<string> | undefined;
  /** False when `Enabled: false`. */
  readonly enabled: boolean;
  /** Logical ids or names of the PreTraffic / PostTraffic hook functions. */
  readonly hooks: {
    readonly preTraffic: Setting<string> | undefined;
    readonly postTraffic: Setting<string> | undefined;
  };
  readonly span: Span;
  readonly uri: string;
}

/** A Lambda function, after SAM Globals (or provider defaults) are merged in. */
export interface FunctionModel {
  readonly logicalId: string;
  readonly uri: string;
  readonly kind: TemplateKind;
  /** `AWS::Serverless::Function`, `AWS::Lambda::Function` or `serverless` */
  readonly resourceType: string;
  /** The logical id's span, where findings about missing properties go. */
  readonly idSpan: Span;
  /** The whole resource's span. */
  readonly span: Span;
  readonly handler: Setting<string> | undefined;
  readonly runtime: Setting<string> | undefined;
  /** SAM CodeUri (a local folder) or CloudFormation Code; `undefined` for inline code. */
  readonly codeUri: Setting<string> | undefined;
  /** True when code is inline (`InlineCode` / `Code.ZipFile`). */
  readonly inlineCode: boolean;
  /**
   * CDK `NodejsFunction`: the absolute path of the file esbuild bundles (its `entry`, or the
   * default `<stack file>.<id>.ts`/`.js`, written without an extension). Its export is the last
   * segment of `handler`. Absent for every other kind of function.
   */
  readonly entry?: Setting<string>;
  readonly packageType: Setting<string> | undefined;
  readonly architectures: Setting<readonly string[]> | undefined;
  readonly memorySize: Setting<number> | undefined;
  readonly timeout: Setting<number> | undefined;
  readonly ephemeralStorage: Setting<number> | undefined;
  readonly environment: EnvironmentModel | undefined;
  readonly layers: Setting<readonly Setting<string>[]> | undefined;
  readonly role: Setting<string> | undefined;
  readonly reservedConcurrency: Setting<number> | undefined;
  readonly provisionedConcurrency: Setting<number> | undefined;
  /** SAM AutoPublishAlias. */
  readonly autoPublishAlias: Setting<string> | undefined;
  /** SAM AutoPublishCodeSha256: mixed into the published version's hash. */
  readonly autoPublishCodeSha256: Setting<string> | undefined;
  /** SAM VersionDescription of the versions AutoPublishAlias publishes. */
  readonly versionDescription: Setting<string> | undefined;
  /** SAM DeploymentPreference (gradual shifting of the AutoPublishAlias). */
  readonly deploymentPreference: DeploymentPreferenceModel | undefined;
  /** `SnapStart.ApplyOn`: `PublishedVersions` or `None`. */
  readonly snapStart: Setting<string> | undefined;
  /** `AWS::Lambda::Version` resources for this function. */
  readonly versions: readonly {
    readonly logicalId: string;
    readonly span: Span;
    readonly provisionedConcurrency: Setting<number> | undefined;
  }[];
  readonly aliases: readonly AliasModel[];
  readonly asyncConfig: AsyncConfigModel | undefined;
  /** DeadLetterQueue (SAM) / DeadLetterConfig (CFN). */
  readonly deadLetterQueue: DestinationModel | undefined;
  readonly vpcConfig: Setting<true> | undefined;
  /** What `VpcConfig` attaches the function to, when it can be read. */
  readonly vpc: VpcAttachment | undefined;
  /** The execution role and what it is granted, as far as the template says. */
  readonly executionRole: ExecutionRoleModel;
  readonly functionUrl:
    { readonly authType: Setting<string> | undefined; readonly span: Span; readonly uri: string } | undefined;
  readonly triggers: readonly Trigger[];
}

/**
 * One source of permissions on an execution role. AWS managed policies and SAM policy
 * templates are kept by name (what each grants is data, in `iam.ts`); inline statements
 * keep the actions they allow. A grant that cannot be read statically is `unknown`, and
 * rules that need the whole role stay silent when one is present.
 */
export interface PolicyGrant {
  /**
   * - `managed`: an AWS managed policy (`name` is its last ARN segment, `AWSLambdaBasicExecutionRole`);
   * - `template`: a SAM policy template (`SQSPollerPolicy`);
   * - `statement`: an inline `Effect: Allow` statement;
   * - `unknown`: a customer managed policy, an intrinsic, a `NotAction`… (`name` says what).
   */
  readonly kind: 'managed' | 'template' | 'statement' | 'unknown';
  readonly name: string;
  /** For statements: the allowed action patterns as written (`sqs:ReceiveMessage`, `sqs:*`, `*`). */
  readonly actions: readonly string[];
  /** Logical ids of resources of this template the grant names (statement `Resource`, policy template parameters). */
  readonly resourceIds: readonly string[];
  /**
   * What the grant says, for the IAM evaluator (iam.ts `authorize`): the statement itself
   * (`statement`, Allow or Deny), or a SAM policy template's statements with its parameters
   * filled in (`template`). Absent for `managed` (its statements are data in iam.ts), for
   * `unknown`, and for a template the data does not know or whose parameters cannot be read.
   */
  readonly statements?: readonly PolicyStatement[];
  /** For `template`: its parameters as written, each as the evaluator's string (see iam.ts `token`). */
  readonly parameters?: Readonly<Record<string, string>>;
  readonly span: Span;
  readonly uri: string;
}

/**
 * One statement of an identity-based policy, as the IAM evaluator reads it. Resource
 * patterns are strings in which deploy-time values are tokens (iam.ts `token`): the region,
 * the account, the generated name of a template resource, a parameter, or an unknown value.
 * (docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html)
 */
export interface PolicyStatement {
  readonly effect: 'Allow' | 'Deny';
  /** `Action` patterns, or the `NotAction` patterns when `notAction`. */
  readonly actions: readonly string[];
  readonly notAction: boolean;
  /** `Resource` patterns, or the `NotResource` patterns when `notResource`. */
  readonly resources: readonly string[];
  readonly notResource: boolean;
  /** True when the statement has a `Condition`: when it applies cannot be told statically. */
  readonly conditional: boolean;
}

/** The execution role of a function. */
export interface ExecutionRoleModel {
  /**
   * - `sam`: a role the deployment tool creates, whose grants are all read: SAM's for a function
   *   without `Role` (AWSLambdaBasicExecutionRole, the policies its `Events` and `VpcConfig` need,
   *   and `Policies`), the Serverless Framework's, the CDK's for a function without `role`
   *   (its event sources, destinations, `initialPolicy`, `grant*` calls: cdk/read.ts);
   * - `template`: an `AWS::IAM::Role` of this template (`Role: !GetAtt MyRole.Arn`);
   * - `external`: an ARN, a parameter or an import that cannot be followed (rules stay silent);
   * - `none`: a CloudFormation function without `Role`.
   */
  readonly managedBy: 'sam' | 'template' | 'external' | 'none';
  /** The role resource's logical id (`template`). */
  readonly roleLogicalId: string | undefined;
  /** The `Role` value, or the function's logical id when there is none. */
  readonly span: Span;
  readonly uri: string;
  readonly grants: readonly PolicyGrant[];
}

/** What a function's `VpcConfig` attaches it to. */
export interface VpcAttachment {
  /** Logical ids of `AWS::EC2::Subnet` resources of this template in `SubnetIds`. */
  readonly subnetIds: readonly string[];
  /** True when `SubnetIds` is a list whose every item is a subnet of this template: the template then describes the network. */
  readonly subnetsInTemplate: boolean;
  /** The `VpcConfig` value. */
  readonly span: Span;
  readonly uri: string;
}

/** An `AWS::Lambda::Permission` (a statement of a function's resource policy). */
export interface ResourcePolicyModel {
  readonly logicalId: string;
  readonly uri: string;
  readonly idSpan: Span;
  /** The function it applies to, when it is a function of this template. */
  readonly functionLogicalId: string | undefined;
  readonly action: Setting<string> | undefined;
  readonly principal: Setting<string> | undefined;
  readonly sourceArn: Setting<string> | undefined;
  /** The resource of this template `SourceArn` names (`!Ref Topic`, `!GetAtt Bucket.Arn`), when it names one. */
  readonly sourceLogicalId: string | undefined;
  readonly sourceAccount: Setting<string> | undefined;
  /** `PrincipalOrgID`: limits an account principal `*` to an AWS Organization. */
  readonly principalOrgId: Setting<string> | undefined;
  /** `FunctionUrlAuthType` (for `lambda:InvokeFunctionUrl`). */
  readonly functionUrlAuthType: Setting<string> | undefined;
}

/**
 * A CDK construct property that stands for a template property (`memorySize` for `MemorySize`),
 * where it is written in the stack file: hovers on it explain the template property.
 */
export interface CdkPropertySite {
  /** The construct prop's name as written (`memorySize`). */
  readonly name: string;
  /** The template property it synthesizes, as a path in the hover tables (`MemorySize`, `EventInvokeConfig.MaximumRetryAttempts`). */
  readonly property: string;
  readonly table: 'function' | 'mapping' | 'queue' | 'url' | 'version';
  readonly nameSpan: Span;
  readonly valueSpan: Span;
  /** The function, mapping trigger or queue the property belongs to. */
  readonly functionId?: string;
  readonly trigger?: Trigger;
  readonly queueId?: string;
}
