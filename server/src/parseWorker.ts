/**
 * A worker thread of `lambda-lens check` (parsePool.ts): it parses the template texts the main
 * thread sends it and posts the trees back. Reading YAML is most of a check over many files;
 * here it runs on other cores while the main thread runs the rules on the files before.
 */
import { parentPort } from 'node:worker_threads';
import { parseTreeText } from './service/templates/parse';
import type { ParseReply, ParseRequest } from './parsePool';

const port = parentPort;
if (port === null) throw new Error('parseWorker.ts runs as a worker thread (parsePool.ts)');
port.on('message', ({ id, text, format }: ParseRequest) => {
  let reply: ParseReply;
  try {
    reply = { id, parsed: parseTreeText(text, format) };
  } catch (e) {
    // The main thread parses this text again itself, so the error is reported as if there were no worker.
    reply = { id, error: e instanceof Error ? e.message : String(e) };
  }
  port.postMessage(reply);
});
