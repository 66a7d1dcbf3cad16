#!/usr/bin/env node
// Entry point for `npx lambda-lens`: runs the bundled CLI, building it first on a fresh clone.
// `simulate` runs from the simulator bundle, which loads neither the rules nor TypeScript.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const dist = join(__dirname, '..', 'dist');
const cli = join(dist, 'cli.js');
const simulator = join(dist, 'simulator.js');
if (!existsSync(cli) || !existsSync(simulator)) {
  const { execFileSync } = require('node:child_process');
  execFileSync(process.execPath, [join(__dirname, '..', 'scripts', 'build.mjs')], { stdio: 'inherit' });
}
const args = process.argv.slice(2);
if (args[0] === 'simulate') require(simulator).runSimulateProcess(args.slice(1));
else require(cli).run();
