/**
 * Template values as the IAM evaluator (iam.ts) compares them: a string in which whatever
 * CloudFormation fills in at deploy time is a token (see `token` in iam.ts). `!Ref Table`
 * becomes the table's name, `!GetAtt Table.Arn` its ARN around that name, `!Sub` and
 * `!Join` are spelled out; what cannot be read becomes an unknown token, which the evaluator
 * never matches for certain.
 *
 * Return values of `Ref` and `Fn::GetAtt` per resource type, and the ARN formats, come from
 * the CloudFormation resource reference (docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-dynamodb-table.html#aws-resource-dynamodb-table-return-values
 * and the same section of each type's page) and the Service Authorization Reference
 * (docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html).
 */
import { token } from '../iam';
import { SERVERLESS_VARIABLE, get, scalarString, type TNode } from './tree';
import type { Resolver } from './resolve';

const REGION = token('AWS::Region');
const ACCOUNT = token('AWS::AccountId');

/** How a resource type names itself and what `Ref` and `Fn::GetAtt` return, given its name. */
interface TypeShape {
  /** The property that sets the physical name. */
  readonly nameProperty: string;
  readonly arn: (name: string, id: string) => string;
  /** What `Ref` returns. */
  readonly ref: (name: string, id: string) => string;
  /** Other attributes, by name. */
  readonly attributes?: Readonly<Record<string, (name: string, id: string) => string>>;
}

const name = (n: string): string => n;
const table: TypeShape = {
  nameProperty: 'TableName',
  arn: (n) => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${n}`,
  ref: name,
  attributes: {
    StreamArn: (n, id) => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${n}/stream/${token(`stream:${id}`)}`,
  },
};
const fn: TypeShape = {
  nameProperty: 'FunctionName',
  arn: (n) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${n}`,
  ref: name,
};
const stateMachine: TypeShape = {
  nameProperty: 'StateMachineName',
  arn: (n) => `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${n}`,
  ref: (n) => `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${n}`,
  attributes: { Name: name },
};

const SHAPES: Readonly<Record<string, TypeShape>> = {
  'AWS::DynamoDB::Table': table,
  'AWS::DynamoDB::GlobalTable': table,
  'AWS::Serverless::SimpleTable': table,
  'AWS::SQS::Queue': {
    nameProperty: 'QueueName',
    arn: (n) => `arn:aws:sqs:${REGION}:${ACCOUNT}:${n}`,
    ref: (n) => `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${n}`,
    attributes: { QueueName: name, QueueUrl: (n) => `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${n}` },
  },
  'AWS::SNS::Topic': {
    nameProperty: 'TopicName',
    arn: (n) => `arn:aws:sns:${REGION}:${ACCOUNT}:${n}`,
    ref: (n) => `arn:aws:sns:${REGION}:${ACCOUNT}:${n}`,
    attributes: { TopicName: name, TopicArn: (n) => `arn:aws:sns:${REGION}:${ACCOUNT}:${n}` },
  },
  'AWS::S3::Bucket': { nameProperty: 'BucketName', arn: (n) => `arn:aws:s3:::${n}`, ref: name },
  'AWS::Lambda::Function': fn,
  'AWS::Serverless::Function': fn,
  'AWS::StepFunctions::StateMachine': stateMachine,
  'AWS::Serverless::StateMachine': { ...stateMachine, nameProperty: 'Name' },
  'AWS::Kinesis::Stream': {
    nameProperty: 'Name',
    arn: (n) => `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${n}`,
    ref: name,
  },
  'AWS::SecretsManager::Secret': {
    nameProperty: 'Name',
    // Secrets Manager appends six random characters to a secret's ARN.
    arn: (n, id) => `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${n}-${token(`suffix:${id}`)}`,
    ref: (n, id) => `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${n}-${token(`suffix:${id}`)}`,
  },
  'AWS::SSM::Parameter': {
    nameProperty: 'Name',
    arn: (n) => `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/${n.replace(/^\//, '')}`,
    ref: name,
  },
  'AWS::Events::EventBus': {
    nameProperty: 'Name',
    arn: (n) => `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/${n}`,
    ref: name,
    attributes: { Name: name },
  },
};

/**
 * A literal string with `${…}` left in it: a Serverless Framework variable the reader could not
 * resolve (`${sls:stage}`), or an IAM policy variable (`${aws:username}`): each is a value
 * not known here, a parameter token; `${aws:region}` and `${aws:accountId}` are the stack's.
 */
export function variables(text: string): string {
  if (!text.includes('${')) return text;
  return text.replace(/\$\{([^{}]+)\}/g, (_, v: string) => {
    const name = v.trim();
    if (name === 'aws:region' || name === 'AWS::Region') return REGION;
    if (name === 'aws:accountId' || name === 'AWS::AccountId') return ACCOUNT;
    return token(`param:${name}`);
  });
}

/** Reads template values into the evaluator's strings. */
export class TemplateValues {
  constructor(private readonly r: Resolver) {}

  /** The value of a node as a string with tokens; `undefined` for a map or a list. */
  text(node: TNode | undefined, depth = 0): string | undefined {
    if (node === undefined) return undefined;
    if (depth > 8) return token('unknown:too deep');
    if (node.kind === 'scalar') return node.value === null ? undefined : variables(String(node.value));
    if (node.kind !== 'intrinsic') return undefined;
    switch (node.fn) {
      case 'Ref': {
        const id = scalarString(node.arg);
        return id === undefined ? token('unknown:Ref') : this.ref(id, depth);
      }
      case 'Fn::GetAtt': {
        const parts =
          node.arg.kind === 'seq'
            ? node.arg.items.map((i) => scalarString(i))
            : (scalarString(node.arg)?.split('.') ?? []);
        const [id, ...rest] = parts;
        if (id === undefined || rest.some((p) => p === undefined)) return token('unknown:GetAtt');
        return this.attribute(id, rest.join('.'), depth);
      }
      case 'Fn::Sub':
        return this.sub(node.arg, depth);
      case 'Fn::Join': {
        if (node.arg.kind !== 'seq') return token('unknown:Join');
        const sep = scalarString(node.arg.items[0]);
        const parts = node.arg.items[1];
        if (sep === undefined || parts?.kind !== 'seq') return token('unknown:Join');
        const texts = parts.items.map((p) => this.text(p, depth + 1));
        return texts.every((t): t is string => t !== undefined) ? texts.join(sep) : token('unknown:Join');
      }
      case SERVERLESS_VARIABLE:
        return token(`param:${scalarString(node.arg) ?? 'a Serverless variable'}`);
      default:
        return token(`unknown:${node.fn}`);
    }
  }

  /** The ARN of a resource of the template, when its type is one the evaluator knows. */
  arn(logicalId: string, depth = 0): string | undefined {
    const shape = this.shape(logicalId);
    return shape?.arn(this.physicalName(logicalId, shape, depth), logicalId);
  }

  private shape(logicalId: string): TypeShape | undefined {
    const type = this.r.resourceType(logicalId);
    return type !== undefined ? SHAPES[type] : undefined;
  }

  /** The resource's name: its name property when it is set, else a token standing for the name CloudFormation generates. */
  private physicalName(logicalId: string, shape: TypeShape, depth: number): string {
    const props = get(this.r.resource(logicalId), 'Properties');
    const set = this.text(get(props, shape.nameProperty), depth + 1);
    return set ?? token(`name:${logicalId}`);
  }

  private ref(id: string, depth: number): string {
    switch (id) {
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::Region':
      case 'AWS::AccountId':
        return token(id);
    }
    if (this.r.resource(id) === undefined) return token(id.startsWith('AWS::') ? `unknown:${id}` : `param:${id}`);
    const shape = this.shape(id);
    return shape !== undefined ? shape.ref(this.physicalName(id, shape, depth), id) : token(`ref:${id}`);
  }

  private attribute(id: string, attr: string, depth: number): string {
    const shape = this.shape(id);
    if (shape === undefined) return token(`att:${id}.${attr}`);
    const n = this.physicalName(id, shape, depth);
    if (attr === 'Arn') return shape.arn(n, id);
    const f = shape.attributes?.[attr];
    return f !== undefined ? f(n, id) : token(`att:${id}.${attr}`);
  }

  private sub(arg: TNode, depth: number): string {
    const template = arg.kind === 'seq' ? scalarString(arg.items[0]) : scalarString(arg);
    if (template === undefined) return token('unknown:Sub');
    const vars = arg.kind === 'seq' ? arg.items[1] : undefined;
    // `${!Literal}` writes `${Literal}` (docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-sub.html).
    return template.replace(/\$\{(!?)([^}]+)\}/g, (_, bang: string, v: string) => {
      if (bang === '!') return `\${${v}}`;
      const own = get(vars, v);
      if (own !== undefined) return this.text(own, depth + 1) ?? token('unknown:Sub');
      const dot = v.indexOf('.');
      return dot > 0 && !v.startsWith('AWS::')
        ? this.attribute(v.slice(0, dot), v.slice(dot + 1), depth + 1)
        : this.ref(v, depth + 1);
    });
  }
}
