/**
 * Types shared by the local AWS endpoint (endpoint.ts), its services and the engine: a call as
 * the endpoint understood it, who made it, what it answered and how it is recorded.
 */

import type { AwsCall } from '../trace';

export type { AwsCall };

/** The wire protocol of a request, which decides how its answer and its errors are written. */
export type AwsProtocol = 'json' | 'query' | 'rest-json' | 'rest-xml';

/** Who made a call: the environment's current request, as the engine tells the endpoint. */
export interface CallContext {
  /** Logical id of the function that ran the handler. */
  function: string;
  /** The environment the request runs in. */
  env: string;
  requestId: string;
  attempt: number;
  /** Ledger ids of the inputs the invocation carries: attempts of the same input share them. */
  inputs: readonly string[];
}

/** One call as parsed from the wire. */
export interface AwsRequest {
  /** The SigV4 signing name (`dynamodb`, `sqs`, `s3`, `events`…). */
  service: string;
  /** The API operation (`PutItem`, `SendMessage`…). */
  operation: string;
  protocol: AwsProtocol;
  /** JSON protocols: the body; query: the form fields; REST: path parameters, query and headers merged by the service. */
  params: Record<string, unknown>;
  method: string;
  /** The path without the query string, decoded per segment by the service that needs it. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** The access key id the SDK signed with: it names the environment (see `accessKeyFor`). */
  accessKeyId: string | undefined;
  /** The service's namespace for JSON errors (`com.amazonaws.dynamodb.v20120810#`), when known. */
  errorPrefix?: string;
}

/** An answer from a service. `body` is a JSON value for JSON protocols, an XML string or Buffer otherwise. */
export interface AwsResponse {
  status?: number;
  headers?: Record<string, string>;
  body: unknown;
  /** Short text for the trace (`UpdateItem Orders: ADD n :one`). */
  summary?: string;
  /** The resource the call touched (a table, queue URL, bucket/key), for the trace. */
  resource?: string;
  /** Deliveries the call caused that a function's resource policy refused, each with why (enforcement.ts). */
  refused?: string[];
}

/** An AWS-shaped error: the code the SDK maps to an exception class, its message and HTTP status. */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    /** Query-protocol code when it differs (SQS `AWS.SimpleQueueService.NonExistentQueue`). */
    readonly queryCode?: string,
    /** Extra members of a JSON error body (`CancellationReasons` of a cancelled transaction). */
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/**
 * The seam where a call may be refused or delayed before a service answers it: fault injection
 * from the scenario (faults.ts), the VPC's routes and the execution role (enforcement.ts). Returning
 * a decision other than `proceed` answers the call without touching the emulated resources.
 */
export type GateDecision =
  | { kind: 'proceed'; latencyMs: number }
  | { kind: 'fail'; error: AwsError; latencyMs: number; enforcement?: AwsCall['enforcement'] }
  | { kind: 'hang'; reason: string; enforcement?: AwsCall['enforcement'] }
  | { kind: 'respond'; response: AwsResponse; latencyMs: number };

export interface CallGate {
  decide(request: AwsRequest, caller: CallContext | undefined): GateDecision;
}
