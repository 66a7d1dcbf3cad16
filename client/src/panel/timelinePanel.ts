/**
 * The timeline webview panel in the extension host: creates it with a strict CSP, feeds it a
 * trace or a live run's events, answers its messages, and comes back after a window reload
 * through a WebviewPanelSerializer.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { FromWebviewMessage, RunSource, ToWebviewMessage } from '../../shared/protocol';
import { TIMELINE_VIEW_TYPE, readFromWebview } from '../../shared/protocol';
import type { SimulationTrace, TraceEvent } from '../../../server/src/simulator/index';
import type { TuneResult } from '../../../server/src/simulator/trace';
import { markStep } from '../walkthrough';
import { mayReopen, readTrace, runTitle } from './runs';

/** What the panel shows, kept in the host so that a reloaded webview can be fed again. */
type Shown =
  | { kind: 'trace'; trace: SimulationTrace; source: RunSource; title: string }
  | { kind: 'live'; runId: string; title: string; events: TraceEvent[] };

/** What the panel asks of the rest of the extension. */
export interface PanelHost {
  cancelRun(runId: string): void;
  exportChromeTrace(trace: SimulationTrace, source: RunSource): Promise<void>;
  revealLogs(trace: SimulationTrace, requestId: string, attempt: number): void;
  revealFinding(trace: SimulationTrace, fn: string, service: string, operation: string): Promise<void>;
}

/**
 * One timeline panel. Several can be open, to compare runs side by side; `current` is the one
 * last active, which commands act on.
 */
export class TimelinePanel {
  static current: TimelinePanel | undefined;
  private static readonly all = new Set<TimelinePanel>();
  private shown: Shown | null = null;
  /** The last Compare Memory Sizes… result, shown in the panel's Memory sizes view. */
  private tune: { result: TuneResult; title: string } | null = null;
  /** A new comparison the webview has not been told to switch to yet (it was hidden or loading). */
  private tuneUnseen = false;
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly host: PanelHost,
  ) {
    const root = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
    panel.webview.options = { enableScripts: true, localResourceRoots: [root] };
    panel.iconPath = new vscode.ThemeIcon('graph-line');
    panel.webview.html = this.html(panel.webview, root);
    TimelinePanel.all.add(this);
    panel.onDidDispose(() => this.dispose(), null, this.disposables);
    panel.onDidChangeViewState(
      (e) => {
        if (e.webviewPanel.active) TimelinePanel.current = this;
        // A hidden webview's page is gone (no retainContextWhenHidden): messages wait for the
        // new page's `ready`, which replays what the panel shows.
        if (!e.webviewPanel.visible) this.ready = false;
      },
      null,
      this.disposables,
    );
    panel.webview.onDidReceiveMessage(
      (raw: unknown) => {
        const m = readFromWebview(raw);
        if (m !== undefined) void this.onMessage(m);
      },
      null,
      this.disposables,
    );
  }

  /**
   * Shows the current panel, creating one when there is none; with `beside`, opens another one
   * next to it (to compare two runs).
   */
  static show(extensionUri: vscode.Uri, host: PanelHost, beside = false): TimelinePanel {
    const current = TimelinePanel.current;
    if (current && !beside) {
      current.panel.reveal(undefined, true);
      return current;
    }
    const column = current && beside ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active;
    const panel = vscode.window.createWebviewPanel(
      TIMELINE_VIEW_TYPE,
      vscode.l10n.t('Lambda Lens Timeline'),
      { viewColumn: column, preserveFocus: false },
      { enableScripts: true },
    );
    TimelinePanel.current = new TimelinePanel(panel, extensionUri, host);
    return TimelinePanel.current;
  }

  /** Brings back a panel VS Code restored after a reload; its webview then says what it showed. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, host: PanelHost): TimelinePanel {
    const revived = new TimelinePanel(panel, extensionUri, host);
    if (!TimelinePanel.current || panel.active) TimelinePanel.current = revived;
    return revived;
  }

  /** The panel showing the run saved in `file`, if one does. */
  static showing(file: string): TimelinePanel | undefined {
    for (const p of TimelinePanel.all)
      if (p.shown?.kind === 'trace' && p.shown.source.kind === 'file' && p.shown.source.path === file) return p;
    return undefined;
  }

  /** Every open panel (live events go to each; each keeps only those of the run it shows). */
  static each(action: (panel: TimelinePanel) => void): void {
    for (const p of TimelinePanel.all) action(p);
  }

  /** True when the panel shows a run (finished or live). */
  get hasRun(): boolean {
    return this.shown !== null;
  }

  /** The complete trace shown, if any (not during a live run). */
  get trace(): { trace: SimulationTrace; source: RunSource } | null {
    return this.shown?.kind === 'trace' ? { trace: this.shown.trace, source: this.shown.source } : null;
  }

  showTrace(trace: SimulationTrace, source: RunSource, title = runTitle(trace)): void {
    this.shown = { kind: 'trace', trace, source, title };
    this.panel.title = vscode.l10n.t('Timeline: {0}', title);
    this.post({ type: 'load-trace', trace, source, title });
    markStep('openPanel');
  }

  /** Shows a memory-size comparison in the panel's Memory sizes view (the run shown stays in the Timeline view). */
  showTune(result: TuneResult, title: string): void {
    this.tune = { result, title };
    if (!this.shown) this.panel.title = vscode.l10n.t('Timeline: {0}', title);
    this.tuneUnseen = !this.ready;
    this.post({ type: 'load-tune', result, title, reveal: true });
  }

  startLive(runId: string, title: string): void {
    this.shown = { kind: 'live', runId, title, events: [] };
    this.panel.title = vscode.l10n.t('Timeline: {0}', title);
    this.post({ type: 'live-start', runId, title });
    // A simulation opens the timeline itself: that completes the walkthrough's "Open the timeline" too.
    markStep('openPanel');
  }

  pushEvents(runId: string, events: TraceEvent[]): void {
    if (this.shown?.kind !== 'live' || this.shown.runId !== runId) return;
    this.shown.events.push(...events);
    this.post({ type: 'live-events', runId, events });
  }

  liveFailed(runId: string, message: string): void {
    if (this.shown?.kind !== 'live' || this.shown.runId !== runId) return;
    this.post({ type: 'live-failed', runId, message });
  }

  /** The live run finished and was saved: from now on the panel shows that file. */
  runSaved(runId: string, trace: SimulationTrace, file: string): void {
    if (this.shown?.kind !== 'live' || this.shown.runId !== runId) return;
    const source: RunSource = { kind: 'file', path: file };
    this.shown = { kind: 'trace', trace, source, title: this.shown.title };
    this.post({ type: 'run-saved', runId, source });
  }

  private post(message: ToWebviewMessage): void {
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  private async onMessage(m: FromWebviewMessage): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.replay(m.source);
        break;
      case 'cancel-run':
        this.host.cancelRun(m.runId);
        break;
      case 'export-chrome-trace':
        if (this.shown?.kind === 'trace') await this.host.exportChromeTrace(this.shown.trace, this.shown.source);
        break;
      case 'reveal-logs':
        if (this.shown?.kind === 'trace') this.host.revealLogs(this.shown.trace, m.requestId, m.attempt);
        break;
      case 'reveal-finding':
        if (this.shown?.kind === 'trace') await this.host.revealFinding(this.shown.trace, m.fn, m.service, m.operation);
        break;
    }
  }

  /** A (re)loaded webview asks for its content: what the host shows, or the file it showed before a reload. */
  private replay(previous: RunSource | null): void {
    const s = this.shown;
    if (s?.kind === 'trace') {
      this.post({ type: 'load-trace', trace: s.trace, source: s.source, title: s.title });
    } else if (s?.kind === 'live') {
      this.post({ type: 'live-start', runId: s.runId, title: s.title });
      if (s.events.length > 0) this.post({ type: 'live-events', runId: s.runId, events: s.events });
    } else if (previous?.kind === 'file') {
      try {
        // The path comes from the webview's saved state: only a saved run, or a trace the user
        // opened by hand in this session, is read again.
        if (
          !mayReopen(
            previous.path,
            (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
          )
        )
          throw new Error(
            vscode.l10n.t(
              '{0} is not a saved run (.lambda-lens/runs) or a trace opened in this session',
              previous.path,
            ),
          );
        this.showTrace(readTrace(previous.path), previous);
      } catch (e) {
        void vscode.window.showWarningMessage(
          vscode.l10n.t('Lambda Lens: cannot reopen the run: {0}', e instanceof Error ? e.message : String(e)),
        );
      }
    }
    // After the run, so that a new comparison's view is the one shown.
    if (this.tune) {
      this.post({ type: 'load-tune', ...this.tune, reveal: this.tuneUnseen });
      this.tuneUnseen = false;
    }
  }

  private html(webview: vscode.Webview, root: vscode.Uri): string {
    const nonce = randomBytes(18).toString('base64');
    const asset = (name: string): string => webview.asWebviewUri(vscode.Uri.joinPath(root, name)).toString();
    const csp = [
      `default-src 'none'`,
      `style-src ${webview.cspSource}`,
      `font-src ${webview.cspSource}`,
      `img-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('codicon.css')}">
<link rel="stylesheet" href="${asset('main.css')}">
<title>Lambda Lens Timeline</title>
</head>
<body>
<div id="root"></div>
<script nonce="${nonce}" src="${asset('main.js')}"></script>
</body>
</html>`;
  }

  private dispose(): void {
    TimelinePanel.all.delete(this);
    if (TimelinePanel.current === this) TimelinePanel.current = [...TimelinePanel.all].pop();
    for (const d of this.disposables) d.dispose();
  }
}

/** Restores timeline panels after a window reload; the webview's own state names its run. */
export function registerTimelineSerializer(context: vscode.ExtensionContext, host: PanelHost): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(TIMELINE_VIEW_TYPE, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel): Promise<void> {
      TimelinePanel.revive(panel, context.extensionUri, host);
    },
  });
}
