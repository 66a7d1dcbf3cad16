/**
 * The simulator bundle (dist/simulator.js, scripts/build.mjs) holds the simulator and the
 * template reader only: not the rules' registry, the code analysis (handlers/, hover/, project
 * index), the Python parser or the TypeScript compiler — the extension loads it on first use and
 * `lambda-lens simulate` runs from it, so what it pulls in is start-up time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as esbuild from 'esbuild';

const ROOT = join(__dirname, '..', '..');

test('the simulator bundle contains neither the rule engine, the code analysis nor TypeScript', async () => {
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ['client/src/panel/engine.ts'],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
    metafile: true,
    mainFields: ['module', 'main'],
    logLevel: 'silent',
    // As in scripts/build.mjs: TypeScript stays a file of its own, so an import of it shows as an external path.
    external: ['typescript'],
  });
  const inputs = Object.keys(result.metafile.inputs);
  const externals = Object.values(result.metafile.outputs).flatMap((o) =>
    o.imports.filter((i) => i.external).map((i) => i.path),
  );
  assert.ok(inputs.includes('server/src/simulator/engine.ts'), 'the simulator is in it');
  assert.ok(inputs.includes('server/src/service/templates/template.ts'), 'the template reader is in it');
  assert.deepEqual(
    externals.filter((p) => p === 'typescript'),
    [],
    'no require of TypeScript',
  );
  const unwanted = inputs.filter(
    (p) =>
      /^node_modules\/(typescript|web-tree-sitter|tree-sitter-python)\//.test(p) ||
      // handlers/resolve.ts (where a Handler setting points, paths only) is the one module of handlers/ allowed.
      (/^server\/src\/service\/(index|hover\/|handlers\/|actions\/|project\/index|project\/handlers)/.test(p) &&
        p !== 'server/src/service/handlers/resolve.ts') ||
      p === 'server/src/service/rules/index.ts',
  );
  assert.deepEqual(unwanted, []);
});
