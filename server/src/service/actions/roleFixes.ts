/**
 * Quick fixes for the permission rules: attach an AWS managed policy to an execution role of
 * the template (LL4001, LL4002, LL4004), written as a partition-independent `!Sub` ARN in the
 * document's own style.
 */
import type { Edit, Fix } from '../model/findings';
import type { TemplateDocument } from '../templates/template';
import { get, type TNode, type TSeq } from '../templates/tree';
import { seqSnippet, setPathEdit, type Snippet } from './templateEdits';

/** `!Sub arn:${AWS::Partition}:iam::aws:policy/<path>` as YAML and JSON. */
function managedPolicyArn(path: string): Extract<Snippet, { kind: 'scalar' }> {
  const arn = `arn:\${AWS::Partition}:iam::aws:policy/${path}`;
  return { kind: 'scalar', yaml: `!Sub '${arn}'`, json: `{ "Fn::Sub": ${JSON.stringify(arn)} }` };
}

/**
 * "Add <policy> to role <id>": appends to the role's `ManagedPolicyArns`, or creates it.
 * `undefined` when the role's properties are not plain maps and lists (an intrinsic in the way).
 */
export function addManagedPolicyFix(
  template: TemplateDocument,
  roleLogicalId: string,
  policyPath: string,
): Fix | undefined {
  const role = template.resolver?.resource(roleLogicalId);
  if (role === undefined) return undefined;
  const name = policyPath.split('/').pop() ?? policyPath;
  const value = managedPolicyArn(policyPath);
  const props = get(role, 'Properties');
  if (props?.kind !== 'map') return undefined;
  const arns = get(props, 'ManagedPolicyArns');
  let edit: Edit | undefined;
  if (arns === undefined) edit = setPathEdit(template, props, ['ManagedPolicyArns'], seqSnippet(value));
  else if (arns.kind === 'seq') edit = appendItemEdit(template, arns, value);
  return edit === undefined
    ? undefined
    : { title: `Add the managed policy ${name} to role ${roleLogicalId}`, edits: [edit] };
}

/** Appends an item to a list: a new `- item` line in a YAML block list, `, item` in a flow list or JSON array. */
export function appendItemEdit(
  template: TemplateDocument,
  seq: TSeq,
  value: Extract<Snippet, { kind: 'scalar' }>,
): Edit | undefined {
  const text = template.text;
  const last: TNode | undefined = seq.items[seq.items.length - 1];
  const item = template.format === 'json' ? value.json : value.yaml;
  const flow = template.format === 'json' || text[seq.span.start] === '[';
  if (flow) {
    if (last !== undefined)
      return { uri: template.uri, span: { start: last.span.end, end: last.span.end }, newText: `, ${item}` };
    const open = text.indexOf('[', seq.span.start);
    return open < 0 ? undefined : { uri: template.uri, span: { start: open + 1, end: open + 1 }, newText: item };
  }
  const first = seq.items[0];
  if (first === undefined || last === undefined) return undefined;
  // The column of the first item's dash gives the list's indentation.
  const lineStart = text.lastIndexOf('\n', first.span.start - 1) + 1;
  const dash = text.lastIndexOf('-', first.span.start - 1);
  if (dash < lineStart) return undefined;
  return {
    uri: template.uri,
    span: { start: last.span.end, end: last.span.end },
    newText: `\n${' '.repeat(dash - lineStart)}- ${item}`,
  };
}
