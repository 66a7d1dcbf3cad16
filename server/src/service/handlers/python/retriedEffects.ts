/**
 * The Python extractor's retried effects (`RetriedEffectFact`, handlers/facts.ts): boto3 calls
 * that write, send, publish or start something, on a client whose service is known (or a
 * method name only boto3 uses), with what a retry of the event does with each.
 */
import type { RetriedEffectFact } from '../facts';
import { ACCUMULATING_UPDATE } from '../patterns';
import { returnsBatchItemFailures } from './effects';
import {
  type PyCall,
  type PythonHandlerModel,
  hasSplat,
  keywordArgument,
  positionalArguments,
  stringValue,
} from './model';
import type { PyNode } from './parser';
import { isHandlerScope, isIdempotent, localValue } from './scope';

/** boto3 writes that repeat their effect on a retry, with the keyword that makes them idempotent. */
interface WritePattern {
  readonly what: string;
  readonly kind: 'put' | 'update' | 'message' | 'publish' | 'email' | 'execution' | 'invoke';
  /** The boto3 service names of the client (or resource) the method belongs to. */
  readonly services: readonly string[];
  /** The method name is common outside boto3 (MQTT and Redis `publish`, mailers' `send_email`): the client must be known to be boto3's. */
  readonly needsKnownClient?: true;
}
const WRITES: Readonly<Record<string, WritePattern>> = {
  put_item: { what: 'DynamoDB put_item', kind: 'put', services: ['dynamodb'] },
  update_item: { what: 'DynamoDB update_item', kind: 'update', services: ['dynamodb'] },
  send_message: { what: 'SQS send_message', kind: 'message', services: ['sqs'] },
  send_message_batch: { what: 'SQS send_message_batch', kind: 'message', services: ['sqs'] },
  publish: { what: 'SNS publish', kind: 'publish', services: ['sns'], needsKnownClient: true },
  publish_batch: { what: 'SNS publish_batch', kind: 'publish', services: ['sns'] },
  send_email: { what: 'SES send_email', kind: 'email', services: ['ses', 'sesv2'], needsKnownClient: true },
  send_raw_email: { what: 'SES send_raw_email', kind: 'email', services: ['ses'] },
  send_templated_email: { what: 'SES send_templated_email', kind: 'email', services: ['ses'] },
  start_execution: {
    what: 'Step Functions start_execution',
    kind: 'execution',
    services: ['stepfunctions'],
    needsKnownClient: true,
  },
  invoke: { what: 'Lambda invoke', kind: 'invoke', services: ['lambda'], needsKnownClient: true },
};

const REPEATS = { how: 'repeats' } as const;

export function pythonRetriedEffects(model: PythonHandlerModel): RetriedEffectFact[] {
  const out: RetriedEffectFact[] = [];
  for (const c of model.calls) {
    const write = c.name !== undefined && c.receiver !== undefined ? WRITES[c.name] : undefined;
    if (write === undefined || !isHandlerScope(c) || c.handler === undefined || hasSplat(c.node)) continue;
    const service = receiverService(model, c);
    if (service !== undefined ? !write.services.includes(service) : write.needsKnownClient === true) continue;
    out.push({
      kind: write.kind,
      what: write.what,
      span: c.span,
      runsIn: { handler: c.handler.name },
      idempotent: isIdempotent(model, c),
      repeat: repeatOf(c.node, write),
      conditionFix: undefined,
      lastInRecord: returnsBatchItemFailures(model, c.handler) && nothingFailsAfter(c.node),
    });
  }
  return out;
}

/**
 * True when the call sits in the body of a `try` inside a loop (and not inside an `except`),
 * whose `except` clauses do not raise, and no statement after the call's statement up to the end of that body makes another
 * call (besides printing and logging): once the call succeeded, its record cannot fail.
 */
function nothingFailsAfter(call: PyNode): boolean {
  let stmt: PyNode = call;
  for (let n = call.parent; n; n = n.parent) {
    if (n.type === 'function_definition' || n.type === 'lambda') return false;
    if (n.type === 'block') {
      let after = false;
      for (const s of n.namedChildren) {
        if (!s) continue;
        if (
          after &&
          s
            .descendantsOfType('call')
            .some((x) => x !== null && !LOGGING.test(x.childForFieldName('function')?.text ?? ''))
        )
          return false;
        if (s.id === stmt.id) after = true;
      }
      const owner = n.parent;
      if (owner?.type === 'try_statement' && owner.childForFieldName('body')?.id === n.id) {
        const clauses = owner.namedChildren.filter((x): x is PyNode => x?.type === 'except_clause');
        if (clauses.length === 0 || clauses.some((x) => x.descendantsOfType('raise_statement').length > 0))
          return false;
        if (owner.namedChildren.some((x) => x?.type === 'else_clause' || x?.type === 'finally_clause')) return false;
        // In error handling already (an `except` around this `try`), the record is on its way to fail.
        for (let l = owner.parent; l && l.type !== 'function_definition'; l = l.parent) {
          if (l.type === 'except_clause') return false;
          if (l.type === 'for_statement') return true;
        }
        return false;
      }
    }
    stmt = n;
  }
  return false;
}

const LOGGING = /^(print|(self\.)?(logger|log|_logger|LOGGER|logging)\.\w+)$/;

/**
 * The boto3 service of a method call's receiver: `sns` for `sns.publish(...)` when
 * `sns = boto3.client("sns")`, `dynamodb` for a `Table` of `boto3.resource("dynamodb")`.
 * Follows names assigned in the enclosing functions and at module scope.
 */
function receiverService(model: PythonHandlerModel, c: PyCall): string | undefined {
  const receiver = c.node.childForFieldName('function')?.childForFieldName('object');
  return receiver ? serviceOf(model, receiver, c.node, 0) : undefined;
}

function serviceOf(model: PythonHandlerModel, node: PyNode, at: PyNode, depth: number): string | undefined {
  if (depth > 4) return undefined;
  if (node.type === 'identifier') {
    const value = localValue(node.text, at) ?? model.moduleValues.get(node.text);
    return value ? serviceOf(model, value, at, depth + 1) : undefined;
  }
  if (node.type === 'attribute' && node.childForFieldName('object')?.text === 'self') {
    // `self.table = boto3.resource(...).Table(...)` anywhere in the module.
    const name = node.childForFieldName('attribute')?.text;
    for (const a of model.tree.rootNode.descendantsOfType('assignment')) {
      if (a?.childForFieldName('left')?.text === `self.${name}`) {
        const v = a.childForFieldName('right');
        if (v) return serviceOf(model, v, at, depth + 1);
      }
    }
    return undefined;
  }
  if (node.type !== 'call') return undefined;
  const call = model.callAt.get(node.id);
  if (call?.origin === 'boto3.client' || call?.origin === 'boto3.resource')
    return stringValue(positionalArguments(node)[0] ?? keywordArgument(node, 'service_name'));
  // `session.client("sqs")`, `dynamodb.Table("orders")`, `boto3.resource("dynamodb").Table(...)`.
  const fn = node.childForFieldName('function');
  const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
  if (method === 'client' || method === 'resource')
    return stringValue(positionalArguments(node)[0] ?? keywordArgument(node, 'service_name'));
  const obj = fn?.type === 'attribute' ? fn.childForFieldName('object') : undefined;
  return method === 'Table' && obj ? serviceOf(model, obj, at, depth + 1) : undefined;
}

/** What a retry does with the write, or `undefined` when the call carries what makes it safe. */
function repeatOf(call: PyNode, write: WritePattern): RetriedEffectFact['repeat'] {
  switch (write.kind) {
    case 'put':
      if (keywordArgument(call, 'ConditionExpression') !== undefined || keywordArgument(call, 'Expected') !== undefined)
        return undefined;
      return REPEATS;
    case 'update': {
      const expr = stringValue(keywordArgument(call, 'UpdateExpression'));
      if (
        expr === undefined ||
        !ACCUMULATING_UPDATE.test(expr) ||
        keywordArgument(call, 'ConditionExpression') !== undefined
      )
        return undefined;
      return { how: 'accumulates', expression: expr.trim() };
    }
    case 'message':
    case 'publish':
      if (
        keywordArgument(call, 'MessageDeduplicationId') !== undefined ||
        (keywordArgument(call, 'Entries') !== undefined && /MessageDeduplicationId/.test(call.text))
      )
        return undefined;
      return REPEATS;
    case 'email':
      return REPEATS;
    case 'execution': {
      const name = keywordArgument(call, 'name');
      if (name !== undefined && /\baws_request_id\b/.test(name.text)) return { how: 'requestIdName' };
      if (name !== undefined) return undefined;
      return REPEATS;
    }
    case 'invoke':
      return REPEATS;
  }
}
