/**
 * The fuzz harness's worker thread: answers each mutated file with what the language service
 * does on it (validate, hovers, code lenses, definitions, references), as the editor would ask.
 * It runs apart from the harness so that a hang can be cut off and memory watched.
 */
import { parentPort } from 'node:worker_threads';
import { dirname } from 'node:path';
import { URI } from 'vscode-uri';
import { LanguageService, loadPythonParser } from '../../server/src/service';
import { nodeFileSystem } from '../../server/src/nodeFs';
import type { FuzzRequest, FuzzReply } from './harness';

const port = parentPort;
if (port === null) throw new Error('test/fuzz/worker.ts runs as a worker thread');

const ready = loadPythonParser();

port.on('message', (req: FuzzRequest) => {
  void ready.then(() => port.postMessage(answer(req)));
});

function answer(req: FuzzRequest): FuzzReply {
  const started = performance.now();
  const ruleFailures: string[] = [];
  try {
    // The mutated text replaces the file on disk; the rest of its project is read as it is.
    const service = new LanguageService({
      fs: nodeFileSystem((p) => (p === req.path ? req.text : undefined)),
      today: () => '2026-12-01',
    });
    service.setWorkspaceRoots([dirname(req.path)]);
    const doc = { uri: URI.file(req.path).toString(), text: req.text, version: 1 };
    for (const d of service.validate(doc))
      if (/could not run/.test(d.message)) ruleFailures.push(`${d.ruleId}: ${d.message}`);
    const n = req.text.length;
    for (const offset of req.offsets.map((o) => Math.floor(o * (n + 1)))) {
      service.hover(doc, offset);
      service.definition(doc, offset);
      service.references(doc, offset);
    }
    service.codeLenses(doc);
    service.isTemplate(doc);
    return { id: req.id, ms: performance.now() - started, ruleFailures };
  } catch (e) {
    return {
      id: req.id,
      ms: performance.now() - started,
      ruleFailures,
      crash: e instanceof Error ? (e.stack ?? e.message) : String(e),
    };
  }
}
