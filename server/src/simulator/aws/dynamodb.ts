/**
 * DynamoDB, answered by dynalite (an implementation of DynamoDB's API on an in-memory LevelDB):
 * its condition, update, key-condition and filter expressions are DynamoDB's, so the emulation
 * does not evaluate any expression itself. One dynalite store per run, its tables created from
 * the template before the first request.
 *
 * Around it: TransactWriteItems/TransactGetItems (which dynalite lacks) are applied item by item
 * with the earlier writes restored when one fails, so a cancelled transaction leaves nothing
 * (not isolated from concurrent writers); tables with a stream hand their change records to the
 * simulator's DynamoDB stream source, with the images the StreamViewType asks for
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html).
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import dynalite from 'dynalite';
import type { TableDef } from './resources';
import { AwsError, type AwsResponse } from './types';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
type Item = Record<string, unknown>;

/** A change for the table's stream: the record's `dynamodb` part and its event name. */
export interface StreamChange {
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  keys: Item;
  oldImage: Item | undefined;
  newImage: Item | undefined;
}

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);
export const DYNAMODB_ERROR_PREFIX = 'com.amazonaws.dynamodb.v20120810#';

export class DynamoDb {
  private readonly handler: Handler;
  private seq = 0;

  constructor(
    private readonly tables: ReadonlyMap<string, TableDef>,
    private readonly onStream: (table: TableDef, change: StreamChange) => void,
  ) {
    const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    this.handler = server.listeners('request')[0] as Handler;
  }

  /** Creates the template's tables and puts the scenario's items in them. */
  async start(seed: Record<string, unknown[]>): Promise<string[]> {
    const problems: string[] = [];
    for (const t of this.tables.values()) {
      const r = await this.raw('CreateTable', t.create);
      if (r.status !== 200) problems.push(`table ${t.logicalId}: ${errorText(r.body)}`);
    }
    // CREATING turns ACTIVE on dynalite's next timer tick.
    for (let i = 0; i < 50; i++) {
      const states = await Promise.all(
        [...this.tables.values()].map((t) => this.raw('DescribeTable', { TableName: t.name })),
      );
      if (states.every((s) => (s.body as { Table?: { TableStatus?: string } }).Table?.TableStatus !== 'CREATING'))
        break;
      await new Promise((r) => setTimeout(r, 1));
    }
    for (const [name, items] of Object.entries(seed)) {
      const table = this.table(name);
      if (!table) {
        problems.push(`services.dynamodb.items.${name}: the template has no such table`);
        continue;
      }
      for (const [i, item] of items.entries()) {
        const r = await this.raw('PutItem', { TableName: table.name, Item: marshall(item) });
        if (r.status !== 200) problems.push(`services.dynamodb.items.${name}[${i}]: ${errorText(r.body)}`);
      }
    }
    return problems;
  }

  /** A table by logical id or name. */
  table(name: string): TableDef | undefined {
    return this.tables.get(name) ?? [...this.tables.values()].find((t) => t.name === name || t.arn === name);
  }

  /** Answers one operation (its JSON body); errors come back as AwsError. */
  async call(operation: string, params: Record<string, unknown>): Promise<AwsResponse> {
    if (operation === 'TransactWriteItems') return this.transactWrite(params);
    if (operation === 'TransactGetItems') return this.transactGet(params);
    if (operation === 'DescribeEndpoints')
      return { body: { Endpoints: [{ Address: 'localhost', CachePeriodInMinutes: 1440 }] } };
    if (operation === 'BatchWriteItem') return this.batchWrite(params);
    const tableName = typeof params['TableName'] === 'string' ? params['TableName'] : undefined;
    const table = tableName !== undefined ? this.table(tableName) : undefined;
    // A logical id given as the table name is taken, as a literal name in code is the usual deployed name.
    if (table && tableName !== table.name) params = { ...params, TableName: table.name };
    const stream = table?.streamViewType != null && WRITES.has(operation) ? table : undefined;
    const before = stream ? await this.itemAt(stream, params['Key'] ?? keyOf(stream, params['Item'])) : undefined;
    const r = await this.raw(operation, params);
    if (r.status !== 200) throw toAwsError(r.status, r.body);
    if (stream) {
      const key = params['Key'] ?? keyOf(stream, params['Item']);
      const after = operation === 'DeleteItem' ? undefined : await this.itemAt(stream, key);
      if (before !== undefined || after !== undefined) {
        this.onStream(stream, {
          eventName: before === undefined ? 'INSERT' : after === undefined ? 'REMOVE' : 'MODIFY',
          keys: (key ?? {}) as Item,
          oldImage: before,
          newImage: after,
        });
      }
    }
    return { body: r.body, resource: table?.logicalId ?? tableName };
  }

  /** BatchWriteItem through dynalite, with the stream records of the tables that have a stream. */
  private async batchWrite(params: Record<string, unknown>): Promise<AwsResponse> {
    const requests = (params['RequestItems'] ?? {}) as Record<
      string,
      { PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } }[]
    >;
    const renamed: typeof requests = {};
    const watched: { table: TableDef; key: Item; before: Item | undefined; deleted: boolean }[] = [];
    for (const [name, list] of Object.entries(requests)) {
      const table = this.table(name);
      renamed[table?.name ?? name] = list;
      if (table?.streamViewType == null || !Array.isArray(list)) continue;
      for (const r of list) {
        const key = r.DeleteRequest?.Key ?? keyOf(table, r.PutRequest?.Item);
        if (key)
          watched.push({ table, key, before: await this.itemAt(table, key), deleted: r.DeleteRequest !== undefined });
      }
    }
    const r = await this.raw('BatchWriteItem', { ...params, RequestItems: renamed });
    if (r.status !== 200) throw toAwsError(r.status, r.body);
    for (const w of watched) {
      const after = w.deleted ? undefined : await this.itemAt(w.table, w.key);
      if (w.before !== undefined || after !== undefined)
        this.onStream(w.table, {
          eventName: w.before === undefined ? 'INSERT' : after === undefined ? 'REMOVE' : 'MODIFY',
          keys: w.key,
          oldImage: w.before,
          newImage: after,
        });
    }
    return {
      body: r.body,
      resource: Object.keys(requests)
        .map((n) => this.table(n)?.logicalId ?? n)
        .join(','),
    };
  }

  private async itemAt(table: TableDef, key: unknown): Promise<Item | undefined> {
    if (key === undefined || key === null) return undefined;
    const r = await this.raw('GetItem', { TableName: table.name, Key: key, ConsistentRead: true });
    return r.status === 200 ? ((r.body as { Item?: Item }).Item ?? undefined) : undefined;
  }

  /**
   * TransactWriteItems: every action applied in order; when one fails, the items written
   * before it are put back as they were and the call fails with TransactionCanceledException
   * and one CancellationReason per action (API_TransactWriteItems.html).
   */
  private async transactWrite(params: Record<string, unknown>): Promise<AwsResponse> {
    const items = params['TransactItems'];
    if (!Array.isArray(items) || items.length === 0 || items.length > 100) {
      throw new AwsError(
        'ValidationException',
        "1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length between 1 and 100",
      );
    }
    const undo: { table: string; key: unknown; old: Item | undefined }[] = [];
    // Stream records are written when the transaction commits, never for a cancelled one.
    const changes: { table: TableDef; change: StreamChange }[] = [];
    const reasons: { Code: string; Message?: string }[] = items.map(() => ({ Code: 'None' }));
    for (const [i, entry] of (items as Record<string, Record<string, unknown>>[]).entries()) {
      const [kind, body] = Object.entries(entry)[0] ?? [];
      if (kind === undefined || body === undefined)
        throw new AwsError('ValidationException', `TransactItems[${i}] names no action`);
      const name = String(body['TableName'] ?? '');
      const table = this.table(name);
      const real = table?.name ?? name;
      const key = body['Key'] ?? (table ? keyOf(table, body['Item']) : undefined);
      const old = table ? await this.itemAt(table, key) : undefined;
      let op: string;
      let request: Record<string, unknown> = { ...body, TableName: real };
      if (kind === 'Put') op = 'PutItem';
      else if (kind === 'Update') op = 'UpdateItem';
      else if (kind === 'Delete') op = 'DeleteItem';
      else if (kind === 'ConditionCheck') {
        // A condition check is an update that changes nothing: its key's item must meet the condition.
        op = 'UpdateItem';
        const { ConditionExpression, ExpressionAttributeNames, ExpressionAttributeValues } = body;
        request = {
          TableName: real,
          Key: body['Key'],
          ConditionExpression,
          ExpressionAttributeNames,
          ExpressionAttributeValues,
        };
        if (old === undefined && typeof ConditionExpression === 'string') {
          // UpdateItem would create the item: check against a missing item with a Put that cannot create it.
          request = {
            TableName: real,
            Item: body['Key'],
            ConditionExpression: `(${ConditionExpression}) AND attribute_exists(#ll_missing)`,
            ExpressionAttributeNames: {
              ...((ExpressionAttributeNames as object) ?? {}),
              '#ll_missing': '__lambda_lens_never__',
            },
            ExpressionAttributeValues,
          };
          op = 'PutItem';
        }
      } else throw new AwsError('ValidationException', `TransactItems[${i}]: unknown action ${kind}`);
      const r = await this.raw(op, request);
      if (r.status !== 200) {
        const err = toAwsError(r.status, r.body);
        reasons[i] = { Code: err.code.replace(/Exception$/, ''), Message: err.message };
        for (const u of undo.reverse()) {
          if (u.old === undefined) await this.raw('DeleteItem', { TableName: u.table, Key: u.key });
          else await this.raw('PutItem', { TableName: u.table, Item: u.old });
        }
        if (err.code !== 'ConditionalCheckFailedException') throw err;
        const message = `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((x) => x.Code).join(', ')}]`;
        throw new AwsError('TransactionCanceledException', message, 400, undefined, { CancellationReasons: reasons });
      }
      if (kind !== 'ConditionCheck') undo.push({ table: real, key, old });
      if (table?.streamViewType != null && kind !== 'ConditionCheck') {
        const after = kind === 'Delete' ? undefined : await this.itemAt(table, key);
        if (old !== undefined || after !== undefined) {
          changes.push({
            table,
            change: {
              eventName: old === undefined ? 'INSERT' : after === undefined ? 'REMOVE' : 'MODIFY',
              keys: (key ?? {}) as Item,
              oldImage: old,
              newImage: after,
            },
          });
        }
      }
    }
    for (const c of changes) this.onStream(c.table, c.change);
    return {
      body: {},
      resource: [
        ...new Set(
          (items as Record<string, Record<string, unknown>>[]).map((e) =>
            String(Object.values(e)[0]?.['TableName'] ?? ''),
          ),
        ),
      ].join(','),
    };
  }

  private async transactGet(params: Record<string, unknown>): Promise<AwsResponse> {
    const items = params['TransactItems'];
    if (!Array.isArray(items) || items.length === 0)
      throw new AwsError('ValidationException', 'TransactItems must have between 1 and 100 items');
    const responses: { Item?: unknown }[] = [];
    for (const entry of items as { Get?: Record<string, unknown> }[]) {
      const get = entry.Get;
      if (!get) throw new AwsError('ValidationException', 'TransactGetItems takes Get actions only');
      const table = this.table(String(get['TableName'] ?? ''));
      const r = await this.raw('GetItem', { ...get, TableName: table?.name ?? get['TableName'] });
      if (r.status !== 200) throw toAwsError(r.status, r.body);
      responses.push(r.body as { Item?: unknown });
    }
    return { body: { Responses: responses } };
  }

  /** One request through dynalite's HTTP handler, in process (no socket). */
  raw(operation: string, params: unknown): Promise<{ status: number; body: unknown }> {
    return new Promise((resolve) => {
      const req = new EventEmitter() as EventEmitter & { headers: Record<string, string>; method: string; url: string };
      req.headers = {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `DynamoDB_20120810.${operation}`,
        authorization:
          'AWS4-HMAC-SHA256 Credential=LOCAL/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
        'x-amz-date': '20260101T000000Z',
      };
      req.method = 'POST';
      req.url = '/';
      let status = 200;
      const res = {
        get statusCode(): number {
          return status;
        },
        set statusCode(s: number) {
          status = s;
        },
        contentType: '',
        setHeader(): void {},
        end(body?: string): void {
          let parsed: unknown;
          try {
            parsed = body ? (JSON.parse(body) as unknown) : {};
          } catch {
            parsed = { __type: 'InternalServerError', message: String(body) };
          }
          resolve({ status, body: parsed });
        },
      };
      try {
        this.handler(req as unknown as IncomingMessage, res as unknown as ServerResponse);
        const body = Buffer.from(JSON.stringify(params));
        process.nextTick(() => {
          req.emit('data', body);
          req.emit('end');
        });
      } catch (e) {
        resolve({ status: 500, body: { __type: 'InternalServerError', message: (e as Error).message } });
      }
    });
  }

  /** Every table's items (plain JSON), for the final state of the run. */
  async dump(): Promise<Record<string, unknown[]>> {
    const out: Record<string, unknown[]> = {};
    for (const t of this.tables.values()) {
      const items: unknown[] = [];
      let start: unknown;
      do {
        const r = await this.raw('Scan', { TableName: t.name, ...(start ? { ExclusiveStartKey: start } : {}) });
        if (r.status !== 200) break;
        const page = r.body as { Items?: Item[]; LastEvaluatedKey?: unknown };
        for (const i of page.Items ?? []) items.push(unmarshall(i));
        start = page.LastEvaluatedKey;
      } while (start);
      out[t.logicalId] = items;
    }
    return out;
  }

  nextSequence(): string {
    this.seq += 1;
    return String(this.seq).padStart(21, '0');
  }
}

export function randomId(): string {
  return randomBytes(16).toString('hex');
}

function keyOf(table: TableDef, item: unknown): Item | undefined {
  if (item === null || typeof item !== 'object') return undefined;
  const schema = (table.create['KeySchema'] as { AttributeName: string }[] | undefined) ?? [];
  const key: Item = {};
  for (const k of schema) {
    const v = (item as Item)[k.AttributeName];
    if (v === undefined) return undefined;
    key[k.AttributeName] = v;
  }
  return key;
}

function errorText(body: unknown): string {
  const b = body as { __type?: string; message?: string; Message?: string };
  return `${(b.__type ?? 'Error').split('#').pop()}: ${b.message ?? b.Message ?? ''}`;
}

function toAwsError(status: number, body: unknown): AwsError {
  const b = body as { __type?: string; message?: string; Message?: string };
  const code = (b.__type ?? 'InternalServerError').split('#').pop() as string;
  return new AwsError(code, b.message ?? b.Message ?? '', status);
}

/** Plain JSON → DynamoDB AttributeValues (for seeded items). */
export function marshall(value: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = attr(v);
  return out;
}

function attr(v: unknown): unknown {
  if (v === null || v === undefined) return { NULL: true };
  if (typeof v === 'string') return { S: v };
  if (typeof v === 'number') return { N: String(v) };
  if (typeof v === 'boolean') return { BOOL: v };
  if (Array.isArray(v)) return { L: v.map(attr) };
  return { M: marshall(v) };
}

/** DynamoDB AttributeValues → plain JSON (numbers as numbers, sets as arrays). */
export function unmarshall(item: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) out[k] = plain(v as Record<string, unknown>);
  return out;
}

function plain(v: Record<string, unknown>): unknown {
  if ('S' in v) return v['S'];
  if ('N' in v) return Number(v['N']);
  if ('BOOL' in v) return v['BOOL'];
  if ('NULL' in v) return null;
  if ('L' in v) return (v['L'] as Record<string, unknown>[]).map(plain);
  if ('M' in v) return unmarshall(v['M'] as Record<string, unknown>);
  if ('SS' in v) return v['SS'];
  if ('NS' in v) return (v['NS'] as string[]).map(Number);
  if ('B' in v) return v['B'];
  if ('BS' in v) return v['BS'];
  return v;
}
