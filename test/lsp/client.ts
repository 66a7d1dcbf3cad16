/**
 * A test client for the bundled language server (dist/server.js) on stdio: starts it,
 * initializes it, answers its configuration and registration requests, and lets tests wait
 * for the diagnostics they expect. Shared by the protocol tests and the LSP bench.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  InitializeRequest,
  InitializedNotification,
  PublishDiagnosticsNotification,
  ConfigurationRequest,
  RegistrationRequest,
  ShutdownRequest,
  ExitNotification,
  type ClientCapabilities,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';

const ROOT = resolve(__dirname, '../..');

export interface StartOptions {
  readonly rootUri: string | null;
  readonly capabilities: ClientCapabilities;
  readonly initializationOptions?: unknown;
  /** The answer to `workspace/configuration` for a section (default: null). */
  readonly configuration?: (section: string | undefined) => unknown;
  /** Extra node options for the server process (the bench profiles it with `--cpu-prof`). */
  readonly nodeArgs?: readonly string[];
  /** Another build of the server (default: this tree's dist/server.js); the bench compares two builds. */
  readonly serverPath?: string;
}

export interface TestServer {
  readonly conn: ProtocolConnection;
  /** The last diagnostics published for each document. */
  readonly latest: ReadonlyMap<string, PublishDiagnosticsParams>;
  /** The server's process id (the bench reads its CPU time). */
  readonly pid: number | undefined;
  /** Resolves with the next diagnostics published for `uri` that satisfy `accept` (rejects after 20 s). */
  nextDiagnostics(uri: string, accept?: (p: PublishDiagnosticsParams) => boolean): Promise<PublishDiagnosticsParams>;
  stop(): Promise<void>;
}

export async function startServer(options: StartOptions): Promise<TestServer> {
  const serverPath = options.serverPath ?? join(ROOT, 'dist/server.js');
  const server = spawn(process.execPath, [...(options.nodeArgs ?? []), serverPath, '--stdio'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const conn = createProtocolConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
  const latest = new Map<string, PublishDiagnosticsParams>();
  /** Waiters return true once satisfied; the others wait for the next publication. */
  const waiters = new Map<string, ((p: PublishDiagnosticsParams) => boolean)[]>();
  conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
    latest.set(p.uri, p);
    waiters.set(
      p.uri,
      (waiters.get(p.uri) ?? []).filter((w) => !w(p)),
    );
  });
  conn.onRequest(ConfigurationRequest.type, (params) =>
    params.items.map((i) => options.configuration?.(i.section) ?? null),
  );
  conn.onRequest(RegistrationRequest.type, () => undefined);
  conn.listen();
  await conn.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: options.rootUri,
    workspaceFolders: null,
    capabilities: options.capabilities,
    initializationOptions: options.initializationOptions,
  });
  await conn.sendNotification(InitializedNotification.type, {});
  return {
    conn,
    pid: server.pid,
    latest,
    nextDiagnostics(uri, accept = () => true) {
      return new Promise((resolvePromise, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(`no matching diagnostics for ${uri} within 20 s; last: ${JSON.stringify(latest.get(uri))}`),
            ),
          20_000,
        );
        waiters.set(uri, [
          ...(waiters.get(uri) ?? []),
          (p) => {
            if (!accept(p)) return false;
            clearTimeout(timer);
            resolvePromise(p);
            return true;
          },
        ]);
      });
    },
    async stop() {
      try {
        await conn.sendRequest(ShutdownRequest.type);
        const exited = new Promise<void>((done) => {
          if (server.exitCode !== null) done();
          server.once('exit', () => done());
          setTimeout(done, 2000).unref();
        });
        await conn.sendNotification(ExitNotification.type);
        // The server exits on its own (and writes its CPU profile when asked to); killed if it has not within 2 s.
        await exited;
      } finally {
        conn.dispose();
        server.kill();
      }
    },
  };
}
