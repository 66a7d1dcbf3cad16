import { relative, dirname } from 'node:path';
import { actionMatches } from '../iam';
import type { FunctionModel, PolicyGrant, Span, Trigger } from '../model/types';
import { uriToPath } from '../handlers/resolve';
import type { TemplateDocument } from '../templates/template';
import { get, getPath, nodeAt, scalarString, type TNode } from '../templates/tree';
import type { TargetedWrite } from '../handlers/awsCalls';
import { linkedCode } from './linked';
import type { Finding, TemplateRule } from './types';

type Kind = TargetedWrite['kind'];

/** What each kind of trigger is, and how the function would write to it. */
const KINDS: Readonly<
  Record<
    Kind,
    {
      readonly noun: string;
      readonly samKey: string;
      readonly writeActions: readonly string[];
      readonly writeTemplates: readonly string[];
    }
  >
> = {
  S3: { noun: 'bucket', samKey: 'Bucket', writeActions: ['s3:PutObject'], writeTemplates: ['S3WritePolicy'] },
  SQS: { noun: 'queue', samKey: 'Queue', writeActions: ['sqs:SendMessage'], writeTemplates: ['SQSSendMessagePolicy'] },
  SNS: { noun: 'topic', samKey: 'Topic', writeActions: ['sns:Publish'], writeTemplates: ['SNSPublishMessagePolicy'] },
};

/** A resource of the template that invokes the function when something is written to it. */
interface TriggerSource {
  readonly kind: Kind;
  readonly logicalId: string;
  readonly span: Span;
  readonly uri: string;
}

/**
 * A function that writes to the bucket, queue or topic that triggers it: each invocation
 * makes another, a loop that runs and bills until someone stops it (Lambda's recursive loop
 * detection stops SQS, SNS and S3 loops only after about 16 rounds, and not for every path).
 * Evidence, either of:
 * - the handler code sends a write (PutObject, SendMessage, Publish) whose target comes from
 *   an environment variable that the template sets to the triggering resource;
 * - the role is granted a write-only policy (S3WritePolicy, SQSSendMessagePolicy,
 *   SNSPublishMessagePolicy, or a statement that allows only the write) on that resource.
 * S3 triggers with a key filter are left alone: writing under another prefix is the usual fix.
 * (docs.aws.amazon.com/lambda/latest/dg/invocation-recursion.html)
 */
export const LL5002: TemplateRule = {
  id: 'LL5002',
  title: 'Function writes to the resource that triggers it',
  severity: 'warning',
  template(ctx) {
    const { template } = ctx;
    const r = template.resolver;
    const root = template.root;
    if (r === undefined || root === undefined) return [];
    const sourcesByFn = new Map(template.functions.map((fn) => [fn.logicalId, triggerSources(template, fn)]));
    const triggered = new Set([...sourcesByFn].filter(([, s]) => s.length > 0).map(([id]) => id));
    if (triggered.size === 0) return [];
    const code = linkedCode(ctx, triggered);
    const out: Finding[] = [];
    for (const fn of template.functions) {
      const sources = sourcesByFn.get(fn.logicalId) ?? [];
      if (sources.length === 0) continue;
      const linked = code.get(fn.logicalId);
      const writes = linked?.writes ?? [];
      // Environment variable name → the logical id its value refers to (read only when the code writes to a variable's target).
      const envTargets = new Map<string, string>();
      if (writes.some((w) => 'env' in w.target)) {
        for (const v of fn.environment?.variables ?? []) {
          const node = nodeAt(root, v.value.span.start)?.node;
          const id = node?.kind === 'intrinsic' ? r.refTarget(node) : undefined;
          if (id !== undefined) envTargets.set(v.name, id);
        }
      }
      for (const s of sources) {
        const noun = `${KINDS[s.kind].noun} ${s.logicalId}`;
        const write = writes.find(
          (w) => w.kind === s.kind && ('env' in w.target ? envTargets.get(w.target.env) === s.logicalId : true),
        );
        let evidence: string | undefined;
        let grantOnly = false;
        if (write !== undefined && linked !== undefined) {
          const file = relative(dirname(uriToPath(template.uri)), uriToPath(linked.uri))
            .split('\\')
            .join('/');
          evidence =
            'env' in write.target
              ? `its code sends ${write.what} (${file}) to ${write.target.env}, which the template sets to ${noun}`
              : `its code sends ${write.what} (${file}) back to the ${KINDS[s.kind].noun} the event came from (${write.target.event})`;
        } else if (linked === undefined) {
          // Code Lambda Lens cannot read (another language, not in the workspace): the grant alone is a hint, not evidence.
          const grant = fn.executionRole.grants.find((g) => writeOnlyGrant(g, s));
          if (grant !== undefined)
            evidence = `its role is granted ${grant.kind === 'template' ? grant.name : `${KINDS[s.kind].writeActions.join(', ')}`} on ${noun}`;
          grantOnly = true;
        }
        if (evidence === undefined) continue;
        out.push({
          ruleId: 'LL5002',
          message: grantOnly
            ? `Function ${fn.logicalId} is triggered by ${noun}, and ${evidence}: if its code writes there, each write invokes the function again, a recursive loop that runs and bills until it is stopped. Its code was not read; check that it writes to a different ${KINDS[s.kind].noun}${s.kind === 'S3' ? ' (or under a prefix the trigger filters out)' : ''}.`
            : `Function ${fn.logicalId} is triggered by ${noun}, and ${evidence}: each write invokes the function again, a recursive loop that runs and bills until it is stopped. Write to a different ${KINDS[s.kind].noun}${s.kind === 'S3' ? ' (or under a prefix the trigger filters out)' : ''}, or stop the chain with a marker the handler checks.`,
          uri: s.uri,
          span: s.span,
          ...(grantOnly ? { severity: 'info' as const } : {}),
        });
      }
    }
    return out;
  },
};

/** A grant that allows writing to the source and nothing else that would explain it (no reads). */
function writeOnlyGrant(g: PolicyGrant, s: TriggerSource): boolean {
  if (!g.resourceIds.includes(s.logicalId)) return false;
  const k = KINDS[s.kind];
  if (g.kind === 'template') return k.writeTemplates.includes(g.name);
  if (g.kind !== 'statement') return false;
  const service = `${k.writeActions[0]?.split(':')[0] ?? ''}:`;
  const own = g.actions.filter((a) => a.toLowerCase().startsWith(service));
  return own.length > 0 && own.every((a) => k.writeActions.some((w) => actionMatches(a, w)) && !a.includes('*'));
}

const SAM_KIND: Readonly<Record<string, Kind>> = { S3: 'S3', SQS: 'SQS', SNS: 'SNS' };

/** The buckets, queues and topics of this template that trigger a function. */
function triggerSources(template: TemplateDocument, fn: FunctionModel): TriggerSource[] {
  const r = template.resolver;
  if (r === undefined) return [];
  const out: TriggerSource[] = [];
  const add = (kind: Kind, node: TNode | undefined, t: Trigger) => {
    const id = r.refTarget(node);
    if (id !== undefined) out.push({ kind, logicalId: id, span: t.span, uri: t.uri });
  };
  for (const t of fn.triggers) {
    const kind = SAM_KIND[t.type];
    if (kind === undefined) continue;
    if (t.definedBy === 'event') {
      const props = getPath(r.resource(fn.logicalId), 'Properties', 'Events', t.name, 'Properties');
      if (kind === 'S3' && get(props, 'Filter') !== undefined) continue;
      add(kind, get(props, KINDS[kind].samKey), t);
      continue;
    }
    const res = r.resource(t.name);
    const type = scalarString(get(res, 'Type'));
    const props = get(res, 'Properties');
    if (type === 'AWS::Lambda::EventSourceMapping') add(kind, get(props, 'EventSourceArn'), t);
    else if (type === 'AWS::SNS::Topic') out.push({ kind, logicalId: t.name, span: t.span, uri: t.uri });
    else if (type === 'AWS::SNS::Subscription') add(kind, get(props, 'TopicArn'), t);
    else if (type === 'AWS::Lambda::Permission') {
      const id = r.refTarget(get(props, 'SourceArn'));
      if (id !== undefined && !(kind === 'S3' && bucketFiltersFor(template, id, fn.logicalId)))
        out.push({ kind, logicalId: id, span: t.span, uri: t.uri });
    }
  }
  return out;
}

/** True when the bucket's notification to the function has a key filter (or cannot be read). */
function bucketFiltersFor(template: TemplateDocument, bucketId: string, fnId: string): boolean {
  const r = template.resolver;
  const configs = getPath(r?.resource(bucketId), 'Properties', 'NotificationConfiguration', 'LambdaConfigurations');
  if (configs?.kind !== 'seq') return configs !== undefined;
  return configs.items.some((c) => r?.refTarget(get(c, 'Function')) === fnId && get(c, 'Filter') !== undefined);
}
