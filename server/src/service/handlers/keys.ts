/**
 * The JS/TS extractor's changing keys (`ChangingKeyFact`, handlers/facts.ts): record keys of
 * DynamoDB puts, idempotency and deduplication keys of messages, payments and HTTP requests,
 * Step Functions execution names, set from a value that changes on every attempt.
 */
import ts from 'typescript';
import type { ChangingKeyFact } from './facts';
import {
  IDEMPOTENCY_KEY_NAMES,
  KEY_NAMES,
  findProperty,
  idempotencyGuards,
  matchClientMethod,
  matchCommand,
  matchPayment,
  nonIdempotentHttp,
  objectArgument,
  propertyName,
  propertyValue,
  randomSourceIn,
  receiverOrigin,
} from './idempotency';
import { runsIn } from './jsFacts';
import type { ExecutionScope, HandlerFunction, HandlerModel } from './model';

/** A place where a value must be the same on every delivery of an event. */
interface KeyUse {
  readonly name: string;
  readonly value: ts.Expression;
  readonly role: 'record' | 'dedup';
  readonly at: ts.Node;
  readonly scope: ExecutionScope;
  readonly handler: HandlerFunction | undefined;
}

/** `tableKeys`: the key attribute names of the linked templates' tables (else names shaped like keys count). */
export function changingKeys(model: HandlerModel, tableKeys: ReadonlySet<string>): ChangingKeyFact[] {
  const guards = idempotencyGuards(model);
  const out: ChangingKeyFact[] = [];
  for (const use of keyUses(model, tableKeys)) {
    const where = runsIn(use.scope, use.handler);
    if (where === undefined) continue;
    const source = randomSourceIn(model, use.value);
    if (!source) continue;
    out.push({
      name: use.name,
      role: use.role,
      source: source.getText(model.sourceFile).replace(/\s+/g, ' '),
      span: model.spanOf(source),
      runsIn: where,
      idempotent: guards.covers(use.at, use.handler),
    });
  }
  return out;
}

function keyUses(model: HandlerModel, keyNames: ReadonlySet<string>): KeyUse[] {
  const out: KeyUse[] = [];
  const isKey = (n: string | undefined) => n !== undefined && (keyNames.size > 0 ? keyNames.has(n) : KEY_NAMES.test(n));
  const recordKeys = (
    obj: ts.ObjectLiteralExpression | undefined,
    at: ts.Node,
    scope: ExecutionScope,
    handler: HandlerFunction | undefined,
  ) => {
    for (const p of obj?.properties ?? []) {
      const v = propertyValue(p);
      const name = propertyName(p);
      if (v && name !== undefined && isKey(name)) out.push({ name, value: v, role: 'record', at, scope, handler });
    }
  };
  const dedupKeys = (
    args: readonly ts.Expression[],
    at: ts.Node,
    scope: ExecutionScope,
    handler: HandlerFunction | undefined,
  ) => {
    const visit = (n: ts.Node): void => {
      if (ts.isPropertyAssignment(n) || ts.isShorthandPropertyAssignment(n)) {
        const name = propertyName(n);
        const v = propertyValue(n);
        if (name !== undefined && v && IDEMPOTENCY_KEY_NAMES.test(name))
          out.push({ name, value: v, role: 'dedup', at, scope, handler });
      }
      ts.forEachChild(n, visit);
    };
    for (const a of args) visit(objectArgument(model, a) ?? a);
  };
  // A Step Functions execution name is its idempotency key.
  const executionName = (
    input: ts.ObjectLiteralExpression | undefined,
    at: ts.Node,
    scope: ExecutionScope,
    handler: HandlerFunction | undefined,
  ) => {
    const v = propertyValue(input ? findProperty(input, 'name') : undefined);
    if (v) out.push({ name: 'name', value: v, role: 'dedup', at, scope, handler });
  };
  for (const c of model.constructions) {
    const cmd = matchCommand(c.import);
    if (!cmd) continue;
    const input = objectArgument(model, c.node.arguments?.[0]);
    if (cmd.kind === 'put' && input)
      recordKeys(objectArgument(model, propertyValue(findProperty(input, 'Item'))), c.node, c.scope, c.handler);
    if ((cmd.kind === 'message' || cmd.kind === 'publish') && c.node.arguments)
      dedupKeys(c.node.arguments, c.node, c.scope, c.handler);
    if (cmd.kind === 'execution') executionName(input, c.node, c.scope, c.handler);
  }
  for (const c of model.calls) {
    const method = matchClientMethod(receiverOrigin(model, c), c.name);
    const input = objectArgument(model, c.node.arguments[0]);
    if (method?.kind === 'execution') executionName(input, c.node, c.scope, c.handler);
    else if (method?.kind === 'put' && input)
      recordKeys(objectArgument(model, propertyValue(findProperty(input, 'Item'))), c.node, c.scope, c.handler);
    else if (
      method?.kind === 'message' ||
      method?.kind === 'publish' ||
      matchPayment(model, c) ||
      nonIdempotentHttp(model, c)
    )
      dedupKeys(c.node.arguments, c.node, c.scope, c.handler);
  }
  return out;
}
