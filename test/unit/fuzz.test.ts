/**
 * Property-based tests of the input edges (fast-check) and a small run of the fuzz harness
 * (test/fuzz/harness.ts, `npm run fuzz` for long runs): no text, bytes or mutation of a real
 * template or handler may throw out of the service, hang it or make a rule fail.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeBytes, normalizeLineBreaks } from '../../server/src/service/decode';
import { INPUT_LIMITS, codeOverLimit, longestLine, nestingDepth } from '../../server/src/service/input';
import { parseTreeText } from '../../server/src/service/templates/parse';
import { LanguageService } from '../../server/src/service';
import { StackSource } from '../../server/src/service/cdk/values';
import { defaultRoots, fuzz } from '../fuzz/harness';

// A fixed seed: npm test must give the same answer on every run (`npm run fuzz` explores).
// The first property-based run found `{[<<: ` (a merge key inside a collection key) throwing.
fc.configureGlobal({ seed: 20261206 });

/** YAML-ish text: keys, values, intrinsics, brackets, quotes, anchors and odd characters. */
const yamlish = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        'Resources:',
        '  F:',
        '    Type: AWS::Lambda::Function',
        '    Properties:',
        '      MemorySize: ',
        '!Ref ',
        '!Sub ',
        '&a ',
        '*a',
        '<<: ',
        '[',
        ']',
        '{',
        '}',
        '"',
        "'",
        '#',
        '\n',
        '\r',
        '\t',
        '- ',
        ': ',
        '|',
        '>',
      ),
      fc.string(),
    ),
    { maxLength: 80 },
  )
  .map((parts) => parts.join(''));

test('decodeBytes: any bytes decode to text or binary, never throw', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
      const d = decodeBytes(bytes);
      assert.ok(d.kind === 'binary' || typeof d.text === 'string');
    }),
    { numRuns: 2000 },
  );
});

test('decodeBytes round-trips UTF-8 and UTF-16 (with a BOM) text', () => {
  fc.assert(
    fc.property(
      fc.string({ unit: 'grapheme', maxLength: 200 }).filter((s) => !s.includes('\u0000')),
      (s) => {
        const utf8 = decodeBytes(Buffer.from(s, 'utf8'));
        if (utf8.kind === 'text') assert.equal(utf8.text, s.startsWith('\ufeff') ? s.slice(1) : s);
        const le = decodeBytes(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]));
        assert.equal(le.kind === 'text' ? le.text : undefined, s);
      },
    ),
    { numRuns: 1000 },
  );
});

test('normalizeLineBreaks keeps every offset', () => {
  fc.assert(fc.property(fc.string(), (s) => assert.equal(normalizeLineBreaks(s).length, s.length)));
});

test('nestingDepth agrees with a plain count on bracket-only JSON, and stops past the budget', () => {
  fc.assert(
    fc.property(fc.array(fc.boolean(), { maxLength: 600 }), (opens) => {
      let depth = 0;
      let max = 0;
      const text = opens
        .map((o) => {
          depth = o ? depth + 1 : Math.max(0, depth - 1);
          max = Math.max(max, depth);
          return o ? '[' : ']';
        })
        .join('');
      const got = nestingDepth(text, 'json').depth;
      if (max <= INPUT_LIMITS.maxNesting) assert.equal(got, max);
      else assert.ok(got > INPUT_LIMITS.maxNesting);
    }),
  );
});

test('nestingDepth counts brackets, not those in strings or comments, in each syntax', () => {
  // Segments whose brackets count, and segments (strings, comments) whose brackets must not.
  const noise = fc.stringMatching(/^[a-z ({[\]})]{0,12}$/);
  const segment = (syntax: 'json' | 'yaml' | 'code') =>
    fc.oneof(
      fc.constantFrom('[', ']', '{', '}', ...(syntax === 'code' ? ['(', ')'] : []), ' x ', ': '),
      noise.map((t) => `: "${t}"`),
      ...(syntax === 'json' ? [] : [noise.map((t) => `: '${t}'`), noise.map((t) => ` # ${t}\n`)]),
      ...(syntax === 'code' ? [noise.map((t) => ` // ${t}\n`), noise.map((t) => ` /* ${t} */`)] : []),
    );
  for (const syntax of ['json', 'yaml', 'code'] as const)
    fc.assert(
      fc.property(fc.array(segment(syntax), { maxLength: 80 }), (parts) => {
        let depth = 0;
        let max = 0;
        for (const p of parts)
          if (p === '[' || p === '{' || p === '(') max = Math.max(max, ++depth);
          else if (p === ']' || p === '}' || p === ')') depth = Math.max(0, depth - 1);
        assert.equal(nestingDepth(parts.join(''), syntax).depth, max, JSON.stringify(parts.join('')));
      }),
    );
});

test('longestLine agrees with splitting the text at LF, CRLF and lone CR', () => {
  fc.assert(
    fc.property(fc.stringMatching(/^[ab\r\n]{0,60}$/), (text) => {
      const lengths = text.split(/\r\n?|\n/).map((l) => l.length);
      assert.equal(longestLine(text, 1000).length, Math.max(...lengths));
    }),
  );
});

test('parseTreeText and the service never throw on YAML-ish or JSON-ish text', () => {
  const service = new LanguageService({ today: () => '2026-12-01' });
  fc.assert(
    fc.property(yamlish, fc.nat(), (text, at) => {
      parseTreeText(text);
      parseTreeText(text, 'json');
      const doc = { uri: 'file:///fuzz/template.yaml', text };
      service.validate(doc);
      service.hover(doc, text.length === 0 ? 0 : at % text.length);
      service.forget(doc.uri);
    }),
    { numRuns: 1500 },
  );
  // Found by the property above with a random seed (a merge key inside a collection used as a key).
  for (const text of ['{[<<: ', '? [<<: 1]\n: x\n', '? &a [1]\n: *a\n']) {
    parseTreeText(text);
    service.validate({ uri: 'file:///fuzz/key.yaml', text });
  }
});

test('the fuzz harness: mutated real templates and handlers, no crash, hang or rule failure', async () => {
  const result = await fuzz({
    seed: 20261206,
    maxInputs: 150,
    budgetMs: 120_000,
    hangMs: 30_000,
    roots: defaultRoots(),
  });
  const failures = result.failures.map(
    (f) =>
      `${f.kind}: ${f.base} (seed ${f.seed}, input ${f.input}, ${f.mutations.join('+')}): ${f.detail.split('\n')[0] ?? ''}`,
  );
  assert.deepEqual(failures, []);
  assert.ok(result.inputs > 0);
});

test('found by npm run fuzz: a serverless.yml function named with a bracket gets LL2002, not "could not run"', () => {
  // Seed 777, input 791: deepNesting put `(((…` inside a function's name; LL2002 made a regular
  // expression of it and threw (Unterminated group).
  const service = new LanguageService({ today: () => '2026-12-01' });
  for (const name of ['api((((', 'a[b', 'x.y*']) {
    const text = `service: s\nprovider:\n  name: aws\n  runtime: nodejs20.x\nfunctions:\n  "${name}":\n    handler: index.handler\n    timeout: 60\n    events:\n      - http:\n          path: /\n          method: get\n`;
    const found = service.validate({ uri: `file:///fuzz/${encodeURIComponent(name)}/serverless.yml`, text });
    assert.deepEqual(
      found.filter((d) => /could not run/.test(d.message)).map((d) => d.message),
      [],
    );
    assert.ok(
      found.some((d) => d.ruleId === 'LL2002'),
      `${name}: ${found.map((d) => d.ruleId).join(', ')}`,
    );
  }
});

test('found by npm run fuzz: a YAML template with a line past 100,000 characters gets LL0003 at once; a long line under it is read', () => {
  // Seed 4242, input 50: a 5 MB line of `!Ref ` in a template took over 10 s of CPU in the YAML
  // reader (an error per tag); a megabyte of quotes took 4 s.
  const service = new LanguageService({ today: () => '2026-12-01' });
  const head = 'Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: python3.12\n';
  for (const filler of ['!Ref '.repeat(1_000_000), '"'.repeat(1_000_000)]) {
    const found = service.validate({
      uri: 'file:///fuzz/long/template.yaml',
      text: `${head}      Description: ${filler}\n`,
    });
    assert.deepEqual(
      found.map((d) => d.ruleId),
      ['LL0003'],
    );
    assert.match(found[0]?.message ?? '', /line of more than 100,000 characters/);
    // At the line that is too long (the sixth).
    assert.equal(found[0]?.span.start, head.length);
  }
  const long = `${head}      Description: ${'x'.repeat(INPUT_LIMITS.maxYamlLineLength - 20)}\n`;
  const read = service.validate({ uri: 'file:///fuzz/ok/template.yaml', text: long });
  assert.ok(!read.some((d) => d.ruleId === 'LL0003' || d.ruleId === 'LL0001'), read.map((d) => d.ruleId).join(', '));
});

test('the code line budget: lines end at LF, CRLF or a lone CR; a line past 250,000 characters is over it', () => {
  const line = 'x'.repeat(1000);
  for (const end of ['\n', '\r\n', '\r']) {
    // 600 lines of 1,000 characters: long in all, short lines.
    assert.equal(codeOverLimit(`${line}${end}`.repeat(600)), undefined, JSON.stringify(end));
  }
  assert.equal(codeOverLimit(`a\n${'x'.repeat(INPUT_LIMITS.maxCodeLineLength)}\n`), undefined);
  assert.match(
    codeOverLimit(`a\n${'"'.repeat(INPUT_LIMITS.maxCodeLineLength + 1)}\n`) ?? '',
    /a line of more than 250,000 characters/,
  );
});

test('found by npm run fuzz: a JSON template with a long run of commas keeps its first 20 errors only', () => {
  // 5 MB of commas made five million errors: 12 s of CPU and 2.4 GB to keep and word them.
  const text = `{"Resources": {"F": {"Type": "AWS::Lambda::Function", "Properties": {"Description": ${','.repeat(200_000)}}}}}\n`;
  const parsed = parseTreeText(text, 'json');
  assert.equal(parsed.syntaxErrors.length, 20);
  assert.equal(parsed.syntaxErrors[0]?.message, 'JSON: value expected');
  const found = new LanguageService({ today: () => '2026-12-01' }).validate({
    uri: 'file:///fuzz/commas/template.json',
    text,
  });
  assert.deepEqual(
    found.map((d) => d.ruleId),
    ['LL0001'],
  );
});

test('found by npm run fuzz: a CDK stack file nested 10,000 levels deep is not read, and nothing overflows', () => {
  // Seed 20261207, inputs 19901 and others: deepNesting in cdk-*.ts overflowed the stack in the CDK reader.
  const deep = `${'('.repeat(10_000)}1${')'.repeat(10_000)}`;
  const text = `import * as lambda from 'aws-cdk-lib/aws-lambda';\nnew lambda.Function(this, 'F', { memorySize: ${deep} });\n`;
  assert.doesNotThrow(() => new StackSource('/fuzz/cdk/lib/stack.ts', text, '/fuzz/cdk'));
});

test('found by npm run fuzz: a CDK stack file with an expression 20,000 operators long (no brackets) is not read, and nothing overflows', () => {
  // Seed 4242, input 4993: `a+a+…` has no bracket to count, and the reader's walk overflowed.
  const text = `import * as lambda from 'aws-cdk-lib/aws-lambda';\nconst size = ${'1+'.repeat(20_000)}1;\nnew lambda.Function(this, 'F', { memorySize: size });\n`;
  assert.doesNotThrow(() => new StackSource('/fuzz/cdk/lib/stack.ts', text, '/fuzz/cdk'));
});
