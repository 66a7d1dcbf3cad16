/**
 * The crafted inputs of the reliability report (issue 19), built once for the unit, language
 * server and end-to-end suites that feed them to Lambda Lens.
 */

/** A CloudFormation function with a MemorySize Lambda rejects (LL1001), plus `extra` lines. */
export function cfnTemplate(extra = ''): string {
  return `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  F:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs22.x
      Handler: index.handler
      MemorySize: 99999
      Code: {ZipFile: "x"}
      Role: arn:aws:iam::123456789012:role/x
${extra}`;
}

/** A 20 KB JSON template whose Properties hold an array nested 10,000 levels deep. */
export function deepJsonTemplate(): string {
  return `{"AWSTemplateFormatVersion":"2010-09-09","Resources":{"F":{"Type":"AWS::Lambda::Function","Properties":{"X":${'['.repeat(10_000)}${']'.repeat(10_000)}}}}}`;
}

/** 10,000 nested parentheses around a 1: an expression for handler code. */
export function deepParens(): string {
  return `${'('.repeat(10_000)}1${')'.repeat(10_000)}`;
}

/** The 470-byte "billion laughs": nine levels of nine aliases (9⁹ nodes expanded), each line indented. */
export function aliasBomb(indent = ''): string {
  const levels = 'abcdefghi'.split('');
  const lines = levels.map(
    (l, i) =>
      `${indent}${l}: &${l} [${Array(9)
        .fill(i === 0 ? '"lol"' : `*${levels[i - 1] ?? 'a'}`)
        .join(',')}]`,
  );
  return `${lines.join('\n')}\n`;
}
