/**
 * The TextMate grammars in syntaxes/, tokenised as VS Code tokenises them: vscode-textmate on
 * vscode-oniguruma, the grammars and injections found through package.json's
 * contributes.grammars, and for YAML the grammar VS Code itself ships
 * (test/fixtures/grammars/vscode-yaml, copied from VS Code 1.139.1) with our injection on top.
 *
 * Each sample in test/fixtures/grammars has a snapshot beside it (`<sample>.snap`): one line
 * per token, `text  ->  scopes`. UPDATE_SNAPSHOTS=1 rewrites them; otherwise a difference fails
 * with a diff. The tests below the snapshots assert the scopes that matter by name.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { INITIAL, Registry, parseRawGrammar, type IGrammar, type IRawGrammar, type StateStack } from 'vscode-textmate';
import { createOnigScanner, createOnigString, loadWASM } from 'vscode-oniguruma';

const ROOT = resolve(__dirname, '../..');
const SAMPLES = join(ROOT, 'test/fixtures/grammars');
const UPDATE = process.env['UPDATE_SNAPSHOTS'] === '1';

interface GrammarContribution {
  language?: string;
  scopeName: string;
  path: string;
  injectTo?: string[];
}

interface Token {
  start: number;
  text: string;
  scopes: string[];
}

/** The manifest's grammars: what VS Code reads to find a scope's grammar and its injections. */
function contributedGrammars(): GrammarContribution[] {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    contributes: { grammars: GrammarContribution[] };
  };
  return manifest.contributes.grammars;
}

function readGrammar(file: string): IRawGrammar {
  return parseRawGrammar(readFileSync(file, 'utf8'), file);
}

/** A registry composed like VS Code's: host grammars by scope name, plus the contributed ones and their injectTo. */
function registry(hostGrammars: string[]): Registry {
  const files = new Map<string, string>();
  for (const file of hostGrammars)
    files.set((JSON.parse(readFileSync(file, 'utf8')) as { scopeName: string }).scopeName, file);
  const injections = new Map<string, string[]>();
  for (const g of contributedGrammars()) {
    files.set(g.scopeName, join(ROOT, g.path));
    for (const target of g.injectTo ?? []) injections.set(target, [...(injections.get(target) ?? []), g.scopeName]);
  }
  return new Registry({
    onigLib: Promise.resolve({ createOnigScanner, createOnigString }),
    loadGrammar: async (scopeName) => {
      const file = files.get(scopeName);
      return file ? readGrammar(file) : null;
    },
    getInjections: (scopeName) => injections.get(scopeName),
  });
}

function tokenize(grammar: IGrammar, text: string): Token[][] {
  let state: StateStack = INITIAL;
  return text.split('\n').map((line) => {
    const result = grammar.tokenizeLine(line, state);
    state = result.ruleStack;
    return result.tokens.map((t) => ({
      start: t.startIndex,
      text: line.slice(t.startIndex, t.endIndex),
      scopes: t.scopes,
    }));
  });
}

/**
 * `text  ->  scopes`, one token a line, under each source line. Left out to keep it readable:
 * the root scope and the YAML grammar's structural meta.*.yaml scopes (stream, document,
 * mapping, sequence...); what a theme colours stays.
 */
function snapshot(lines: Token[][], source: string[]): string {
  const out: string[] = [];
  lines.forEach((tokens, i) => {
    out.push(`${String(i + 1).padStart(3)} | ${source[i]}`);
    for (const t of tokens) {
      const scopes = t.scopes.slice(1).filter((s) => !/^meta\..*\.yaml$/.test(s));
      out.push(`      ${JSON.stringify(t.text)}  ->  ${scopes.join(' ')}`);
    }
  });
  return `${out.join('\n')}\n`;
}

function checkSnapshot(name: string, actual: string): void {
  const file = join(SAMPLES, `${name}.snap`);
  if (UPDATE) {
    writeFileSync(file, actual);
    return;
  }
  let expected: string;
  try {
    expected = readFileSync(file, 'utf8');
  } catch {
    assert.fail(`no snapshot ${file}: run with UPDATE_SNAPSHOTS=1 to write it, then review it`);
  }
  if (actual === expected) return;
  assert.fail(
    `${name}.snap differs (UPDATE_SNAPSHOTS=1 accepts the new tokens after review):\n${blockDiff(expected, actual)}`,
  );
}

/** The snapshot's source lines whose tokens changed, expected (-) then actual (+), at most five. */
function blockDiff(expected: string, actual: string): string {
  const blocks = (text: string): string[] => text.split(/\n(?=\s*\d+ \| )/);
  const [was, now] = [blocks(expected), blocks(actual)];
  const out: string[] = [];
  for (let i = 0; i < Math.max(was.length, now.length) && out.length < 5; i++) {
    if (was[i] === now[i]) continue;
    const mark = (block: string | undefined, sign: string): string =>
      (block ?? '(nothing)')
        .split('\n')
        .map((l) => `${sign} ${l}`)
        .join('\n');
    out.push(`${mark(was[i], '-')}\n${mark(now[i], '+')}`);
  }
  return out.join('\n\n');
}

/** The scopes of the token where `text` starts on the 1-based line (its first occurrence). */
function scopesOf(lines: Token[][], source: string[], line: number, text: string): string {
  const column = (source[line - 1] ?? '').indexOf(text);
  assert.ok(column >= 0, `line ${line} has no ${JSON.stringify(text)}`);
  const token = (lines[line - 1] ?? []).find((t) => t.start <= column && column < t.start + t.text.length);
  assert.ok(token, `line ${line}: no token at column ${column}`);
  return token.scopes.join(' ');
}

/** 1-based number of the first sample line containing `needle`. */
function lineOf(source: string[], needle: string): number {
  const i = source.findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `sample has no line with ${JSON.stringify(needle)}`);
  return i + 1;
}

const INTRINSIC = 'support.function.intrinsic.cloudformation';

let vscodeYaml: IGrammar;
let bundleYaml: IGrammar;
let log: IGrammar;

before(async () => {
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const vscodeDir = join(SAMPLES, 'vscode-yaml');
  const vscodeReg = registry(
    readdirSync(vscodeDir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => join(vscodeDir, f)),
  );
  const bundleReg = registry([require.resolve('tm-grammars/grammars/yaml.json')]);
  const loaded = await Promise.all([
    vscodeReg.loadGrammar('source.yaml'),
    bundleReg.loadGrammar('source.yaml'),
    vscodeReg.loadGrammar('text.log.lambda-lens'),
  ]);
  const [a, b, c] = loaded;
  assert.ok(a && b && c, 'grammars load');
  vscodeYaml = a;
  bundleYaml = b;
  log = c;
});

const samples = readdirSync(SAMPLES).filter((f) => /\.(ya?ml|txt)$/.test(f));

describe('snapshots', () => {
  for (const name of samples) {
    test(name, () => {
      const text = readFileSync(join(SAMPLES, name), 'utf8').replace(/\n$/, '');
      const grammar = name.endsWith('.txt') ? log : vscodeYaml;
      checkSnapshot(name, snapshot(tokenize(grammar, text), text.split('\n')));
    });
  }
});

/** Every short form the grammar knows; the SAM sample uses each of them. */
const TAGS = [
  'Base64',
  'Cidr',
  'FindInMap',
  'GetAtt',
  'GetAZs',
  'GetStackOutput',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'Ref',
  'And',
  'Equals',
  'If',
  'Not',
  'Or',
  'Condition',
  'Length',
  'ToJsonString',
];

describe('CloudFormation tags injected into YAML', () => {
  const source = readFileSync(join(SAMPLES, 'sam-template.yaml'), 'utf8').replace(/\n$/, '').split('\n');

  test('package.json injects the grammar into source.yaml', () => {
    const injection = contributedGrammars().find((g) => g.scopeName === 'cloudformation.injection.yaml');
    assert.deepEqual(injection?.injectTo, ['source.yaml']);
  });

  for (const [host, grammar] of [
    ["VS Code's YAML grammar", () => vscodeYaml],
    ['the TextMate YAML bundle (tm-grammars)', () => bundleYaml],
  ] as const) {
    test(`every short-form tag is an intrinsic function, in ${host}`, () => {
      const lines = tokenize(grammar(), source.join('\n'));
      for (const tag of TAGS) {
        const line = source.findIndex((l) => new RegExp(`!${tag}(?=[ \\]]|$)`).test(l)) + 1;
        assert.ok(line > 0, `the sample uses !${tag}`);
        const hit = (lines[line - 1] ?? []).find((t) => t.text === `!${tag}`);
        assert.ok(hit, `line ${line}: !${tag} is one token`);
        assert.ok(hit.scopes.includes(INTRINSIC), `!${tag}: ${hit.scopes.join(' ')}`);
      }
    });

    test(`!Sub interpolations, the \${!Literal} escape and the forms of !Sub, in ${host}`, () => {
      const lines = tokenize(grammar(), source.join('\n'));
      const arn = lineOf(source, 'ARN_PREFIX');
      assert.match(
        scopesOf(lines, source, arn, 'AWS::Partition'),
        /string\.quoted\.double\.yaml meta\.interpolation\.cloudformation variable\.language\.pseudo-parameter/,
      );
      assert.match(scopesOf(lines, source, arn, '${'), /punctuation\.definition\.template-expression\.begin/);
      const literal = lineOf(source, 'keep ${!Literal}');
      assert.match(
        scopesOf(lines, source, literal, '${!'),
        /string\.quoted\.single\.yaml constant\.character\.escape\.cloudformation/,
      );
      assert.doesNotMatch(scopesOf(lines, source, literal, 'Literal} as text, then '), /interpolation/);
      assert.match(scopesOf(lines, source, literal, 'OrdersTable'), /variable\.other\.readwrite\.cloudformation/);
      assert.match(scopesOf(lines, source, literal, 'Arn'), /variable\.other\.property\.cloudformation/);
      // plain, block (short and long form), list form, nested in flow sequences
      assert.match(
        scopesOf(lines, source, lineOf(source, 'TableName: !Sub orders-'), 'Stage'),
        /string\.unquoted\.plain\.out\.yaml meta\.interpolation/,
      );
      assert.match(
        scopesOf(lines, source, lineOf(source, '"region": "${AWS::Region}"'), 'AWS::Region'),
        /string\.unquoted\.block\.yaml meta\.interpolation/,
      );
      assert.match(
        scopesOf(lines, source, lineOf(source, 'echo "${Stage} in'), 'Stage'),
        /string\.unquoted\.block\.yaml meta\.interpolation/,
      );
      assert.match(
        scopesOf(lines, source, lineOf(source, "- '${Name}.${Domain}'"), 'Domain'),
        /string\.quoted\.single\.yaml meta\.interpolation/,
      );
      assert.match(scopesOf(lines, source, lineOf(source, "!Split ['-', !Sub"), 'Stage'), /meta\.interpolation/);
      assert.match(
        scopesOf(lines, source, lineOf(source, 'Fn::Sub: |'), 'Fn::Sub'),
        /support\.function\.intrinsic\.cloudformation/,
      );
    });

    test(`tags in flow sequences; not in comments or quoted strings; YAML goes on after a block, in ${host}`, () => {
      const lines = tokenize(grammar(), source.join('\n'));
      const flow = lineOf(source, 'Resource: [!GetAtt OrdersQueue.Arn');
      assert.match(scopesOf(lines, source, flow, '!GetAtt'), /intrinsic/);
      assert.match(scopesOf(lines, source, flow, '!Sub'), /intrinsic/);
      assert.match(scopesOf(lines, source, flow, ']'), /punctuation\.definition\.sequence\.end\.yaml/);
      const comment = lineOf(source, '# !Ref in a comment');
      for (const t of lines[comment - 1] ?? [])
        assert.doesNotMatch(t.scopes.join(' '), /cloudformation/, `comment token ${JSON.stringify(t.text)}`);
      for (const needle of ["'!Ref OrdersTable'", '"!GetAtt OrdersTable.Arn"']) {
        for (const t of lines[lineOf(source, needle) - 1] ?? [])
          assert.doesNotMatch(t.scopes.join(' '), /cloudformation/, `${needle}: ${JSON.stringify(t.text)}`);
      }
      // after !Sub | the next key is a key again, not part of the block
      assert.match(
        scopesOf(lines, source, lineOf(source, 'DashboardName: !Sub'), 'DashboardName'),
        /entity\.name\.tag\.yaml/,
      );
      assert.doesNotMatch(
        scopesOf(lines, source, lineOf(source, 'DashboardName: !Sub'), 'DashboardName'),
        /string\.unquoted\.block/,
      );
      assert.match(scopesOf(lines, source, source.length, 'Name'), /entity\.name\.tag\.yaml/);
    });
  }
});

describe('!Sub forms and the YAML around them (sub-forms.yaml)', () => {
  const source = readFileSync(join(SAMPLES, 'sub-forms.yaml'), 'utf8').replace(/\n$/, '').split('\n');
  for (const [host, grammar] of [
    ["VS Code's YAML grammar", () => vscodeYaml],
    ['the TextMate YAML bundle (tm-grammars)', () => bundleYaml],
  ] as const) {
    test(`block scalars, long forms, comments and non-tags, in ${host}`, () => {
      const lines = tokenize(grammar(), source.join('\n'));
      assert.match(
        scopesOf(lines, source, lineOf(source, 'line ${A}'), 'A'),
        /string\.unquoted\.block\.yaml meta\.interpolation/,
      );
      assert.match(
        scopesOf(lines, source, lineOf(source, 'folded ${B}'), 'B'),
        /string\.unquoted\.block\.yaml meta\.interpolation/,
      );
      assert.match(
        scopesOf(lines, source, lineOf(source, 'more ${!C}'), '${!'),
        /constant\.character\.escape\.cloudformation/,
      );
      assert.doesNotMatch(
        scopesOf(lines, source, lineOf(source, '- plain'), 'plain'),
        /string\.unquoted\.block|cloudformation/,
        'the block ends with its indentation',
      );
      assert.doesNotMatch(scopesOf(lines, source, lineOf(source, '!Refs'), '!Refs'), /cloudformation/);
      assert.match(scopesOf(lines, source, lineOf(source, '# a comment with ${B}'), '${B}'), /comment/);
      assert.doesNotMatch(scopesOf(lines, source, lineOf(source, '# a comment with ${B}'), '${B}'), /interpolation/);
      assert.match(scopesOf(lines, source, lineOf(source, 'Fn::Sub:'), 'Fn::Sub'), /support\.function\.intrinsic/);
      assert.match(scopesOf(lines, source, lineOf(source, 'Fn::Sub: "x ${A}"'), 'A'), /meta\.interpolation/);
      assert.match(
        scopesOf(lines, source, lineOf(source, "InFlow: { Name: !Sub '${AWS::StackName}"), 'AWS::StackName'),
        /variable\.language\.pseudo-parameter/,
      );
      assert.match(scopesOf(lines, source, lineOf(source, 'InFlow: { Name: !Sub'), '!GetAtt'), /intrinsic/);
      for (const key of ['X: 1', 'Other: b', 'After: done'])
        assert.match(
          scopesOf(lines, source, lineOf(source, key), key.slice(0, key.indexOf(':'))),
          /entity\.name\.tag\.yaml/,
          key,
        );
    });
  }

  for (const sample of ['sam-template.yaml', 'sub-forms.yaml']) {
    test(`nothing in ${sample} is invalid to VS Code's YAML grammar once the injection is on`, () => {
      const text = readFileSync(join(SAMPLES, sample), 'utf8');
      const invalid = tokenize(vscodeYaml, text).flatMap((tokens, i) =>
        tokens
          .filter((t) => t.scopes.some((s) => s.startsWith('invalid')))
          .map((t) => `${i + 1}: ${JSON.stringify(t.text)}`),
      );
      assert.deepEqual(invalid, []);
    });
  }
});

describe('the simulation log language', () => {
  // simulation-output.txt: the Lambda Lens Simulation channel after two real runs (the Node
  // fixture handler logging, throwing, timing out, crashing, exiting and running out of memory;
  // the Python fixture succeeding and raising), see docs/grammars.md.
  const source = readFileSync(join(SAMPLES, 'simulation-output.txt'), 'utf8').replace(/\n$/, '').split('\n');
  const at = (needle: string, text: string): string => {
    const lines = tokenize(log, source.join('\n'));
    return scopesOf(lines, source, lineOf(source, needle), text);
  };

  test('platform lines: START, END, REPORT figures, INIT_START, failure status', () => {
    assert.match(at('START RequestId', 'START'), /token\.info-token/);
    const start = source.find((l) => l.startsWith('START')) ?? '';
    assert.match(at(start, start.slice(17, 53)), /constant\.language\.request-id/);
    assert.match(at(start, '$LATEST'), /string\.unquoted\.version/);
    assert.match(at('INIT_START', 'INIT_START'), /token\.debug-token/);
    assert.match(at('Billed Duration', 'Billed Duration'), /variable\.other\.metric/);
    assert.match(at('Max Memory Used: 128 MB', '128 MB'), /constant\.numeric/);
    assert.match(at('Error Type: Runtime.OutOfMemory', 'Runtime.OutOfMemory'), /token\.error-token/);
    assert.match(at('Status: timeout', 'timeout'), /token\.error-token/);
  });

  test('request lines: levels, INIT-phase lines, errors with their type, timeouts, runtime exits, Python', () => {
    assert.match(at('\tundefined\tINFO\tmodule loaded', 'undefined'), /constant\.language\.request-id/);
    assert.match(at('\tINFO\torder 42 received', 'INFO'), /token\.info-token/);
    assert.match(at('\tINFO\torder 42 received', 'order 42 received'), /^text\.log\.lambda-lens$/);
    assert.match(at('Invoke Error', 'ERROR'), /token\.error-token/);
    assert.match(at('Invoke Error', 'Invoke Error'), /token\.error-token/);
    assert.match(at('Invoke Error', '"TypeError"'), /token\.error-token/);
    assert.match(at('Invoke Error', '"payment declined"'), /string\.quoted\.double/);
    assert.match(at('Unhandled Promise Rejection', 'Unhandled Promise Rejection'), /token\.error-token/);
    assert.match(at('Task timed out after', 'Task timed out after 1.00 seconds'), /token\.error-token/);
    assert.match(
      at('Error: Runtime exited with error: exit status 3', 'Runtime exited with error: exit status 3'),
      /token\.error-token/,
    );
    assert.match(at('Runtime.ExitError', 'Runtime.ExitError'), /token\.error-token/);
    assert.match(at('[INFO]\t', 'INFO'), /token\.info-token/);
    assert.match(at('[ERROR] ValueError', 'ValueError'), /token\.error-token/);
    assert.match(at('# done:', '# done:'), /comment\.line/);
  });

  test('WARN and DEBUG lines, which the sample run does not print', () => {
    const lines = tokenize(
      log,
      '2026-11-27T21:42:22.276Z\t20f03fca-b031-4b50-8f18-e565f8c30976\tWARN\tretrying\n[WARNING]\t2026-11-27T21:42:22.276Z\t20f03fca-b031-4b50-8f18-e565f8c30976\tslow',
    );
    assert.ok(lines[0]?.some((t) => t.text === 'WARN' && t.scopes.includes('token.warn-token')));
    assert.ok(lines[1]?.some((t) => t.text === 'WARNING' && t.scopes.includes('token.warn-token')));
  });
});
