/** Memory enforcement: the /proc reader and the `ps` sampler used where there is no /proc. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { MemoryWatcher } from '../../../server/src/simulator/environment';
import { nodeBootstrapPath } from '../../../server/src/simulator/runtimes/node';
import { liveRuntimePids, RuntimeChild } from '../../../server/src/simulator/runtimes/process';

function has(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const available = {
  procFs: has('cat', ['/proc/self/status']),
  ps: has('ps', ['-o', 'pid=', '-p', String(process.pid)]),
};

for (const procFs of [true, false]) {
  const skip = procFs ? !available.procFs && 'no /proc here' : !available.ps && 'no ps here';
  test(`the memory watcher reports a process over its limit (${procFs ? '/proc' : 'ps'})`, { skip }, async () => {
    const proc = await RuntimeChild.start({
      binary: process.execPath,
      bootstrap: nodeBootstrapPath(),
      cwd: process.cwd(),
      env: {},
    });
    try {
      const watcher = new MemoryWatcher(procFs);
      // Any Node process is far above 1 MB resident.
      await new Promise<void>((resolve) => {
        const unwatch = watcher.watch({ proc, limitMb: 1, onOver: () => (unwatch(), resolve()) }, 10);
      });
      const peak = proc.peakMemoryMb(procFs);
      assert.ok(peak !== null && peak > 1);
    } finally {
      await proc.kill();
    }
    assert.deepEqual(liveRuntimePids(), []);
  });
}
