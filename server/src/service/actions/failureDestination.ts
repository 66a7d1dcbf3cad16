/**
 * Quick fix: give a function or an event source mapping an OnFailure destination, as a new
 * SQS queue in the same template, so that events that exhaust their retries are kept.
 */
import type { FunctionModel, Trigger } from '../model/types';
import type { Edit, Fix } from '../model/findings';
import type { TemplateDocument } from '../templates/template';
import { asMap, get } from '../templates/tree';
import {
  getAttSnippet,
  mapSnippet,
  refSnippet,
  setPathEdit,
  triggerProperties,
  wordSnippet,
  type Snippet,
} from './templateEdits';

/** A logical id not yet used in the template. */
function freshId(template: TemplateDocument, base: string): string {
  let id = base;
  for (let i = 2; template.resolver?.resource(id) !== undefined; i++) id = `${base}${i}`;
  return id;
}

function build(template: TemplateDocument, queueId: string, edit: Edit | undefined, title: string): Fix | undefined {
  const resources = asMap(get(template.root, 'Resources'));
  if (resources === undefined || edit === undefined) return undefined;
  const queue = setPathEdit(template, resources, [queueId], mapSnippet({ Type: wordSnippet('AWS::SQS::Queue') }));
  if (queue === undefined) return undefined;
  // Inserts at the same offset apply in array order (LSP), so the new resource comes last.
  return { title, edits: [edit, queue] };
}

/** For a Kinesis / DynamoDB / Kafka mapping: `DestinationConfig.OnFailure` to a new queue. */
export function mappingFailureDestinationFix(
  template: TemplateDocument,
  fn: FunctionModel,
  trigger: Trigger,
): Fix | undefined {
  const props = triggerProperties(template, fn, trigger);
  if (props === undefined) return undefined;
  const queueId = freshId(template, `${trigger.definedBy === 'event' ? fn.logicalId : ''}${trigger.name}FailureQueue`);
  // SAM adds the send permission to the function's role when the destination's Type is given.
  const onFailure: Record<string, Snippet> =
    trigger.definedBy === 'event'
      ? { Type: wordSnippet('SQS'), Destination: getAttSnippet(queueId, 'Arn') }
      : { Destination: getAttSnippet(queueId, 'Arn') };
  const edit = setPathEdit(template, props, ['DestinationConfig', 'OnFailure'], mapSnippet(onFailure));
  const grant = trigger.definedBy === 'event' ? '' : ' (grant the role sqs:SendMessage on it)';
  return build(template, queueId, edit, `Send failed batches of ${trigger.name} to a new SQS queue ${queueId}${grant}`);
}

/** For a function invoked asynchronously: an OnFailure destination to a new queue. */
export function asyncFailureDestinationFix(template: TemplateDocument, fn: FunctionModel): Fix | undefined {
  const resource = template.resolver?.resource(fn.logicalId);
  if (resource === undefined) return undefined;
  const queueId = freshId(template, `${fn.logicalId}FailureQueue`);
  const destination = getAttSnippet(queueId, 'Arn');
  if (fn.resourceType === 'AWS::Serverless::Function') {
    const props = asMap(get(resource, 'Properties'));
    if (props === undefined) return undefined;
    const edit = setPathEdit(
      template,
      props,
      ['EventInvokeConfig', 'DestinationConfig', 'OnFailure'],
      mapSnippet({ Type: wordSnippet('SQS'), Destination: destination }),
    );
    return build(template, queueId, edit, `Send events that fail all retries to a new SQS queue ${queueId}`);
  }
  // A separate EventInvokeConfig already exists: its destination is added there by hand.
  if (fn.asyncConfig !== undefined) return undefined;
  const resources = asMap(get(template.root, 'Resources'));
  if (resources === undefined) return undefined;
  const configId = freshId(template, `${fn.logicalId}InvokeConfig`);
  const config = setPathEdit(
    template,
    resources,
    [configId],
    mapSnippet({
      Type: wordSnippet('AWS::Lambda::EventInvokeConfig'),
      Properties: mapSnippet({
        FunctionName: refSnippet(fn.logicalId),
        Qualifier: wordSnippet('$LATEST'),
        DestinationConfig: mapSnippet({ OnFailure: mapSnippet({ Destination: destination }) }),
      }),
    }),
  );
  return build(
    template,
    queueId,
    config,
    `Send events that fail all retries to a new SQS queue ${queueId} (grant the role sqs:SendMessage on it)`,
  );
}
