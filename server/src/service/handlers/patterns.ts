/**
 * What the handler-code rules recognise, as data: extend these tables to teach a rule a
 * new library. Module names match import specifiers and `require` arguments; paths match
 * the member path from the module (see `ImportRef`).
 */
import type { ImportRef } from './model';

/** A reusable resource (SDK client, connection, pool) that LL3001 wants created once per environment. */
export interface ClientPattern {
  /** The module that exports it. */
  readonly module: string | RegExp;
  /** The member path: `S3Client`, `DynamoDB.DocumentClient`, `''` for the module value itself. */
  readonly path: RegExp;
  /** Created with `new`, by calling a factory, or either. */
  readonly how: 'new' | 'call' | 'either';
  /** What it is, for the message ("an AWS SDK v3 client"). */
  readonly what: string;
}

/** AWS SDK v2 classes under `AWS.` that are configuration, not clients. */
const SDK_V2_NOT_CLIENTS =
  /^(Config|Credentials|.*Credentials|Endpoint|HttpRequest|HttpResponse|Request|Response|Service|SequentialExecutor|EventListeners|MetadataService|Signers|ParamValidator)$/;

export const CLIENT_PATTERNS: readonly ClientPattern[] = [
  { module: /^@aws-sdk\/client-/, path: /^[A-Za-z0-9]*Client$/, how: 'new', what: 'an AWS SDK v3 client' },
  {
    module: /^@aws-sdk\/client-/,
    path: /^(?!.*(Command|Exception|Error)$)[A-Z][A-Za-z0-9]*$/,
    how: 'new',
    what: 'an AWS SDK v3 aggregated client',
  },
  {
    module: '@aws-sdk/lib-dynamodb',
    path: /^DynamoDBDocument(Client)?\.from$/,
    how: 'call',
    what: 'a DynamoDB document client',
  },
  {
    module: '@aws-sdk/lib-dynamodb',
    path: /^DynamoDBDocument(Client)?$/,
    how: 'new',
    what: 'a DynamoDB document client',
  },
  {
    module: 'aws-sdk',
    path: /^(default\.)?[A-Z][A-Za-z0-9]*(\.DocumentClient)?$/,
    how: 'new',
    what: 'an AWS SDK v2 client',
  },
  {
    module: /^aws-sdk\/clients\/[a-z0-9]+$/,
    path: /^(default)?$|^DocumentClient$/,
    how: 'new',
    what: 'an AWS SDK v2 client',
  },
  { module: 'pg', path: /^(default\.)?(Pool|Client)$/, how: 'new', what: 'a PostgreSQL connection' },
  {
    module: /^(mysql2?|mysql2\/promise)$/,
    path: /^(default\.)?(createConnection|createPool|createPoolCluster)$/,
    how: 'call',
    what: 'a MySQL connection',
  },
  { module: 'mongodb', path: /^MongoClient$/, how: 'new', what: 'a MongoDB client' },
  { module: 'mongodb', path: /^MongoClient\.connect$/, how: 'call', what: 'a MongoDB connection' },
  { module: 'mongoose', path: /^(default\.)?(connect|createConnection)$/, how: 'call', what: 'a Mongoose connection' },
  { module: 'ioredis', path: /^(default|Redis|Cluster|default\.Cluster)?$/, how: 'new', what: 'a Redis client' },
  { module: 'redis', path: /^(createClient|createCluster)$/, how: 'call', what: 'a Redis client' },
  { module: '@upstash/redis', path: /^Redis$/, how: 'new', what: 'a Redis client' },
  { module: '@prisma/client', path: /^PrismaClient$/, how: 'new', what: 'a Prisma client' },
  { module: 'knex', path: /^(default|knex)?$/, how: 'call', what: 'a Knex connection pool' },
  { module: 'sequelize', path: /^Sequelize$/, how: 'new', what: 'a Sequelize connection pool' },
  { module: 'postgres', path: /^(default)?$/, how: 'call', what: 'a PostgreSQL connection' },
  { module: '@neondatabase/serverless', path: /^(Pool|Client)$/, how: 'new', what: 'a PostgreSQL connection' },
  {
    module: /^@elastic\/elasticsearch$|^@opensearch-project\/opensearch$/,
    path: /^Client$/,
    how: 'new',
    what: 'a search cluster client',
  },
  { module: 'stripe', path: /^(default|Stripe)?$/, how: 'either', what: 'a Stripe client' },
  { module: 'openai', path: /^(default|OpenAI)?$/, how: 'new', what: 'an OpenAI client' },
  { module: '@anthropic-ai/sdk', path: /^(default|Anthropic)?$/, how: 'new', what: 'an Anthropic client' },
  { module: 'cassandra-driver', path: /^Client$/, how: 'new', what: 'a Cassandra client' },
  { module: 'neo4j-driver', path: /^(default\.)?driver$/, how: 'call', what: 'a Neo4j driver' },
];

/** Finds the client pattern for a construction or factory call. */
export function matchClient(ref: ImportRef | undefined, how: 'new' | 'call'): ClientPattern | undefined {
  if (!ref) return undefined;
  return CLIENT_PATTERNS.find((p) => {
    if (p.how !== 'either' && p.how !== how) return false;
    if (
      typeof p.module === 'string'
        ? p.module !== ref.module && `node:${p.module}` !== ref.module
        : !p.module.test(ref.module)
    )
      return false;
    if (!p.path.test(ref.path)) return false;
    return !(
      ref.module === 'aws-sdk' && SDK_V2_NOT_CLIENTS.test(ref.path.replace(/^default\./, '').split('.')[0] ?? '')
    );
  });
}

/**
 * LL3002: methods that grow a module-scope collection. Keyed writes (`map.set(k, v)`,
 * `cache[k] = v`) are caches by design and are not listed.
 */
export const GROWING_METHODS: Readonly<Record<string, string>> = {
  push: 'an array that grows',
  unshift: 'an array that grows',
  splice: 'an array changed in place',
  add: 'a set that grows',
};

/** LL3002: resets that make a growing collection per-request again. */
export const RESET_METHODS: ReadonlySet<string> = new Set(['clear', 'splice']);

/** LL3003: calls that return a promise, by member name on any receiver (`client.send(cmd)`). */
export const PROMISE_METHODS: ReadonlySet<string> = new Set(['promise', 'then', 'catch', 'finally']);

/** LL3003: calls that return a promise, by dotted callee. */
export const PROMISE_CALLEES: readonly RegExp[] = [
  /^fetch$/,
  /^axios(\.(get|post|put|patch|delete|head|request))?$/,
  /^got(\.(get|post|put|patch|delete))?$/,
  /^Promise\.(all|allSettled|any|race)$/,
];

/** LL3003: modules whose every exported function returns a promise. */
export const PROMISE_MODULES: readonly RegExp[] = [/^(node:)?fs\/promises$/, /^(node:)?timers\/promises$/];

/** LL3006: calls that write a file, with the index of the path argument. */
export const FILE_WRITES: Readonly<Record<string, number>> = {
  writeFile: 0,
  writeFileSync: 0,
  appendFile: 0,
  appendFileSync: 0,
  createWriteStream: 0,
  copyFile: 1,
  copyFileSync: 1,
  mkdtemp: 0,
  mkdtempSync: 0,
};

/** LL3006: calls that remove files or folders; one anywhere in the file means cleanup is handled. */
export const FILE_REMOVALS: ReadonlySet<string> = new Set([
  'unlink',
  'unlinkSync',
  'rm',
  'rmSync',
  'rmdir',
  'rmdirSync',
  'remove',
  'removeSync',
  'emptyDir',
  'emptyDirSync',
  'rimraf',
  'sync',
  'cleanup',
  'removeCallback',
]);

/** LL3007: timers that keep running after the handler returns, and how to stop each. */
export const TIMERS: Readonly<Record<string, string>> = {
  setInterval: 'clearInterval',
  setTimeout: 'clearTimeout',
};

/** LL3007: methods that add a listener, and the ones that remove it. */
export const LISTENER_ADDS: ReadonlySet<string> = new Set(['on', 'addListener', 'prependListener']);
export const LISTENER_REMOVES: ReadonlySet<string> = new Set(['off', 'removeListener', 'removeAllListeners']);

/** Libraries that build the partial batch response for the handler (Powertools batch, middy). */
export const BATCH_RESPONSE_LIBRARIES =
  /\b(processPartialResponse|processPartialResponseSync|BatchProcessor|SqsFifoPartialProcessor|sqsPartialBatchFailure|sqs-partial-batch-failure|kinesisPartialBatchFailure)\b/;

/** `UpdateExpression`s that add to what is there: `ADD`, `SET x = x + :n`, `list_append`. */
export const ACCUMULATING_UPDATE =
  /\bADD\s|\bSET\b[\s\S]*?([#\w.[\]]+)\s*=\s*(?:if_not_exists\s*\(\s*\1\s*,[^)]*\)|\1)\s*[+-]|list_append\s*\(/i;
