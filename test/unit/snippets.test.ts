/**
 * Every snippet the extension contributes, expanded as VS Code inserts it with its defaults,
 * gets no Lambda Lens finding from the real language service — in a realistic project: SAM
 * snippets under `Resources:` of a template whose handler file exists, handler snippets as the
 * handler of a template function with the matching trigger (so the trigger-aware rules run),
 * the scenario snippet loaded by the simulator's scenario reader and validated against the
 * shipped JSON schema. Broken variants of the same projects prove the harness sees findings.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, normalize, relative, resolve } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { LanguageService, loadPythonParser } from '../../server/src/service';
import { nodeFileSystem } from '../../server/src/nodeFs';
import { loadScenario, ScenarioError } from '../../server/src/simulator/scenario';
import {
  contributedSnippets,
  expandSnippet,
  indentInsertion,
  type Replacements,
  type SnippetContribution,
} from './helpers/snippets';
import { scenarioShapeProblems } from '../../server/src/simulator/scenarioSchema';

const ROOT = resolve(__dirname, '../..');
const CONTRIBUTIONS = contributedSnippets(ROOT);
const WORK = mkdtempSync(join(tmpdir(), 'lambda-lens-snippets-'));
let projects = 0;

before(async () => {
  assert.ok(await loadPythonParser(), 'the Python parser loads');
});
after(() => rmSync(WORK, { recursive: true, force: true }));

/** The folder a new project is written to. */
function newProjectDir(): string {
  const dir = join(WORK, `p${++projects}`);
  mkdirSync(dir);
  return dir;
}

/** VS Code's variables for a document at `file` in the workspace folder `root`, on an empty line with no selection. */
function variablesFor(file: string, root: string): (name: string) => string | undefined {
  const now = new Date();
  const values: Record<string, string> = {
    TM_FILENAME: basename(file),
    TM_FILENAME_BASE: basename(file, extname(file)),
    TM_DIRECTORY: dirname(file),
    TM_DIRECTORY_BASE: basename(dirname(file)),
    TM_FILEPATH: file,
    RELATIVE_FILEPATH: relative(root, file),
    WORKSPACE_NAME: basename(root),
    WORKSPACE_FOLDER: root,
    TM_CURRENT_LINE: '',
    TM_LINE_INDEX: '0',
    TM_LINE_NUMBER: '1',
    CURSOR_INDEX: '0',
    CURSOR_NUMBER: '1',
    CURRENT_YEAR: String(now.getFullYear()),
    CURRENT_MONTH: String(now.getMonth() + 1).padStart(2, '0'),
    CURRENT_DATE: String(now.getDate()).padStart(2, '0'),
    UUID: '3f1c2a7e-5b7d-4c1e-9a2b-8d6e0f4a1b2c',
    RANDOM: '482913',
    RANDOM_HEX: 'a3f09c',
    LINE_COMMENT: /\.(py|ya?ml)$/.test(file) ? '#' : '//',
  };
  return (name) => values[name];
}

/** A snippet's text, expanded for `file` of a project in `root`. */
function expand(language: string, prefix: string, file: string, root: string, replacements: Replacements = {}): string {
  const snippet = snippetsFor(language).find((s) => s.prefixes.includes(prefix));
  assert.ok(snippet, `a ${language} snippet with the prefix ${prefix} is contributed`);
  return expandSnippet(snippet.body, variablesFor(file, root), replacements);
}

/** The snippets VS Code offers in `language`: every file contributed for it (the `scope` field does not apply to contributed files). */
function snippetsFor(language: string) {
  return CONTRIBUTIONS.filter((c) => c.language === language).flatMap((c) => c.snippets ?? []);
}

type HandlerLanguage = 'javascript' | 'typescript' | 'python';

interface ProjectOptions {
  /** What the user types over the SAM snippet's placeholders, keyed by their defaults. */
  readonly sam?: Replacements;
  /** A change to the expanded handler snippet (for the broken variants). */
  readonly editHandler?: (text: string) => string;
  /** More files, from the project folder's path. */
  readonly extra?: (dir: string) => Record<string, string>;
}

interface Project {
  readonly dir: string;
  /** Project-relative path → text. */
  readonly files: Readonly<Record<string, string>>;
  readonly handler: string;
}

/** Python functions: the user picks a Python runtime and the Python handler over the Node defaults. */
const PYTHON: Replacements = { 'nodejs24.x': 'python3.14', 'index.handler': 'app.lambda_handler' };
const HANDLER_FILE: Record<HandlerLanguage, string> = {
  javascript: 'src/index.mjs',
  typescript: 'src/index.ts',
  python: 'src/app.py',
};

/**
 * A project on disk: a template built from a SAM snippet (the whole-template snippet alone,
 * the others under `Resources:` of a minimal template) whose function's handler is the handler
 * snippet, at the snippet defaults' CodeUri and Handler.
 */
function project(
  samPrefix: string,
  handlerLanguage: HandlerLanguage,
  handlerPrefix: string,
  options: ProjectOptions = {},
): Project {
  const dir = newProjectDir();
  const template = 'template.yaml';
  const sam = { ...(handlerLanguage === 'python' ? PYTHON : {}), ...options.sam };
  const body = expand('yaml', samPrefix, join(dir, template), dir, sam);
  const templateText =
    samPrefix === 'sam-template'
      ? `${body}\n`
      : `AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\n\nResources:\n  ${indentInsertion(body, '  ')}\n`;
  const handler = HANDLER_FILE[handlerLanguage];
  const handlerText = expand(handlerLanguage, handlerPrefix, join(dir, handler), dir);
  const files = {
    [template]: templateText,
    [handler]: options.editHandler ? options.editHandler(handlerText) : handlerText,
    ...options.extra?.(dir),
  };
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return { dir, files, handler };
}

interface Checked {
  /** `ruleId severity file:line message`, one per finding in any file of the project. */
  readonly findings: string[];
  /** Code lenses on the handler file: one per template function linked to it. */
  readonly links: number;
}

/** Runs the real language service on every file of the project, as the editor does with each file open. */
function check(p: Project): Checked {
  const service = new LanguageService({ fs: nodeFileSystem() });
  service.setWorkspaceRoots([p.dir]);
  const findings: string[] = [];
  for (const [rel, text] of Object.entries(p.files)) {
    const uri = URI.file(join(p.dir, rel)).toString();
    const doc = TextDocument.create(uri, 'text', 1, text);
    for (const d of service.validate({ uri, text, version: 1 })) {
      const at =
        d.uri === uri ? `${rel}:${doc.positionAt(d.span.start).line + 1}` : relative(p.dir, URI.parse(d.uri).fsPath);
      findings.push(`${d.ruleId} ${d.severity} ${at} ${d.message}`);
    }
  }
  const handlerUri = URI.file(join(p.dir, p.handler)).toString();
  const links = service.codeLenses({ uri: handlerUri, text: p.files[p.handler] as string, version: 1 }).length;
  return { findings, links };
}

const ruleIds = (c: Checked) => [...new Set(c.findings.map((f) => f.split(' ')[0]))].sort();

/** The scenario snippet, saved next to a template made from the whole-template snippet. */
function scenarioProject(replacements: Replacements = {}): Project & { readonly scenario: string } {
  const scenario = 'hello.scenario.json';
  const p = project('sam-template', 'javascript', 'lambda-handler', {
    extra: (dir) => ({ [scenario]: expand('json', 'lambda-scenario', join(dir, scenario), dir, replacements) }),
  });
  return { ...p, scenario };
}

/**
 * The project each snippet is checked in, by `language:prefix`. A SAM snippet runs with the
 * handler snippet made for its trigger, and each handler snippet behind that SAM snippet.
 */
const CASES: Readonly<Record<string, () => Project>> = {
  'yaml:sam-template': () => project('sam-template', 'javascript', 'lambda-handler'),
  'yaml:sam-api-function': () => project('sam-api-function', 'typescript', 'lambda-handler-ts'),
  'yaml:sam-sqs-function': () => project('sam-sqs-function', 'javascript', 'lambda-sqs-handler'),
  'yaml:sam-async-function': () => project('sam-async-function', 'javascript', 'lambda-idempotent-handler'),
  'javascript:lambda-handler': () => project('sam-template', 'javascript', 'lambda-handler'),
  'javascript:lambda-sqs-handler': () => project('sam-sqs-function', 'javascript', 'lambda-sqs-handler'),
  'javascript:lambda-idempotent-handler': () =>
    project('sam-async-function', 'javascript', 'lambda-idempotent-handler'),
  'typescript:lambda-handler': () => project('sam-template', 'typescript', 'lambda-handler'),
  'typescript:lambda-handler-ts': () => project('sam-api-function', 'typescript', 'lambda-handler-ts'),
  'typescript:lambda-sqs-handler': () => project('sam-sqs-function', 'typescript', 'lambda-sqs-handler'),
  'typescript:lambda-idempotent-handler': () =>
    project('sam-async-function', 'typescript', 'lambda-idempotent-handler'),
  'python:lambda-handler': () => project('sam-template', 'python', 'lambda-handler'),
  'python:lambda-sqs-handler': () => project('sam-sqs-function', 'python', 'lambda-sqs-handler'),
  'json:lambda-scenario': () => scenarioProject(),
};

function describeContribution(c: SnippetContribution): string {
  return `${c.language} ${c.path}`;
}

test('package.json contributes every snippet file, each exists and parses, each prefix once per language', () => {
  assert.ok(CONTRIBUTIONS.length > 0, 'contributes.snippets is not empty');
  for (const c of CONTRIBUTIONS) {
    assert.ok(c.snippets, `${describeContribution(c)}: the file exists and holds a JSON object`);
    assert.ok(c.snippets.length > 0, `${describeContribution(c)}: has snippets`);
    for (const s of c.snippets) {
      assert.ok(s.prefixes.length > 0 && s.body !== '', `${c.path} "${s.name}": has a prefix and a body`);
      // VS Code ignores `scope` in a contributed file; one that names other languages would mislead.
      assert.ok(
        s.scope === undefined || s.scope.includes(c.language),
        `${c.path} "${s.name}": scope ${s.scope?.join(',')} covers ${c.language}, the language it is contributed for`,
      );
    }
  }
  const contributed = new Set(CONTRIBUTIONS.map((c) => normalize(c.path)));
  for (const file of readdirSync(join(ROOT, 'snippets')).filter((f) => f.endsWith('.code-snippets'))) {
    assert.ok(contributed.has(join('snippets', file)), `snippets/${file} is contributed in package.json`);
  }
  for (const language of new Set(CONTRIBUTIONS.map((c) => c.language))) {
    const prefixes = snippetsFor(language).flatMap((s) => s.prefixes);
    assert.deepEqual(prefixes, [...new Set(prefixes)], `each ${language} prefix belongs to one snippet`);
  }
});

test('docs/snippets.md lists every prefix', () => {
  const docs = readFileSync(join(ROOT, 'docs/snippets.md'), 'utf8');
  for (const s of CONTRIBUTIONS.flatMap((c) => c.snippets ?? [])) {
    for (const prefix of s.prefixes)
      assert.ok(docs.includes(`| \`${prefix}\` |`), `docs/snippets.md has a table row for ${prefix}`);
  }
});

for (const c of CONTRIBUTIONS) {
  for (const s of c.snippets ?? []) {
    for (const prefix of s.prefixes) {
      const key = `${c.language}:${prefix}`;
      test(`snippet ${key} (${c.path}) expands to code with no Lambda Lens finding`, () => {
        const build = CASES[key];
        assert.ok(build, `snippet ${key} has a test context in CASES`);
        const p = build();
        const result = check(p);
        assert.deepEqual(
          result.findings,
          [],
          `findings in:\n${Object.entries(p.files)
            .map(([f, t]) => `--- ${f}\n${t}`)
            .join('\n')}`,
        );
        assert.ok(result.links > 0, `the template links ${p.handler}, so the trigger-aware rules ran on it`);
      });
    }
  }
}

test('the scenario snippet validates against the schema and loads with the scenario reader', () => {
  const p = scenarioProject();
  const file = join(p.dir, p.scenario);
  const json = JSON.parse(p.files[p.scenario] as string) as unknown;
  assert.deepEqual(scenarioShapeProblems(json), []);
  const { config, warnings } = loadScenario(file);
  assert.deepEqual(warnings, []);
  assert.equal(config.function.handler, 'index.handler', 'the function comes from the template made by sam-template');
  assert.equal(config.traffic.length, 3);
});

test('broken variants are reported: the harness sees findings', () => {
  const clientInside = check(
    project('sam-template', 'javascript', 'lambda-handler', {
      editHandler: (t) => moveLineInto(t, /^const db = .*$/m, /^export const handler = .*$/m),
    }),
  );
  assert.deepEqual(ruleIds(clientInside), ['LL3001'], clientInside.findings.join('\n'));

  const pythonClientInside = check(
    project('sam-template', 'python', 'lambda-handler', {
      editHandler: (t) => moveLineInto(t, /^table = .*$/m, /^def lambda_handler.*$/m, '    '),
    }),
  );
  assert.deepEqual(ruleIds(pythonClientInside), ['LL3001'], pythonClientInside.findings.join('\n'));

  const shortVisibility = check(
    project('sam-sqs-function', 'javascript', 'lambda-sqs-handler', { sam: { '180': '120' } }),
  );
  assert.deepEqual(ruleIds(shortVisibility), ['LL2001'], shortVisibility.findings.join('\n'));

  const wrongIdentifier = check(
    project('sam-sqs-function', 'javascript', 'lambda-sqs-handler', {
      editHandler: (t) => replaceOnce(t, 'itemIdentifier: record.messageId', 'itemIdentifier: record.receiptHandle'),
    }),
  );
  assert.deepEqual(ruleIds(wrongIdentifier), ['LL2103'], wrongIdentifier.findings.join('\n'));

  const pythonNoBatchResponse = check(
    project('sam-sqs-function', 'python', 'lambda-sqs-handler', {
      editHandler: (t) =>
        replaceOnce(t, '"batchItemFailures"', '"failures"').replaceAll('batch_item_failures', 'failures'),
    }),
  );
  assert.deepEqual(ruleIds(pythonNoBatchResponse), ['LL2103'], pythonNoBatchResponse.findings.join('\n'));

  const unconditional = check(
    project('sam-async-function', 'javascript', 'lambda-idempotent-handler', {
      editHandler: (t) => replaceOnce(t, "ConditionExpression: 'attribute_not_exists(id)',", ''),
    }),
  );
  assert.deepEqual(ruleIds(unconditional), ['LL2101'], unconditional.findings.join('\n'));

  const slowApi = check(project('sam-api-function', 'typescript', 'lambda-handler-ts', { sam: { '10': '60' } }));
  assert.deepEqual(ruleIds(slowApi), ['LL2002'], slowApi.findings.join('\n'));

  const wrongHandler = check(
    project('sam-template', 'javascript', 'lambda-handler', { sam: { 'index.handler': 'index.main' } }),
  );
  assert.deepEqual(ruleIds(wrongHandler), ['LL5001'], wrongHandler.findings.join('\n'));

  const noRequests = scenarioProject({ '5': '0' });
  const json = JSON.parse(noRequests.files[noRequests.scenario] as string) as unknown;
  assert.ok(
    scenarioShapeProblems(json).includes('traffic[0].count: expected a whole number ≥ 1 (got 0)'),
    'the schema rejects count 0',
  );
  assert.throws(
    () => loadScenario(join(noRequests.dir, noRequests.scenario)),
    (e: unknown) => e instanceof ScenarioError && e.problems.some((problem) => problem.includes('traffic[0].count')),
  );
});

test('the expander follows VS Code: mirrors, nested placeholders, choices, escapes, variables', () => {
  const vars = (name: string) => ({ TM_FILENAME_BASE: 'orders' })[name];
  assert.equal(expandSnippet('$1 ${1:a} ${2:b ${3:c}} $3 $0', vars), 'a a b c c ');
  assert.equal(expandSnippet('${1|x,y\\,z|}-$1', vars), 'x-x');
  assert.equal(expandSnippet('\\$1 \\} \\\\ $ ${ ${x', vars), '$1 } \\ $ ${ ${x');
  assert.equal(
    expandSnippet('${TM_FILENAME_BASE}Fn ${TM_SELECTED_TEXT:none} $TM_CLIPBOARD_X $CLIPBOARD.', vars),
    'ordersFn none TM_CLIPBOARD_X .',
  );
  assert.equal(expandSnippet('${1:Worker}Fn ${1}Queue', vars, { Worker: 'Orders' }), 'OrdersFn OrdersQueue');
  assert.throws(() => expandSnippet('${1:a}', vars, { b: 'c' }), /no placeholder has the default "b"/);
  assert.throws(() => expandSnippet('${TM_FILENAME/(.*)/$1/}', vars), /transforms are not supported/);
  assert.equal(indentInsertion('a:\n\tb: "\t"\n', '  '), 'a:\n    b: "\t"\n  ');
});

/** Moves the line `what` matches to the first line of the block that `into` matches (a client made per request). */
function moveLineInto(text: string, what: RegExp, into: RegExp, indent = '  '): string {
  const line = what.exec(text)?.[0];
  assert.ok(line, `the snippet has a line matching ${what}`);
  const without = text.replace(`${line}\n`, '');
  const head = into.exec(without)?.[0];
  assert.ok(head, `the snippet has a line matching ${into}`);
  return without.replace(head, `${head}\n${indent}${line}`);
}

function replaceOnce(text: string, from: string, to: string): string {
  assert.ok(text.includes(from), `the snippet contains ${JSON.stringify(from)}`);
  return text.replace(from, to);
}
