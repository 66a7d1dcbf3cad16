/**
 * The Python extractor's changing keys (`ChangingKeyFact`, handlers/facts.ts): a call that
 * returns a new value on every attempt (`uuid.uuid4()`, `time.time()`) whose value becomes a
 * dict entry or keyword argument named like a key, directly or through one variable.
 */
import type { ChangingKeyFact } from '../facts';
import { type PyCall, type PythonHandlerModel, enclosingFunction, stringValue } from './model';
import type { PyNode } from './parser';
import { assignedName, isHandlerScope, isIdempotent } from './scope';

/** Sources of values that change on every attempt. */
const RANDOM_SOURCES: ReadonlySet<string> = new Set([
  'uuid.uuid1',
  'uuid.uuid4',
  'time.time',
  'time.time_ns',
  'datetime.datetime.now',
  'datetime.datetime.utcnow',
  'datetime.now',
  'datetime.utcnow',
  'secrets.token_hex',
  'secrets.token_urlsafe',
  'random.random',
  'random.randint',
  'ulid.new',
  'ulid.ULID',
  'ksuid.ksuid',
  'nanoid.generate',
]);
/** Record key names: `id`, `pk`, `order_id`, `orderId`, `PK`, `SK`, dedup ids. */
const KEY_NAME = /^(id|pk|sk|key|uuid|.*_id|.*Id|.*ID|MessageDeduplicationId|MessageGroupId)$/i;

export function pythonChangingKeys(model: PythonHandlerModel): ChangingKeyFact[] {
  const out: ChangingKeyFact[] = [];
  for (const c of model.calls) {
    if (!isHandlerScope(c) || c.handler === undefined || !RANDOM_SOURCES.has(c.origin ?? '')) continue;
    const name = keyUse(c);
    if (name === undefined) continue;
    out.push({
      name,
      role: 'record',
      source: `${c.origin}()`,
      span: c.span,
      runsIn: { handler: c.handler.name },
      idempotent: isIdempotent(model, c),
    });
  }
  return out;
}

/** The record key a random value ends up in: a dict entry named like a key, directly or through one variable. */
function keyUse(c: PyCall): string | undefined {
  let node: PyNode = c.node;
  // Through `str(...)`, f-strings and string concatenation.
  while (
    node.parent &&
    (node.parent.type === 'argument_list' ||
      node.parent.type === 'call' ||
      node.parent.type === 'interpolation' ||
      node.parent.type === 'string' ||
      node.parent.type === 'binary_operator')
  )
    node = node.parent;
  const p = node.parent;
  if (p?.type === 'pair') {
    const k = stringValue(p.childForFieldName('key'));
    return k !== undefined && KEY_NAME.test(k) ? k : undefined;
  }
  if (p?.type === 'keyword_argument') {
    const k = p.childForFieldName('name')?.text;
    return k !== undefined && KEY_NAME.test(k) ? k : undefined;
  }
  const assigned = assignedName(node);
  if (assigned === undefined || assigned.name.includes('.')) return undefined;
  const fn = enclosingFunction(c.node);
  if (!fn) return undefined;
  // `order_id = str(uuid.uuid4())` then `Item={'order_id': order_id}` / `Key=…`.
  for (const pair of fn.descendantsOfType(['pair', 'keyword_argument'])) {
    if (!pair) continue;
    const value = pair.childForFieldName('value');
    if (value?.type !== 'identifier' || value.text !== assigned.name) continue;
    const k = pair.type === 'pair' ? stringValue(pair.childForFieldName('key')) : pair.childForFieldName('name')?.text;
    if (k !== undefined && KEY_NAME.test(k)) return k;
  }
  return undefined;
}
