/**
 * Language-neutral facts of a handler file, each asked of the file's language extractor:
 * rules call these and decide once for every language.
 */
import { clientCreations } from './clients';
import type { ClientCreationFact, ExitFact, HandlerFile, StringLiteralFact, TmpFilesFact } from './facts';
import { exits, stringLiterals } from './jsFacts';
import { pythonClientCreations } from './python/clients';
import { pythonExits, pythonStringLiterals } from './python/facts';
import { pythonTmpFiles } from './python/tmpFiles';
import { tmpFiles } from './tmpFiles';

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
