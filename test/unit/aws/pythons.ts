/**
 * The Python interpreters on this machine that have boto3 (each once), for the tests that run
 * boto3 handlers: `python3` on PATH and Debian's `/usr/bin/python3` (CI installs its
 * python3-boto3 1.26, older than AWS_ENDPOINT_URL support).
 */
import { spawnSync } from 'node:child_process';

export function pythonsWithBoto3(): { binary: string; version: string }[] {
  const found = new Map<string, { binary: string; version: string }>();
  for (const candidate of ['python3', '/usr/bin/python3', 'python3.12', 'python3.13']) {
    const r = spawnSync(candidate, ['-c', 'import sys, boto3; print(sys.executable, boto3.__version__)'], {
      encoding: 'utf8',
    });
    if (r.status !== 0) continue;
    const [exe, version] = r.stdout.trim().split(' ');
    if (exe && version && !found.has(exe)) found.set(exe, { binary: exe, version });
  }
  return [...found.values()];
}
