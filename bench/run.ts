/** Runs every benchmark in bench/ in turn, each in its own process. */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const skip = new Set(['run.ts', 'stats.ts']);
const only = process.argv.slice(2);
for (const name of readdirSync(__dirname).sort()) {
  if (!/\.(ts|mjs)$/.test(name) || skip.has(name)) continue;
  if (only.length > 0 && !only.some((o) => name.startsWith(o))) continue;
  console.log(`\n== ${name}`);
  const r = spawnSync(
    process.execPath,
    name.endsWith('.ts') ? ['--import', 'tsx', join(__dirname, name)] : [join(__dirname, name)],
    { stdio: 'inherit' },
  );
  if (r.status !== 0) console.log(`${name} exited with ${String(r.status)}`);
}
