/**
 * What every `lambda-lens` command shares: its exit codes, and its arguments read with Node's `util.parseArgs`
 * (https://nodejs.org/api/util.html#utilparseargsconfig): unknown options, a missing value and
 * a value that looks like an option are usage errors, reported as one short sentence.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Exit codes, the same for every command (README.md, "The CLI"). */
export const EXIT = {
  /** Done; for `check`, no error-severity finding. */
  ok: 0,
  /** `check` found errors (the findings are the output). */
  findings: 1,
  /** Bad usage or bad input: unknown command or option, missing file, invalid scenario. */
  usage: 2,
  /** The tool itself failed: a file could not be read or checked, a run failed, a crash. */
  failure: 3,
  /** `simulate` was stopped (Ctrl-C, SIGTERM): 128 + SIGINT, as shells report it. */
  interrupted: 130,
} as const;

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/** The arguments after the command's name (`values`, `positionals`), or the usage problem as a sentence. */
export function parseCommandArgs<const O extends OptionSpecs>(args: readonly string[], options: O) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (e) {
    return usageProblem(e);
  }
}

/** Node's messages add advice on `--` that does not fit here: keep their first sentence. */
function usageProblem(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  const code = typeof e === 'object' && e !== null && 'code' in e ? e.code : undefined;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = /'([^']+)'/.exec(message)?.[1];
    return option !== undefined ? `unknown option ${option}` : message;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const option = /'(?:-\w, )?(--?[^' ]+)/.exec(message)?.[1] ?? 'the option';
    if (/argument missing/.test(message)) return `${option} needs a value`;
    if (/ambiguous/.test(message)) return `${option} needs a value (write ${option}=VALUE for one starting with "-")`;
    if (/does not take an argument/.test(message)) return `${option} takes no value`;
  }
  return message.split('. ')[0] ?? message;
}

/** Whether `value` is one of `allowed` (an option such as `--format`). */
export function isOneOf<T extends string>(value: string, allowed: readonly T[]): value is T {
  return (allowed as readonly string[]).includes(value);
}

/** The usage problem of a value that is not one of `allowed`. */
export function notOneOf(option: string, value: string, allowed: readonly string[]): string {
  return `${option} takes ${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1] ?? ''} (got ${value})`;
}
