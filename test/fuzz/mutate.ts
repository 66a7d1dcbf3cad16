/**
 * Mutations of real templates and handlers, for the fuzz harness (test/fuzz/harness.ts). Each
 * takes a text and a random source and returns a broken, odd or hostile variant of it: the
 * kinds of input the reliability report found (deep nesting, alias bombs, intrinsics where
 * numbers go, huge lines, odd encodings and line ends) and plain random damage.
 */

/** A small seeded generator (mulberry32), so that a fuzz run can be replayed from its seed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;

const int = (rng: Rng, n: number): number => Math.floor(rng() * n);
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[int(rng, xs.length)] as T;

/** Values that go where a number, a string or a node should be. */
const ODD_VALUES = [
  '!Ref Nope',
  '!GetAtt A.B',
  "!Sub '${AWS::Region}-${X}'",
  '{"Fn::If": [C, 1, 2]}',
  '!Select [0, !Split [",", x]]',
  '-1',
  '0',
  '1e309',
  '99999999999999999999',
  'NaN',
  '.inf',
  '~',
  'null',
  'true',
  '""',
  "''",
  '[]',
  '{}',
  '*undefined',
  '&a',
  '!!binary AAAA',
  '!Unknown x',
  '"\\u0000"',
  '"\\ud800"',
  '0x7fffffff',
  '1.5',
  '"10240"',
  '${self:custom.x}',
  '${env:X, 3}',
  '${ssm:/a/b}',
  '|\n  block',
  '>-\n  folded',
  "'multi\n  line'",
];

/** Lines that are damaging where they land. */
const ODD_LINES = [
  'Resources:',
  'Globals:',
  '  Function:',
  '    Type: AWS::Serverless::Function',
  '      Events:',
  '  <<: *base',
  '\t- tab',
  '---',
  '...',
  '%YAML 1.1',
  'Transform: AWS::Serverless-2016-10-31',
  '"Resources": {',
  '}',
  ']',
  'exports.handler = async (e, c, cb) => { global.x = 1; };',
  'def handler(event, context):',
  '    raise Exception()',
  'const c = new DynamoDBClient({});',
  'module.exports = require(__filename);',
  'export default async function () {}',
  'import boto3',
  '    boto3.client("s3").put_object(Bucket=b, Key=str(uuid4()))',
  'process.exit(1)',
];

export type Mutation = (text: string, rng: Rng) => string;

export const MUTATIONS: Readonly<Record<string, Mutation>> = {
  flipBytes(t, rng) {
    const chars = [...t];
    for (let i = 0, n = 1 + int(rng, 8); i < n && chars.length > 0; i++)
      chars[int(rng, chars.length)] = String.fromCharCode(int(rng, 0x3000));
    return chars.join('');
  },
  deleteSpan(t, rng) {
    const a = int(rng, t.length + 1);
    return t.slice(0, a) + t.slice(Math.min(t.length, a + int(rng, 400)));
  },
  duplicateSpan(t, rng) {
    const a = int(rng, t.length + 1);
    const b = Math.min(t.length, a + int(rng, 2000));
    const times = 1 + int(rng, 20);
    return t.slice(0, b) + t.slice(a, b).repeat(times) + t.slice(b);
  },
  truncate: (t, rng) => t.slice(0, int(rng, t.length + 1)),
  replaceValue(t, rng) {
    // A value after a colon becomes an intrinsic, a huge number, a tag or an alias.
    const re = /:[ \t]+([^\n#]+)/g;
    const spots: number[] = [];
    for (let m = re.exec(t); m !== null && spots.length < 5000; m = re.exec(t)) spots.push(m.index);
    if (spots.length === 0) return t;
    const at = pick(rng, spots);
    const end = t.indexOf('\n', at);
    return `${t.slice(0, at)}: ${pick(rng, ODD_VALUES)}${end < 0 ? '' : t.slice(end)}`;
  },
  insertLine(t, rng) {
    const lines = t.split('\n');
    const indent = ' '.repeat(int(rng, 12));
    lines.splice(int(rng, lines.length + 1), 0, indent + pick(rng, ODD_LINES));
    return lines.join('\n');
  },
  shuffleIndent(t, rng) {
    const lines = t.split('\n');
    for (let i = 0, n = 1 + int(rng, 5); i < n && lines.length > 0; i++) {
      const k = int(rng, lines.length);
      lines[k] = ' '.repeat(int(rng, 16)) + (lines[k] ?? '').trimStart();
    }
    return lines.join('\n');
  },
  deepNesting(t, rng) {
    const depth = pick(rng, [50, 255, 257, 1000, 10_000]);
    const [open, close] = pick(rng, [
      ['[', ']'],
      ['{"a":', '}'],
      ['(', ')'],
    ] as const);
    const at = int(rng, t.length + 1);
    return t.slice(0, at) + open.repeat(depth) + (rng() < 0.5 ? close.repeat(depth) : '') + t.slice(at);
  },
  aliasBomb(t, rng) {
    const levels = 2 + int(rng, 9);
    const lines = [`b0: &b0 [${Array(9).fill('"x"').join(',')}]`];
    for (let i = 1; i < levels; i++)
      lines.push(
        `b${i}: &b${i} [${Array(9)
          .fill(`*b${i - 1}`)
          .join(',')}]`,
      );
    return rng() < 0.5 ? `${lines.join('\n')}\n${t}` : `${t}\nMetadata:\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
  },
  longLine(t, rng) {
    const at = int(rng, t.length + 1);
    return (
      t.slice(0, at) +
      pick(rng, ['x', ' ', '"', '\\', '${', '!Ref ', ',']).repeat(pick(rng, [1000, 100_000, 1_000_000])) +
      t.slice(at)
    );
  },
  lineEnds: (t, rng) => t.replace(/\n/g, pick(rng, ['\r', '\r\n', '\u2028', '\u0085', '\n\n'])),
  oddCharacters(t, rng) {
    const at = int(rng, t.length + 1);
    return (
      t.slice(0, at) +
      pick(rng, ['\u0000', '\ufeff', '\ud83d', '\u202e', '\u00a0', '\t', '\u0007', '\uffff']) +
      t.slice(at)
    );
  },
  empty: () => '',
};

export const MUTATION_NAMES = Object.keys(MUTATIONS);

/**
 * The random source of one input of a run: each input has its own, drawn from the run's seed
 * and the input's number, so that any input can be made again on its own (in whichever worker
 * runs it, or to replay a failure) without making the inputs before it.
 */
export function inputRandom(seed: number, input: number): Rng {
  // The two numbers mixed by murmur3's finaliser, so that neighbouring inputs get unrelated streams.
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(input >>> 0, 0x85ebca77)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return random((h ^ (h >>> 16)) >>> 0);
}

/** Applies one to three mutations; returns the text and what was done, to replay a failure. */
export function mutate(text: string, rng: Rng): { text: string; applied: string[] } {
  let out = text;
  const applied: string[] = [];
  for (let i = 0, n = 1 + int(rng, 3); i < n; i++) {
    const name = pick(rng, MUTATION_NAMES);
    const f = MUTATIONS[name];
    if (f === undefined) continue;
    out = f(out, rng);
    applied.push(name);
  }
  return { text: out, applied };
}

/** One input of a run: which file was mutated, how, and where the editor's questions point. */
export interface FuzzInput {
  readonly base: string;
  readonly text: string;
  readonly mutations: readonly string[];
  /** Where to ask for hovers and definitions, as fractions of the text's length. */
  readonly offsets: readonly number[];
}

/** The `input`-th input of a run with this seed, over these base files (`read` gives their text). */
export function makeInput(
  seed: number,
  input: number,
  bases: readonly string[],
  read: (path: string) => string,
): FuzzInput {
  const rng = inputRandom(seed, input);
  const base = bases[int(rng, bases.length)] ?? '';
  const { text, applied } = mutate(read(base), rng);
  return { base, text, mutations: applied, offsets: [rng(), rng(), rng()] };
}
