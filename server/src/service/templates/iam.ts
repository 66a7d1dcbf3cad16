import type { ExecutionRoleModel, PolicyGrant, PolicyStatement, Span, VpcAttachment } from '../model/types';
import { SAM_EVENT_POLICIES, SAM_VPC_POLICY, BASIC_EXECUTION_POLICY, policyTemplateStatements } from '../iam';
import { TemplateValues } from './arns';
import { get, scalarString, type TEntry, type TMap, type TNode } from './tree';
import type { Resolver } from './resolve';

const ROLE = 'AWS::IAM::Role';

/**
 * Reads execution roles: `AWS::IAM::Role` resources with their inline policies, managed
 * policy ARNs and the `AWS::IAM::Policy` / `ManagedPolicy` / `RolePolicy` resources that
 * attach to them, and the role SAM builds for a function without `Role`.
 */
export class IamReader {
  /** Grants attached to a role by separate policy resources, by role logical id. */
  private readonly attached = new Map<string, PolicyGrant[]>();
  /** Grants of policy resources attached to a role this reader cannot name (a parameter, an import). */
  private readonly attachedToUnknown: PolicyGrant[] = [];
  /** SAM connectors that add policies to a function's role, by function logical id. */
  private readonly connectors = new Map<string, PolicyGrant[]>();
  private readonly values: TemplateValues;

  constructor(
    resources: TMap,
    private readonly r: Resolver,
  ) {
    this.values = new TemplateValues(r);
    const roleNames = new Map<string, string>();
    for (const e of resources.entries) {
      if (scalarString(get(e.value, 'Type')) !== ROLE) continue;
      const name = scalarString(get(get(e.value, 'Properties'), 'RoleName'));
      if (name !== undefined) roleNames.set(name, e.key);
    }
    for (const e of resources.entries) {
      this.readAttachment(e, roleNames);
      this.readConnectors(e);
    }
  }

  /**
   * SAM connectors (`AWS::Serverless::Connector`, or `Connectors` embedded in the source
   * resource) add policies to the role of a function at either end. What they grant depends
   * on SAM's connector profiles, so the function's role is left unjudged.
   * (docs.aws.amazon.com/serverless-application-model/latest/developerguide/managing-permissions-connectors.html)
   */
  private readConnectors(e: TEntry): void {
    const connectors: { id: string; span: Span; source: TNode | undefined; destination: TNode | undefined }[] = [];
    if (scalarString(get(e.value, 'Type')) === 'AWS::Serverless::Connector') {
      const props = get(e.value, 'Properties');
      connectors.push({
        id: e.key,
        span: e.keySpan,
        source: get(props, 'Source'),
        destination: get(props, 'Destination'),
      });
    }
    const embedded = get(e.value, 'Connectors');
    if (embedded?.kind === 'map') {
      for (const c of embedded.entries)
        connectors.push({
          id: c.key,
          span: c.keySpan,
          source: undefined,
          destination: get(get(c.value, 'Properties'), 'Destination'),
        });
    }
    for (const c of connectors) {
      const ends = [c.source, ...(c.destination?.kind === 'seq' ? c.destination.items : [c.destination])];
      const ids = new Set(
        ends.map((end) => scalarString(get(end, 'Id'))).filter((id): id is string => id !== undefined),
      );
      if (c.source === undefined) ids.add(e.key);
      for (const id of ids) {
        let list = this.connectors.get(id);
        if (list === undefined) this.connectors.set(id, (list = []));
        list.push(unknown(`SAM connector ${c.id}`, c.span, this.r.uri));
      }
    }
  }

  private readAttachment(e: TEntry, roleNames: ReadonlyMap<string, string>): void {
    const type = scalarString(get(e.value, 'Type'));
    const props = get(e.value, 'Properties');
    let targets: readonly TNode[];
    if (type === 'AWS::IAM::Policy' || type === 'AWS::IAM::ManagedPolicy') {
      const roles = get(props, 'Roles');
      if (roles === undefined) return;
      targets = roles.kind === 'seq' ? roles.items : [roles];
    } else if (type === 'AWS::IAM::RolePolicy') {
      const role = get(props, 'RoleName');
      if (role === undefined) return;
      targets = [role];
    } else {
      return;
    }
    const grants = this.document(get(props, 'PolicyDocument'), e.keySpan);
    for (const t of targets) {
      const id = this.r.refTarget(t);
      const byName = roleNames.get(scalarString(t) ?? '');
      const roleId = id !== undefined && this.r.resourceType(id) === ROLE ? id : byName;
      if (roleId !== undefined) this.attachedTo(roleId).push(...grants);
      else if (t.kind === 'intrinsic' && id === undefined)
        this.attachedToUnknown.push(
          unknown(`policy ${e.key}, attached to a role named by ${describe(t)}`, e.keySpan, this.r.uri),
        );
    }
  }

  private attachedTo(roleId: string): PolicyGrant[] {
    let list = this.attached.get(roleId);
    if (list === undefined) {
      list = [];
      this.attached.set(roleId, list);
    }
    return list;
  }

  /**
   * The execution role of a function. `sam` carries what SAM adds for a function without
   * `Role`: its `Policies`, the event types of its `Events` and whether it has a `VpcConfig`.
   * `fnId`, the function's logical id, adds what SAM connectors grant.
   */
  executionRole(
    fnIdSpan: Span,
    roleNode: TNode | undefined,
    sam:
      | { readonly policies: TNode | undefined; readonly eventTypes: readonly string[]; readonly vpc: boolean }
      | undefined,
    fnId?: string,
  ): ExecutionRoleModel {
    const connected = fnId !== undefined ? (this.connectors.get(fnId) ?? []) : [];
    const uri = this.r.uri;
    if (roleNode === undefined) {
      if (sam === undefined) return { managedBy: 'none', roleLogicalId: undefined, span: fnIdSpan, uri, grants: [] };
      const implied = [
        BASIC_EXECUTION_POLICY,
        ...(sam.vpc ? [SAM_VPC_POLICY] : []),
        ...sam.eventTypes.flatMap((t) => SAM_EVENT_POLICIES[t] ?? []),
      ];
      const grants = [...new Set(implied)].map((name) => managed(name, fnIdSpan, uri));
      if (sam.policies !== undefined) grants.push(...this.samPolicies(sam.policies));
      grants.push(...connected);
      return { managedBy: 'sam', roleLogicalId: undefined, span: fnIdSpan, uri, grants };
    }
    const roleId = this.r.refTarget(roleNode);
    if (roleId === undefined || this.r.resourceType(roleId) !== ROLE) {
      return { managedBy: 'external', roleLogicalId: undefined, span: roleNode.span, uri, grants: [] };
    }
    return {
      managedBy: 'template',
      roleLogicalId: roleId,
      span: roleNode.span,
      uri,
      grants: [...this.roleGrants(roleId), ...connected],
    };
  }

  private roleGrants(roleId: string): PolicyGrant[] {
    const props = get(this.r.resource(roleId), 'Properties');
    const grants: PolicyGrant[] = [];
    const arns = get(props, 'ManagedPolicyArns');
    if (arns !== undefined) {
      if (arns.kind === 'seq') for (const a of arns.items) grants.push(...this.managedPolicyArn(a));
      else grants.push(unknown(`ManagedPolicyArns given by ${describe(arns)}`, arns.span, this.r.uri));
    }
    const policies = get(props, 'Policies');
    if (policies !== undefined) {
      if (policies.kind === 'seq') {
        for (const p of policies.items) grants.push(...this.document(get(p, 'PolicyDocument'), p.span));
      } else {
        grants.push(unknown(`Policies given by ${describe(policies)}`, policies.span, this.r.uri));
      }
    }
    grants.push(...(this.attached.get(roleId) ?? []), ...this.attachedToUnknown);
    return grants;
  }

  /** A `ManagedPolicyArns` item: an AWS managed policy ARN (literal, `!Sub` or `!Join` with pseudo parameters) or a `!Ref` to an `AWS::IAM::ManagedPolicy` of this template. */
  private managedPolicyArn(node: TNode): PolicyGrant[] {
    const id = this.r.refTarget(node);
    if (id !== undefined && this.r.resourceType(id) === 'AWS::IAM::ManagedPolicy') {
      // Its own `Roles` may attach it too; the grants are the same either way.
      return this.document(get(get(this.r.resource(id), 'Properties'), 'PolicyDocument'), node.span);
    }
    const name = awsManagedPolicyName(node, this.r);
    return [
      name !== undefined
        ? managed(name, node.span, this.r.uri)
        : unknown(`the managed policy ${describe(node)}`, node.span, this.r.uri),
    ];
  }

  /**
   * SAM `Policies`: a managed policy name or ARN, a SAM policy template
   * (`- SQSPollerPolicy: { QueueName: … }`), an inline policy document, or a list of these.
   * (docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-function.html#sam-function-policies)
   */
  private samPolicies(node: TNode): PolicyGrant[] {
    if (node.kind === 'seq') return node.items.flatMap((i) => this.samPolicy(i));
    return this.samPolicy(node);
  }

  private samPolicy(node: TNode): PolicyGrant[] {
    const uri = this.r.uri;
    if (node.kind === 'scalar') {
      const s = scalarString(node);
      if (s === undefined) return [];
      if (!s.startsWith('arn:')) return [managed(s, node.span, uri)];
      return this.managedPolicyArn(node);
    }
    if (node.kind === 'intrinsic') return this.managedPolicyArn(node);
    if (node.kind === 'map') {
      if (get(node, 'Statement') !== undefined) return this.document(node, node.span);
      const only = node.entries.length === 1 ? node.entries[0] : undefined;
      if (only !== undefined) {
        const parameters: Record<string, string> = {};
        if (only.value.kind === 'map')
          for (const p of only.value.entries) {
            const v = this.values.text(p.value);
            if (v !== undefined) parameters[p.key] = v;
          }
        const statements = policyTemplateStatements(only.key, parameters);
        return [
          {
            kind: 'template',
            name: only.key,
            actions: [],
            resourceIds: this.mentionedIds(only.value),
            ...(statements !== undefined ? { statements } : {}),
            parameters,
            span: only.keySpan,
            uri,
          },
        ];
      }
    }
    return [unknown(`a policy given by ${describe(node)}`, node.span, uri)];
  }

  /**
   * The statements of a policy document, each a grant: an Allow keeps the actions it allows in
   * `actions` (empty for `NotAction`), a Deny allows none; both carry the statement for the evaluator.
   */
  private document(doc: TNode | undefined, span: Span): PolicyGrant[] {
    const uri = this.r.uri;
    if (doc?.kind !== 'map')
      return [
        unknown(
          doc === undefined ? 'a policy without a document' : `a policy document given by ${describe(doc)}`,
          doc?.span ?? span,
          uri,
        ),
      ];
    const statements = get(doc, 'Statement');
    if (statements === undefined) return [];
    const list = statements.kind === 'seq' ? statements.items : [statements];
    const out: PolicyGrant[] = [];
    for (const st of list) {
      const read = this.statement(st);
      if (typeof read === 'string') {
        out.push(unknown(read, st.span, uri));
        continue;
      }
      out.push({
        kind: 'statement',
        name: read.effect === 'Allow' ? 'an inline statement' : 'an inline Deny statement',
        actions: read.effect === 'Allow' && !read.notAction ? read.actions : [],
        resourceIds: this.mentionedIds(get(st, read.notResource ? 'NotResource' : 'Resource')),
        statements: [read],
        span: st.span,
        uri,
      });
    }
    return out;
  }

  /** One statement, or why it cannot be read. */
  private statement(st: TNode): PolicyStatement | string {
    if (st.kind !== 'map') return `a statement given by ${describe(st)}`;
    const effect = scalarString(get(st, 'Effect'));
    if (effect !== 'Allow' && effect !== 'Deny') return 'a statement whose Effect cannot be read';
    const notAction = get(st, 'NotAction') !== undefined;
    const actions = literalStrings(get(st, notAction ? 'NotAction' : 'Action'));
    if (actions === undefined) return `a statement whose ${notAction ? 'NotAction' : 'Action'} cannot be read`;
    const notResource = get(st, 'NotResource') !== undefined;
    const resNode = get(st, notResource ? 'NotResource' : 'Resource');
    if (resNode === undefined) return 'a statement without Resource';
    const resources: string[] = [];
    for (const item of resNode.kind === 'seq' ? resNode.items : [resNode]) {
      const text = this.values.text(item);
      if (text === undefined) return 'a statement whose Resource cannot be read';
      resources.push(text);
    }
    return { effect, actions, notAction, resources, notResource, conditional: get(st, 'Condition') !== undefined };
  }

  /** Logical ids of template resources a value mentions: `!Ref X`, `!GetAtt X.Arn`, `${X}` / `${X.Arn}` in `!Sub`. */
  private mentionedIds(node: TNode | undefined): string[] {
    const out = new Set<string>();
    const visit = (n: TNode | undefined): void => {
      if (n === undefined) return;
      if (n.kind === 'intrinsic') {
        const id = this.r.refTarget(n);
        if (id !== undefined) out.add(id);
        if (n.fn === 'Fn::Sub') {
          const s = n.arg.kind === 'seq' ? scalarString(n.arg.items[0]) : scalarString(n.arg);
          for (const m of (s ?? '').matchAll(/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z.]+)?\}/g)) {
            const sid = m[1];
            if (sid !== undefined && this.r.resource(sid) !== undefined) out.add(sid);
          }
        }
        visit(n.arg);
      } else if (n.kind === 'seq') {
        n.items.forEach(visit);
      } else if (n.kind === 'map') {
        n.entries.forEach((e) => visit(e.value));
      }
    };
    visit(node);
    return [...out];
  }
}

/** What `VpcConfig` attaches a function to. */
export function readVpcAttachment(node: TNode | undefined, r: Resolver): VpcAttachment | undefined {
  if (node?.kind !== 'map') return undefined;
  const subnets = get(node, 'SubnetIds');
  const items = subnets?.kind === 'seq' ? subnets.items : [];
  const subnetIds = items
    .map((i) => r.refTarget(i))
    .filter((id): id is string => id !== undefined && r.resourceType(id) === 'AWS::EC2::Subnet');
  return {
    subnetIds,
    subnetsInTemplate: items.length > 0 && subnetIds.length === items.length,
    span: node.span,
    uri: r.uri,
  };
}

function managed(name: string, span: Span, uri: string): PolicyGrant {
  return { kind: 'managed', name, actions: [], resourceIds: [], span, uri };
}

function unknown(name: string, span: Span, uri: string): PolicyGrant {
  return { kind: 'unknown', name, actions: [], resourceIds: [], span, uri };
}

function describe(node: TNode): string {
  if (node.kind === 'intrinsic') return `the intrinsic function ${node.fn}`;
  return node.kind === 'scalar' ? JSON.stringify(node.value) : `a ${node.kind === 'map' ? 'mapping' : 'list'}`;
}

/** An action list made of literal strings, or `undefined` when any part is an intrinsic. */
function literalStrings(node: TNode | undefined): string[] | undefined {
  if (node === undefined) return [];
  const items = node.kind === 'seq' ? node.items : [node];
  const out: string[] = [];
  for (const i of items) {
    const s = scalarString(i);
    if (s === undefined) return undefined;
    out.push(s);
  }
  return out;
}

const AWS_MANAGED_ARN =
  /^arn:(?:aws[a-z-]*|\$\{AWS::Partition\}|\$\{Partition\}):iam::aws:policy\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/;

/**
 * The name of an AWS managed policy from its ARN: a literal, a `!Sub` whose only variable
 * is the partition, or a `!Join` whose non-literal parts stand for the partition.
 */
function awsManagedPolicyName(node: TNode, r: Resolver): string | undefined {
  let text: string | undefined;
  if (node.kind === 'scalar') text = scalarString(node);
  else if (node.kind === 'intrinsic' && node.fn === 'Fn::Sub')
    text = node.arg.kind === 'seq' ? scalarString(node.arg.items[0]) : scalarString(node.arg);
  else if (node.kind === 'intrinsic' && node.fn === 'Fn::Join' && node.arg.kind === 'seq') {
    const sep = scalarString(node.arg.items[0]) ?? '';
    const parts = node.arg.items[1];
    if (parts?.kind === 'seq') {
      text = parts.items
        .map((p) =>
          p.kind === 'intrinsic' && p.fn === 'Ref' && scalarString(p.arg) === 'AWS::Partition'
            ? '${AWS::Partition}'
            : (scalarString(p) ?? '\u0000'),
        )
        .join(sep);
    }
  } else {
    const s = r.str(node);
    text = s !== undefined && !('unknown' in s) ? s.value : undefined;
  }
  return text === undefined ? undefined : AWS_MANAGED_ARN.exec(text)?.[1];
}
