/**
 * Each environment's /tmp, limited to the function's ephemeral storage as on Lambda: 512 MB by
 * default, configurable from 512 to 10,240 MB, and a write past it fails with ENOSPC
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-ephemeral-storage.html,
 * https://docs.aws.amazon.com/lambda/latest/api/API_EphemeralStorage.html).
 *
 * How: on Linux the runtime process starts in a user and mount namespace of its own (no root
 * needed: `unshare --user --map-root-user --mount`, util-linux), where a tmpfs of that size is
 * mounted on /tmp. The kernel then answers every write past the size with ENOSPC, whatever wrote
 * it (the runtime's fs/open, native code, a `tar` the handler started); /tmp lives as long as the
 * process (warm requests see what earlier ones left) and no other environment sees it; nothing
 * is written to the host's /tmp, and the kernel frees it when the environment's last process
 * ends. The handler runs with the host's user id again (a nested user namespace maps it back).
 *
 * The entries of the host's /tmp that the process needs (its code, bootstrap, executable, paths
 * its variables name) are bind-mounted into the new /tmp at the same paths; the rest of the
 * host's /tmp is out of sight, as on Lambda. Where namespaces are not available (macOS,
 * Windows, a container or a system that forbids unprivileged user namespaces) the environment
 * falls back to a private TMPDIR whose size is not enforced, and the trace says why.
 */
import { spawnSync } from 'node:child_process';
import { isAbsolute, relative, sep } from 'node:path';

/** How a runtime process is started with its own /tmp. */
export interface IsolatedTmp {
  sizeMb: number;
  /** An existing directory the tmpfs is mounted on first (inside the namespace only), then moved onto /tmp. */
  stage: string;
  /** Absolute host paths the process needs that may lie under /tmp. */
  keep: string[];
}

/**
 * The script run in the new namespaces: mount the tmpfs on the stage, bind the kept entries of
 * the host's /tmp into it, move it onto /tmp, then map the host's user back and exec the runtime
 * (the same process id throughout: unshare and sh exec, they do not fork). `mount -n`: there is
 * no userspace mount table to update from inside a user namespace.
 */
const SCRIPT = [
  'set -e',
  'size=$1; stage=$2; uid=$3; gid=$4; shift 4',
  'mount -n -t tmpfs -o "size=${size}m,mode=1777" lambda-tmp "$stage"',
  'while [ "$1" != -- ]; do',
  // An entry that does not exist needs nothing (a folder the process may look in, such as a
  // node_modules up the tree from code under /tmp): binding it would fail the start.
  '  if [ -d "/tmp/$1" ]; then mkdir -p "$stage/$1"; mount -n --bind "/tmp/$1" "$stage/$1";',
  '  elif [ -e "/tmp/$1" ]; then : > "$stage/$1"; mount -n --bind "/tmp/$1" "$stage/$1"; fi',
  '  shift',
  'done',
  'shift',
  'mount -n --move "$stage" /tmp',
  'exec unshare --user --map-user="$uid" --map-group="$gid" "$@"',
].join('\n');

/** The command that starts `binary args` with its own /tmp of `tmp.sizeMb`. */
export function isolatedTmpCommand(
  binary: string,
  args: string[],
  tmp: IsolatedTmp,
): { command: string; args: string[] } {
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  return {
    command: 'unshare',
    args: [
      '--user',
      '--map-root-user',
      '--mount',
      'sh',
      '-c',
      SCRIPT,
      'sh',
      String(Math.max(1, Math.round(tmp.sizeMb))),
      tmp.stage,
      String(uid),
      String(gid),
      // The stage's own entry holds the tmpfs until it moves: it is not one to keep.
      ...tmpEntries(tmp.keep).filter((entry) => !tmpEntries([tmp.stage]).includes(entry)),
      '--',
      binary,
      ...args,
    ],
  };
}

/**
 * The top-level entries of /tmp that hold `paths` (`/tmp/work/app/src` → `work`), each once.
 * Relative paths and paths outside /tmp need nothing.
 */
export function tmpEntries(paths: readonly string[]): string[] {
  const entries = new Set<string>();
  for (const path of paths) {
    if (!isAbsolute(path)) continue;
    const rel = relative('/tmp', path);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) continue;
    const first = rel.split(sep)[0];
    if (first) entries.add(first);
  }
  return [...entries].sort();
}

/** Absolute paths named in variable values (`PATH`-style lists included). */
export function pathsInVariables(vars: Record<string, string>): string[] {
  const out: string[] = [];
  for (const value of Object.values(vars)) {
    for (const part of value.split(':')) if (part.startsWith('/')) out.push(part);
  }
  return out;
}

let probed: { ok: true } | { ok: false; reason: string } | undefined;

/**
 * Whether runtime processes can get their own /tmp here, else why not (for the trace). Tried
 * once per host process: a tmpfs mounted in new user and mount namespaces (≈30 ms).
 */
export function isolatedTmpSupport(): { ok: true } | { ok: false; reason: string } {
  if (probed) return probed;
  if (process.platform !== 'linux') {
    probed = { ok: false, reason: `${process.platform} has no mount namespaces` };
    return probed;
  }
  const result = spawnSync(
    'unshare',
    [
      '--user',
      '--map-root-user',
      '--mount',
      'sh',
      '-c',
      'mount -n -t tmpfs -o size=1m lambda-tmp /tmp && unshare --user --map-user="$1" --map-group="$2" true',
      'sh',
      String(process.getuid?.() ?? 0),
      String(process.getgid?.() ?? 0),
    ],
    { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    probed = {
      ok: false,
      reason: code === 'ENOENT' ? 'unshare (util-linux) is not installed' : `unshare failed: ${result.error.message}`,
    };
  } else if (result.status !== 0) {
    const said = (result.stderr ?? '').trim().split('\n')[0] ?? '';
    probed = {
      ok: false,
      reason: `this system does not let a user mount a tmpfs in a user namespace${said ? ` (${said})` : ''}`,
    };
  } else probed = { ok: true };
  return probed;
}
