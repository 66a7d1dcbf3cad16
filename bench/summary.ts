/**
 * The status bar's `lambdaLens/workspaceSummary` on a large workspace: the 999 corpus templates
 * (../shared/corpus) as the workspace root, through the bundled server on stdio. Prints the
 * summary's time, and the round trip of a hover asked while a summary runs against the same
 * hover when the server is idle (the baseline): the summary must not hold up the editor.
 * The summary is recomputed after an edit and answered from the last one when nothing changed.
 * Asserts nothing. Run `npm run build` first.
 *
 *   node --import tsx bench/summary.ts [workspace]
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
} from 'vscode-languageserver-protocol/node';
import { URI } from 'vscode-uri';
import { WORKSPACE_SUMMARY_METHOD, type WorkspaceSummary } from '../server/src/summary';
import { startServer } from '../test/lsp/client';
import { stats } from './stats';

const ROOT = resolve(__dirname, '..');
const workspace = resolve(process.argv[2] ?? join(ROOT, '..', 'shared', 'corpus'));
const RUNS = 7;
const TEMPLATE = join(ROOT, 'examples', 'sam-app', 'template.yaml');

async function main(): Promise<void> {
  const server = await startServer({ rootUri: URI.file(workspace).toString(), capabilities: {} });
  const uri = URI.file(TEMPLATE).toString();
  const text = readFileSync(TEMPLATE, 'utf8');
  const line = text.split('\n').findIndex((l) => l.includes('MemorySize'));
  const published = server.nextDiagnostics(uri);
  await server.conn.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId: 'yaml', version: 1, text },
  });
  await published;
  const hover = async (): Promise<number> => {
    const t = performance.now();
    await server.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character: 6 } });
    return performance.now() - t;
  };
  const summary = async (): Promise<{ ms: number; s: WorkspaceSummary }> => {
    const t = performance.now();
    const s = await server.conn.sendRequest<WorkspaceSummary>(WORKSPACE_SUMMARY_METHOD);
    return { ms: performance.now() - t, s };
  };
  const first = await summary();
  console.log(
    `workspace ${workspace}: ${first.s.templates} templates, ${first.s.functions} functions; first summary ${first.ms.toFixed(0)} ms`,
  );
  const idle: number[] = [];
  const during: number[] = [];
  const summaries: number[] = [];
  const unchanged: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    idle.push(await hover());
    unchanged.push((await summary()).ms);
    // An edit in the open template: the next summary checks the workspace again.
    await server.conn.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: i + 2 },
      contentChanges: [{ text: `${text}# edit ${i}\n` }],
    });
    const running = summary();
    // Asked once the summary is under way, as an editor asks while the status bar refreshes.
    await new Promise((r) => setTimeout(r, 20));
    during.push(await hover());
    summaries.push((await running).ms);
  }
  const fmt = (xs: number[]): string => {
    const s = stats(xs);
    return `median ${s.median.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms`;
  };
  console.log(`summary after an edit         ${fmt(summaries)}`);
  console.log(`summary, nothing changed      ${fmt(unchanged)}`);
  console.log(`hover, server idle (baseline) ${fmt(idle)}`);
  console.log(
    `hover during a summary        ${fmt(during)}  (${(stats(during).median / stats(idle).median).toFixed(1)}× the baseline)`,
  );
  await server.stop();
}

void main();
