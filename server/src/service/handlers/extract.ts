/**
 * Language-neutral facts of a handler file, each asked of the file's language extractor:
 * rules call these and decide once for every language.
 */
import type { HandlerFile, StringLiteralFact } from './facts';
import { stringLiterals } from './jsFacts';
import { pythonStringLiterals } from './python/facts';

/** The string literals of a handler file, with the names they are stored under. */
export function stringLiteralsOf(file: HandlerFile): StringLiteralFact[] {
  return file.language === 'js' ? stringLiterals(file.model) : pythonStringLiterals(file.model);
}
