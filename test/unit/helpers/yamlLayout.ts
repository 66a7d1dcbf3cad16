/**
 * Layout mutations of YAML texts: what moves node ranges without changing the data much (comment
 * lines at every indentation, blank lines, trailing spaces and comments, empty values, block
 * scalar headers, flow collections over several lines, CRLF line ends). The fast YAML reader's
 * differential test (test/unit/yamlEvents.test.ts) applies them to real templates.
 */
import { random } from '../../fuzz/mutate';

type Rng = () => number;
const int = (rng: Rng, n: number): number => Math.floor(rng() * n);
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[int(rng, xs.length)] as T;

/**
 * Replaces a random `key: value` line with the lines `make` returns for its indented key and its
 * indentation; does nothing when the line drawn is not one.
 */
function replaceValue(lines: string[], rng: Rng, make: (key: string, indent: string) => string[]): void {
  const k = int(rng, lines.length);
  const m = /^(\s*)([\w.-]+):\s+\S.*$/.exec(lines[k] ?? '');
  if (m === null) return;
  const indent = m[1] ?? '';
  lines.splice(k, 1, ...make(`${indent}${m[2] ?? ''}`, indent));
}

const LAYOUT: readonly ((lines: string[], rng: Rng) => void)[] = [
  // A comment line at any indentation, anywhere.
  (lines, rng) => lines.splice(int(rng, lines.length + 1), 0, `${' '.repeat(int(rng, 14))}# note ${int(rng, 9)}`),
  // Blank lines, some with spaces.
  (lines, rng) => lines.splice(int(rng, lines.length + 1), 0, ...Array(1 + int(rng, 3)).fill(' '.repeat(int(rng, 6)))),
  // Trailing spaces or a trailing comment.
  (lines, rng) => {
    const k = int(rng, lines.length);
    lines[k] = `${lines[k] ?? ''}${pick(rng, ['  ', ' # trailing', '\t', ' #'])}`;
  },
  // A value emptied (`Key:`), with or without a comment after it.
  (lines, rng) => {
    const k = int(rng, lines.length);
    lines[k] = (lines[k] ?? '').replace(
      /^(\s*[\w.-]+:)\s+\S.*$/,
      (_, key: string) => key + pick(rng, ['', ' ', ' # empty']),
    );
  },
  // A block scalar header changed (chomping, indentation indicator, comment).
  (lines, rng) => {
    const k = int(rng, lines.length);
    lines[k] = (lines[k] ?? '').replace(
      /([|>])[-+0-9]*(\s*)$/,
      (_, c: string, s: string) => c + pick(rng, ['', '-', '+', '2', '-2', '+ # c']) + s,
    );
  },
  // A block scalar added as a value, with trailing blank lines.
  (lines, rng) =>
    replaceValue(lines, rng, (key, indent) => [
      `${key}: ${pick(rng, ['|', '>', '|-', '>+', '|+'])}`,
      `${indent}  line one`,
      `${indent}    more`,
      ...Array(int(rng, 3)).fill(pick(rng, ['', `${indent}  `, `${indent}   `, `${indent}    `])),
    ]),
  // A flow sequence over several lines.
  (lines, rng) =>
    replaceValue(lines, rng, (key, indent) => [
      `${key}: [ a,`,
      `${indent}  "b", !Ref C , # c`,
      `${indent}  { d: e }${pick(rng, ['', ','])} ]`,
    ]),
  // Continuation lines not indented past their key, as PyYAML accepts (a flow collection, a quoted scalar).
  (lines, rng) =>
    replaceValue(lines, rng, (key, indent) => {
      const back = indent.slice(int(rng, 3));
      return pick(rng, [
        [`${key}: [`, `${back}"a", "b",`, `${back}]`],
        [`${key}: { "x": [1, 2],`, `${back}"y": "z" }`],
        [`${key}: !Sub '{ "a": "\${B}",`, `${back}"c": 1 }'`],
        [`${key}: "first`, `${back}second"`],
      ]);
    }),
  // A line deleted.
  (lines, rng) => void lines.splice(int(rng, lines.length), 1),
];

/** One to four layout mutations of `text`, drawn from `seed`; CRLF line ends one time in eight. */
export function mutateLayout(text: string, seed: number): string {
  const rng = random(seed);
  const lines = text.split('\n');
  for (let i = 0, n = 1 + int(rng, 4); i < n; i++) pick(rng, LAYOUT)(lines, rng);
  const out = lines.join('\n');
  return rng() < 0.125 ? out.replace(/\n/g, '\r\n') : out;
}
