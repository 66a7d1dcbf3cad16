/**
 * CDK stack source → the function model (TypeScript and JavaScript; Python CDK is not read).
 *
 * The stack is read statically with the TypeScript compiler's parser: nothing is synthesized,
 * executed or loaded from node_modules, so it is safe in untrusted workspaces. Every value is
 * `Located` at the construct's property in the stack file (or in the local object a spread
 * brings it from); what cannot be known without running the app is `Unresolved`, and rules
 * stay silent about it. Construct props: docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_lambda.FunctionProps.html
 */
import { basename, dirname, join } from 'node:path';
import type {
  AliasModel,
  CdkPropertySite,
  AsyncConfigModel,
  DestinationModel,
  EnvironmentModel,
  EnvironmentVariable,
  EventSourceMappingModel,
  ExecutionRoleModel,
  FunctionModel,
  PolicyGrant,
  PolicyStatement,
  QueueModel,
  Setting,
  Span,
  Trigger,
  Unresolved,
} from '../model/types';
import { EVENT_TYPES } from '../model/events';
import type { TemplateDocument } from '../templates/template';
import { StackSource, type PropEntry, type Props, type Value, unwrap } from './values';
import type { TS } from './typescript';
import type { SynthFunctions } from './synth';
import type { AppProps } from './values';
import { BASIC_EXECUTION_POLICY, SAM_VPC_POLICY, token } from '../iam';
import { GRANTS, IMPLIED, importedClass } from './grants';

/** Function constructs (construct class → how its code is given). */
const FUNCTION_CLASSES: Readonly<Record<string, 'function' | 'nodejs' | 'python' | 'image'>> = {
  'aws-lambda.Function': 'function',
  'aws-lambda.SingletonFunction': 'function',
  'aws-lambda.DockerImageFunction': 'image',
  'aws-lambda-nodejs.NodejsFunction': 'nodejs',
  'aws-lambda-python.PythonFunction': 'python',
};

/** Construct props and the template properties they synthesize (hover tables in hover/properties.ts). */
const FUNCTION_PROPS: Readonly<Record<string, string>> = {
  memorySize: 'MemorySize',
  timeout: 'Timeout',
  runtime: 'Runtime',
  handler: 'Handler',
  code: 'Code',
  ephemeralStorageSize: 'EphemeralStorage',
  environment: 'Environment',
  layers: 'Layers',
  architecture: 'Architectures',
  architectures: 'Architectures',
  reservedConcurrentExecutions: 'ReservedConcurrentExecutions',
  deadLetterQueue: 'DeadLetterConfig',
  deadLetterTopic: 'DeadLetterConfig',
  vpc: 'VpcConfig',
  role: 'Role',
  snapStart: 'SnapStart',
  functionName: 'FunctionName',
  retryAttempts: 'EventInvokeConfig.MaximumRetryAttempts',
  maxEventAge: 'EventInvokeConfig.MaximumEventAgeInSeconds',
  onFailure: 'EventInvokeConfig.DestinationConfig',
  onSuccess: 'EventInvokeConfig.DestinationConfig',
};
const MAPPING_PROPS: Readonly<Record<string, string>> = {
  batchSize: 'BatchSize',
  maxBatchingWindow: 'MaximumBatchingWindowInSeconds',
  reportBatchItemFailures: 'FunctionResponseTypes',
  parallelizationFactor: 'ParallelizationFactor',
  bisectBatchOnError: 'BisectBatchOnFunctionError',
  retryAttempts: 'MaximumRetryAttempts',
  maxRecordAge: 'MaximumRecordAgeInSeconds',
  tumblingWindow: 'TumblingWindowInSeconds',
  startingPosition: 'StartingPosition',
  maxConcurrency: 'ScalingConfig',
  onFailure: 'DestinationConfig',
  enabled: 'Enabled',
};
const QUEUE_PROPS: Readonly<Record<string, string>> = {
  visibilityTimeout: 'VisibilityTimeout',
  fifo: 'FifoQueue',
  deadLetterQueue: 'RedrivePolicy',
};

/** Methods of a function's `role` the reader follows (roleCall). */
const ROLE_METHODS = new Set(['addManagedPolicy', 'addToPrincipalPolicy', 'addToPolicy', 'attachInlinePolicy']);

/**
 * Constructs that take a function to invoke it (their grants go to the caller, API Gateway, a
 * rule, a bucket…, never to the function's role): passing the function to them is followed.
 */
const INVOKERS = new Set([
  'aws-apigateway.LambdaRestApi',
  'aws-apigateway.LambdaIntegration',
  'aws-apigatewayv2-integrations.HttpLambdaIntegration',
  'aws-apigatewayv2-integrations.LambdaProxyIntegration',
  'aws-events-targets.LambdaFunction',
  'aws-s3-notifications.LambdaDestination',
  'aws-logs-destinations.LambdaDestination',
  'aws-sns-subscriptions.LambdaSubscription',
  'aws-lambda-destinations.LambdaDestination',
  'aws-lambda.FunctionUrl',
  'aws-lambda.Version',
  'aws-lambda.Alias',
  'aws-lambda.EventInvokeConfig',
  'aws-lambda.EventSourceMapping',
  'aws-stepfunctions-tasks.LambdaInvoke',
  'cdk.CfnOutput',
]);

/** A construct `new`ed in the stack file. */
interface Construct {
  readonly cls: string;
  readonly node: TS.NewExpression;
  readonly id: string;
  readonly idSpan: Span;
  readonly props: Props | undefined;
}

interface FunctionParts {
  readonly c: Construct;
  readonly kind: 'function' | 'nodejs' | 'python' | 'image';
  triggers: Trigger[];
  versions: FunctionModel['versions'][number][];
  aliases: AliasModel[];
  asyncProps: Props[];
  functionUrl: FunctionModel['functionUrl'];
  extraEnv: EnvironmentVariable[];
  /** What `grant*` calls, `addToRolePolicy` and uses the reader cannot follow add to its role. */
  grants: PolicyGrant[];
}

/** What a trigger invokes: the function itself or one of its aliases/versions. */
interface Target {
  readonly fn: FunctionParts;
  readonly qualified: boolean;
}

/** A CDK stack read as a template document (`kind: 'cdk'`, no YAML tree). */
export function readCdkStack(
  uri: string,
  path: string,
  text: string,
  appRoot: string | undefined,
  synth?: SynthFunctions,
  appProps?: AppProps,
): TemplateDocument {
  const reader = new CdkReader(uri, new StackSource(path, text, appRoot, appProps), synth);
  const { functions, queues } = reader.read();
  return {
    uri,
    text,
    format: 'typescript',
    kind: 'cdk',
    root: undefined,
    syntaxError: undefined,
    functions,
    queues,
    detachedMappings: [],
    resolver: undefined,
    cdkProperties: reader.sites,
  };
}

class CdkReader {
  private readonly ts: typeof TS;
  private readonly constructs = new Map<TS.NewExpression, Construct>();
  private readonly fns = new Map<TS.NewExpression, FunctionParts>();
  private readonly queues = new Map<TS.NewExpression, QueueModel>();
  /** Construct props that stand for template properties, for hovers. */
  readonly sites: CdkPropertySite[] = [];

  constructor(
    private readonly uri: string,
    private readonly src: StackSource,
    /** The app's last synth: fills values the source leaves Unresolved. */
    private readonly synth: SynthFunctions | undefined,
  ) {
    this.ts = src.ts;
  }

  read(): { functions: FunctionModel[]; queues: Map<string, QueueModel> } {
    const ts = this.ts;
    const news: TS.NewExpression[] = [];
    const calls: TS.CallExpression[] = [];
    const visit = (n: TS.Node): void => {
      if (ts.isNewExpression(n)) news.push(n);
      else if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression)) calls.push(n);
      ts.forEachChild(n, visit);
    };
    visit(this.src.sf);
    for (const n of news) {
      const cls = this.src.qualify(n.expression);
      if (cls === undefined) continue;
      const c = this.construct(n, cls);
      if (cls === 'aws-sqs.Queue') this.queues.set(n, this.queue(c));
      const kind = FUNCTION_CLASSES[cls];
      if (kind !== undefined) {
        this.fns.set(n, {
          c,
          kind,
          triggers: [],
          versions: [],
          aliases: [],
          asyncProps: [],
          functionUrl: undefined,
          extraEnv: [],
          grants: [],
        });
      }
    }
    for (const n of news) this.related(n);
    for (const call of calls) this.statementCall(call);
    for (const call of calls) this.method(call);
    for (const f of this.fns.values()) this.uses(f);
    const functions = [...this.fns.values()].map((f) => this.fromSynth(this.functionModel(f)));
    const queues = new Map<string, QueueModel>();
    for (const q of this.queues.values()) if (!queues.has(q.logicalId)) queues.set(q.logicalId, q);
    return { functions, queues };
  }

  /** Records the props of `props` that `names` maps to template properties. */
  private addSites(
    props: Props | undefined,
    names: Readonly<Record<string, string>>,
    table: CdkPropertySite['table'],
    owner: Pick<CdkPropertySite, 'functionId' | 'trigger' | 'queueId'>,
  ): void {
    for (const [name, e] of props?.entries ?? []) {
      const property = names[name];
      if (property !== undefined)
        this.sites.push({
          name,
          property,
          table,
          nameSpan: this.span(e.nameNode),
          valueSpan: this.span(e.valueNode),
          ...owner,
        });
    }
  }

  private span(n: TS.Node): Span {
    return { start: n.getStart(this.src.sf), end: n.end };
  }

  private construct(n: TS.NewExpression, cls: string): Construct {
    const hit = this.constructs.get(n);
    if (hit) return hit;
    const args = n.arguments ?? [];
    const idArg = args[1];
    const idVal = idArg ? this.src.value(idArg) : undefined;
    const id = idVal?.k === 'str' ? idVal.v : idArg ? idArg.getText(this.src.sf) : (cls.split('.').pop() ?? cls);
    const c: Construct = { cls, node: n, id, idSpan: this.span(idArg ?? n), props: this.src.propsOf(args[2]) };
    this.constructs.set(n, c);
    return c;
  }

  private unresolved(why: string, n: TS.Node): Unresolved {
    return { unknown: why, span: this.span(n), uri: this.uri };
  }

  /** A property of props as a setting: known, unknown (also when an unfollowed spread may set it), or absent. */
  private setting<T>(
    props: Props | undefined,
    name: string,
    convert: (v: Value, e: PropEntry) => T | undefined,
    what = name,
  ): Setting<T> | undefined {
    if (props === undefined) return undefined;
    const e = props.entries.get(name);
    if (e === undefined) {
      const spread = props.unknownSpreads[0];
      return spread !== undefined
        ? this.unresolved(
            `${what} may be set by \`${short(spread.getText(this.src.sf))}\`, which is not read statically`,
            spread,
          )
        : undefined;
    }
    const v = this.src.value(e.valueNode);
    const out = convert(v, e);
    if (out === undefined)
      return this.unresolved(v.k === 'unknown' ? v.why : `${what} is not a value Lambda Lens reads`, e.valueNode);
    return { value: out, span: this.span(e.valueNode), uri: this.uri };
  }

  private num(props: Props | undefined, name: string): Setting<number> | undefined {
    return this.setting(props, name, (v) => (v.k === 'num' ? v.v : undefined));
  }

  private seconds(props: Props | undefined, name: string): Setting<number> | undefined {
    return this.setting(props, name, (v) => (v.k === 'duration' ? v.seconds : undefined));
  }

  private bool(props: Props | undefined, name: string): Setting<boolean> | undefined {
    return this.setting(props, name, (v) => (v.k === 'bool' ? v.v : undefined));
  }

  private str(props: Props | undefined, name: string): Setting<string> | undefined {
    return this.setting(props, name, (v) => (v.k === 'str' ? v.v : undefined));
  }

  private entryValue(props: Props | undefined, name: string): Value | undefined {
    const e = props?.entries.get(name);
    return e ? this.src.value(e.valueNode) : undefined;
  }

  /** The function (or alias/version of one) an expression refers to. */
  private target(expr: TS.Expression | undefined): Target | undefined {
    if (expr === undefined) return undefined;
    const ts = this.ts;
    const e = unwrap(ts, expr);
    // fn.currentVersion / fn.latestVersion
    if (ts.isPropertyAccessExpression(e) && /^(currentVersion|latestVersion)$/.test(e.name.text)) {
      const t = this.target(e.expression);
      return t ? { fn: t.fn, qualified: e.name.text === 'currentVersion' } : undefined;
    }
    // fn.addAlias('live')
    if (
      ts.isCallExpression(e) &&
      ts.isPropertyAccessExpression(e.expression) &&
      e.expression.name.text === 'addAlias'
    ) {
      const t = this.target(e.expression.expression);
      return t ? { fn: t.fn, qualified: true } : undefined;
    }
    const v = this.src.value(e);
    if (v.k !== 'new') return undefined;
    const fn = this.fns.get(v.node);
    if (fn) return { fn, qualified: false };
    if (v.cls === 'aws-lambda.Alias') {
      const t = this.target(this.construct(v.node, v.cls).props?.entries.get('version')?.valueNode);
      return t ? { fn: t.fn, qualified: true } : undefined;
    }
    if (v.cls === 'aws-lambda.Version') {
      const t = this.target(this.construct(v.node, v.cls).props?.entries.get('lambda')?.valueNode);
      return t ? { fn: t.fn, qualified: true } : undefined;
    }
    return undefined;
  }

  private queueOf(expr: TS.Expression | undefined): QueueModel | undefined {
    if (expr === undefined) return undefined;
    const v = this.src.value(expr);
    return v.k === 'new' ? this.queues.get(v.node) : undefined;
  }

  private idOf(expr: TS.Expression | undefined): string | undefined {
    if (expr === undefined) return undefined;
    const v = this.src.value(expr);
    return v.k === 'new' ? (this.constructs.get(v.node)?.id ?? this.construct(v.node, v.cls).id) : undefined;
  }

  private queue(c: Construct): QueueModel {
    const p = c.props;
    const dlq = p?.entries.get('deadLetterQueue');
    const dlqProps = dlq ? this.src.propsOf(dlq.valueNode) : undefined;
    const name = this.entryValue(p, 'queueName');
    const fifo =
      this.bool(p, 'fifo') ??
      (name?.k === 'str' && name.v.endsWith('.fifo')
        ? { value: true, span: this.span(p?.entries.get('queueName')?.valueNode ?? c.node), uri: this.uri }
        : undefined);
    this.addSites(p, QUEUE_PROPS, 'queue', { queueId: c.id });
    return {
      logicalId: c.id,
      uri: this.uri,
      idSpan: c.idSpan,
      visibilityTimeout: this.seconds(p, 'visibilityTimeout'),
      fifo,
      maxReceiveCount: this.num(dlqProps, 'maxReceiveCount'),
      deadLetterQueueLogicalId: this.idOf(dlqProps?.entries.get('queue')?.valueNode),
    };
  }

  /** Constructs that attach something to a function: integrations, targets, aliases, versions, URLs. */
  private related(n: TS.NewExpression): void {
    const cls = this.src.qualify(n.expression);
    if (cls === undefined) return;
    const args = n.arguments ?? [];
    const sync = (type: string, fnExpr: TS.Expression | undefined, method?: string) => {
      const t = this.target(fnExpr);
      if (t)
        t.fn.triggers.push(
          this.trigger(
            type,
            type === 'Api' ? 'RestApi' : type === 'HttpApi' ? 'HttpApi' : type,
            n,
            t,
            undefined,
            method,
          ),
        );
    };
    switch (cls) {
      case 'aws-apigateway.LambdaRestApi': {
        const c = this.construct(n, cls);
        const t = this.target(c.props?.entries.get('handler')?.valueNode);
        if (t) t.fn.triggers.push(this.trigger('Api', c.id, n, t, undefined, undefined));
        return;
      }
      case 'aws-apigateway.LambdaIntegration':
        return sync('Api', args[0], methodOf(this.ts, n, this.src));
      case 'aws-apigatewayv2-integrations.HttpLambdaIntegration':
        return sync('HttpApi', args[1]);
      case 'aws-apigatewayv2-integrations.LambdaProxyIntegration':
        return sync('HttpApi', this.src.propsOf(args[0])?.entries.get('handler')?.valueNode);
      case 'aws-events-targets.LambdaFunction': {
        const t = this.target(args[0]);
        if (t)
          t.fn.triggers.push(
            this.trigger(
              ruleHasSchedule(this.ts, n, this.src) ? 'Schedule' : 'EventBridgeRule',
              ruleId(this.ts, n, this.src) ?? 'Rule',
              n,
              t,
              undefined,
              undefined,
            ),
          );
        return;
      }
      case 'aws-s3-notifications.LambdaDestination': {
        const t = this.target(args[0]);
        if (t)
          t.fn.triggers.push(
            this.trigger(
              'S3',
              receiverId(this.ts, n, this.src, 'addEventNotification') ?? 'Bucket',
              n,
              t,
              undefined,
              undefined,
            ),
          );
        return;
      }
      case 'aws-sns-subscriptions.LambdaSubscription': {
        const t = this.target(args[0]);
        if (t)
          t.fn.triggers.push(
            this.trigger(
              'SNS',
              receiverId(this.ts, n, this.src, 'addSubscription') ?? 'Topic',
              n,
              t,
              undefined,
              undefined,
            ),
          );
        return;
      }
      case 'aws-lambda.FunctionUrl': {
        const c = this.construct(n, cls);
        const t = this.target(c.props?.entries.get('function')?.valueNode);
        if (t) this.functionUrl(t, c.props, n);
        return;
      }
      case 'aws-lambda.Alias': {
        const c = this.construct(n, cls);
        const t = this.target(c.props?.entries.get('version')?.valueNode);
        if (!t) return;
        t.fn.aliases.push({
          name: this.str(c.props, 'aliasName') ?? this.unresolved('aliasName is not set', n),
          logicalId: c.id,
          provisionedConcurrency: this.num(c.props, 'provisionedConcurrentExecutions'),
          functionVersion: this.unresolved(
            'the version is published at deploy time',
            c.props?.entries.get('version')?.valueNode ?? n,
          ),
          versionLogicalId: undefined,
          routing: undefined,
          uri: this.uri,
          span: c.idSpan,
        });
        return;
      }
      case 'aws-lambda.Version': {
        const c = this.construct(n, cls);
        const t = this.target(c.props?.entries.get('lambda')?.valueNode);
        if (t)
          t.fn.versions.push({
            logicalId: c.id,
            span: c.idSpan,
            provisionedConcurrency: this.num(c.props, 'provisionedConcurrentExecutions'),
          });
        return;
      }
      case 'aws-lambda.EventInvokeConfig': {
        const c = this.construct(n, cls);
        const t = this.target(c.props?.entries.get('function')?.valueNode);
        if (t && c.props) t.fn.asyncProps.push(c.props);
        return;
      }
      default:
        return;
    }
  }

  /** `fn.addEventSource(…)`, `fn.addFunctionUrl(…)`, `fn.addAlias(…)`, `fn.configureAsyncInvoke(…)`, `fn.addEnvironment(…)`; grants. */
  private method(call: TS.CallExpression): void {
    const access = call.expression as TS.PropertyAccessExpression;
    const name = access.name.text;
    if (name === 'grant' || /^grant[A-Z]/.test(name)) return this.grantCall(call, access, name);
    if (name === 'addToRolePolicy') {
      const t = this.target(access.expression);
      if (t) t.fn.grants.push(...this.statementGrants(call.arguments[0], call));
      return;
    }
    if (ROLE_METHODS.has(name)) return this.roleCall(call, access, name);
    if (!/^(addEventSource|addFunctionUrl|addAlias|configureAsyncInvoke|addEnvironment)$/.test(name)) return;
    const t = this.target(access.expression);
    if (!t) return;
    const args = call.arguments;
    if (name === 'addEventSource') this.eventSource(t, args[0]);
    else if (name === 'addFunctionUrl') this.functionUrl(t, this.src.propsOf(args[0]), call);
    else if (name === 'configureAsyncInvoke') {
      const p = this.src.propsOf(args[0]);
      if (p) t.fn.asyncProps.push(p);
    } else if (name === 'addEnvironment' && args[0] && args[1]) {
      const k = this.src.value(args[0]);
      if (k.k !== 'str') return;
      const v = this.src.value(args[1]);
      t.fn.extraEnv.push({
        name: k.v,
        nameSpan: this.span(args[0]),
        value:
          v.k === 'str'
            ? { value: v.v, span: this.span(args[1]), uri: this.uri }
            : this.unresolved(v.k === 'unknown' ? v.why : 'not a string', args[1]),
        uri: this.uri,
      });
    } else if (name === 'addAlias') {
      const aliasName = args[0] ? this.src.value(args[0]) : undefined;
      const opts = this.src.propsOf(args[1]);
      const at = args[0] ?? call;
      t.fn.aliases.push({
        name:
          aliasName?.k === 'str'
            ? { value: aliasName.v, span: this.span(at), uri: this.uri }
            : this.unresolved('the alias name is not a constant', at),
        logicalId: aliasName?.k === 'str' ? `Alias${aliasName.v}` : undefined,
        provisionedConcurrency: this.num(opts, 'provisionedConcurrentExecutions'),
        functionVersion: this.unresolved('the current version, published at deploy time', call),
        versionLogicalId: undefined,
        routing: undefined,
        uri: this.uri,
        span: this.span(at),
      });
    }
  }

  /**
   * `resource.grantX(fn)`: the actions the CDK adds to fn's role (grants.ts), on the resource;
   * `resource.grant(fn, 'service:Action', …)` with its actions. Grants to anything else than a
   * function of this file are not the reader's concern; an unknown method makes the role unknown.
   */
  private grantCall(call: TS.CallExpression, access: TS.PropertyAccessExpression, name: string): void {
    const t = this.target(call.arguments[0]);
    if (!t) return;
    const receiver = this.src.value(access.expression);
    const cls =
      receiver.k === 'new'
        ? receiver.cls
        : receiver.k === 'call'
          ? importedClass(receiver.fn)
          : receiver.k === 'member'
            ? receiver.name
            : undefined;
    const resourceIds = receiver.k === 'new' ? [this.idOf(access.expression) ?? ''].filter((x) => x !== '') : [];
    const label = `${short(access.expression.getText(this.src.sf))}.${name}(…)`;
    let actions: readonly string[] | undefined;
    if (name === 'grant') {
      const list = call.arguments.slice(1).map((a) => this.strings(a));
      actions = list.every((x): x is string[] => x !== undefined) ? list.flat() : undefined;
    } else actions = cls !== undefined ? GRANTS[cls]?.[name] : undefined;
    t.fn.grants.push(
      actions !== undefined
        ? { kind: 'statement', name: label, actions, resourceIds, span: this.span(call), uri: this.uri }
        : this.unknownGrant(`${label}, whose permissions Lambda Lens does not know`, call),
    );
  }

  /** `fn.role?.addManagedPolicy(ManagedPolicy.fromAwsManagedPolicyName('…'))`, `fn.role!.addToPrincipalPolicy(statement)`. */
  private roleCall(call: TS.CallExpression, access: TS.PropertyAccessExpression, name: string): void {
    const roleExpr = unwrap(this.ts, access.expression);
    if (!this.ts.isPropertyAccessExpression(roleExpr) || roleExpr.name.text !== 'role') return;
    const t = this.target(roleExpr.expression);
    if (!t) return;
    const arg = call.arguments[0];
    if (name === 'addManagedPolicy') {
      const v = this.src.value(arg);
      const policy =
        v.k === 'call' && v.fn === 'aws-iam.ManagedPolicy.fromAwsManagedPolicyName'
          ? this.strings(v.node.arguments[0])
          : undefined;
      const policyName = policy?.length === 1 ? policy[0]?.split('/').pop() : undefined;
      t.fn.grants.push(
        policyName !== undefined
          ? { kind: 'managed', name: policyName, actions: [], resourceIds: [], span: this.span(call), uri: this.uri }
          : this.unknownGrant('a managed policy that is not an AWS managed policy named in the source', call),
      );
    } else if (name === 'addToPrincipalPolicy' || name === 'addToPolicy') {
      t.fn.grants.push(...this.statementGrants(arg, call));
    } else t.fn.grants.push(this.unknownGrant(`\`${short(call.getText(this.src.sf))}\``, call));
  }

  /** Later `statement.addActions(…)` calls, by statement; `undefined` when one cannot be read. */
  private readonly addedActions = new Map<TS.NewExpression, string[] | undefined>();

  private statementCall(call: TS.CallExpression): void {
    const access = call.expression as TS.PropertyAccessExpression;
    const name = access.name.text;
    if (!/^(addActions|addNotActions|addNotResources|addNotPrincipals|addPrincipals)$/.test(name)) return;
    const v = this.src.value(access.expression);
    if (v.k !== 'new' || v.cls !== 'aws-iam.PolicyStatement') return;
    if (name !== 'addActions') {
      if (name === 'addNotActions') this.addedActions.set(v.node, undefined);
      return;
    }
    const list = call.arguments.map((a) => this.strings(a));
    const known = list.every((x): x is string[] => x !== undefined);
    const prev = this.addedActions.has(v.node) ? this.addedActions.get(v.node) : [];
    this.addedActions.set(v.node, known && prev !== undefined ? [...prev, ...list.flat()] : undefined);
  }

  /** The grants of a `new iam.PolicyStatement({ actions, resources })` (Allow; a Deny statement grants nothing). */
  private statementGrants(expr: TS.Expression | undefined, at: TS.Node): PolicyGrant[] {
    const v = this.src.value(expr);
    if (v.k !== 'new' || v.cls !== 'aws-iam.PolicyStatement')
      return [this.unknownGrant('a policy statement that is not read statically', expr ?? at)];
    const p = this.src.propsOf(v.node.arguments?.[0]);
    const span = this.span(expr ?? at);
    if (p && p.unknownSpreads.length > 0) return [this.unknownGrant('a statement built from a spread', expr ?? at)];
    const effect = this.entryValue(p, 'effect');
    if (effect !== undefined) {
      if (effect.k === 'member' && /\.Effect\.DENY$/.test(effect.name)) return [];
      if (!(effect.k === 'member' && /\.Effect\.ALLOW$/.test(effect.name)))
        return [this.unknownGrant('a statement whose effect is not a constant', expr ?? at)];
    }
    if (p?.entries.has('notActions')) return [this.unknownGrant('a notActions statement', expr ?? at)];
    const actions = p?.entries.has('actions') ? this.strings(p.entries.get('actions')?.valueNode) : [];
    const added = this.addedActions.has(v.node) ? this.addedActions.get(v.node) : [];
    if (actions === undefined || added === undefined)
      return [this.unknownGrant('a statement whose actions are not constants', expr ?? at)];
    const resources = p?.entries.get('resources')?.valueNode;
    const all = [...actions, ...added];
    return [
      {
        kind: 'statement',
        name: 'a PolicyStatement',
        actions: all,
        resourceIds: resources ? this.mentionedIds(resources) : [],
        statements: [allowStatement(all, resources ? this.resourcePatterns(resources) : [token('unknown:resource')])],
        span,
        uri: this.uri,
      },
    ];
  }

  /**
   * A statement's `resources` as the IAM evaluator compares them (iam.ts `token`): string
   * constants as written (`'*'`), a construct's attribute as a token for it (`${Orders.Arn}`),
   * anything else as an unknown value.
   */
  private resourcePatterns(expr: TS.Expression): string[] {
    const ts = this.ts;
    const e = unwrap(ts, expr);
    const items = ts.isArrayLiteralExpression(e) ? e.elements : [e];
    return items.map((item) => {
      const literal = ts.isSpreadElement(item) ? undefined : this.strings(item);
      if (literal?.length === 1 && literal[0] !== undefined) return literal[0];
      const ids = this.mentionedIds(item);
      return ids.length === 1 ? token(`${ids[0] ?? ''}.Arn`) : token('unknown:resource');
    });
  }

  /** String constants, alone or in arrays (spreads of constant arrays followed); `undefined` when any is not one. */
  private strings(expr: TS.Expression | undefined, depth = 0): string[] | undefined {
    if (expr === undefined || depth > 12) return undefined;
    const ts = this.ts;
    const e = unwrap(ts, expr);
    if (ts.isIdentifier(e)) {
      const init = this.src.constant(e);
      return init !== undefined ? this.strings(init, depth + 1) : undefined;
    }
    if (ts.isArrayLiteralExpression(e)) {
      const out: string[] = [];
      for (const el of e.elements) {
        const part = ts.isSpreadElement(el) ? this.strings(el.expression, depth + 1) : this.strings(el, depth + 1);
        if (part === undefined) return undefined;
        out.push(...part);
      }
      return out;
    }
    const v = this.src.value(e);
    return v.k === 'str' ? [v.v] : undefined;
  }

  /** Construct ids whose attributes (`table.tableArn`, `` `${bucket.bucketArn}/*` ``) an expression uses. */
  private mentionedIds(expr: TS.Node): string[] {
    const ts = this.ts;
    const out = new Set<string>();
    const visit = (n: TS.Node): void => {
      if (ts.isPropertyAccessExpression(n)) {
        const v = this.src.value(n.expression);
        if (v.k === 'new') {
          const id = this.idOf(n.expression);
          if (id !== undefined) out.add(id);
          return;
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(expr);
    return [...out];
  }

  private unknownGrant(name: string, at: TS.Node): PolicyGrant {
    return { kind: 'unknown', name, actions: [], resourceIds: [], span: this.span(at), uri: this.uri };
  }

  /**
   * Every use of the function in the file that the reader does not follow (passed to a helper,
   * put in a list, returned, handed to an unknown construct, its `role` or `grantPrincipal`
   * taken) may add to its role: the role becomes unknown, and role rules stay silent.
   */
  private uses(f: FunctionParts): void {
    const ts = this.ts;
    const node = f.c.node;
    const decl = climb(ts, node);
    const parent = decl.parent;
    let name: { kind: 'var' | 'field'; text: string } | undefined;
    if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name))
      name = { kind: 'var', text: parent.name.text };
    else if (
      ts.isBinaryExpression(parent) &&
      parent.right === decl &&
      ts.isPropertyAccessExpression(parent.left) &&
      parent.left.expression.kind === ts.SyntaxKind.ThisKeyword
    )
      name = { kind: 'field', text: parent.left.name.text };
    else if (ts.isPropertyDeclaration(parent) && ts.isIdentifier(parent.name))
      name = { kind: 'field', text: parent.name.text };
    else if (!ts.isExpressionStatement(parent) && !this.knownHolder(parent)) {
      f.grants.push(this.unknownGrant(`function ${f.c.id} is created where its uses cannot be followed`, node));
      return;
    }
    if (name === undefined) return;
    const nm = name;
    const visit = (n: TS.Node): void => {
      const isRef =
        nm.kind === 'var'
          ? ts.isIdentifier(n) && n.text === nm.text && !isDeclarationName(ts, n)
          : ts.isPropertyAccessExpression(n) &&
            n.expression.kind === ts.SyntaxKind.ThisKeyword &&
            n.name.text === nm.text;
      if (isRef) {
        const expr = n as TS.Expression;
        const v = this.src.value(expr);
        if (v.k === 'new' && v.node === node) {
          const why = this.escapes(expr);
          if (why !== undefined) f.grants.push(this.unknownGrant(why, expr));
        }
        return;
      }
      ts.forEachChild(n, visit);
    };
    visit(this.src.sf);
  }

  /** Why a reference to a function may change its role, or `undefined` when the use is one the reader follows. */
  private escapes(ref: TS.Expression): string | undefined {
    const ts = this.ts;
    const at = climb(ts, ref);
    const parent = at.parent;
    const text = short(parent.getText(this.src.sf));
    // The left side of its own assignment (`this.fn = new …`), and a bare statement.
    if (ts.isBinaryExpression(parent) && parent.left === at) return undefined;
    if (ts.isExpressionStatement(parent)) return undefined;
    if (ts.isPropertyAccessExpression(parent) && parent.expression === at) {
      const prop = parent.name.text;
      if (prop !== 'role' && prop !== 'grantPrincipal') return undefined;
      const use = climb(ts, parent).parent;
      if (
        prop === 'role' &&
        ts.isPropertyAccessExpression(use) &&
        ROLE_METHODS.has(use.name.text) &&
        ts.isCallExpression(use.parent) &&
        use.parent.expression === use
      )
        return undefined;
      return `\`${text}\` may change the role of the function`;
    }
    if (ts.isCallExpression(parent) && parent.expression !== at) {
      const callee = parent.expression;
      if (ts.isPropertyAccessExpression(callee) && /^grant/.test(callee.name.text)) return undefined;
      if (this.src.qualify(callee) === 'cdk.Tags.of') return undefined;
      // Security group rules (`db.connections.allowDefaultPortFrom(fn)`) are network, not IAM.
      if (
        ts.isPropertyAccessExpression(callee) &&
        /^allow/.test(callee.name.text) &&
        ts.isPropertyAccessExpression(callee.expression) &&
        callee.expression.name.text === 'connections'
      )
        return undefined;
      return `the function is passed to \`${short(callee.getText(this.src.sf))}\`, which may grant its role permissions`;
    }
    if (ts.isNewExpression(parent) && this.knownHolder(parent)) return undefined;
    if ((ts.isPropertyAssignment(parent) || ts.isShorthandPropertyAssignment(parent)) && this.knownHolder(at))
      return undefined;
    if (ts.isTemplateSpan(parent)) return undefined;
    return `\`${text}\` may give the function permissions Lambda Lens cannot see`;
  }

  /** True when a node is (or is a prop in the props of) a `new` of a construct that only invokes the function. */
  private knownHolder(n: TS.Node): boolean {
    const ts = this.ts;
    let x: TS.Node | undefined = n;
    for (let i = 0; x !== undefined && i < 6; i++) {
      if (ts.isNewExpression(x)) return INVOKERS.has(this.src.qualify(x.expression) ?? '');
      if (
        i > 0 &&
        !ts.isObjectLiteralExpression(x) &&
        !ts.isPropertyAssignment(x) &&
        !ts.isShorthandPropertyAssignment(x)
      )
        return false;
      x = x.parent;
    }
    return false;
  }

  private functionUrl(t: Target, props: Props | undefined, at: TS.Node): void {
    const span = this.span(at);
    // FunctionUrlOptions.authType defaults to AWS_IAM (aws-cdk-lib.aws_lambda.FunctionUrlOptions).
    const authType = this.setting(props, 'authType', (v) =>
      v.k === 'member' && /\.FunctionUrlAuthType\.(NONE|AWS_IAM)$/.test(v.name) ? v.name.split('.').pop() : undefined,
    );
    t.fn.functionUrl = { authType: authType ?? { value: 'AWS_IAM', span, uri: this.uri }, span, uri: this.uri };
    t.fn.triggers.push(this.trigger('FunctionUrl', 'FunctionUrl', at, t, undefined, undefined));
  }

  private eventSource(t: Target, arg: TS.Expression | undefined): void {
    if (arg === undefined) return;
    const v = this.src.value(arg);
    if (v.k !== 'new') return;
    const args = v.node.arguments ?? [];
    const props = this.src.propsOf(args[1]);
    const sourceId = this.idOf(args[0]);
    const type = {
      'aws-lambda-event-sources.SqsEventSource': 'SQS',
      'aws-lambda-event-sources.DynamoEventSource': 'DynamoDB',
      'aws-lambda-event-sources.KinesisEventSource': 'Kinesis',
      'aws-lambda-event-sources.S3EventSource': 'S3',
      'aws-lambda-event-sources.S3EventSourceV2': 'S3',
      'aws-lambda-event-sources.SnsEventSource': 'SNS',
      'aws-lambda-event-sources.ManagedKafkaEventSource': 'MSK',
      'aws-lambda-event-sources.SelfManagedKafkaEventSource': 'SelfManagedKafka',
      'aws-lambda-event-sources.ApiEventSource': 'Api',
    }[v.cls];
    if (type === undefined) return;
    const node = v.node;
    if (type === 'S3' || type === 'SNS' || type === 'Api') {
      t.fn.triggers.push(this.trigger(type, sourceId ?? type, node, t, undefined, undefined));
      return;
    }
    const reportFailures = this.setting(props, 'reportBatchItemFailures', (x) =>
      x.k === 'bool' ? (x.v ? ['ReportBatchItemFailures'] : []) : undefined,
    );
    const onFailureEntry = props?.entries.get('onFailure');
    const mapping: EventSourceMappingModel = {
      batchSize: this.num(props, 'batchSize'),
      maximumBatchingWindowInSeconds: this.seconds(props, 'maxBatchingWindow'),
      functionResponseTypes:
        reportFailures !== undefined && 'value' in reportFailures && reportFailures.value.length === 0
          ? undefined
          : reportFailures,
      parallelizationFactor: this.num(props, 'parallelizationFactor'),
      maximumRetryAttempts: this.num(props, 'retryAttempts'),
      maximumRecordAgeInSeconds: this.seconds(props, 'maxRecordAge'),
      bisectBatchOnFunctionError: this.bool(props, 'bisectBatchOnError'),
      tumblingWindowInSeconds: this.seconds(props, 'tumblingWindow'),
      startingPosition: this.setting(props, 'startingPosition', (x) =>
        x.k === 'member' ? x.name.split('.').pop() : undefined,
      ),
      maximumConcurrency: this.num(props, 'maxConcurrency'),
      onFailure: onFailureEntry
        ? this.destination(onFailureEntry.valueNode)
        : props?.unknownSpreads[0]
          ? this.unknownDestination(props.unknownSpreads[0])
          : undefined,
      enabled: this.bool(props, 'enabled'),
      source: args[0] ? this.unresolved('the ARN is known at deploy time', args[0]) : undefined,
      queue: type === 'SQS' ? this.queueOf(args[0]) : undefined,
    };
    const trigger = this.trigger(type, sourceId ?? type, node, t, mapping, undefined);
    t.fn.triggers.push(trigger);
    this.addSites(props, MAPPING_PROPS, 'mapping', { functionId: t.fn.c.id, trigger });
  }

  private trigger(
    type: string,
    name: string,
    at: TS.Node,
    t: Target,
    mapping: EventSourceMappingModel | undefined,
    method: string | undefined,
  ): Trigger {
    return {
      type,
      name,
      invocation: EVENT_TYPES[type]?.invocation ?? 'sync',
      uri: this.uri,
      span: this.span(at),
      definedBy: 'event',
      mapping,
      path: undefined,
      method,
      qualifier: t.qualified ? 'qualified' : 'unqualified',
    };
  }

  /** `new SqsDestination(q)`, `new SqsDlq(q)`, a queue or topic (deadLetterQueue / deadLetterTopic). */
  private destination(expr: TS.Expression): DestinationModel {
    const v = this.src.value(expr);
    const span = this.span(expr);
    const typeOf: Record<string, string> = {
      'aws-lambda-destinations.SqsDestination': 'SQS',
      'aws-lambda-destinations.SnsDestination': 'SNS',
      'aws-lambda-destinations.LambdaDestination': 'Lambda',
      'aws-lambda-destinations.EventBridgeDestination': 'EventBridge',
      'aws-lambda-event-sources.SqsDlq': 'SQS',
      'aws-lambda-event-sources.SnsDlq': 'SNS',
      'aws-lambda-event-sources.S3OnFailureDestination': 'S3',
      'aws-sqs.Queue': 'SQS',
      'aws-sns.Topic': 'SNS',
    };
    const type = v.k === 'new' ? typeOf[v.cls] : undefined;
    const inner =
      v.k === 'new' && v.cls !== 'aws-sqs.Queue' && v.cls !== 'aws-sns.Topic' ? v.node.arguments?.[0] : expr;
    return {
      type:
        type !== undefined
          ? { value: type, span, uri: this.uri }
          : this.unresolved('the destination is not read statically', expr),
      target: this.unresolved('the ARN is known at deploy time', inner ?? expr),
      targetLogicalId: this.idOf(inner),
      span,
      uri: this.uri,
    };
  }

  private unknownDestination(n: TS.Node): DestinationModel {
    return {
      type: this.unresolved('may be set by a spread that is not read statically', n),
      target: undefined,
      targetLogicalId: undefined,
      span: this.span(n),
      uri: this.uri,
    };
  }

  private functionModel(f: FunctionParts): FunctionModel {
    const { c, kind } = f;
    const p = c.props;
    const span = this.span(c.node);
    const code = p?.entries.get('code');
    const codeValue = code ? this.src.value(code.valueNode) : undefined;
    const inlineCode =
      (codeValue?.k === 'call' && /\.Code\.fromInline$/.test(codeValue.fn)) ||
      (codeValue?.k === 'new' && codeValue.cls === 'aws-lambda.InlineCode');
    let codeUri: Setting<string> | undefined;
    let entry: Setting<string> | undefined;
    let handler: Setting<string> | undefined;
    if (kind === 'function' && code) {
      // Code.fromAsset(dir), AssetCode.fromAsset(dir), new AssetCode(dir): a local folder (or .zip).
      const assetArg =
        codeValue?.k === 'call' && /\.(Code|AssetCode)\.(fromAsset|asset)$/.test(codeValue.fn)
          ? codeValue.node.arguments[0]
          : codeValue?.k === 'new' && codeValue.cls === 'aws-lambda.AssetCode'
            ? codeValue.node.arguments?.[0]
            : undefined;
      if (assetArg !== undefined) {
        const dir = this.src.pathOf(this.src.value(assetArg));
        codeUri =
          dir !== undefined
            ? { value: dir, span: this.span(code.valueNode), uri: this.uri }
            : this.unresolved('the asset path is not a constant', code.valueNode);
      } else if (!inlineCode)
        codeUri = this.unresolved(
          codeValue?.k === 'unknown' ? codeValue.why : 'the code is not a local asset folder',
          code.valueNode,
        );
    }
    if (kind === 'function') handler = this.str(p, 'handler');
    if (kind === 'nodejs') {
      // NodejsFunctionProps.entry defaults to `<defining file>.<id>.ts` (or .js) beside the stack file.
      const stackBase = basename(this.src.path).replace(/\.[cm]?[jt]sx?$/i, '');
      entry = this.setting(p, 'entry', (v) => this.src.pathOf(v)) ?? {
        value: join(dirname(this.src.path), `${stackBase}.${c.id}`),
        span: c.idSpan,
        uri: this.uri,
      };
      const h = this.setting(p, 'handler', (v) => (v.k === 'str' ? v.v : undefined));
      // The bundle is index.js; NodejsFunctionProps.handler (default `handler`) is the export's name.
      handler =
        h === undefined
          ? { value: 'index.handler', span: 'value' in entry ? entry.span : c.idSpan, uri: this.uri }
          : 'value' in h
            ? { ...h, value: `index.${h.value.split('.').pop() ?? ''}` }
            : h;
    }
    if (kind === 'python') {
      codeUri = this.setting(p, 'entry', (v) => this.src.pathOf(v));
      const index = this.entryValue(p, 'index');
      const fnName = this.entryValue(p, 'handler');
      // PythonFunctionProps: index defaults to index.py, handler to `handler`.
      if ((index === undefined || index.k === 'str') && (fnName === undefined || fnName.k === 'str')) {
        const mod = (index?.k === 'str' ? index.v : 'index.py').replace(/\.py$/, '').replace(/\//g, '.');
        const at =
          p?.entries.get('handler')?.valueNode ??
          p?.entries.get('index')?.valueNode ??
          p?.entries.get('entry')?.valueNode;
        handler = {
          value: `${mod}.${fnName?.k === 'str' ? fnName.v : 'handler'}`,
          span: at ? this.span(at) : c.idSpan,
          uri: this.uri,
        };
      } else
        handler = this.unresolved('index or handler is not a constant', p?.entries.get('handler')?.valueNode ?? c.node);
    }
    let runtime = this.setting(p, 'runtime', (v) => runtimeId(v, this.src), 'runtime');
    if (
      runtime !== undefined &&
      'unknown' in runtime &&
      /NODEJS_LATEST$/.test(this.src.sf.text.slice(runtime.span.start, runtime.span.end))
    ) {
      runtime = {
        ...runtime,
        unknown: 'Runtime.NODEJS_LATEST is the newest Node.js runtime the installed aws-cdk-lib knows',
      };
    }
    if (runtime === undefined && (kind === 'nodejs' || kind === 'python')) {
      runtime = {
        unknown: `the default runtime of ${c.cls.split('.').pop() ?? ''} depends on the CDK version`,
        span: c.idSpan,
        uri: this.uri,
      };
    }
    const arch = this.setting(p, 'architecture', (v) =>
      v.k === 'member' && /\.Architecture\.(ARM_64|X86_64)$/.test(v.name)
        ? [v.name.endsWith('ARM_64') ? 'arm64' : 'x86_64']
        : undefined,
    );
    const asyncConfig = this.asyncConfig(f);
    const dlq = p?.entries.get('deadLetterQueue') ?? p?.entries.get('deadLetterTopic');
    const dlqEnabled = this.entryValue(p, 'deadLetterQueueEnabled');
    const deadLetterQueue = dlq
      ? this.destination(dlq.valueNode)
      : dlqEnabled?.k === 'bool' && dlqEnabled.v
        ? {
            type: {
              value: 'SQS',
              span: this.span(p?.entries.get('deadLetterQueueEnabled')?.valueNode ?? c.node),
              uri: this.uri,
            },
            target: undefined,
            targetLogicalId: undefined,
            span: this.span(p?.entries.get('deadLetterQueueEnabled')?.nameNode ?? c.node),
            uri: this.uri,
          }
        : p?.unknownSpreads[0] !== undefined
          ? this.unknownDestination(p.unknownSpreads[0])
          : undefined;
    const currentVersion = p?.entries.get('currentVersionOptions');
    const versions = [...f.versions];
    if (currentVersion) {
      const cv = this.src.propsOf(currentVersion.valueNode);
      versions.push({
        logicalId: `${c.id}CurrentVersion`,
        span: this.span(currentVersion.nameNode),
        provisionedConcurrency: this.num(cv, 'provisionedConcurrentExecutions'),
      });
    }
    const vpc = this.setting(p, 'vpc', (v) => (v.k === 'new' || v.k === 'call' ? (true as const) : undefined));
    this.addSites(p, FUNCTION_PROPS, 'function', { functionId: c.id });
    for (const a of f.asyncProps) this.addSites(a, FUNCTION_PROPS, 'function', { functionId: c.id });
    return {
      logicalId: c.id,
      uri: this.uri,
      kind: 'cdk',
      resourceType: 'AWS::Lambda::Function',
      idSpan: c.idSpan,
      span,
      handler,
      runtime,
      codeUri,
      inlineCode,
      ...(entry !== undefined ? { entry } : {}),
      packageType: kind === 'image' ? { value: 'Image', span: c.idSpan, uri: this.uri } : undefined,
      architectures:
        arch ?? this.setting<readonly string[]>(p, 'architectures', (v) => (v.k === 'arr' ? undefined : undefined)),
      memorySize: this.num(p, 'memorySize'),
      timeout: this.seconds(p, 'timeout'),
      ephemeralStorage: this.setting(p, 'ephemeralStorageSize', (v) => (v.k === 'size' ? v.mib : undefined)),
      environment: this.environment(f),
      layers: this.setting(p, 'layers', (v) =>
        v.k === 'arr' ? v.items.map((i) => this.unresolved('a layer version ARN, known at deploy time', i)) : undefined,
      ),
      role: p?.entries.has('role')
        ? this.unresolved('the role is another construct', p.entries.get('role')?.valueNode ?? c.node)
        : undefined,
      reservedConcurrency: this.num(p, 'reservedConcurrentExecutions'),
      provisionedConcurrency: undefined,
      autoPublishAlias: undefined,
      autoPublishCodeSha256: undefined,
      versionDescription: undefined,
      deploymentPreference: undefined,
      snapStart: this.setting(p, 'snapStart', (v) =>
        v.k === 'member' && v.name.endsWith('ON_PUBLISHED_VERSIONS') ? 'PublishedVersions' : undefined,
      ),
      versions,
      aliases: f.aliases,
      asyncConfig,
      deadLetterQueue,
      vpcConfig: vpc,
      vpc: undefined,
      executionRole: this.executionRole(f, vpc !== undefined, deadLetterQueue, asyncConfig),
      functionUrl: f.functionUrl,
      triggers: f.triggers,
    };
  }

  /**
   * The role the CDK creates for a function without `role` (aws-cdk-lib.aws_lambda.FunctionProps.role):
   * AWSLambdaBasicExecutionRole, AWSLambdaVPCAccessExecutionRole with a `vpc`, what its event
   * sources, destinations, dead-letter target and tracing need, `initialPolicy`, and the grants
   * of the file. A function given a `role` has one the reader does not follow (`external`).
   */
  private executionRole(
    f: FunctionParts,
    vpc: boolean,
    dlq: DestinationModel | undefined,
    asyncConfig: AsyncConfigModel | undefined,
  ): ExecutionRoleModel {
    const { c } = f;
    const p = c.props;
    const roleEntry = p?.entries.get('role');
    if (roleEntry !== undefined)
      return {
        managedBy: 'external',
        roleLogicalId: undefined,
        span: this.span(roleEntry.valueNode),
        uri: this.uri,
        grants: [],
      };
    const at = c.idSpan;
    const grants: PolicyGrant[] = [
      { kind: 'managed', name: BASIC_EXECUTION_POLICY, actions: [], resourceIds: [], span: at, uri: this.uri },
    ];
    if (vpc)
      grants.push({ kind: 'managed', name: SAM_VPC_POLICY, actions: [], resourceIds: [], span: at, uri: this.uri });
    const implied = (name: string, actions: readonly string[], span: Span, ids: readonly string[] = []) =>
      grants.push({ kind: 'statement', name, actions, resourceIds: ids, span, uri: this.uri });
    for (const spread of p?.unknownSpreads ?? [])
      grants.push(this.unknownGrant('the props may set role or initialPolicy through a spread', spread));
    if (p?.entries.has('tracing'))
      implied('tracing', IMPLIED.xray, this.span(p.entries.get('tracing')?.nameNode ?? c.node));
    for (const name of ['filesystem', 'paramsAndSecrets', 'adotInstrumentation']) {
      const e = p?.entries.get(name);
      if (e) grants.push(this.unknownGrant(`${name}, which adds permissions of its own`, e.nameNode));
    }
    const initial = p?.entries.get('initialPolicy');
    if (initial) {
      const v = this.src.value(initial.valueNode);
      if (v.k === 'arr' && !unwrapHasSpread(this.ts, initial.valueNode))
        for (const item of v.items) grants.push(...this.statementGrants(item, item));
      else grants.push(this.unknownGrant('initialPolicy is not a list of statements', initial.valueNode));
    }
    const destinations = [dlq, asyncConfig?.onSuccess, asyncConfig?.onFailure];
    for (const t of f.triggers) {
      const need = IMPLIED[t.type as 'SQS' | 'DynamoDB' | 'Kinesis'] as readonly string[] | undefined;
      if (t.mapping !== undefined) {
        if (need !== undefined)
          implied(`${t.type} event source`, need, t.span, t.mapping.queue ? [t.mapping.queue.logicalId] : []);
        else
          grants.push({
            kind: 'unknown',
            name: `the ${t.type} event source, whose permissions Lambda Lens does not know`,
            actions: [],
            resourceIds: [],
            span: t.span,
            uri: this.uri,
          });
        destinations.push(t.mapping.onFailure);
      }
    }
    for (const d of destinations) {
      if (d === undefined) continue;
      const type = d.type !== undefined && 'value' in d.type ? d.type.value : undefined;
      const need =
        type === 'SQS'
          ? IMPLIED.sendSQS
          : type === 'SNS'
            ? IMPLIED.sendSNS
            : type === 'Lambda'
              ? IMPLIED.sendLambda
              : type === 'EventBridge'
                ? IMPLIED.sendEventBridge
                : undefined;
      if (need !== undefined)
        grants.push({
          kind: 'statement',
          name: `the ${type ?? ''} destination`,
          actions: need,
          resourceIds: d.targetLogicalId !== undefined ? [d.targetLogicalId] : [],
          span: d.span,
          uri: this.uri,
        });
      else
        grants.push({
          kind: 'unknown',
          name: 'a destination whose permissions Lambda Lens does not know',
          actions: [],
          resourceIds: [],
          span: d.span,
          uri: this.uri,
        });
    }
    grants.push(...f.grants);
    // What each grant allows, for the IAM evaluator: its actions on the constructs it names.
    const withStatements = grants.map((g) =>
      g.kind === 'statement' && g.statements === undefined
        ? {
            ...g,
            statements: [
              allowStatement(
                g.actions,
                g.resourceIds.length > 0 ? g.resourceIds.map((id) => token(`${id}.Arn`)) : [token('unknown:resource')],
              ),
            ],
          }
        : g,
    );
    return { managedBy: 'sam', roleLogicalId: undefined, span: at, uri: this.uri, grants: withStatements };
  }

  /**
   * Values the source leaves Unresolved, taken from the last synth when it has the construct
   * (`memorySize: props.memory` → the synthesized MemorySize), still located at the prop.
   */
  private fromSynth(fn: FunctionModel): FunctionModel {
    const props = this.synth?.get(fn.logicalId);
    if (props === undefined) return fn;
    const fill = <T>(s: Setting<T> | undefined, v: unknown, ok: (x: unknown) => x is T): Setting<T> | undefined =>
      s !== undefined && 'unknown' in s && ok(v) ? { value: v, span: s.span, uri: s.uri } : s;
    const isNum = (x: unknown): x is number => typeof x === 'number';
    const isStr = (x: unknown): x is string => typeof x === 'string';
    const isStrs = (x: unknown): x is readonly string[] => Array.isArray(x) && x.every((i) => typeof i === 'string');
    const storage = props.EphemeralStorage;
    return {
      ...fn,
      memorySize: fill(fn.memorySize, props.MemorySize, isNum),
      timeout: fill(fn.timeout, props.Timeout, isNum),
      runtime: fill(fn.runtime, props.Runtime, isStr),
      reservedConcurrency: fill(fn.reservedConcurrency, props.ReservedConcurrentExecutions, isNum),
      architectures: fill(fn.architectures, props.Architectures, isStrs),
      ephemeralStorage: fill(
        fn.ephemeralStorage,
        typeof storage === 'object' && storage !== null ? (storage as { Size?: unknown }).Size : undefined,
        isNum,
      ),
    };
  }

  private environment(f: FunctionParts): EnvironmentModel | undefined {
    const e = f.c.props?.entries.get('environment');
    if (e === undefined && f.extraEnv.length === 0) return undefined;
    const props = e ? this.src.propsOf(e.valueNode) : undefined;
    const variables: EnvironmentVariable[] = [];
    for (const [name, entry] of props?.entries ?? []) {
      const v = this.src.value(entry.valueNode);
      variables.push({
        name,
        nameSpan: this.span(entry.nameNode),
        value:
          v.k === 'str'
            ? { value: v.v, span: this.span(entry.valueNode), uri: this.uri }
            : this.unresolved(v.k === 'unknown' ? v.why : 'not a string', entry.valueNode),
        uri: this.uri,
      });
    }
    variables.push(...f.extraEnv);
    return {
      variables,
      span: this.span(e?.valueNode ?? f.c.node),
      uri: this.uri,
      partial: (props?.unknownSpreads.length ?? 0) > 0,
    };
  }

  private asyncConfig(f: FunctionParts): AsyncConfigModel | undefined {
    const sources = [f.c.props, ...f.asyncProps].filter((p): p is Props => p !== undefined);
    const pick = (name: string) =>
      sources
        .slice()
        .reverse()
        .find((p) => p.entries.has(name));
    const names = ['retryAttempts', 'maxEventAge', 'onSuccess', 'onFailure'];
    const present = names.map((n) => pick(n)?.entries.get(n)).filter((e): e is PropEntry => e !== undefined);
    if (present.length === 0) return undefined;
    const onSuccess = pick('onSuccess')?.entries.get('onSuccess');
    const onFailure = pick('onFailure')?.entries.get('onFailure');
    return {
      maximumRetryAttempts: this.num(pick('retryAttempts'), 'retryAttempts'),
      maximumEventAgeInSeconds: this.seconds(pick('maxEventAge'), 'maxEventAge'),
      onSuccess: onSuccess ? this.destination(onSuccess.valueNode) : undefined,
      onFailure: onFailure ? this.destination(onFailure.valueNode) : undefined,
      uri: this.uri,
      span: this.span((present[0] as PropEntry).nameNode),
    };
  }
}

/**
 * `Runtime.NODEJS_20_X` → `nodejs20.x` (the names follow the runtime identifiers,
 * docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html); `new Runtime('nodejs22.x')` → its name.
 * `Runtime.NODEJS_LATEST` and unknown members are not resolved: their value depends on the CDK version.
 */
export function runtimeId(v: Value, src: StackSource): string | undefined {
  if (v.k === 'new' && v.cls === 'aws-lambda.Runtime') {
    const a = src.value(v.node.arguments?.[0]);
    return a.k === 'str' ? a.v : undefined;
  }
  if (v.k !== 'member') return undefined;
  const m = /\.Runtime\.([A-Z0-9_]+)$/.exec(v.name);
  if (!m) return undefined;
  const name = m[1] as string;
  if (name === 'NODEJS_LATEST') return undefined;
  const table: readonly [RegExp, (x: RegExpExecArray) => string][] = [
    [/^NODEJS_(\d+)_(X|\d+)$/, (x) => `nodejs${x[1]}.${(x[2] as string).toLowerCase()}`],
    [/^PYTHON_(\d)_(\d+)$/, (x) => `python${x[1]}.${x[2]}`],
    [/^JAVA_8_CORRETTO$/, () => 'java8.al2'],
    [/^JAVA_(\d+)$/, (x) => `java${x[1]}`],
    [/^RUBY_(\d)_(\d)$/, (x) => `ruby${x[1]}.${x[2]}`],
    [/^DOTNET_CORE_(\d)_(\d)$/, (x) => `dotnetcore${x[1]}.${x[2]}`],
    [/^DOTNET_(\d+)$/, (x) => `dotnet${x[1]}`],
    [/^GO_1_X$/, () => 'go1.x'],
    [/^PROVIDED$/, () => 'provided'],
    [/^PROVIDED_AL2$/, () => 'provided.al2'],
    [/^PROVIDED_AL2023$/, () => 'provided.al2023'],
  ];
  for (const [re, f] of table) {
    const x = re.exec(name);
    if (x) return f(x);
  }
  return undefined;
}

/** `resource.addMethod('GET', new LambdaIntegration(fn))`: the method, when the integration is its argument. */
function methodOf(ts: typeof TS, n: TS.NewExpression, src: StackSource): string | undefined {
  const call = n.parent;
  if (
    !call ||
    !ts.isCallExpression(call) ||
    !ts.isPropertyAccessExpression(call.expression) ||
    call.expression.name.text !== 'addMethod'
  )
    return undefined;
  const m = src.value(call.arguments[0]);
  return m.k === 'str' ? m.v : undefined;
}

/** The events.Rule (or `addTarget` receiver) a target sits in. */
function enclosingRule(ts: typeof TS, n: TS.Node, src: StackSource): TS.NewExpression | undefined {
  for (let p: TS.Node | undefined = n.parent; p; p = p.parent) {
    if (ts.isNewExpression(p) && /\.Rule$/.test(src.qualify(p.expression) ?? '')) return p;
    if (
      ts.isCallExpression(p) &&
      ts.isPropertyAccessExpression(p.expression) &&
      p.expression.name.text === 'addTarget'
    ) {
      const v = src.value(p.expression.expression);
      return v.k === 'new' ? v.node : undefined;
    }
    if (ts.isStatement(p)) return undefined;
  }
  return undefined;
}

function ruleId(ts: typeof TS, n: TS.NewExpression, src: StackSource): string | undefined {
  const rule = enclosingRule(ts, n, src);
  const id = rule?.arguments?.[1];
  const v = id ? src.value(id) : undefined;
  return v?.k === 'str' ? v.v : undefined;
}

function ruleHasSchedule(ts: typeof TS, n: TS.NewExpression, src: StackSource): boolean {
  const rule = enclosingRule(ts, n, src);
  const props = rule ? src.propsOf(rule.arguments?.[2]) : undefined;
  return props?.entries.has('schedule') === true;
}

/** `bucket.addEventNotification(…, new LambdaDestination(fn))`: the bucket's construct id. */
function receiverId(ts: typeof TS, n: TS.NewExpression, src: StackSource, method: string): string | undefined {
  const call = n.parent;
  if (
    !call ||
    !ts.isCallExpression(call) ||
    !ts.isPropertyAccessExpression(call.expression) ||
    call.expression.name.text !== method
  )
    return undefined;
  const v = src.value(call.expression.expression);
  if (v.k !== 'new') return undefined;
  const id = v.node.arguments?.[1];
  const idv = id ? src.value(id) : undefined;
  return idv?.k === 'str' ? idv.v : undefined;
}

/** An Allow statement, as the IAM evaluator reads it (model/types.ts PolicyStatement). */
function allowStatement(actions: readonly string[], resources: readonly string[]): PolicyStatement {
  return { effect: 'Allow', actions, notAction: false, resources, notResource: false, conditional: false };
}

/** True when an array literal (through brackets and assertions) has a spread element. */
function unwrapHasSpread(ts: typeof TS, e: TS.Expression): boolean {
  const x = unwrap(ts, e);
  return ts.isArrayLiteralExpression(x) && x.elements.some((el) => ts.isSpreadElement(el));
}

/** The outermost of the brackets, `!` and type assertions around an expression. */
function climb(ts: typeof TS, n: TS.Node): TS.Node {
  let x = n;
  while (
    ts.isParenthesizedExpression(x.parent) ||
    ts.isNonNullExpression(x.parent) ||
    ts.isAsExpression(x.parent) ||
    ts.isSatisfiesExpression(x.parent) ||
    ts.isTypeAssertionExpression(x.parent)
  )
    x = x.parent;
  return x;
}

/** True when an identifier names something rather than refers to a value (`a.name`, `{ name: … }`, a declaration). */
function isDeclarationName(ts: typeof TS, n: TS.Identifier): boolean {
  const p = n.parent;
  return (
    (ts.isPropertyAccessExpression(p) && p.name === n) ||
    (ts.isPropertyAssignment(p) && p.name === n) ||
    ((ts.isVariableDeclaration(p) ||
      ts.isParameter(p) ||
      ts.isBindingElement(p) ||
      ts.isFunctionDeclaration(p) ||
      ts.isClassDeclaration(p) ||
      ts.isMethodDeclaration(p) ||
      ts.isPropertyDeclaration(p) ||
      ts.isImportSpecifier(p) ||
      ts.isImportClause(p) ||
      ts.isNamespaceImport(p)) &&
      p.name === n)
  );
}

function short(s: string): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > 50 ? `${one.slice(0, 47)}…` : one;
}
