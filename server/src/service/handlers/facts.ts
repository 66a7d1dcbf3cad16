/**
 * A handler file as the rules see it, whatever its language: the language's own model (the
 * TypeScript syntax tree for JS/TS, the tree-sitter tree for Python), the template functions
 * linked to it, and language-neutral facts that a rule can decide on once for every language.
 * Each language's extractor (handlers/model.ts, handlers/python/model.ts) provides them;
 * adding a language means adding a member to HandlerFile and its extractor.
 */
import type { Fix } from '../model/findings';
import type { FunctionModel, Span } from '../model/types';
import type { TemplateDocument } from '../templates/template';
import type { HandlerModel } from './model';
import type { PythonHandlerModel, PythonLink } from './python/model';
import type { Resolution } from './resolve';

/** A template function linked to the file and export that handle its requests. */
export interface FunctionLink {
  readonly fn: FunctionModel;
  readonly template: TemplateDocument;
  /** The file Lambda loads (after following re-exports, the file that defines the function). */
  readonly path: string;
  readonly uri: string;
  /** The export name in `path` (the first segment of the Handler's export path, renamed by re-exports). */
  readonly exportName: string;
  /** The file the Handler string names, when a re-export moved the link elsewhere. */
  readonly via: string | undefined;
  readonly resolution: Extract<Resolution, { kind: 'file' }>;
}

/** A JavaScript or TypeScript handler file. */
export interface JsHandlerFile {
  readonly language: 'js';
  readonly uri: string;
  readonly model: HandlerModel;
  /** Template functions whose Handler resolves to this file; empty when no template links it. */
  readonly links: readonly FunctionLink[];
}

/** A Python handler module. */
export interface PythonHandlerFile {
  readonly language: 'python';
  readonly uri: string;
  readonly model: PythonHandlerModel;
  /** Template functions whose Handler names a function of this module; empty when none does. */
  readonly links: readonly PythonLink[];
}

export type HandlerFile = JsHandlerFile | PythonHandlerFile;

/** A string literal of the source with the name it is stored under (variable, property, keyword argument). */
export interface StringLiteralFact {
  readonly value: string;
  readonly name: string | undefined;
  readonly span: Span;
}

/**
 * What a handler visibly returns: `undefined` when its response may be built where the file
 * does not show it (middleware, a decorator, a callback, an expression body); else every
 * `return` of the handler itself (none when it never returns).
 */
export type ReturnFacts = readonly ReturnFact[] | undefined;

export interface ReturnFact {
  /** `nothing` (`return;`, `return None`), an object/dict literal, or any other value. */
  readonly kind: 'nothing' | 'object' | 'other';
  /** For an object literal: its keys, or `undefined` when one is computed or spread in. */
  readonly keys: readonly string[] | undefined;
  /** The returned expression's text, for messages (empty for `nothing`). */
  readonly text: string;
  readonly span: Span;
}

/**
 * Code of a handler (or a function it calls) that ends the process while a request runs:
 * a call (`process.exit()`, `sys.exit()`) or an exception that ends the interpreter
 * (`raise SystemExit`).
 */
export interface ExitFact {
  readonly kind: 'call' | 'raise';
  /** The callee (`process.exit`) or the exception's name (`SystemExit`), as written. */
  readonly name: string;
  readonly span: Span;
}

/**
 * An SDK client, database connection or other reusable resource created while a request runs
 * (in a handler, or in a module function a handler calls). A resource built in two steps
 * (`DynamoDBDocumentClient.from(new DynamoDBClient())`, or a local passed to the wrapper) is one
 * fact, at the step the extractor reports.
 */
export interface ClientCreationFact {
  /** What is created, for messages: `an AWS SDK v3 client`, `a boto3 client`. */
  readonly what: string;
  readonly span: Span;
  /** The module function that creates it, when the handler calls it rather than creating it itself. */
  readonly via: { readonly fn: string; readonly handler: string } | undefined;
  /**
   * Kept across requests on purpose: stored where it outlives the request (a module variable
   * under a lazy-initialisation guard, `global`, `this.x`, `self.x`), or made by a cached factory.
   */
  readonly kept: boolean;
  /** Its arguments use request data (a tenant's credentials, a region from the event): per request on purpose. */
  readonly fromRequest: boolean;
  /** The handler is a CloudFormation custom resource, which runs a few times per deployment. */
  readonly customResource: boolean;
  /**
   * An asyncio client (`httpx.AsyncClient`, `aiohttp.ClientSession`, aioboto3, motor) made in a
   * coroutine: it belongs to the event loop running the request, and a Python handler runs its
   * coroutines in a new loop per request (`asyncio.run`), so it cannot be made once at module scope.
   */
  readonly loopBound: boolean;
  /** Edits that move its statement to module scope, when that is a safe, mechanical change. */
  readonly moveToModuleScope: Fix | undefined;
}

/** Files written under /tmp while a request runs, with a name that changes per request. */
export interface TmpFilesFact {
  /** True when the file removes files anywhere (a removal call, a self-cleaning temporary folder). */
  readonly removes: boolean;
  readonly writes: readonly {
    readonly span: Span;
    /** The path expression as written: two writes of the same expression are one file. */
    readonly path: string;
  }[];
}

/** A template function linked to one handler of the file (a JS/TS export, a Python function). */
export interface HandlerLinkFact {
  readonly fn: FunctionModel;
  readonly template: TemplateDocument;
}

/**
 * What a handler does with a batch of records (SQS, Kinesis, DynamoDB Streams), one per
 * handler of the file: how it reports the records that failed (a partial batch response,
 * `batchItemFailures`), and where one record's failure fails the whole batch.
 */
export interface BatchHandlerFact {
  /** The handler's name as template links name it (the export, the Python function). */
  readonly handler: string;
  readonly nameSpan: Span;
  /** The file uses a library that builds the partial batch response (Powertools, middy). */
  readonly library: boolean;
  /** Where `batchItemFailures` is named: inside this handler, and anywhere in the file. */
  readonly mentions: { readonly inHandler: readonly Span[]; readonly inFile: readonly Span[] };
  /** What the handler visibly returns. */
  readonly returns: ReturnFacts;
  /** The response may be built where the file does not show it (middleware, a decorator, an imported function). */
  readonly responseElsewhere: boolean;
  /** Record fields given as `itemIdentifier` in the handler (`receiptHandle` in `itemIdentifier: record.receiptHandle`). */
  readonly itemIdentifiers: readonly { readonly field: string; readonly span: Span }[];
  /** Errors thrown (raised) inside a loop over the records and not caught in the handler, in source order. */
  readonly failuresInRecordLoops: readonly Span[];
}

/**
 * Module-scope state that a request changes and the next warm invocation of the same
 * environment sees. Writes kept on purpose are not facts: lazy initialisation under a guard,
 * keyed caches (`map.set(k, v)`, `cache[k] = v`), values that do not come from the request.
 */
export type ModuleStateFact =
  /** A module-scope number changed per request (`count++`, `global n; n += 1`). */
  | { readonly kind: 'counter'; readonly name: string; readonly span: Span }
  /** A module-scope variable, or a property of a module-scope object (`property`, as written), set from request data. */
  | {
      readonly kind: 'fromRequest';
      readonly name: string;
      readonly property: string | undefined;
      readonly span: Span;
    }
  /** A module-scope collection added to per request and never emptied; `how` says how (`appended to`). */
  | { readonly kind: 'grows'; readonly name: string; readonly how: string; readonly span: Span }
  /**
   * An assignment, in a function, to a name declared nowhere in the file: in a sloppy-mode
   * script it creates a global (unless a guard makes it a once-set cache); in strict mode
   * (`module` for an ES module) it throws. `constant` when the value is the same on every request
   * (a literal, or a constructor given only literals and environment variables).
   */
  | {
      readonly kind: 'undeclared';
      readonly name: string;
      readonly mode: 'module' | 'strict' | 'sloppy';
      readonly guarded: boolean;
      readonly constant: boolean;
      readonly span: Span;
    };

/**
 * Whose requests run a piece of code: one handler's (its body, or a module function it
 * calls), or `helper`, a function of the file that any of its handlers may call.
 */
export type RunsIn = { readonly handler: string } | 'helper';

/**
 * A value that changes on every attempt (`randomUUID()`, `uuid.uuid4()`, `Date.now()`) used as
 * a key that must be the same on every delivery of an event.
 */
export interface ChangingKeyFact {
  /** The key's name: `id`, `order_id`, `MessageDeduplicationId`, a Step Functions execution `name`. */
  readonly name: string;
  /** `record`: a record's key (a retry writes a duplicate); `dedup`: an idempotency or deduplication key (a retry is not recognised). */
  readonly role: 'record' | 'dedup';
  /** The changing value's source as written, and where. */
  readonly source: string;
  readonly span: Span;
  readonly runsIn: RunsIn;
  /** The code runs under an idempotency mechanism (Powertools, an explicit dedup check on the event's id). */
  readonly idempotent: boolean;
}

/** What a repeated call does twice. */
export type EffectKind =
  | 'put'
  | 'update'
  | 'transaction'
  | 'message'
  | 'publish'
  | 'events'
  | 'execution'
  | 'invoke'
  | 'email'
  | 'payment'
  | 'http';

/**
 * A call whose effect a retry of the event does again (a write, a message, an email, an
 * execution, a charge, an HTTP POST), while a request runs.
 */
export interface RetriedEffectFact {
  readonly kind: EffectKind;
  /** The call, for messages: `DynamoDB PutItemCommand`, `SQS send_message`. */
  readonly what: string;
  readonly span: Span;
  readonly runsIn: RunsIn;
  /** The code runs under an idempotency mechanism (Powertools, an explicit dedup check on the event's id). */
  readonly idempotent: boolean;
  /**
   * What a retry does, as far as the call shows: `repeats` its effect; `accumulates`, an
   * update that adds to what is stored (`expression`); `requestIdName`, an execution named
   * from the request id, which a retry changes. `undefined` when the call carries what makes
   * it safe (a condition, a deduplication id, an execution name, an idempotency key), uses a
   * changing key (LL2102's finding), or cannot be read.
   */
  readonly repeat:
    | { readonly how: 'repeats' }
    | { readonly how: 'accumulates'; readonly expression: string }
    | { readonly how: 'requestIdName' }
    | undefined;
  /** Edits that make a put conditional on its partition key, when the input is a literal that shows the key. */
  readonly conditionFix: Fix | undefined;
  /**
   * The call is the last thing that can fail in a per-record `try` of a handler that returns
   * a partial batch response: once it succeeded, its record cannot fail and be retried.
   */
  readonly lastInRecord: boolean;
}

/**
 * Work a handler starts and does not wait for, so that it may still be running (or not even
 * sent) when the handler returns and Lambda freezes the environment.
 */
export type UnfinishedWorkFact =
  /** A loop whose async callbacks' promises nobody waits for (`records.forEach(async (r) => …)`). */
  | { readonly kind: 'loopCallbacks'; readonly span: Span }
  /** A request built and never sent (AWS SDK v2 without a callback or `.promise()`); `fix` sends and awaits it. */
  | { readonly kind: 'unsentRequest'; readonly call: string; readonly span: Span; readonly fix: Fix | undefined }
  /** A request sent with a completion callback from an async handler, which returns without waiting for it. */
  | { readonly kind: 'callback'; readonly call: string; readonly span: Span }
  /** A promise neither awaited nor returned in an async function; `what` names the call for messages, `fix` awaits it. */
  | { readonly kind: 'promise'; readonly what: string; readonly span: Span; readonly fix: Fix };
