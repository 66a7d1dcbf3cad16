/**
 * `lambda-lens` — the command line: `check` for terminals and CI (text, JSON, SARIF).
 */
import { readFileSync, readdirSync, lstatSync, realpathSync } from 'node:fs';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type * as Sarif from 'sarif';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import {
  LanguageService,
  RULES,
  docsUrl,
  handlerLanguage,
  isHandlerPath,
  isPythonPath,
  loadPythonParser,
  pythonParserFailure,
  type Diagnostic,
  type RuleSettings,
} from './service';
import { nodeFileSystem } from './nodeFs';
import { renderStacksFor } from './cdkTargets';
import { NEVER_WALKED } from './service/project';
import { decodeBytes, type Encoding } from './service/decode';
import { findConfig, loadConfig } from './config';
import { SIMULATE_USAGE, TUNE_USAGE } from './simulator/usage';
import { installedSdkDir, installSdk, SDK_PACKAGES, sdkDir } from './simulator/aws/sdk';
import { EXIT, isOneOf, notOneOf, parseCommandArgs } from './args';

const VERSION = '0.1.0';

export interface Output {
  out: (s: string) => void;
  err: (s: string) => void;
}

/** What a caller may fix for a run: the day runtime lifecycles are judged on (default: today). */
export interface RunOptions {
  readonly today?: () => string;
}

/**
 * One command of the CLI. Adding a command is adding an entry to `COMMANDS`: the global help,
 * `help <command>`, `<command> --help` and the dispatch all read it.
 */
interface Command {
  readonly name: string;
  /** The global help's lines for the command: what follows its name, and what that does. */
  readonly forms: readonly (readonly [synopsis: string, summary: string])[];
  /** The command's own help (`lambda-lens help <name>`, `lambda-lens <name> --help`). */
  readonly help: string;
  /** Runs with the arguments after the name; `--help` is handled before. Resolves to an exit code. */
  run(args: readonly string[], io: Output, options: RunOptions): Promise<number>;
}

const CHECK_HELP = `Usage: lambda-lens check [paths...] [--format text|json|sarif] [--config .lambda-lens.json]

Checks AWS SAM and CloudFormation templates (YAML or JSON), serverless.yml files, AWS CDK
stacks in TypeScript or JavaScript, and the Lambda handler code they point at (JavaScript,
TypeScript, Python), in the given files and folders (default: the current folder). node_modules, .git, .aws-sam, cdk.out and similar
folders are skipped.

  --format <fmt>      text (default), json (one object per finding, 1-based positions) or
                      sarif (SARIF 2.1.0, for GitHub code scanning)
  --config <file>     a .lambda-lens.json turning rules off or changing their severity
                      (default: the nearest one above the current folder)

Exit codes: 0 no errors (warnings allowed), 1 errors found, 2 bad usage,
3 a file could not be read or checked.
`;

const RULES_HELP = `Usage: lambda-lens rules

Lists every rule: its id, default severity, title and documentation page.
`;

const SDK_HELP = `Usage: lambda-lens sdk install | status

Lambda's Node.js runtimes include the AWS SDK for JavaScript v3, so handlers often import
@aws-sdk/* without bundling it. For simulations, \`sdk install\` puts a copy of it (${SDK_PACKAGES.length} packages:
the clients of the services the simulator emulates and the common others) in Lambda Lens's cache
folder with npm; simulated handlers resolve @aws-sdk/* from it when their own node_modules lack
it. Nothing is downloaded unless you run this (or press Install in VS Code).

  install             npm install the copy (again: updates it)
  status              print whether it is installed, and where

Exit codes: 0 done, 2 bad usage, 3 npm failed.
`;

/** \`sdk install | status\`: the AWS SDK copy that simulated Node handlers resolve when they do not bundle it. */
async function sdk(args: readonly string[], io: Output): Promise<number> {
  const [sub, extra] = args;
  if (extra !== undefined || (sub !== 'install' && sub !== 'status')) {
    io.err(`lambda-lens sdk: give install or status\n\n${SDK_HELP}`);
    return EXIT.usage;
  }
  if (sub === 'status') {
    const dir = installedSdkDir();
    io.out(dir ? `installed in ${dir}` : `not installed (lambda-lens sdk install puts it in ${sdkDir()})`);
    return EXIT.ok;
  }
  io.out(`Installing ${SDK_PACKAGES.length} AWS SDK for JavaScript v3 packages into ${sdkDir()} with npm…`);
  const code = await installSdk((text) => io.err(text.replace(/\n$/, '')));
  if (code !== 0 || installedSdkDir() === undefined) {
    io.err(`lambda-lens sdk: npm install failed (exit ${code}); see its output above.`);
    return EXIT.failure;
  }
  io.out('Installed. Simulated Node handlers now resolve @aws-sdk/* from it when their own node_modules lack it.');
  return EXIT.ok;
}

const COMMANDS: readonly Command[] = [
  {
    name: 'check',
    forms: [['[paths...]', 'Check templates and their handler code (default: the current folder)']],
    help: CHECK_HELP,
    run: check,
  },
  {
    name: 'simulate',
    forms: [
      ['<scenario.json>', 'Run the real handler in simulated Lambda execution environments'],
      ['<template> [--function <id>]', "Simulate a template function's starter scenario"],
    ],
    help: SIMULATE_USAGE,
    // Loaded on use: `check` and `rules` never load the simulator.
    run: async (args) => {
      // A CDK stack is rendered here, where the CDK reader is (cdkTargets.ts).
      const { templates, warnings } = renderStacksFor(args);
      for (const w of warnings) process.stderr.write(`lambda-lens simulate: warning: ${w}\n`);
      return (await import('./simulator/commands.js')).runSimulate(
        [...args],
        process.stdout,
        process.stderr,
        templates,
      );
    },
  },
  {
    name: 'tune',
    forms: [
      [
        '<scenario.json|template> [--memory 128,512,…]',
        'Run a scenario at each memory size: Duration, INIT, cost, and the size to pick',
      ],
    ],
    help: TUNE_USAGE,
    run: async (args) => {
      const { templates, warnings } = renderStacksFor(args);
      for (const w of warnings) process.stderr.write(`lambda-lens tune: warning: ${w}\n`);
      return (await import('./simulator/commands.js')).runTune([...args], process.stdout, process.stderr, templates);
    },
  },
  { name: 'rules', forms: [['', 'List the rules']], help: RULES_HELP, run: listRules },
  {
    name: 'sdk',
    forms: [
      ['install', "Install the AWS SDK for JavaScript v3 that Lambda's Node runtimes provide, for simulations"],
      ['status', 'Say whether it is installed, and where'],
    ],
    help: SDK_HELP,
    run: sdk,
  },
];

function globalHelp(): string {
  const width = 26;
  const line = (left: string, right: string) =>
    left.length < width ? `  ${left.padEnd(width)}${right}` : `  ${left}\n  ${''.padEnd(width)}${right}`;
  return `Usage: lambda-lens <command> [options]

Checks and simulates AWS Lambda functions: SAM / CloudFormation templates, serverless.yml and
CDK stacks (TypeScript, JavaScript), with handler code in JavaScript, TypeScript and Python.

Commands:
${COMMANDS.flatMap((c) => c.forms.map(([synopsis, summary]) => line(`${c.name} ${synopsis}`.trimEnd(), summary))).join('\n')}
${line('help [command]', 'Show this help, or the help of a command')}
${line('version', 'Show the version')}

Run "lambda-lens help <command>" or "lambda-lens <command> --help" for a command's options.
Exit codes: 0 done (no errors), 1 errors found (check), 2 bad usage, 3 the tool failed.
`;
}

export async function main(argv: readonly string[], io: Output, options: RunOptions = {}): Promise<number> {
  const [name, ...rest] = argv;
  switch (name) {
    case 'version':
    case '--version':
    case '-v':
      io.out(VERSION);
      return EXIT.ok;
    case 'help':
    case '--help':
    case '-h': {
      const topic = rest[0];
      if (name !== 'help' || topic === undefined) {
        io.out(globalHelp());
        return EXIT.ok;
      }
      const command = COMMANDS.find((c) => c.name === topic);
      if (!command) {
        io.err(`lambda-lens help: no command "${topic}" (commands: ${COMMANDS.map((c) => c.name).join(', ')})`);
        return EXIT.usage;
      }
      io.out(command.help);
      return EXIT.ok;
    }
    case undefined:
      io.err(globalHelp());
      return EXIT.usage;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`lambda-lens: unknown command "${name}".\n\n${globalHelp()}`);
    return EXIT.usage;
  }
  // Before the command reads its options, so `--help` works whatever else is on the line.
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.help);
    return EXIT.ok;
  }
  return command.run(rest, io, options);
}

async function listRules(args: readonly string[], io: Output): Promise<number> {
  const parsed = parseCommandArgs(args, {});
  const problem =
    typeof parsed === 'string'
      ? parsed
      : parsed.positionals.length > 0
        ? `unexpected argument ${parsed.positionals[0] ?? ''}`
        : undefined;
  if (problem !== undefined) {
    io.err(`lambda-lens rules: ${problem}\n\n${RULES_HELP}`);
    return EXIT.usage;
  }
  // A rule id may be implemented twice (templates and code, e.g. LL4006): list it once.
  for (const r of RULES) io.out(`${r.id}  ${r.severity.padEnd(7)}  ${r.title}  ${docsUrl(r.id)}`);
  return EXIT.ok;
}

/** Folders never walked into (build output is walked: its JS counts when a template points at it). */
const SKIP_DIRS = NEVER_WALKED;
const CANDIDATE_EXT = new Set(['.yaml', '.yml', '.json', '.template']);
/** Build output: its JS is checked only when a template points at it (else the sources are). */
const BUILD_DIR = /(^|[\\/])(dist|build|out|coverage|\.next|\.nuxt|\.webpack|\.esbuild)([\\/])/;
/** Files larger than this are skipped with a note (CloudFormation's own limit is 1 MB). */
const MAX_BYTES = 64 * 1024 * 1024;

/** One finding in the JSON output: 1-based lines and columns. */
export interface JsonFinding {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly ruleId: string;
  readonly severity: Diagnostic['severity'];
  readonly message: string;
}

const FORMATS = ['text', 'json', 'sarif'] as const;

interface CheckOptions {
  paths: string[];
  format: (typeof FORMATS)[number];
  config: string | undefined;
}

function parseCheckArgs(args: readonly string[]): CheckOptions | string {
  const parsed = parseCommandArgs(args, { format: { type: 'string', short: 'f' }, config: { type: 'string' } });
  if (typeof parsed === 'string') return parsed;
  const format = parsed.values.format ?? 'text';
  if (!isOneOf(format, FORMATS)) return notOneOf('--format', format, FORMATS);
  return { paths: parsed.positionals.length > 0 ? parsed.positionals : ['.'], format, config: parsed.values.config };
}

/** A file the walk found, or a note about one it could not read. */
interface FileResult {
  readonly path: string;
  readonly diagnostics: readonly Diagnostic[];
  readonly text: string;
}

async function check(args: readonly string[], io: Output, options: RunOptions): Promise<number> {
  const parsed = parseCheckArgs(args);
  if (typeof parsed === 'string') {
    io.err(`lambda-lens check: ${parsed}\n\n${CHECK_HELP}`);
    return EXIT.usage;
  }
  for (const p of parsed.paths) {
    try {
      lstatSync(p);
    } catch {
      io.err(`lambda-lens check: ${p}: no such file or folder`);
      return EXIT.usage;
    }
  }
  const configPath = parsed.config ?? findConfig(process.cwd()) ?? findConfig(parsed.paths[0] as string);
  const config = loadConfig(configPath);
  if (
    parsed.config !== undefined &&
    config.problems.length > 0 &&
    Object.keys(config.rules).length === 0 &&
    config.problems.some((p) => p.includes('cannot be read'))
  ) {
    io.err(`lambda-lens check: ${config.problems.join('\n')}`);
    return EXIT.usage;
  }
  for (const p of config.problems) io.err(`lambda-lens: ${p}`);

  const service = new LanguageService({
    fs: nodeFileSystem(),
    staticDisk: true,
    ...(options.today ? { today: options.today } : {}),
  });
  service.configure(config.rules satisfies RuleSettings);
  // Folders are roots to scan for templates; a lone file's templates are found in the folders above it.
  service.setWorkspaceRoots(parsed.paths.filter((p) => lstatSync(p).isDirectory()).map((p) => resolve(p)));
  const files = collectFiles(parsed.paths, io);
  // The Python parser (WebAssembly, ≈90 ms to load) is loaded at the first Python file or template with a Python runtime.
  let pythonLoaded = false;
  const results: FileResult[] = [];
  let unreadable = 0;
  let handlerFiles = 0;
  for (const { path, explicit } of files) {
    const read = readText(path);
    if (read.kind === 'skip') {
      if (explicit) io.err(`lambda-lens: ${path}: skipped, ${read.why}`);
      // A template-named file that cannot be read as text is reported, never skipped in silence.
      else if (read.why === 'binary' && TEMPLATE_EXT.test(path)) {
        const uri = URI.file(resolve(path)).toString();
        results.push({
          path,
          diagnostics: [
            encodingNote(
              uri,
              'This file is not text (it holds NUL bytes in no known encoding), so Lambda Lens did not read it.',
            ),
          ],
          text: '',
        });
      }
      continue;
    }
    if (read.kind === 'error') {
      io.err(`lambda-lens: ${path}: ${read.why}`);
      unreadable++;
      continue;
    }
    const uri = URI.file(resolve(path)).toString();
    const doc = { uri, text: read.text, version: 0 };
    // The Python parser (WebAssembly) loads at the first Python file, or template whose Python handler file is there.
    if (!pythonLoaded && (isPythonPath(path) || (/\bpython\d/.test(read.text) && service.hasPythonCode(doc)))) {
      pythonLoaded = true;
      if (!(await loadPythonParser()))
        io.err(`lambda-lens: Python handlers are not checked: ${pythonParserFailure() ?? 'the parser did not load'}`);
    }
    let diagnostics: readonly Diagnostic[];
    try {
      const stack = isHandlerPath(path) && service.isCdkStack(doc);
      if (handlerLanguage(path) !== undefined && !stack) {
        // JS/TS and Python files count when they hold a Lambda handler: linked from a template, or shaped like one.
        // A CDK stack that creates functions counts as a template.
        const linked = service.dependents(uri).length > 0;
        if (!service.hasHandlers(doc) || (!linked && !explicit && BUILD_DIR.test(path))) {
          if (explicit) io.err(`lambda-lens: ${path}: no Lambda handler found, skipped`);
          service.forget(uri);
          continue;
        }
        handlerFiles++;
      } else if (!stack && !service.isTemplate(doc)) {
        if (explicit) io.err(`lambda-lens: ${path}: not a SAM / CloudFormation template, skipped`);
        service.forget(uri);
        continue;
      }
      diagnostics = service.validate(doc);
    } catch (e) {
      io.err(
        `lambda-lens: ${path}: internal error while checking: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
      );
      unreadable++;
      continue;
    }
    service.forget(uri);
    const notes: Diagnostic[] = read.invalidUtf8
      ? [
          encodingNote(
            uri,
            'This file is not valid UTF-8 (CloudFormation requires UTF-8); invalid bytes were read as U+FFFD.',
          ),
        ]
      : read.encoding === 'utf-16le' || read.encoding === 'utf-16be'
        ? [
            encodingNote(
              uri,
              `This file is ${read.encoding === 'utf-16le' ? 'UTF-16 LE' : 'UTF-16 BE'}; Lambda Lens decoded and checked it, but CloudFormation requires UTF-8: save it as UTF-8 before deploying.`,
            ),
          ]
        : [];
    results.push({ path, diagnostics: [...notes, ...diagnostics], text: read.text });
  }

  const findings = results.flatMap((r) => toJsonFindings(r));
  if (parsed.format === 'json') io.out(JSON.stringify(findings, null, 2));
  else if (parsed.format === 'sarif') io.out(JSON.stringify(toSarif(findings), null, 2));
  else io.out(toText(findings, results.length - handlerFiles, handlerFiles));
  const errors = findings.filter((f) => f.severity === 'error').length;
  // A file left unchecked makes the run incomplete, which "no findings" must not hide, nor "findings" explain.
  if (unreadable > 0) return EXIT.failure;
  return errors > 0 ? EXIT.findings : EXIT.ok;
}

function collectFiles(paths: readonly string[], io: Output): { path: string; explicit: boolean }[] {
  const out: { path: string; explicit: boolean }[] = [];
  const seen = new Set<string>();
  const add = (p: string, explicit: boolean) => {
    let key: string;
    try {
      key = realpathSync(p);
    } catch {
      key = resolve(p);
    }
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ path: p, explicit });
  };
  const walk = (dir: string) => {
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch (e) {
      io.err(`lambda-lens: ${dir}: cannot be read (${String(e)})`);
      return;
    }
    for (const name of entries) {
      const p = join(dir, name);
      let st;
      try {
        st = lstatSync(p);
      } catch {
        continue;
      }
      if (st.isSymbolicLink()) continue;
      if (st.isDirectory()) {
        if (!SKIP_DIRS.has(name)) walk(p);
      } else if (
        st.isFile() &&
        ((CANDIDATE_EXT.has(extname(name).toLowerCase()) && !isLockFile(name)) ||
          (handlerLanguage(name) !== undefined && !/\.min\.[cm]?js$/i.test(name)))
      ) {
        add(p, false);
      }
    }
  };
  for (const p of paths) {
    const st = lstatSync(p);
    if (st.isDirectory()) walk(p);
    else add(p, true);
  }
  return out;
}

function isLockFile(name: string): boolean {
  return (
    name === 'package-lock.json' || name === 'tsconfig.json' || name === 'package.json' || name === 'composer.lock'
  );
}

/** File names read as templates when they turn out not to be text. */
const TEMPLATE_EXT = /\.(ya?ml|json|template)$/i;

function encodingNote(uri: string, message: string): Diagnostic {
  return {
    ruleId: 'LL0002',
    severity: 'warning',
    message,
    uri,
    span: { start: 0, end: 0 },
    docs: docsUrl('LL0002'),
    fixes: [],
  };
}

type ReadResult =
  | { kind: 'text'; text: string; invalidUtf8: boolean; encoding: Encoding }
  | { kind: 'skip'; why: string }
  | { kind: 'error'; why: string };

function readText(path: string): ReadResult {
  let buf: Buffer;
  try {
    const size = lstatSync(path).size;
    if (size > MAX_BYTES)
      return {
        kind: 'skip',
        why: `too large (${(size / 1024 / 1024).toFixed(0)} MB; the limit is ${MAX_BYTES / 1024 / 1024} MB)`,
      };
    buf = readFileSync(path);
  } catch (e) {
    return { kind: 'error', why: `cannot be read (${e instanceof Error ? e.message : String(e)})` };
  }
  if (buf.length === 0) return { kind: 'skip', why: 'empty' };
  const decoded = decodeBytes(buf);
  if (decoded.kind === 'binary') return { kind: 'skip', why: 'binary' };
  return { kind: 'text', text: decoded.text, invalidUtf8: decoded.invalidUtf8, encoding: decoded.encoding };
}

function displayPath(p: string): string {
  const abs = resolve(p);
  const rel = relative(process.cwd(), abs);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : abs;
}

function toJsonFindings(r: FileResult): JsonFinding[] {
  const doc = TextDocument.create('file:///x', 'text', 0, r.text);
  return r.diagnostics.map((d) => {
    const s = doc.positionAt(d.span.start);
    const e = doc.positionAt(d.span.end);
    return {
      file: displayPath(r.path),
      line: s.line + 1,
      column: s.character + 1,
      endLine: e.line + 1,
      endColumn: e.character + 1,
      ruleId: d.ruleId,
      severity: d.severity,
      message: d.message,
    };
  });
}

function toText(findings: readonly JsonFinding[], templates: number, handlers: number): string {
  const lines: string[] = [];
  let current = '';
  for (const f of findings) {
    if (f.file !== current) {
      if (current !== '') lines.push('');
      lines.push(f.file);
      current = f.file;
    }
    lines.push(`  ${`${f.line}:${f.column}`.padEnd(8)} ${f.severity.padEnd(7)}  ${f.message}  ${f.ruleId}`);
  }
  const count = (s: string) => findings.filter((f) => f.severity === s).length;
  if (lines.length > 0) lines.push('');
  const handlerText = `${handlers} handler file${handlers === 1 ? '' : 's'}`;
  const templateText = `${templates} template${templates === 1 ? '' : 's'}`;
  const t = `${handlers === 0 ? templateText : templates === 0 ? handlerText : `${templateText} and ${handlerText}`} checked`;
  lines.push(
    findings.length === 0
      ? `${t}, no problems.`
      : `${t}: ${findings.length} problem${findings.length === 1 ? '' : 's'} (${count('error')} errors, ${count('warning')} warnings, ${count('info') + count('hint')} infos).`,
  );
  return lines.join('\n');
}

/**
 * SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html), as GitHub code
 * scanning accepts it (https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning).
 */
function toSarif(findings: readonly JsonFinding[]): Sarif.Log {
  const level = (s: Diagnostic['severity']): Sarif.Result.level =>
    s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note';
  const ruleIds = [...new Set([...RULES.map((r) => r.id), ...findings.map((f) => f.ruleId)])].sort();
  const index = new Map(ruleIds.map((id, i) => [id, i]));
  const rules = ruleIds.map((id): Sarif.ReportingDescriptor => {
    const rule = RULES.find((r) => r.id === id);
    const title = rule?.title ?? (id === 'LL0002' ? 'File is not valid UTF-8' : id);
    return {
      id,
      name: id,
      shortDescription: { text: title },
      fullDescription: { text: title },
      helpUri: docsUrl(id),
      help: { text: `See ${docsUrl(id)}` },
      defaultConfiguration: { level: level(rule?.severity ?? 'warning') },
    };
  });
  const results = findings.map((f): Sarif.Result => ({
    ruleId: f.ruleId,
    ruleIndex: index.get(f.ruleId),
    level: level(f.severity),
    message: { text: f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: {
            uri: f.file.split(sep).join('/'),
            ...(isAbsolute(f.file) ? {} : { uriBaseId: '%SRCROOT%' }),
          },
          region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
        },
      },
    ],
  }));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Lambda Lens',
            informationUri: 'https://github.com/lambda-lens/lambda-lens',
            version: VERSION,
            rules,
          },
        },
        results,
      },
    ],
  };
}

/** Runs the CLI on the process's arguments and sets the exit code. */
export function run(): void {
  main(process.argv.slice(2), {
    out: (s) => process.stdout.write(`${s}\n`),
    err: (s) => process.stderr.write(`${s}\n`),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`lambda-lens: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = EXIT.failure;
    },
  );
}

if (require.main === module) run();
