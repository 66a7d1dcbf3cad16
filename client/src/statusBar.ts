/**
 * The status bar item (`lambdaLens.status`): the workspace's Lambda functions and findings, from
 * the language server's project index (`lambdaLens/workspaceSummary`), refreshed shortly after
 * diagnostics or template and handler files change. A click opens the last run's timeline
 * (or offers Simulate Function… when there is none). Hidden while the workspace has no template.
 */
import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { WORKSPACE_SUMMARY_METHOD, type WorkspaceSummary } from '../../server/src/summary';

export const STATUS_ITEM_ID = 'lambdaLens.status';

/** Quiet time after the last change before the summary is asked for again. */
const DEBOUNCE_MS = 750;

export class StatusItem implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inFlight = false;
  private again = false;

  constructor(
    private readonly client: LanguageClient,
    private readonly output: vscode.LogOutputChannel,
    clickCommand: string,
    files: vscode.FileSystemWatcher,
  ) {
    this.item = vscode.window.createStatusBarItem(STATUS_ITEM_ID, vscode.StatusBarAlignment.Left, 10);
    this.item.name = vscode.l10n.t('Lambda Lens');
    this.item.command = clickCommand;
    const soon = (): void => this.schedule();
    this.disposables.push(
      this.item,
      vscode.languages.onDidChangeDiagnostics(soon),
      files.onDidCreate(soon),
      files.onDidChange(soon),
      files.onDidDelete(soon),
      vscode.workspace.onDidChangeWorkspaceFolders(soon),
      client.onDidChangeState((e) => {
        if (e.newState === State.Running) this.schedule();
      }),
    );
  }

  /** Asks for the summary after a quiet moment; one request at a time, the last change always counted. */
  schedule(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, DEBOUNCE_MS);
  }

  private async refresh(): Promise<void> {
    if (this.inFlight) {
      this.again = true;
      return;
    }
    if (!this.client.isRunning()) return;
    this.inFlight = true;
    try {
      this.show(await this.client.sendRequest<WorkspaceSummary>(WORKSPACE_SUMMARY_METHOD));
    } catch (e) {
      // The server restarting or stopping: the next change or its restart asks again.
      this.output.warn(`workspace summary: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.inFlight = false;
      if (this.again) {
        this.again = false;
        this.schedule();
      }
    }
  }

  private show(s: WorkspaceSummary): void {
    if (s.templates === 0) {
      this.item.hide();
      return;
    }
    const findings = s.findings.error + s.findings.warning + s.findings.info + s.findings.hint;
    const functions = s.functions === 1 ? vscode.l10n.t('1 function') : vscode.l10n.t('{0} functions', s.functions);
    const found = findings === 1 ? vscode.l10n.t('1 finding') : vscode.l10n.t('{0} findings', findings);
    this.item.text = `$(zap) ${functions} · ${found}`;
    this.item.accessibilityInformation = {
      label: vscode.l10n.t(
        'Lambda Lens: {0}, {1}: {2} errors, {3} warnings, {4} infos, {5} hints',
        functions,
        found,
        s.findings.error,
        s.findings.warning,
        s.findings.info,
        s.findings.hint,
      ),
    };
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown(`**${vscode.l10n.t('Lambda Lens')}**\n\n`);
    tooltip.appendMarkdown(
      `${vscode.l10n.t('Functions: {0} · templates: {1} · handler files: {2}', s.functions, s.templates, s.handlerFiles)}\n\n`,
    );
    tooltip.appendMarkdown(
      `${vscode.l10n.t('Errors: {0} · warnings: {1} · infos: {2} · hints: {3}', s.findings.error, s.findings.warning, s.findings.info, s.findings.hint)}\n\n`,
    );
    tooltip.appendMarkdown(vscode.l10n.t('Click to open the last run in the timeline.'));
    this.item.tooltip = tooltip;
    this.item.show();
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
