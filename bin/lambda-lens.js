#!/usr/bin/env node
// The `lambda-lens` command. An installed package (npm pack, npm install -g) carries the built
// CLI in dist/; a fresh clone builds it once, here, from its sources.
// `simulate` runs from the simulator bundle, which loads neither the rules nor TypeScript.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const root = join(__dirname, '..');
const cli = join(root, 'dist', 'cli.js');
const simulator = join(root, 'dist', 'simulator.js');
if (!existsSync(cli) || !existsSync(simulator)) {
  const build = join(root, 'scripts', 'build.mjs');
  if (!existsSync(build)) {
    process.stderr.write(
      `lambda-lens: ${existsSync(cli) ? simulator : cli} is missing from this installation; reinstall the package\n`,
    );
    process.exit(3);
  }
  const { execFileSync } = require('node:child_process');
  execFileSync(process.execPath, [build], { stdio: 'inherit' });
}
const args = process.argv.slice(2);
if (args[0] === 'simulate' && !namesCdkStack(args.slice(1))) require(simulator).runSimulateProcess(args.slice(1));
else require(cli).run();

// A CDK stack (lib/stack.ts, or a scenario whose "template" is one) is rendered by dist/cli.js,
// which has the CDK reader (server/src/cdkTargets.ts); other simulations skip loading it.
function namesCdkStack(rest) {
  const stack = /\.[cm]?[jt]sx?$/i;
  return rest.some((a) => {
    if (a.startsWith('-')) return false;
    if (stack.test(a)) return true;
    if (!/\.json$/i.test(a)) return false;
    try {
      const { readFileSync, statSync } = require('node:fs');
      if (statSync(a).size > 1024 * 1024) return false;
      const template = JSON.parse(readFileSync(a, 'utf8')).template;
      return typeof template === 'string' && stack.test(template);
    } catch {
      return false;
    }
  });
}
