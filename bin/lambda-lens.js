#!/usr/bin/env node
// Entry point for `npx lambda-lens`: runs the bundled CLI, building it first on a fresh clone.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const cli = join(__dirname, '..', 'dist', 'cli.js');
if (!existsSync(cli)) {
  const { execFileSync } = require('node:child_process');
  execFileSync(process.execPath, [join(__dirname, '..', 'scripts', 'build.mjs')], { stdio: 'inherit' });
}
require(cli).run();
