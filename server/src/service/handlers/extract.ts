/**
 * Language-neutral facts of a handler file, each asked of the file's language extractor:
 * rules call these and decide once for every language.
 */
import type { FileSystem } from '../fs';
import type { HandlerEffects } from '../model/effects';
import { sdkCalls, usesOtherCredentials, type SdkCall } from './awsCalls';
import { batchHandlers } from './batch';
import { clientCreations } from './clients';
import { handlerEffects } from './effects';
import type {
  BatchHandlerFact,
  ChangingKeyFact,
  ClientCreationFact,
  ExitFact,
  HandlerFile,
  HandlerLinkFact,
  ModuleStateFact,
  RetriedEffectFact,
  StringLiteralFact,
  TmpFilesFact,
  UnfinishedWorkFact,
} from './facts';
import { exits, stringLiterals } from './jsFacts';
import { changingKeys } from './keys';
import { moduleState } from './moduleState';
import { retriedEffects } from './retriedEffects';
import { pythonSdkCalls, pythonUsesOtherCredentials } from './python/awsCalls';
import { pythonBatchHandlers } from './python/batch';
import { pythonClientCreations } from './python/clients';
import { pythonHandlerEffects } from './python/effects';
import { pythonChangingKeys } from './python/keys';
import { pythonModuleState } from './python/moduleState';
import { pythonRetriedEffects } from './python/retriedEffects';
import { pythonExits, pythonStringLiterals } from './python/facts';
import { pythonTmpFiles } from './python/tmpFiles';
import { tmpFiles } from './tmpFiles';
import { unfinishedWork } from './unfinished';

/** The string literals of a handler file, with the names they are stored under. */
export function stringLiteralsOf(file: HandlerFile): StringLiteralFact[] {
  return file.language === 'js' ? stringLiterals(file.model) : pythonStringLiterals(file.model);
}

/** Code that ends the process while a request runs. */
export function exitsOf(file: HandlerFile): ExitFact[] {
  return file.language === 'js' ? exits(file.model) : pythonExits(file.model);
}

/** Clients, connections and sessions created while a request runs. */
export function clientCreationsOf(file: HandlerFile): ClientCreationFact[] {
  return file.language === 'js' ? clientCreations(file.model) : pythonClientCreations(file.model);
}

/** Files written under /tmp with a per-request name, and whether the file removes any. */
export function tmpFilesOf(file: HandlerFile): TmpFilesFact {
  return file.language === 'js' ? tmpFiles(file.model) : pythonTmpFiles(file.model);
}

/** Facts already extracted, per model (a new version of a file is a new model) and kind. */
const memo = new WeakMap<object, Map<string, unknown>>();

/** Extracts a fact once per file version, however many rules ask for it. */
function once<T>(file: HandlerFile, kind: string, extract: () => T): T {
  let facts = memo.get(file.model);
  if (facts === undefined) memo.set(file.model, (facts = new Map()));
  if (!facts.has(kind)) facts.set(kind, extract());
  return facts.get(kind) as T;
}

/** The template functions linked to one handler of the file (by export or function name). */
export function linksOf(file: HandlerFile, handler: string): HandlerLinkFact[] {
  return file.language === 'js'
    ? file.links.filter((l) => l.exportName === handler)
    : file.links.filter((l) => l.functionName === handler);
}

/** What a handler does beyond computing and logging, and whether its errors fail the invocation. */
export function effectsOf(file: HandlerFile, handler: string): HandlerEffects | undefined {
  return file.language === 'js' ? handlerEffects(file.model, handler) : pythonHandlerEffects(file.model, handler);
}

/** How each handler of the file reports failed records of a batch. */
export function batchHandlersOf(file: HandlerFile): readonly BatchHandlerFact[] {
  return once(file, 'batch', () =>
    file.language === 'js' ? batchHandlers(file.model) : pythonBatchHandlers(file.model),
  );
}

/** Module-scope state that requests change, and assignments to undeclared names. */
export function moduleStateOf(file: HandlerFile, fs: FileSystem): ModuleStateFact[] {
  return file.language === 'js' ? moduleState(file.model, fs) : pythonModuleState(file.model);
}

/** The names of the file's handlers (exports, Python functions), as template links name them. */
export function handlerNamesOf(file: HandlerFile): string[] {
  return file.language === 'js' ? file.model.handlers.map((h) => h.exportName) : file.model.handlers.map((h) => h.name);
}

/**
 * Keys set from a value that changes on every attempt. `tableKeys`: the key attribute names of
 * the linked templates' tables, which the JS/TS extractor takes as record keys when there are any.
 */
export function changingKeysOf(file: HandlerFile, tableKeys: ReadonlySet<string>): ChangingKeyFact[] {
  return file.language === 'js' ? changingKeys(file.model, tableKeys) : pythonChangingKeys(file.model);
}

/**
 * Calls whose effect a retry does again. `tableKeys`: the key attribute names of the linked
 * templates' tables, which the JS/TS extractor uses to tell a changing key and to offer a fix.
 */
export function retriedEffectsOf(
  file: HandlerFile,
  tableKeys: { readonly partition: ReadonlySet<string>; readonly all: ReadonlySet<string> },
): RetriedEffectFact[] {
  return file.language === 'js' ? retriedEffects(file.model, tableKeys) : pythonRetriedEffects(file.model);
}

/**
 * Work a handler starts and does not wait for. Only the JS/TS extractor states it: a Python
 * handler is synchronous unless it runs an event loop itself, and no Python extractor reads
 * that yet (threads and `asyncio` tasks left running), so a Python file has none.
 */
export function unfinishedWorkOf(file: HandlerFile): UnfinishedWorkFact[] {
  return file.language === 'js' ? unfinishedWork(file.model) : [];
}

/** The template functions linked to the file, each with the handler (export, Python function) it runs. */
export function linkedHandlersOf(file: HandlerFile): (HandlerLinkFact & { readonly handler: string })[] {
  return file.language === 'js'
    ? file.links.map((l) => ({ fn: l.fn, template: l.template, handler: l.exportName }))
    : file.links.map((l) => ({ fn: l.fn, template: l.template, handler: l.functionName }));
}

/** The AWS API calls of the file, with the client's service and where its resource comes from. */
export function sdkCallsOf(file: HandlerFile): SdkCall[] {
  return file.language === 'js' ? sdkCalls(file.model) : pythonSdkCalls(file.model);
}

/** True when the code may call AWS with other credentials than the execution role's (keys given to a client, an assumed role). */
export function usesOtherCredentialsOf(file: HandlerFile): boolean {
  return file.language === 'js' ? usesOtherCredentials(file.model) : pythonUsesOtherCredentials(file.model);
}
