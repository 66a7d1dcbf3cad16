/**
 * The files a scenario names (eventFile, messagesFile, recordsFile, seed files) and the scenario
 * itself, read at the edge: a file must be a regular file inside one of the allowed folders (the
 * workspace, or a folder allowed explicitly), no larger than its limit, valid JSON without a
 * BOM problem, and not nested deeper than the simulator can pass on. Problems are sentences that
 * name the file and say what is wrong with it, never quoting its content: a scenario may point
 * at any file on the machine.
 */
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';

/**
 * The deepest nesting an event (or any value of a scenario) may have. Python's json module
 * gives up past its recursion limit of 1,000 frames (https://docs.python.org/3/library/sys.html#sys.getrecursionlimit),
 * so a Python runtime could not read a deeper event, and the simulator's own JSON encoding of
 * requests is recursive too.
 */
export const MAX_JSON_DEPTH = 1000;

/** The largest file other than an event a scenario may read (messages, records, seed data), bytes. */
export const MAX_DATA_FILE_BYTES = 64 * 2 ** 20;

export type FileRead = { ok: true; value: unknown } | { ok: false; problem: string };

/**
 * Read a JSON file a scenario names. `file` is absolute; `shownAs` is how the scenario wrote it;
 * `limit` is the largest size allowed and `limitWhy` what the limit is (for the message).
 */
export function readJsonInput(
  file: string,
  shownAs: string,
  roots: readonly string[],
  limit: number,
  limitWhy: string,
): FileRead {
  let real: string;
  try {
    real = realpathSync(file);
  } catch (e) {
    return { ok: false, problem: `cannot read ${shownAs}: ${reason(e)}` };
  }
  if (!roots.some((root) => inside(real, root))) {
    return {
      ok: false,
      problem: `${shownAs} is outside the workspace (${roots.join(', ')}); move it into the workspace, or allow its folder`,
    };
  }
  let fd: number;
  try {
    // Non-blocking: opening a FIFO for reading would otherwise wait for a writer for ever.
    fd = openSync(real, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    return { ok: false, problem: `cannot read ${shownAs}: ${reason(e)}` };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { ok: false, problem: `${shownAs} is not a regular file` };
    if (stat.size > limit)
      return { ok: false, problem: `${shownAs} is ${stat.size} bytes, over ${limitWhy} (${limit} bytes)` };
    // At most one byte past the limit: a file that grows while it is read cannot make this read more.
    const buffer = Buffer.alloc(Math.min(stat.size, limit) + 1);
    let length = 0;
    for (let n = -1; n !== 0 && length < buffer.length; length += n)
      n = readSync(fd, buffer, length, buffer.length - length, null);
    if (length > limit) return { ok: false, problem: `${shownAs} is over ${limitWhy} (${limit} bytes)` };
    return parseJsonText(buffer.subarray(0, length).toString('utf8'), shownAs);
  } catch (e) {
    return { ok: false, problem: `cannot read ${shownAs}: ${reason(e)}` };
  } finally {
    closeSync(fd);
  }
}

/**
 * JSON text to a value: a UTF-8 byte order mark is skipped; a syntax error is reported by line
 * and column only, without the text around it (JSON.parse's own message quotes it).
 */
export function parseJsonText(text: string, shownAs: string): FileRead {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    const errors: ParseError[] = [];
    parse(body, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    const first = errors[0];
    if (!first) return { ok: false, problem: `${shownAs} is not valid JSON` };
    const before = body.slice(0, first.offset);
    const line = before.split('\n').length;
    const column = first.offset - before.lastIndexOf('\n');
    return {
      ok: false,
      problem: `${shownAs} is not valid JSON: ${printParseErrorCode(first.error)} at line ${line}, column ${column}`,
    };
  }
  const depth = depthOver(value, MAX_JSON_DEPTH);
  if (depth !== null)
    return {
      ok: false,
      problem: `${shownAs} nests values more than ${MAX_JSON_DEPTH} levels deep; the simulator takes at most ${MAX_JSON_DEPTH}`,
    };
  return { ok: true, value };
}

/** Null when `value` nests at most `limit` levels deep, else a depth past it (found without recursion). */
export function depthOver(value: unknown, limit: number): number | null {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > limit) return depth + 1;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return null;
}

function inside(path: string, root: string): boolean {
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    return false;
  }
  const rel = relative(realRoot, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Why a file could not be read: the system's code (ENOENT, EACCES…) in words, without the path's content. */
function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder';
  if (code === 'ELOOP') return 'too many symbolic links';
  return code ?? 'unreadable';
}
