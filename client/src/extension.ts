import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

/**
 * Starts the Lambda Lens language server for templates. Analysis never runs workspace
 * code, so it works in untrusted workspaces too.
 */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Lambda Lens', { log: true });
  context.subscriptions.push(output);
  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'yaml' },
      { scheme: 'file', language: 'json' },
      { scheme: 'file', language: 'jsonc' },
      { scheme: 'untitled', language: 'yaml' },
      { scheme: 'untitled', language: 'json' },
    ],
    synchronize: { configurationSection: 'lambdaLens' },
    outputChannel: output,
  };
  client = new LanguageClient('lambdaLens', 'Lambda Lens', serverOptions, clientOptions);
  context.subscriptions.push(
    vscode.commands.registerCommand('lambdaLens.showOutput', () => output.show(true)),
    vscode.commands.registerCommand('lambdaLens.restartServer', async () => {
      await client?.restart();
      void vscode.window.showInformationMessage('Lambda Lens: language server restarted.');
    }),
  );
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
