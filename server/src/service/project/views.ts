/**
 * What the editor shows for handler code: hovers on handler exports and module-scope
 * statements, code lenses above handler exports, and the text of each. Built from the
 * handler model and its links; pure data in, Markdown and spans out.
 */
import ts from 'typescript';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { describeInvocation, retryBrief } from '../model/invocation';
import { knownValue, type FunctionModel, type Span, type Trigger } from '../model/types';
import { MEMORY, TIMEOUT } from '../limits';
import type { HandlerModel } from '../handlers/model';
import type { HoverResult } from '../hover/template';
import type { FunctionLink } from '.';
import { uriToPath } from '../handlers/resolve';
import { relative, dirname } from 'node:path';

/** A location in another document, with line/character computed from the text the service read. */
export interface LocationResult {
  readonly uri: string;
  readonly span: Span;
  readonly range: {
    readonly start: { readonly line: number; readonly character: number };
    readonly end: { readonly line: number; readonly character: number };
  };
}

/** A code lens above a handler export: one per template function that uses it. */
export interface CodeLensResult {
  readonly span: Span;
  /** `OrdersFunction · 256 MB · 10 s · SQS batch 10` */
  readonly title: string;
  /** The function in its template, which the lens opens. */
  readonly target: LocationResult;
  /** The function, for commands that act on it (the "Simulate" lens; a CDK function's template is its stack file). */
  readonly fn: { readonly templateUri: string; readonly logicalId: string };
}

export function locationIn(uri: string, text: string, span: Span): LocationResult {
  const doc = TextDocument.create(uri, 'text', 0, text);
  return { uri, span, range: { start: doc.positionAt(span.start), end: doc.positionAt(span.end) } };
}

function memoryOf(fn: FunctionModel): string {
  const v = knownValue(fn.memorySize);
  return fn.memorySize === undefined ? `${MEMORY.default} MB` : v !== undefined ? `${v} MB` : '? MB';
}

function timeoutOf(fn: FunctionModel): string {
  const v = knownValue(fn.timeout);
  return fn.timeout === undefined ? `${TIMEOUT.default} s` : v !== undefined ? `${v} s` : '? s';
}

/** A trigger in a few words: `SQS batch 10`, `HttpApi POST /orders`, `Schedule`. */
export function triggerLabel(t: Trigger): string {
  if (t.invocation === 'poll') {
    const batch = knownValue(t.mapping?.batchSize);
    return `${t.type} batch ${batch ?? (t.mapping?.batchSize === undefined ? defaultBatch(t.type) : '?')}`;
  }
  if (t.path !== undefined) return `${t.type} ${t.method?.toUpperCase() ?? 'ANY'} ${t.path}`;
  return t.type;
}

function defaultBatch(type: string): number {
  return type === 'SQS' ? 10 : 100;
}

export function lensTitle(fn: FunctionModel): string {
  const parts = [fn.logicalId, memoryOf(fn), timeoutOf(fn)];
  // Each retrying trigger says how it retries (model/invocation.ts, issue 5).
  const shown = fn.triggers.slice(0, 2).map((t) => {
    const brief = retryBrief(fn, t);
    return brief === undefined ? triggerLabel(t) : `${triggerLabel(t)} (${brief})`;
  });
  if (fn.triggers.length > 2) shown.push(`+${fn.triggers.length - 2}`);
  return [...parts, ...shown].join(' · ');
}

export function codeLenses(model: HandlerModel, links: readonly FunctionLink[]): CodeLensResult[] {
  const out: CodeLensResult[] = [];
  for (const l of links) {
    const entry = model.exports.get(l.exportName);
    if (!entry) continue;
    out.push({
      span: entry.nameSpan,
      title: lensTitle(l.fn),
      target: locationIn(l.template.uri, l.template.text, l.fn.idSpan),
      fn: { templateUri: l.template.uri, logicalId: l.fn.logicalId },
    });
  }
  return out;
}

function inSpan(span: Span, offset: number): boolean {
  return offset >= span.start && offset <= span.end;
}

/** The handler export under the cursor: its exported name, or the name of its function. */
export function exportAt(model: HandlerModel, offset: number): string | undefined {
  for (const e of model.exports.values()) if (inSpan(e.nameSpan, offset)) return e.name;
  for (const h of model.handlers) {
    const name = h.node.name;
    if (name && inSpan(model.spanOf(name), offset)) return h.exportName;
  }
  return undefined;
}

export function handlerHover(
  model: HandlerModel,
  links: readonly FunctionLink[],
  offset: number,
): HoverResult | undefined {
  const name = exportAt(model, offset);
  if (name !== undefined) {
    const mine = links.filter((l) => l.exportName === name);
    const entry = model.exports.get(name);
    if (mine.length > 0 && entry) return { markdown: exportHover(name, mine), span: entry.nameSpan };
  }
  if (model.handlers.length === 0) return undefined;
  const init = moduleScopeNameAt(model, offset);
  if (init) {
    return {
      markdown:
        '**Runs once per execution environment**, during INIT (the cold start), before the first request. Warm invocations of the same environment reuse what it creates; each concurrent environment has its own copy.\n\n[Lambda execution environment lifecycle](https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html)',
      span: init,
    };
  }
  return undefined;
}

/** The name declared by a module-scope variable statement (not the handler export), or an expression statement's callee. */
function moduleScopeNameAt(model: HandlerModel, offset: number): Span | undefined {
  const handlerNodes = new Set<ts.Node>(model.handlers.map((h) => h.node));
  for (const s of model.sourceFile.statements) {
    if (offset < s.getStart(model.sourceFile) || offset > s.getEnd()) continue;
    if (ts.isVariableStatement(s)) {
      for (const d of s.declarationList.declarations) {
        if (d.initializer && handlerNodes.has(d.initializer as ts.Node)) return undefined;
        if (ts.isIdentifier(d.name) && inSpan(model.spanOf(d.name), offset) && !model.exports.has(d.name.text))
          return model.spanOf(d.name);
      }
    } else if (ts.isExpressionStatement(s) && !ts.isBinaryExpression(s.expression)) {
      const e = s.expression;
      const head = ts.isAwaitExpression(e)
        ? e.getFirstToken(model.sourceFile)
        : ts.isCallExpression(e)
          ? e.expression
          : undefined;
      if (head && inSpan(model.spanOf(head), offset)) return model.spanOf(head);
    }
    return undefined;
  }
  return undefined;
}

function exportHover(name: string, links: readonly FunctionLink[]): string {
  const lines: string[] = [
    `**Lambda handler \`${name}\`**, used by ${links.length === 1 ? 'one function' : `${links.length} functions`}:`,
  ];
  for (const l of links) {
    const fn = l.fn;
    const where = relative(dirname(uriToPath(l.uri)), uriToPath(l.template.uri))
      .split('\\')
      .join('/');
    lines.push(
      '',
      `**${fn.logicalId}** in \`${where}\` — ${knownValue(fn.runtime) ?? 'runtime ?'} · ${memoryOf(fn)} · timeout ${timeoutOf(fn)}`,
    );
    if (fn.triggers.length === 0)
      lines.push(
        '- No event triggers in the template: invoked directly (sync `Invoke`, or async with `--invocation-type Event`).',
      );
    for (const t of fn.triggers) {
      const how =
        t.invocation === 'sync'
          ? 'synchronous'
          : t.invocation === 'async'
            ? 'asynchronous'
            : 'event source mapping (polled)';
      // The retry story for this function and trigger (model/invocation.ts, issue 5).
      lines.push(`- ${triggerLabel(t)} (\`${t.name}\`): ${how}. ${describeInvocation(fn, t)}`);
    }
  }
  return lines.join('\n');
}
