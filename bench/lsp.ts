/**
 * Time from an edit to published diagnostics, on a 3,000-line template, over the real
 * bundled server on stdio. Baseline in the same run: a hover round trip on a tiny
 * document (the protocol's own floor). Prints medians and p95; asserts nothing.
 */
import {
  DidOpenTextDocumentNotification,
  DidChangeTextDocumentNotification,
  HoverRequest,
} from 'vscode-languageserver-protocol/node';
import { readFileSync } from 'node:fs';
import { startServer } from '../test/lsp/client';
import { stats } from './stats';

const EDITS = 100;

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

async function main(): Promise<void> {
  // LSP_PROFILE=<dir>: the server writes a V8 CPU profile there (node --cpu-prof) for a look at where the time goes.
  const profile = process.env.LSP_PROFILE;
  const server = await startServer({
    rootUri: null,
    capabilities: {},
    nodeArgs: profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [],
  });
  const { conn } = server;
  const published = (uri: string, version: number) => server.nextDiagnostics(uri, (p) => p.version === version);

  const { text, memoryLines } = template(3000);
  const uri = 'file:///bench/template.yaml';
  const opened = published(uri, 1);
  let t0 = performance.now();
  await conn.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId: 'yaml', version: 1, text },
  });
  await opened;
  const openMs = performance.now() - t0;

  const small = 'file:///bench/small.yaml';
  const smallOpened = published(small, 1);
  await conn.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri: small, languageId: 'yaml', version: 1, text: 'a: 1\n' },
  });
  await smallOpened;

  const edits: number[] = [];
  const hovers: number[] = [];
  const cpuBefore = cpuMs(server.pid);
  for (let v = 2; v < EDITS + 2; v++) {
    const line = memoryLines[v % memoryLines.length] as number;
    const value = v % 2 === 0 ? '99999' : '256  ';
    const p = published(uri, v);
    t0 = performance.now();
    await conn.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: v },
      contentChanges: [{ range: { start: { line, character: 18 }, end: { line, character: 23 } }, text: value }],
    });
    await p;
    edits.push(performance.now() - t0);
    t0 = performance.now();
    await conn.sendRequest(HoverRequest.type, { textDocument: { uri: small }, position: { line: 0, character: 0 } });
    hovers.push(performance.now() - t0);
  }
  const cpuAfter = cpuMs(server.pid);
  const e = stats(edits);
  const h = stats(hovers);
  console.log(
    `lsp: 3,000-line template (${text.split('\n').length} lines, ${(text.length / 1024).toFixed(0)} KB), first diagnostics after open ${openMs.toFixed(1)} ms`,
  );
  console.log(
    `lsp: edit → published diagnostics over ${EDITS} edits: median ${e.median.toFixed(2)} ms, p95 ${e.p95.toFixed(2)} ms`,
  );
  console.log(
    `lsp: baseline hover round trip on a 1-line document: median ${h.median.toFixed(2)} ms (edit/baseline ratio ${(e.median / h.median).toFixed(1)}×)`,
  );
  if (cpuBefore !== undefined && cpuAfter !== undefined)
    console.log(
      `lsp: the server's CPU time (user + system) per edit, its diagnostics and one hover: mean ${((cpuAfter - cpuBefore) / EDITS).toFixed(1)} ms`,
    );
  await server.stop();
}

void main();
