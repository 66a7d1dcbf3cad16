/**
 * The getting-started walkthrough (`contributes.walkthroughs`, lambdaLens.gettingStarted): the
 * commands it offers (Get Started, Open Example) and the context keys that complete its steps
 * when the user does what a step asks — a Lambda Lens diagnostic shown in an editor, a Lambda
 * Lens hover, a finished simulation, a saved run opened in the timeline.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';

export const WALKTHROUGH_COMMANDS = {
  openWalkthrough: 'lambdaLens.openWalkthrough',
  openExample: 'lambdaLens.openExample',
} as const;

/** `publisher.name#walkthrough id`, as `workbench.action.openWalkthrough` takes it. */
const WALKTHROUGH_ID = 'lambda-lens.lambda-lens#lambdaLens.gettingStarted';

/** Steps of the walkthrough (ids in package.json); all but openExample complete by a context key, `onContext:lambdaLens.walkthrough.<step>`. */
export type WalkthroughStep = 'openExample' | 'seeDiagnostic' | 'hover' | 'simulate' | 'openPanel';

const marked = new Set<WalkthroughStep>();
let log: vscode.LogOutputChannel | undefined;

/**
 * Completes a walkthrough step; VS Code remembers completed steps across sessions. The context
 * key is the documented completion event, but VS Code's walkthrough service counts it only
 * while the service is alive, and it starts with the Welcome page: a key set before then is
 * never counted (read in VS Code 1.139's walkthroughs service). So the step is also marked
 * complete through the Welcome page's own command, which records it in any case.
 */
export function markStep(step: WalkthroughStep): void {
  if (marked.has(step)) return;
  marked.add(step);
  log?.info(`walkthrough step done: ${step}`);
  void vscode.commands.executeCommand('setContext', `lambdaLens.walkthrough.${step}`, true);
  // The command throws after recording when the walkthrough is not registered yet; the record stays.
  void vscode.commands
    .executeCommand('welcome.markStepComplete', `${WALKTHROUGH_ID}#${step}`)
    .then(undefined, () => undefined);
}

/** The diagnostic source the language server sets. */
const SOURCE = 'Lambda Lens';

/** Templates the example command looks for before offering to copy the example. */
const TEMPLATE_GLOB = '**/{template,*.template,serverless}.{yaml,yml,json}';
const EXCLUDE_GLOB = '**/{node_modules,.aws-sam,.lambda-lens,cdk.out,.serverless}/**';

/** The file names of TEMPLATE_GLOB, and what a template's text has near its top. */
const TEMPLATE_NAME = /\/(template|[^/]+\.template|serverless)\.(ya?ml|json)$/;
const TEMPLATE_TEXT = /AWSTemplateFormatVersion|AWS::Serverless|^Resources\s*:|"Resources"\s*:|^provider\s*:/m;

/** Set before the window reloads onto a copied example: the file to open once it has. */
const OPEN_ON_START = 'lambdaLens.walkthrough.openOnStart';

export function registerWalkthrough(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): void {
  log = output;
  const sawDiagnostic = (): void => {
    if (marked.has('seeDiagnostic')) return;
    const shown = vscode.window.visibleTextEditors.some((e) =>
      vscode.languages.getDiagnostics(e.document.uri).some((d) => d.source === SOURCE),
    );
    if (shown) markStep('seeDiagnostic');
  };
  context.subscriptions.push(
    vscode.commands.registerCommand(WALKTHROUGH_COMMANDS.openWalkthrough, () =>
      vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false),
    ),
    vscode.commands.registerCommand(WALKTHROUGH_COMMANDS.openExample, () => openExample(context)),
    vscode.languages.onDidChangeDiagnostics(sawDiagnostic),
    vscode.window.onDidChangeVisibleTextEditors(sawDiagnostic),
    // Opening a template by hand does what the first step asks as much as its button does.
    vscode.window.onDidChangeActiveTextEditor((e) => {
      if (
        e &&
        TEMPLATE_NAME.test(e.document.uri.path) &&
        TEMPLATE_TEXT.test(e.document.getText(new vscode.Range(0, 0, 200, 0)))
      )
        markStep('openExample');
    }),
  );
  void openPendingExample(context);
}

/**
 * Open the example: the workspace's own template when it has one; otherwise the example app
 * shipped in media/example, copied into a folder the user picks and opened there.
 */
async function openExample(context: vscode.ExtensionContext): Promise<void> {
  markStep('openExample');
  const own = await vscode.workspace.findFiles(TEMPLATE_GLOB, EXCLUDE_GLOB, 50);
  if (own.length > 0) {
    await vscode.window.showTextDocument(await mainTemplate(own));
    return;
  }
  const picked = await vscode.window.showOpenDialog({
    title: vscode.l10n.t('Choose a folder to copy the Lambda Lens example into'),
    openLabel: vscode.l10n.t('Copy Example Here'),
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: false,
    defaultUri: vscode.Uri.file(homedir()),
  });
  const parent = picked?.[0];
  if (!parent) return;
  const target = await freeFolder(parent, 'lambda-lens-example');
  try {
    await vscode.workspace.fs.copy(vscode.Uri.joinPath(context.extensionUri, 'media', 'example'), target, {
      overwrite: false,
    });
  } catch (e) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t(
        'Lambda Lens: could not copy the example to {0}: {1}',
        target.fsPath,
        e instanceof Error ? e.message : String(e),
      ),
    );
    return;
  }
  // The folder opens in this window when it has none (the extension starts again there), else in a new one.
  await context.globalState.update(OPEN_ON_START, vscode.Uri.joinPath(target, 'template.yaml').toString());
  await vscode.commands.executeCommand('vscode.openFolder', target, {
    forceNewWindow: (vscode.workspace.workspaceFolders?.length ?? 0) > 0,
  });
}

/** A SAM template says so in its Transform; a function is a SAM or CloudFormation function resource. */
const SAM_TRANSFORM = /AWS::Serverless-2016-10-31/;
const FUNCTION_TYPE = /["']?Type["']?\s*:\s*["']?AWS::(?:Serverless|Lambda)::Function\b/g;

/**
 * The template the walkthrough opens among the workspace's: the shallowest (the project's own
 * rather than one deep in a sub-project), then a SAM template (the walkthrough's steps are
 * about a SAM app), then the one with the most functions (the main app of a workspace of
 * several), then by path.
 */
async function mainTemplate(files: readonly vscode.Uri[]): Promise<vscode.Uri> {
  const ranked = await Promise.all(
    files.map(async (uri) => {
      let text = '';
      try {
        text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      } catch {
        // Unreadable: ranked last among its depth.
      }
      return {
        uri,
        depth: uri.path.split('/').length,
        sam: SAM_TRANSFORM.test(text) ? 0 : 1,
        functions: text.match(FUNCTION_TYPE)?.length ?? 0,
      };
    }),
  );
  ranked.sort(
    (a, b) => a.depth - b.depth || a.sam - b.sam || b.functions - a.functions || a.uri.path.localeCompare(b.uri.path),
  );
  return (ranked[0] ?? { uri: files[0] as vscode.Uri }).uri;
}

/** `<parent>/<name>`, or `<name>-2`, `-3`… when taken. */
async function freeFolder(parent: vscode.Uri, name: string): Promise<vscode.Uri> {
  for (let i = 1; ; i++) {
    const candidate = vscode.Uri.file(join(parent.fsPath, i === 1 ? name : `${name}-${i}`));
    try {
      await vscode.workspace.fs.stat(candidate);
    } catch {
      return candidate;
    }
  }
}

/** In the window opened on a copied example: open its template once. */
async function openPendingExample(context: vscode.ExtensionContext): Promise<void> {
  const pending = context.globalState.get<string>(OPEN_ON_START);
  if (!pending) return;
  const uri = vscode.Uri.parse(pending);
  if (!vscode.workspace.getWorkspaceFolder(uri)) return;
  await context.globalState.update(OPEN_ON_START, undefined);
  await vscode.window.showTextDocument(uri);
}
