import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { COMMANDS, registerSimulation, setCdkRenderer } from './panel/simulation';
import { CDK_SIMULATION_METHOD, type CdkSimulationResult } from '../../server/src/cdkProtocol';
import { StatusItem } from './statusBar';
import { markStep, registerWalkthrough } from './walkthrough';

/** When this module was loaded: activation time is measured from here to the server being ready. */
const loadedAt = performance.now();

let client: LanguageClient | undefined;

/** Templates and handler files: their changes on disk can move a template ⇄ handler link. */
const WATCHED_FILES = '**/*.{yaml,yml,json,template,js,mjs,cjs,ts,mts,cts,py}';

/** Registered by the simulation feature; when present, handler code lenses offer "Simulate". */
const SIMULATE_COMMAND = 'lambdaLens.simulateFunction';

/**
 * Starts the Lambda Lens language server for templates and handler code (JS/TS).
 * Analysis never runs workspace code, so it works in untrusted workspaces too.
 */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  // First: the server offers the handler lens's "Simulate" only once this command exists.
  registerSimulation(context);
  const output = vscode.window.createOutputChannel('Lambda Lens', { log: true });
  registerWalkthrough(context, output);
  const files = vscode.workspace.createFileSystemWatcher(WATCHED_FILES);
  context.subscriptions.push(output, files);
  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: {
      module: serverModule,
      transport: TransportKind.ipc,
      options: { execArgv: ['--nolazy', '--inspect=6009'] },
    },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'yaml' },
      { scheme: 'file', language: 'json' },
      { scheme: 'file', language: 'jsonc' },
      { scheme: 'untitled', language: 'yaml' },
      { scheme: 'untitled', language: 'json' },
      { scheme: 'file', language: 'javascript' },
      { scheme: 'file', language: 'typescript' },
      { scheme: 'file', language: 'python' },
    ],
    synchronize: { configurationSection: 'lambdaLens', fileEvents: files },
    // Register the simulate command before this point for its lens to appear.
    initializationOptions: {
      watchesFiles: true,
      simulateCommand: (await vscode.commands.getCommands(true)).includes(SIMULATE_COMMAND),
    },
    outputChannel: output,
    middleware: {
      // The walkthrough's "hover a setting" step completes at the first Lambda Lens hover.
      provideHover: async (document, position, token, next) => {
        const hover = await next(document, position, token);
        if (hover) markStep('hover');
        return hover;
      },
    },
  };
  client = new LanguageClient('lambdaLens', 'Lambda Lens', serverOptions, clientOptions);
  context.subscriptions.push(
    vscode.commands.registerCommand('lambdaLens.showOutput', () => output.show(true)),
    // Code lenses on handler exports open the template function they summarise.
    vscode.commands.registerCommand(
      'lambdaLens.openLocation',
      async (
        uri: string,
        range: { start: { line: number; character: number }; end: { line: number; character: number } },
      ) => {
        const selection = new vscode.Range(
          range.start.line,
          range.start.character,
          range.end.line,
          range.end.character,
        );
        await vscode.window.showTextDocument(vscode.Uri.parse(uri), { selection });
      },
    ),
    vscode.commands.registerCommand('lambdaLens.restartServer', async () => {
      await client?.restart();
      void vscode.window.showInformationMessage(vscode.l10n.t('Lambda Lens: language server restarted.'));
    }),
    new StatusItem(client, output, COMMANDS.openLastRun, files),
  );
  await client.start();
  const started = client;
  setCdkRenderer((params) => started.sendRequest<CdkSimulationResult>(CDK_SIMULATION_METHOD, params));
  // Read by people and by the packaging check in the real VS Code; a log line, so not translated.
  output.info(`Lambda Lens activated in ${Math.round(performance.now() - loadedAt)} ms (server ready)`);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
