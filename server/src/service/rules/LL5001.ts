import { basename, dirname, join, relative } from 'node:path';
import { isKnown, type FunctionModel } from '../model/types';
import { NEVER_WALKED, ProjectIndex } from '../project';
import { BUILD_OUTPUT, codeRoot, uriToPath } from '../handlers/resolve';
import { isPythonRuntime, pythonHandlerProblem } from '../handlers/python/files';
import type { FileSystem } from '../fs';
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
    const report = (fn: FunctionModel, message: string, severity?: 'info') => {
      if (isKnown(fn.handler))
        findings.push({
          ruleId: 'LL5001',
          message,
          uri: fn.handler.uri,
          span: fn.handler.span,
          ...(severity ? { severity } : {}),
        });
    };
    const noCode = () =>
      index.folderAnswer('no code around', dirname(templateDir), () => hasNoCodeAround(templateDir, fs));
    /** The finding for a code folder that does not exist, whatever the function's language. */
    const missingFolder = (fn: FunctionModel, root: string, handler: string): void => {
      // `ProducerFunction/` next to `producerFunction/`: fine on macOS, missing on Linux where builds run.
      const sameButCase = fs
        .readDirectory(dirname(root))
        .find((n) => n !== basename(root) && n.toLowerCase() === basename(root).toLowerCase());
      if (sameButCase !== undefined)
        report(
          fn,
          `The code folder ${rel(root)} of ${fn.logicalId} does not exist; ${rel(join(dirname(root), sameButCase))} differs only in case, which works on a case-insensitive disk but not on Linux, where builds and Lambda run.`,
        );
      else if (noCode())
        report(
          fn,
          `The code folder ${rel(root)} of ${fn.logicalId} does not exist, so Handler "${handler}" cannot be loaded. ${KEPT_WITHOUT_CODE}`,
          'info',
        );
      else
        report(
          fn,
          `The code folder ${rel(root)} of ${fn.logicalId} does not exist, so Handler "${handler}" cannot be loaded.`,
        );
    };
    for (const fn of template.functions) {
      // Python: a code folder that is not there (a build-output folder appears only after a build).
      const pyRoot = isPythonRuntime(fn) && isKnown(fn.handler) ? codeRoot(fn) : undefined;
      if (pyRoot !== undefined && fs.stat(pyRoot) === undefined && !BUILD_OUTPUT.test(pyRoot) && isKnown(fn.handler)) {
        missingFolder(fn, pyRoot, fn.handler.value);
        continue;
      }
      // Python: `module.function` as awslambdaric resolves it (handlers/python/files.ts).
      const python = pythonHandlerProblem(fn, fs);
      if (python !== undefined) {
        if (noCode()) report(fn, `${python} ${KEPT_WITHOUT_CODE}`, 'info');
        else report(fn, python);
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
        if (!r.rootExists) missingFolder(fn, r.root, handler);
        else {
          const message = `Handler "${handler}" names a module that is not in the code folder: none of ${base}, ${base}.js, .mjs, .cjs (nor a .ts source) exists. Every invocation of ${fn.logicalId} would fail with Runtime.ImportModuleError.`;
          if (noCode()) report(fn, `${message} ${KEPT_WITHOUT_CODE}`, 'info');
          else report(fn, message);
        }
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

/** Why a missing module is an info when no code is around the template ({@link hasNoCodeAround}). */
const KEPT_WITHOUT_CODE =
  'There is no code anywhere around this template, though: it looks like a template kept without its code (a copy, a snippet, an excerpt).';

/** Files that are code, or a project's manifest, in any language Lambda runs. */
const CODE_FILE =
  /\.([cm]?[jt]sx?|py|java|kt|go|cs|fs|rb|rs|php|ps1)$|^(package\.json|requirements\.txt|pyproject\.toml|pom\.xml|build\.gradle(\.kts)?|go\.mod|Cargo\.toml|Gemfile|[^.].*\.(cs|fs)proj)$/;
/** How much of the tree around a template is read before giving up (and assuming code is there). */
const AROUND_DEPTH = 3;
const AROUND_ENTRIES = 3000;

/**
 * True when no code file or manifest is anywhere in the template's parent folder, down to
 * {@link AROUND_DEPTH} levels: a template kept apart from its code (a collection of templates, a
 * documentation snippet). A project whose CodeUri names a wrong folder still has its code near the
 * template, so it keeps the error. A tree too large to read within the budget counts as having code.
 */
function hasNoCodeAround(templateDir: string, fs: FileSystem): boolean {
  const top = dirname(templateDir);
  let read = 0;
  const hasCode = (dir: string, depth: number): boolean => {
    for (const name of fs.readDirectory(dir)) {
      if (++read > AROUND_ENTRIES) return true;
      if (CODE_FILE.test(name)) return true;
      if (depth < AROUND_DEPTH && !NEVER_WALKED.has(name) && fs.stat(join(dir, name))?.isDirectory === true) {
        if (hasCode(join(dir, name), depth + 1)) return true;
      }
    }
    return false;
  };
  return !hasCode(top, 0);
}
