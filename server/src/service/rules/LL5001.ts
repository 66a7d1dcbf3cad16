import { basename, dirname, join, relative } from 'node:path';
import { isKnown, type FunctionModel } from '../model/types';
import { ProjectIndex } from '../project';
import { BUILD_OUTPUT, codeRoot, uriToPath } from '../handlers/resolve';
import { isPythonRuntime, pythonHandlerProblem } from '../handlers/python/files';
import type { Finding, TemplateRule } from './types';

/**
 * The Handler must name a file in the function's code folder and a function that file
 * exports; otherwise every invocation fails at init with Runtime.ImportModuleError or
 * Runtime.HandlerNotFound. Checked for Node.js and Python functions whose code is a local folder.
 */
export const LL5001: TemplateRule = {
  id: 'LL5001',
  title: 'Handler does not resolve to an exported function',
  severity: 'error',
  template({ template, fs, project }) {
    const index = project ?? new ProjectIndex(fs);
    const findings: Finding[] = [];
    const templateDir = dirname(uriToPath(template.uri));
    // A template that is not on disk (untitled, virtual) has no code folder to look in.
    if (fs.stat(templateDir)?.isDirectory !== true) return [];
    const rel = (p: string) => relative(templateDir, p).split('\\').join('/') || '.';
    const report = (fn: FunctionModel, message: string) => {
      if (isKnown(fn.handler)) findings.push({ ruleId: 'LL5001', message, uri: fn.handler.uri, span: fn.handler.span });
    };
    /** The finding for a code folder that does not exist, whatever the function's language. */
    const missingFolder = (fn: FunctionModel, root: string, handler: string): string => {
      // `ProducerFunction/` next to `producerFunction/`: fine on macOS, missing on Linux where builds run.
      const sameButCase = fs
        .readDirectory(dirname(root))
        .find((n) => n !== basename(root) && n.toLowerCase() === basename(root).toLowerCase());
      return sameButCase !== undefined
        ? `The code folder ${rel(root)} of ${fn.logicalId} does not exist; ${rel(join(dirname(root), sameButCase))} differs only in case, which works on a case-insensitive disk but not on Linux, where builds and Lambda run.`
        : `The code folder ${rel(root)} of ${fn.logicalId} does not exist, so Handler "${handler}" cannot be loaded.`;
    };
    for (const fn of template.functions) {
      // Python: a code folder that is not there (a build-output folder appears only after a build).
      const pyRoot = isPythonRuntime(fn) && isKnown(fn.handler) ? codeRoot(fn) : undefined;
      if (pyRoot !== undefined && fs.stat(pyRoot) === undefined && !BUILD_OUTPUT.test(pyRoot) && isKnown(fn.handler)) {
        report(fn, missingFolder(fn, pyRoot, fn.handler.value));
        continue;
      }
      // Python: `module.function` as awslambdaric resolves it (handlers/python/files.ts).
      const python = pythonHandlerProblem(fn, fs);
      if (python !== undefined) {
        report(fn, python);
        continue;
      }
      const r = index.resolutionOf(template, fn);
      if (r.kind === 'skip') continue;
      // An exec wrapper (Lambda Web Adapter's /opt/bootstrap) starts the runtime; Handler then names its script, not a module
      // (docs.aws.amazon.com/lambda/latest/dg/runtimes-modify.html#runtime-wrapper).
      const wrapped = fn.environment?.variables.some((v) => v.name === 'AWS_LAMBDA_EXEC_WRAPPER') === true;
      if (wrapped && r.kind === 'missing' && r.rootExists) continue;
      const handler = isKnown(fn.handler) ? fn.handler.value : '';
      if (r.kind === 'missing' && fn.entry !== undefined) {
        // CDK NodejsFunction: esbuild bundles the entry at synth, which fails when it is missing.
        const entry = isKnown(fn.entry) ? rel(fn.entry.value) : 'entry';
        const candidates = /\.[cm]?[jt]sx?$/.test(entry) ? entry : `${entry}.ts or ${entry}.js`;
        report(
          fn,
          `The entry file ${candidates} of NodejsFunction ${fn.logicalId} does not exist: \`cdk synth\` fails to bundle it ("Cannot find entry file").`,
        );
        continue;
      }
      if (r.kind === 'missing') {
        // A build-output folder (dist/, build/) appears only after a build.
        if (r.buildOutput) continue;
        const base = rel(r.tried[0] ?? r.root);
        report(
          fn,
          r.rootExists
            ? `Handler "${handler}" names a module that is not in the code folder: none of ${base}, ${base}.js, .mjs, .cjs (nor a .ts source) exists. Every invocation of ${fn.logicalId} would fail with Runtime.ImportModuleError.`
            : missingFolder(fn, r.root, handler),
        );
        continue;
      }
      const exportName = r.exportPath[0] ?? '';
      const target = index.followReexports(r.path, exportName);
      const file = index.parsedFile(target.path);
      if (!file) continue;
      if (!target.entry) {
        if (!file.exportsComplete || (target.path === r.path && file.starReexports.length > 0)) continue;
        const names = [...file.exports.keys()];
        report(
          fn,
          `${rel(target.path)} does not export \`${exportName}\`${names.length > 0 ? ` (it exports ${names.map((n) => `\`${n}\``).join(', ')})` : ''}: every invocation of ${fn.logicalId} would fail with Runtime.HandlerNotFound.`,
        );
        continue;
      }
      // CommonJS exports in a file Node loads as an ES module: `exports` is not defined there.
      if (
        r.moduleType === 'module' &&
        !r.source &&
        /\.js$/.test(r.path) &&
        file.usesCommonJsExports &&
        !file.usesEsmSyntax
      ) {
        report(
          fn,
          `${rel(r.path)} uses CommonJS exports, but the nearest package.json has "type": "module", so Lambda loads it as an ES module and init fails ("exports is not defined in ES module scope"). Use \`export\`, or rename the file to .cjs.`,
        );
      }
    }
    return findings;
  },
};
