/**
 * Time from an edit to published diagnostics, on a 3,000-line template, over the real
 * bundled server on stdio. Baseline in the same run: a hover round trip on a tiny
 * document (the protocol's own floor). Prints medians and p95; asserts nothing.
 *
 * - `LSP_BASELINE=<another build's dist/server.js>`: that server gets the same edits too,
 *   alternately with this tree's (each edit goes to both, first to one, then to the other), and
 *   both are printed with their ratio: on a noisy machine, two builds compare fairly only when
 *   measured side by side.
 * - `LSP_EDITS=<n>`: the number of edits (default 100).
 * - `LSP_PROFILE=<dir>`: this tree's server writes a V8 CPU profile there (`node --cpu-prof`).
 * - `LSP_NODE_ARGS="<flags>"`: Node.js flags for this tree's server (with `LSP_BASELINE=dist/server.js`,
 *   the same build with and without them, side by side).
 */
import {
  DidOpenTextDocumentNotification,
  DidChangeTextDocumentNotification,
  HoverRequest,
} from 'vscode-languageserver-protocol/node';
import { readFileSync } from 'node:fs';
import { startServer, type TestServer } from '../test/lsp/client';
import { stats } from './stats';

const EDITS = Number(process.env.LSP_EDITS ?? 100);

/**
 * CPU time (user + system, ms) a process has used, from /proc/<pid>/stat (Linux; `undefined`
 * elsewhere). On a loaded machine, latency is mostly waiting for a core; CPU time is the work.
 */
function cpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // utime and stime (fields 14 and 15 of proc(5)), in clock ticks of 10 ms.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

function template(lines: number): { text: string; memoryLines: number[] } {
  const out = [
    "AWSTemplateFormatVersion: '2010-09-09'",
    'Transform: AWS::Serverless-2016-10-31',
    'Globals:',
    '  Function:',
    '    Runtime: nodejs22.x',
    '    Timeout: 10',
    'Resources:',
  ];
  const memoryLines: number[] = [];
  for (let i = 0; out.length < lines; i++) {
    out.push(
      `  Fn${i}:`,
      '    Type: AWS::Serverless::Function',
      '    Properties:',
      `      CodeUri: src/fn${i}/`,
      '      Handler: index.handler',
    );
    memoryLines.push(out.length);
    out.push(
      '      MemorySize: 256',
      '      Environment:',
      '        Variables:',
      `          TABLE: table-${i}`,
      '      Events:',
      '        Queue:',
      '          Type: SQS',
      '          Properties:',
      `            Queue: !GetAtt Queue${i}.Arn`,
      '            BatchSize: 10',
      `  Queue${i}:`,
      '    Type: AWS::SQS::Queue',
      '    Properties:',
      '      VisibilityTimeout: 60',
    );
  }
  return { text: `${out.join('\n')}\n`, memoryLines };
}

const URI = 'file:///bench/template.yaml';
const SMALL = 'file:///bench/small.yaml';

/** One server under test, and what the edits cost it. */
interface Run {
  readonly name: string;
  readonly server: TestServer;
  readonly openMs: number;
  readonly edits: number[];
  readonly hovers: number[];
  cpuBefore: number | undefined;
}

async function startRun(name: string, text: string, serverPath?: string, nodeArgs: string[] = []): Promise<Run> {
  const server = await startServer({ rootUri: null, capabilities: {}, nodeArgs, serverPath });
  const opened = server.nextDiagnostics(URI, (p) => p.version === 1);
  const t0 = performance.now();
  await server.conn.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri: URI, languageId: 'yaml', version: 1, text },
  });
  await opened;
  const openMs = performance.now() - t0;
  const smallOpened = server.nextDiagnostics(SMALL, (p) => p.version === 1);
  await server.conn.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri: SMALL, languageId: 'yaml', version: 1, text: 'a: 1\n' },
  });
  await smallOpened;
  return { name, server, openMs, edits: [], hovers: [], cpuBefore: cpuMs(server.pid) };
}

/** Edit `v` (a MemorySize value changes), timed to its published diagnostics, then a hover on the small document. */
async function edit(run: Run, v: number, line: number): Promise<void> {
  const { conn } = run.server;
  const value = v % 2 === 0 ? '99999' : '256  ';
  const published = run.server.nextDiagnostics(URI, (p) => p.version === v);
  let t0 = performance.now();
  await conn.sendNotification(DidChangeTextDocumentNotification.type, {
    textDocument: { uri: URI, version: v },
    contentChanges: [{ range: { start: { line, character: 18 }, end: { line, character: 23 } }, text: value }],
  });
  await published;
  run.edits.push(performance.now() - t0);
  t0 = performance.now();
  await conn.sendRequest(HoverRequest.type, { textDocument: { uri: SMALL }, position: { line: 0, character: 0 } });
  run.hovers.push(performance.now() - t0);
}

async function main(): Promise<void> {
  const { text, memoryLines } = template(3000);
  const profile = process.env.LSP_PROFILE;
  const nodeArgs = (process.env.LSP_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
  const runs = [
    await startRun(nodeArgs.length > 0 ? `this tree (${nodeArgs.join(' ')})` : 'this tree', text, undefined, [
      ...nodeArgs,
      ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []),
    ]),
  ];
  const baseline = process.env.LSP_BASELINE;
  if (baseline) runs.push(await startRun(`baseline (${baseline})`, text, baseline));
  for (const run of runs) run.cpuBefore = cpuMs(run.server.pid);
  for (let v = 2; v < EDITS + 2; v++) {
    const line = memoryLines[v % memoryLines.length] as number;
    // Each build goes first every other edit: whatever the machine does meanwhile falls on both alike.
    for (const run of v % 2 === 0 ? runs : [...runs].reverse()) await edit(run, v, line);
  }
  console.log(
    `lsp: 3,000-line template (${text.split('\n').length} lines, ${(text.length / 1024).toFixed(0)} KB), ${EDITS} edits${runs.length > 1 ? ', two servers edited alternately' : ''}`,
  );
  const figures = runs.map((run) => {
    const cpuAfter = cpuMs(run.server.pid);
    const e = stats(run.edits);
    const h = stats(run.hovers);
    const cpu = run.cpuBefore !== undefined && cpuAfter !== undefined ? (cpuAfter - run.cpuBefore) / EDITS : undefined;
    console.log(`lsp: ${run.name}: first diagnostics after open ${run.openMs.toFixed(1)} ms`);
    console.log(
      `lsp: ${run.name}: edit → published diagnostics: median ${e.median.toFixed(2)} ms, p95 ${e.p95.toFixed(2)} ms`,
    );
    console.log(
      `lsp: ${run.name}: baseline hover round trip on a 1-line document: median ${h.median.toFixed(2)} ms (edit/hover ratio ${(e.median / h.median).toFixed(1)}×)`,
    );
    // On a loaded machine, latency is mostly waiting for a core; CPU time is the work.
    if (cpu !== undefined)
      console.log(
        `lsp: ${run.name}: the server's CPU time (user + system) per edit, its diagnostics and one hover: mean ${cpu.toFixed(1)} ms`,
      );
    return { e, cpu };
  });
  const [mine, base] = figures;
  if (mine && base) {
    const ratio = (a: number | undefined, b: number | undefined) =>
      a !== undefined && b !== undefined ? `${(a / b).toFixed(2)}×` : 'n/a';
    console.log(
      `lsp: this tree / baseline: median ${ratio(mine.e.median, base.e.median)}, p95 ${ratio(mine.e.p95, base.e.p95)}, CPU per edit ${ratio(mine.cpu, base.cpu)}`,
    );
  }
  for (const run of runs) await run.server.stop();
}

void main();
