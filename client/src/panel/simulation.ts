/**
 * The simulation commands (category "Lambda Lens"): Simulate Function…, Run Scenario File,
 * Open Last Run, Open Trace File…, Export Run as Chrome Trace; the code lens on scenario files;
 * the run's log in an output channel; runs saved under `.lambda-lens/runs/`.
 *
 * Simulations run in the extension host: the simulator (server/src/simulator, no VS Code
 * imports) is bundled into dist/client.js and forks one real Node process per execution
 * environment, so events stream straight to the panel without a round trip through the
 * language server.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative } from 'node:path';
import * as vscode from 'vscode';
import type { RunSource } from '../../shared/protocol';
import type { CdkSimulationParams, CdkSimulationResult } from '../../../server/src/cdkProtocol';
import { isStackFile } from '../../../server/src/service/cdk/paths';
import type { SimulationConfig, SimulationTrace, TraceEvent } from '../../../server/src/simulator/index';
import type { Rejection } from '../../../server/src/simulator/validate';
import { docsUrl } from '../../../server/src/service/model/findings';
import {
  simulatorExecutables,
  simulatorPlatform,
  idleTimeoutMinutes,
  runRejectedConfigurations,
  SETTINGS,
} from '../settings';
import { markStep } from '../walkthrough';
import { latestRun, newRunId, readTrace, rememberOpened, runTitle, saveRun, saveScenario } from './runs';
import { TimelinePanel, registerTimelineSerializer, type PanelHost } from './timelinePanel';
import { fitSample, type TriggerFacts } from './fitEvent';
import {
  describePattern,
  messageBodies,
  sampleForTrigger,
  trafficFor,
  type EventChoice,
  type TrafficPattern,
} from './traffic';

export const COMMANDS = {
  simulateFunction: 'lambdaLens.simulateFunction',
  runScenario: 'lambdaLens.runScenario',
  openLastRun: 'lambdaLens.openLastRun',
  openTraceFile: 'lambdaLens.openTraceFile',
  exportChromeTrace: 'lambdaLens.exportChromeTrace',
  compareMemorySizes: 'lambdaLens.compareMemorySizes',
} as const;

type Engine = typeof import('./engine');
let loadedEngine: Engine | undefined;

/** Asks the language server for CDK stacks rendered as templates (server/src/cdkProtocol.ts); set once it runs. */
let cdkRenderer: ((params: CdkSimulationParams) => Promise<CdkSimulationResult>) | undefined;

export function setCdkRenderer(renderer: (params: CdkSimulationParams) => Promise<CdkSimulationResult>): void {
  cdkRenderer = renderer;
}

/**
 * A CDK stack rendered and built for a run (its NodejsFunction entries compiled), as the
 * simulator's `templates` input; the rendering's warnings go to the output channel.
 */
async function renderedStack(
  stackFile: string,
  output: vscode.OutputChannel,
): Promise<ReadonlyMap<string, string> | undefined> {
  if (!cdkRenderer) {
    void vscode.window.showWarningMessage(
      vscode.l10n.t(
        'Lambda Lens: the language server is not running yet, so the CDK stack cannot be read. Try again in a moment.',
      ),
    );
    return undefined;
  }
  const result = await cdkRenderer({ uri: vscode.Uri.file(stackFile).toString(), build: true });
  const stack = result.stacks[0];
  if (!stack) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t('Lambda Lens: {0} is not a CDK stack that creates Lambda functions.', basename(stackFile)),
    );
    return undefined;
  }
  for (const w of stack.warnings) output.appendLine(`# ${vscode.l10n.t('warning: {0}', w)}`);
  return new Map([[stack.path, stack.template]]);
}

/** The simulator bundle (dist/simulator.js, built from engine.ts), loaded on first use. */
function engine(): Engine {
  // A computed path keeps esbuild from bundling it into dist/client.js.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, by path
  loadedEngine ??= require(join(__dirname, 'simulator.js')) as Engine;
  return loadedEngine;
}

/** The output channel's language: syntaxes/lambda-lens-log.tmLanguage.json colours it. */
const LOG_LANGUAGE = 'lambda-lens-log';
const TEMPLATE_GLOB = '**/{template,*.template,serverless}.{yaml,yml,json}';
const EXCLUDE_GLOB = '**/{node_modules,.aws-sam,.lambda-lens,cdk.out,.serverless}/**';

interface RunningSimulation {
  runId: string;
  controller: AbortController;
}

class Simulations implements PanelHost {
  private readonly output: vscode.OutputChannel;
  private running: RunningSimulation | null = null;
  private lastRun: string | null = null;

  constructor(private readonly context: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel('Lambda Lens Simulation', LOG_LANGUAGE);
    context.subscriptions.push(this.output);
    this.lastRun = context.workspaceState.get<string>('lambdaLens.lastRun') ?? null;
  }

  // ---- PanelHost ----

  cancelRun(runId: string): void {
    if (this.running?.runId === runId) this.running.controller.abort();
  }

  async exportChromeTrace(trace: SimulationTrace, source: RunSource): Promise<void> {
    const base =
      source.kind === 'file'
        ? source.path.replace(/\.json$/, '')
        : join(workspaceRoot() ?? '', `${trace.function.name}`);
    const target = await vscode.window.showSaveDialog({
      title: vscode.l10n.t('Export Run as Chrome Trace'),
      defaultUri: vscode.Uri.file(`${base}.chrome.json`),
      filters: { [vscode.l10n.t('Chrome trace (JSON)')]: ['json'] },
    });
    if (!target) return;
    writeFileSync(target.fsPath, JSON.stringify(engine().toChromeTrace(trace)));
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Lambda Lens: exported {0}. Open it in Perfetto UI or chrome://tracing.', basename(target.fsPath)),
    );
  }

  revealLogs(trace: SimulationTrace, requestId: string, attempt: number): void {
    const inv = trace.invocations.find((i) => i.requestId === requestId && i.attempt === attempt);
    if (!inv) return;
    this.output.appendLine('');
    this.output.appendLine(
      `# ${vscode.l10n.t('Request {0} (attempt {1}) on {2}', requestId, attempt, inv.env ?? vscode.l10n.t('no environment'))}`,
    );
    for (const line of inv.logs) this.output.appendLine(line);
    this.output.show(true);
  }

  /**
   * A duplicate side effect in the timeline: open the LL2101 (or LL2102) finding in the code of
   * the function that made it — the one whose line names the call's operation when several —
   * or the rule's page when the code has none.
   */
  async revealFinding(trace: SimulationTrace, fn: string, service: string, operation: string): Promise<void> {
    const f = trace.functions?.find((x) => x.logicalId === fn) ?? trace.function;
    const root = vscode.Uri.file(f.codeRoot).fsPath;
    // The handler's file: its diagnostics are published once it is open.
    const module = f.handler.slice(0, f.handler.lastIndexOf('.'));
    const handlerFile = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.py']
      .map((ext) => join(f.codeRoot, `${module}${ext}`))
      .find((file) => existsSync(file));
    const findings = (): { uri: vscode.Uri; diagnostic: vscode.Diagnostic }[] => {
      const out: { uri: vscode.Uri; diagnostic: vscode.Diagnostic }[] = [];
      for (const [uri, diagnostics] of vscode.languages.getDiagnostics()) {
        if (!uri.fsPath.startsWith(root)) continue;
        for (const d of diagnostics) {
          const code = typeof d.code === 'object' ? d.code.value : d.code;
          if (code === 'LL2101' || code === 'LL2102') out.push({ uri, diagnostic: d });
        }
      }
      return out;
    };
    let candidates = findings();
    if (candidates.length === 0 && handlerFile) {
      await vscode.window.showTextDocument(vscode.Uri.file(handlerFile), { preview: true });
      for (let i = 0; i < 50 && candidates.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        candidates = findings();
      }
    }
    const words = [operation, operation.replace(/^(Send|Put|Publish|Update|Start)/, ''), service]
      .map((w) => w.toLowerCase())
      .filter((w) => w.length > 2);
    let best = candidates[0];
    for (const c of candidates) {
      const doc = await vscode.workspace.openTextDocument(c.uri);
      const text = doc
        .getText(new vscode.Range(c.diagnostic.range.start.line, 0, c.diagnostic.range.end.line + 1, 0))
        .toLowerCase();
      if (words.some((w) => text.includes(w) || c.diagnostic.message.toLowerCase().includes(w))) {
        best = c;
        break;
      }
    }
    if (!best) {
      const docs = vscode.l10n.t('Open LL2101');
      const choice = await vscode.window.showInformationMessage(
        vscode.l10n.t(
          'Lambda Lens: no LL2101/LL2102 finding in {0}: the repeated call is not one the code analysis recognises.',
          fn,
        ),
        docs,
      );
      if (choice === docs) await vscode.env.openExternal(vscode.Uri.parse(docsUrl('LL2101')));
      return;
    }
    const editor = await vscode.window.showTextDocument(best.uri, { selection: best.diagnostic.range, preview: true });
    editor.revealRange(best.diagnostic.range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  // ---- commands ----

  /** Simulate Function…: from the handler code lens with (templateUri, logicalId), or through quick picks. */
  async simulateFunction(templateUri?: string, logicalId?: string): Promise<void> {
    if (!trusted()) return;
    const root = workspaceRoot();
    if (!root) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t('Lambda Lens: open a folder with a SAM or CloudFormation template to simulate its functions.'),
      );
      return;
    }
    const platformDefaults = simulatorPlatform();
    if (!platformDefaults) return;
    const fn = await this.pickFunction(templateUri, logicalId);
    if (!fn) return;
    const pattern = await pickPattern();
    if (!pattern) return;
    const event = await pickEvent(fn.templateFile, fn.logicalId, fn.events);
    if (!event) return;
    const runId = newRunId(fn.logicalId);
    const title = `${fn.logicalId} · ${describePattern(pattern)}`;
    const bodies = pattern.kind === 'sqs' ? messageBodies(eventPayload(event)) : [];
    const scenario = {
      $schema: vscode.Uri.joinPath(this.context.extensionUri, 'schemas', 'scenario.schema.json').toString(),
      name: describePattern(pattern),
      template: fn.templateFile,
      function: fn.logicalId,
      traffic: trafficFor(pattern, event, bodies),
    };
    const scenarioFile = saveScenario(root, runId, scenario);
    const templates = fn.cdk ? await renderedStack(fn.templateFile, this.output) : undefined;
    if (fn.cdk && !templates) return;
    let config: SimulationConfig;
    try {
      const loaded = engine().resolveScenario(scenario, scenarioFile, platformDefaults, templates ? { templates } : {});
      config = loaded.config;
      for (const w of loaded.warnings) this.output.appendLine(`# ${vscode.l10n.t('warning: {0}', w)}`);
      if (!(await acceptRejections(loaded.rejections))) return;
    } catch (e) {
      showScenarioError(e, scenarioFile);
      return;
    }
    await this.run(config, runId, title, root);
  }

  /**
   * Compare Memory Sizes…: the function's starter scenario at each memory size (as `lambda-lens
   * tune`), then its chart of Duration and cost against memory, its table and its
   * recommendation in the timeline panel's Memory sizes view.
   */
  async compareMemorySizes(templateUri?: string, logicalId?: string): Promise<void> {
    if (!trusted()) return;
    const fn = await this.pickFunction(
      templateUri,
      logicalId,
      vscode.l10n.t('Compare Memory Sizes (1/2): which function?'),
    );
    if (!fn) return;
    const defaults = engine().DEFAULT_MEMORY_SIZES.join(', ');
    const typed = await vscode.window.showInputBox({
      title: vscode.l10n.t('Compare Memory Sizes (2/2): {0} at which sizes?', fn.logicalId),
      ignoreFocusOut: true,
      prompt: vscode.l10n.t('Memory sizes in MB, comma-separated (128 to 10,240)'),
      value: defaults,
      validateInput: (v) =>
        memorySizes(v) ? undefined : vscode.l10n.t('Give sizes from 128 to 10240 MB, separated by commas.'),
    });
    const sizes = typed === undefined ? undefined : memorySizes(typed);
    if (!sizes) return;
    const templates = fn.cdk ? await renderedStack(fn.templateFile, this.output) : undefined;
    if (fn.cdk && !templates) return;
    const inputs = templates ? { templates } : {};
    const starter = engine().starterFor(fn.templateFile, fn.logicalId, templates?.get(fn.templateFile));
    if (typeof starter === 'string') {
      void vscode.window.showErrorMessage(vscode.l10n.t('Lambda Lens: {0}', starter));
      return;
    }
    let loaded: ReturnType<Engine['resolveScenario']>;
    try {
      loaded = engine().resolveScenario(starter.json, starter.path, {}, inputs);
    } catch (e) {
      showScenarioError(e, starter.path);
      return;
    }
    // Each size replaces MemorySize: the template's other settings must still deploy.
    if (!(await acceptRejections(loaded.rejections.filter((r) => r.ruleId !== 'LL1001')))) return;
    const title = vscode.l10n.t('{0}: memory sizes', fn.logicalId);
    const result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('Lambda Lens: running {0} at {1} memory sizes', fn.logicalId, sizes.length),
        cancellable: true,
      },
      async (_progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        try {
          return await engine().tune(starter.json, starter.path, sizes, 10, controller.signal, inputs);
        } catch (e) {
          if (!controller.signal.aborted)
            void vscode.window.showErrorMessage(
              vscode.l10n.t('Lambda Lens: the runs failed: {0}', e instanceof Error ? e.message : String(e)),
            );
          return undefined;
        }
      },
    );
    if (result) {
      const { rows, cheapestMb, fastestMb, tolerancePct, architecture } = result;
      this.panel().showTune({ rows, cheapestMb, fastestMb, tolerancePct, architecture }, title);
    }
  }

  async runScenario(uri?: vscode.Uri): Promise<void> {
    if (!trusted()) return;
    const platformDefaults = simulatorPlatform();
    if (!platformDefaults) return;
    const file = uri ?? (await pickScenarioFile());
    if (!file) return;
    const root = vscode.workspace.getWorkspaceFolder(file)?.uri.fsPath ?? workspaceRoot() ?? dirname(file.fsPath);
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === file.toString());
    if (open?.isDirty) await open.save();
    let config: SimulationConfig;
    try {
      // The files a scenario names must be in the workspace.
      const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
      // A scenario naming a CDK stack runs with the stack rendered by the language server.
      const stack = scenarioStack(file.fsPath);
      const templates = stack !== undefined ? await renderedStack(stack, this.output) : undefined;
      if (stack !== undefined && !templates) return;
      const loaded = engine().loadScenario(file.fsPath, platformDefaults, {
        ...(roots.length > 0 ? { roots } : {}),
        ...(templates ? { templates } : {}),
      });
      config = loaded.config;
      for (const w of loaded.warnings) this.output.appendLine(`# ${vscode.l10n.t('warning: {0}', w)}`);
      if (!(await acceptRejections(loaded.rejections))) return;
    } catch (e) {
      showScenarioError(e, file.fsPath);
      return;
    }
    const name = basename(file.fsPath).replace(/\.scenario\.json$/, '');
    await this.run(
      config,
      newRunId(config.function.name),
      `${config.function.name} · ${config.scenario.name || name}`,
      root,
    );
  }

  async openLastRun(): Promise<void> {
    const root = workspaceRoot();
    const file = this.lastRun ?? (root ? latestRun(root) : null);
    if (!file) {
      const simulate = vscode.l10n.t('Simulate Function…');
      const choice = await vscode.window.showInformationMessage(
        vscode.l10n.t('Lambda Lens: no saved run in this workspace yet. Simulate a function to see its timeline.'),
        simulate,
      );
      if (choice === simulate) await vscode.commands.executeCommand(COMMANDS.simulateFunction);
      return;
    }
    this.openFile(file);
  }

  async openTraceFile(uri?: vscode.Uri): Promise<void> {
    const root = workspaceRoot();
    const picked =
      uri ??
      (
        await vscode.window.showOpenDialog({
          title: vscode.l10n.t('Open Trace File'),
          canSelectMany: false,
          defaultUri: root ? vscode.Uri.file(join(root, '.lambda-lens', 'runs')) : undefined,
          filters: { [vscode.l10n.t('Lambda Lens trace')]: ['json'] },
        })
      )?.[0];
    // A panel that already shows a run stays: the file opens beside it, to compare the two.
    if (picked) this.openFile(picked.fsPath, TimelinePanel.current?.hasRun ?? false);
  }

  async exportCommand(): Promise<void> {
    const shown = TimelinePanel.current?.trace;
    if (shown) return this.exportChromeTrace(shown.trace, shown.source);
    const root = workspaceRoot();
    const file = this.lastRun ?? (root ? latestRun(root) : null);
    if (!file) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Lambda Lens: no run to export. Open a run or simulate a function first.'),
      );
      return;
    }
    try {
      await this.exportChromeTrace(readTrace(file), { kind: 'file', path: file });
    } catch (e) {
      void vscode.window.showErrorMessage(
        vscode.l10n.t('Lambda Lens: {0}', e instanceof Error ? e.message : String(e)),
      );
    }
  }

  panel(beside = false): TimelinePanel {
    return TimelinePanel.show(this.context.extensionUri, this, beside);
  }

  private openFile(file: string, beside = false): void {
    const open = TimelinePanel.showing(file);
    if (open) {
      open.panel.reveal(undefined, false);
      markStep('openPanel');
      return;
    }
    try {
      const trace = readTrace(file);
      rememberOpened(file);
      this.panel(beside).showTrace(trace, { kind: 'file', path: file }, runTitle(trace));
    } catch (e) {
      void vscode.window.showErrorMessage(
        vscode.l10n.t('Lambda Lens: {0}', e instanceof Error ? e.message : String(e)),
      );
    }
  }

  /** Set once the Install offer was made in this window: it is not repeated after every run. */
  private sdkOffered = false;

  /**
   * A handler could not import `@aws-sdk/*` (Lambda's Node runtimes include it; the workspace
   * does not have it): offer, once, to install the copy simulations use — npm, into Lambda
   * Lens's cache folder, never unasked — and to run the simulation again.
   */
  private async offerSdkInstall(trace: SimulationTrace, again: () => Promise<void>): Promise<void> {
    if (this.sdkOffered || engine().installedSdkDir() !== undefined) return;
    if (
      !trace.environmentLogs.some(
        (l) => l.line.startsWith('LAMBDA_LENS note:') && l.line.includes('lambda-lens sdk install'),
      )
    )
      return;
    this.sdkOffered = true;
    const install = vscode.l10n.t('Install');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t(
        "Lambda Lens: the handler imports the AWS SDK for JavaScript v3, which Lambda's Node runtimes include but this workspace does not have. Install a copy for simulations with npm (into {0})?",
        engine().sdkDir(),
      ),
      install,
      vscode.l10n.t('Not Now'),
    );
    if (choice !== install) return;
    this.output.show(true);
    this.output.appendLine(
      `# ${vscode.l10n.t('Installing the AWS SDK for JavaScript v3 into {0}', engine().sdkDir())}`,
    );
    const code = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('Lambda Lens: installing the AWS SDK for simulations'),
      },
      () => engine().installSdk((text) => this.output.append(text)),
    );
    if (code !== 0 || engine().installedSdkDir() === undefined) {
      void vscode.window.showErrorMessage(
        vscode.l10n.t('Lambda Lens: npm install failed (exit {0}); its output is in the Output panel.', code),
      );
      return;
    }
    const runAgain = vscode.l10n.t('Run Again');
    if (
      (await vscode.window.showInformationMessage(
        vscode.l10n.t('Lambda Lens: the AWS SDK is installed for simulations.'),
        runAgain,
      )) === runAgain
    )
      await again();
  }

  // ---- running ----

  private async run(config: SimulationConfig, runId: string, title: string, root: string): Promise<void> {
    const executables = simulatorExecutables(config.function.runtime);
    if (!executables) return;
    if (this.running) {
      const restart = vscode.l10n.t('Cancel It and Start');
      const choice = await vscode.window.showWarningMessage(
        vscode.l10n.t('Lambda Lens: a simulation is running.'),
        restart,
        vscode.l10n.t('Keep It'),
      );
      if (choice !== restart) return;
      this.running.controller.abort();
    }
    const controller = new AbortController();
    const running: RunningSimulation = { runId, controller };
    this.running = running;
    const panel = this.panel();
    panel.startLive(runId, title);
    this.output.clear();
    this.output.appendLine(`# ${title}`);
    this.output.appendLine(
      `# ${vscode.l10n.t('{0} ({1}) in {2}', config.function.handler, config.function.runtime, config.function.codeRoot)}`,
    );
    let pending: TraceEvent[] = [];
    let timer: ReturnType<typeof setTimeout> | null = null;
    const flush = (): void => {
      timer = null;
      if (pending.length === 0) return;
      const batch = pending;
      pending = [];
      TimelinePanel.each((p) => p.pushEvents(runId, batch));
    };
    const onEvent = (event: TraceEvent): void => {
      if (event.type === 'log') this.output.appendLine(event.line);
      else if (event.type === 'run-start') {
        this.output.appendLine(`# ${event.runtime.note}`);
        if (event.function.ephemeralStorage) this.output.appendLine(`# ${event.function.ephemeralStorage.note}`);
      }
      pending.push(event);
      if (timer === null) timer = setTimeout(flush, 50);
    };
    try {
      const trace = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: vscode.l10n.t('Lambda Lens: simulating {0}', title),
          cancellable: true,
        },
        (_progress, token) => {
          token.onCancellationRequested(() => controller.abort());
          return engine().simulate(config, { onEvent, signal: controller.signal, executables });
        },
      );
      if (timer !== null) clearTimeout(timer);
      flush();
      const file = saveRun(root, runId, trace);
      this.lastRun = file;
      void this.context.workspaceState.update('lambdaLens.lastRun', file);
      TimelinePanel.each((p) => p.runSaved(runId, trace, file));
      if (!trace.cancelled) markStep('simulate');
      void this.offerSdkInstall(trace, () => this.run(config, newRunId(config.function.name), title, root));
      const s = trace.summary;
      this.output.appendLine(
        `# ${vscode.l10n.t(
          '{0}: {1} invocations, {2} cold, {3} environments, {4} throttled, {5} errors · saved to {6}',
          trace.cancelled ? vscode.l10n.t('cancelled') : vscode.l10n.t('done'),
          s.invocations,
          s.coldStarts,
          s.environments,
          s.throttles,
          s.errors,
          relative(root, file),
        )}`,
      );
    } catch (e) {
      if (timer !== null) clearTimeout(timer);
      flush();
      const error = e instanceof Error ? e.message : String(e);
      // An executable from the settings that does not run: name the setting.
      const configured = executables.node ?? executables.python;
      const message =
        configured !== undefined && error.includes(configured)
          ? `${executables.node !== undefined ? SETTINGS.nodePath : SETTINGS.pythonPath}: ${error}`
          : error;
      TimelinePanel.each((p) => p.liveFailed(runId, message));
      this.output.appendLine(`# ${vscode.l10n.t('the run failed: {0}', message)}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('Lambda Lens: the simulation failed: {0}', message));
    } finally {
      if (this.running === running) this.running = null;
    }
  }

  // ---- picks ----

  private async pickFunction(
    templateUri?: string,
    logicalId?: string,
    title = vscode.l10n.t('Simulate Function (1/3): which function?'),
  ): Promise<FunctionChoice | undefined> {
    const stackGiven = templateUri !== undefined && isStackFile(vscode.Uri.parse(templateUri).fsPath);
    const files = stackGiven
      ? []
      : templateUri
        ? [vscode.Uri.parse(templateUri)]
        : await vscode.workspace.findFiles(TEMPLATE_GLOB, EXCLUDE_GLOB, 50);
    const choices: FunctionChoice[] = [];
    const editor = vscode.window.activeTextEditor;
    // CDK stacks: the language server reads them and renders each as a template.
    if ((templateUri === undefined || stackGiven) && cdkRenderer) {
      const rendered = await cdkRenderer(templateUri !== undefined ? { uri: templateUri } : {}).catch(() => ({
        stacks: [],
      }));
      for (const stack of rendered.stacks) {
        for (const f of engine().templateFunctions(stack.uri, stack.template, 'json')) {
          choices.push({
            logicalId: f.logicalId,
            templateFile: stack.path,
            handler: f.handler ?? vscode.l10n.t('(no handler)'),
            runtime: f.runtime ?? 'nodejs22.x',
            simulated: f.runtime === undefined || f.runtime.startsWith('nodejs') || f.runtime.startsWith('python'),
            triggers: f.triggers,
            events: f.events,
            underCursor: false,
            cdk: true,
          });
        }
      }
    }
    for (const file of files) {
      // The active editor's text, saved or not, so that the function under the cursor is found where it is.
      const open = editor?.document.uri.toString() === file.toString() ? editor.document : undefined;
      let text: string;
      try {
        text = open ? open.getText() : readFileSync(file.fsPath, 'utf8');
      } catch {
        continue;
      }
      for (const f of engine().templateFunctions(file.toString(), text)) {
        choices.push({
          logicalId: f.logicalId,
          templateFile: file.fsPath,
          handler: f.handler ?? vscode.l10n.t('(no handler)'),
          runtime: f.runtime ?? vscode.l10n.t('(runtime unknown)'),
          simulated: f.runtime === undefined || f.runtime.startsWith('nodejs') || f.runtime.startsWith('python'),
          triggers: f.triggers,
          events: f.events,
          underCursor:
            open !== undefined && editor !== undefined && inSpan(f.span, open.offsetAt(editor.selection.active)),
          cdk: false,
        });
      }
    }
    if (logicalId) {
      const hit = choices.find((c) => c.logicalId === logicalId);
      if (hit) return hit;
    }
    const simulated = choices.filter((c) => c.simulated);
    if (simulated.length === 0) {
      void vscode.window.showWarningMessage(
        choices.length === 0
          ? vscode.l10n.t(
              'Lambda Lens: no Lambda functions found in the workspace templates (template.yaml, *.template.yaml, serverless.yml) or CDK stacks.',
            )
          : vscode.l10n.t(
              'Lambda Lens: the simulator runs Node.js and Python functions; none of the functions in the workspace templates uses a nodejs or python runtime.',
            ),
      );
      return undefined;
    }
    const root = workspaceRoot() ?? '';
    const ordered = orderForEditor(simulated, editor, await handlerFunctions(editor));
    const active = ordered[0]?.active ?? false;
    const picked = await vscode.window.showQuickPick(
      ordered.map(({ choice: c, active: isActive }, i) => ({
        label: c.logicalId,
        description: `${c.handler} · ${c.runtime}${isActive && i === 0 ? ` · ${vscode.l10n.t('active editor')}` : ''}`,
        detail: `${relative(root, c.templateFile)}${c.triggers.length ? ` · ${c.triggers.join(', ')}` : ''}`,
        choice: c,
      })),
      {
        title,
        placeHolder: active
          ? vscode.l10n.t('The function of the active editor is first: Enter picks it')
          : vscode.l10n.t('A function from the workspace templates'),
        matchOnDescription: true,
        matchOnDetail: true,
        ignoreFocusOut: true,
      },
    );
    return picked?.choice;
  }
}

function inSpan(span: { start: number; end: number }, offset: number): boolean {
  return offset >= span.start && offset <= span.end;
}

/** How long to wait for the language server's code lenses of the active handler file, ms. */
const LENS_WAIT_MS = 3000;

/**
 * The template functions whose handler is the active editor's file, the one whose export is
 * under the cursor first: read from the language server's "Simulate" code lenses, which link
 * handler code to templates as the analysis does (JS/TS and Python alike). Empty when the
 * file is no handler or the server does not answer in time.
 */
async function handlerFunctions(
  editor: vscode.TextEditor | undefined,
): Promise<{ templateUri: string; logicalId: string }[]> {
  if (!editor || !/\.(m?[jt]s|c[jt]s|py)$/.test(editor.document.uri.path)) return [];
  const lenses = await Promise.race([
    Promise.resolve(
      vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri),
    ).catch(() => undefined),
    new Promise<undefined>((done) => setTimeout(() => done(undefined), LENS_WAIT_MS)),
  ]);
  const line = editor.selection.active.line;
  const found = (lenses ?? [])
    .filter((l) => l.command?.command === COMMANDS.simulateFunction)
    .sort((a, b) => Math.abs(a.range.start.line - line) - Math.abs(b.range.start.line - line));
  return found.flatMap((l) => {
    const [templateUri, logicalId] = l.command?.arguments ?? [];
    return typeof templateUri === 'string' && typeof logicalId === 'string' ? [{ templateUri, logicalId }] : [];
  });
}

/**
 * The functions in the order the picker lists them: the function of the active editor first
 * (the template function under the cursor, or the one whose handler file is open), then the
 * other functions of the same template, then the rest as found.
 */
function orderForEditor(
  choices: FunctionChoice[],
  editor: vscode.TextEditor | undefined,
  linked: { templateUri: string; logicalId: string }[],
): { choice: FunctionChoice; active: boolean }[] {
  const rank = (c: FunctionChoice): number => {
    const l = linked.findIndex(
      (x) => x.logicalId === c.logicalId && vscode.Uri.parse(x.templateUri).fsPath === c.templateFile,
    );
    if (c.underCursor) return 0;
    if (l >= 0) return 1 + l / 1000;
    if (editor && editor.document.uri.fsPath === c.templateFile) return 2;
    const template = linked[0] && vscode.Uri.parse(linked[0].templateUri).fsPath;
    if (template === c.templateFile) return 2;
    return 3;
  };
  return choices
    .map((choice, i) => ({ choice, i, r: rank(choice) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map(({ choice, r }) => ({ choice, active: r < 2 }));
}

interface FunctionChoice {
  logicalId: string;
  templateFile: string;
  handler: string;
  runtime: string;
  /** A Node.js or Python runtime: one the simulator runs. */
  simulated: boolean;
  triggers: string[];
  events: TriggerFacts[];
  /** The cursor of the active editor is in this function's resource. */
  underCursor: boolean;
  /** A function of a CDK stack (`templateFile` is the stack file): runs with the language server's rendering. */
  cdk: boolean;
}

/** The CDK stack a scenario file names as its `template`, if it names one. */
function scenarioStack(file: string): string | undefined {
  try {
    const template = (JSON.parse(readFileSync(file, 'utf8')) as { template?: unknown }).template;
    if (typeof template !== 'string' || !isStackFile(template)) return undefined;
    return isAbsolute(template) ? template : join(dirname(file), template);
  } catch {
    return undefined;
  }
}

async function pickPattern(): Promise<TrafficPattern | undefined> {
  type Item = vscode.QuickPickItem & { kind2: TrafficPattern['kind'] };
  const items: Item[] = [
    {
      kind2: 'single',
      label: `$(debug-start) ${vscode.l10n.t('Single invoke')}`,
      detail: vscode.l10n.t('One synchronous request: a cold start.'),
    },
    {
      kind2: 'burst',
      label: `$(zap) ${vscode.l10n.t('Burst of N concurrent')}`,
      detail: vscode.l10n.t('N synchronous requests at once (N cold environments), and again 5 s later (warm reuse).'),
    },
    {
      kind2: 'steady',
      label: `$(pulse) ${vscode.l10n.t('Steady rate')}`,
      detail: vscode.l10n.t('Requests per second for a duration: how many environments a rate needs.'),
    },
    {
      kind2: 'spike-after-idle',
      label: `$(watch) ${vscode.l10n.t('Spike after idle')}`,
      detail: vscode.l10n.t('Warm up, stay idle past the idle timeout, then a spike: everything is cold again.'),
    },
    {
      kind2: 'async',
      label: `$(sync) ${vscode.l10n.t('Async invokes (retries on failure)')}`,
      detail: vscode.l10n.t(
        'Asynchronous events: a failing handler is retried twice, then goes to its destination or DLQ.',
      ),
    },
    {
      kind2: 'sqs',
      label: `$(inbox) ${vscode.l10n.t('SQS batch')}`,
      detail: vscode.l10n.t('Messages through an SQS event source mapping: batches, partial failures, redrive.'),
    },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Simulate Function (2/3): which traffic?'),
    placeHolder: vscode.l10n.t('A traffic pattern'),
    ignoreFocusOut: true,
  });
  if (!picked) return undefined;
  switch (picked.kind2) {
    case 'single':
      return { kind: 'single' };
    case 'burst': {
      const count = await askNumber(vscode.l10n.t('How many concurrent requests?'), 10, 1, 1000);
      return count === undefined ? undefined : { kind: 'burst', count };
    }
    case 'steady': {
      const perSecond = await askNumber(vscode.l10n.t('Requests per second?'), 20, 0.1, 1000, false);
      if (perSecond === undefined) return undefined;
      const seconds = await askNumber(vscode.l10n.t('For how many seconds?'), 10, 1, 3600, false);
      return seconds === undefined ? undefined : { kind: 'steady', perSecond, seconds };
    }
    case 'spike-after-idle': {
      // Past the idle timeout the run will use (the setting, else Lambda's observed 10 minutes).
      const idle = idleTimeoutMinutes(engine().defaultPlatform().idleTimeoutMs);
      const idleMinutes = await askNumber(
        vscode.l10n.t(
          'Idle for how many minutes before the spike? (environments are reclaimed after {0} min idle)',
          idle,
        ),
        Math.ceil(idle * 1.5),
        0,
        24 * 60,
        false,
      );
      if (idleMinutes === undefined) return undefined;
      const count = await askNumber(vscode.l10n.t('How many concurrent requests in the spike?'), 10, 1, 1000);
      return count === undefined ? undefined : { kind: 'spike-after-idle', idleMinutes, count };
    }
    case 'async': {
      const count = await askNumber(vscode.l10n.t('How many async events?'), 3, 1, 1000);
      return count === undefined ? undefined : { kind: 'async', count };
    }
    case 'sqs': {
      const messages = await askNumber(vscode.l10n.t('How many messages?'), 25, 1, 100_000);
      if (messages === undefined) return undefined;
      const batchSize = await askNumber(vscode.l10n.t('Batch size?'), 10, 1, 10_000);
      return batchSize === undefined ? undefined : { kind: 'sqs', messages, batchSize };
    }
  }
}

// The wizard's steps keep their box open when focus moves (a panel or notification appearing
// mid-flow would otherwise end the whole flow); Escape still cancels.
async function askNumber(
  prompt: string,
  value: number,
  min: number,
  max: number,
  integer = true,
): Promise<number | undefined> {
  const text = await vscode.window.showInputBox({
    title: vscode.l10n.t('Simulate Function (2/3): {0}', prompt),
    prompt,
    ignoreFocusOut: true,
    value: String(value),
    validateInput: (v) => {
      const n = Number(v);
      if (v.trim() === '' || !Number.isFinite(n)) return vscode.l10n.t('Enter a number');
      if (integer && !Number.isInteger(n)) return vscode.l10n.t('Enter a whole number');
      if (n < min || n > max) return vscode.l10n.t('Enter a number from {0} to {1}', min, max);
      return undefined;
    },
  });
  return text === undefined ? undefined : Number(text);
}

/**
 * The event: first the generated samples fitted to the function's own triggers (its route and
 * method, its queue, bucket or topic), then the project's events/ files (those beside the
 * template first), then every generated sample as it is.
 */
async function pickEvent(
  templateFile: string,
  functionName: string,
  triggers: TriggerFacts[],
): Promise<EventChoice | undefined> {
  type Item = vscode.QuickPickItem & { choice?: EventChoice };
  const root = workspaceRoot() ?? dirname(templateFile);
  const files = await vscode.workspace.findFiles('**/events/**/*.json', EXCLUDE_GLOB, 200);
  const near = (f: vscode.Uri): number => (f.fsPath.startsWith(dirname(templateFile)) ? 0 : 1);
  files.sort((a, b) => near(a) - near(b) || a.fsPath.localeCompare(b.fsPath));
  const samples = engine().SAMPLE_EVENTS;
  const items: Item[] = [];
  const fitted = triggers.flatMap((t) => {
    const f = fitSample(t, samples);
    return f ? [{ fitted: f, trigger: t }] : [];
  });
  if (fitted.length > 0)
    items.push({ label: vscode.l10n.t("{0}'s triggers", functionName), kind: vscode.QuickPickItemKind.Separator });
  for (const { fitted: f, trigger } of fitted) {
    items.push({
      label: `$(symbol-event) ${f.label}`,
      description: `${trigger.type} ${trigger.name}`,
      detail: undefined,
      choice: { event: f.event },
    });
  }
  if (files.length > 0)
    items.push({ label: vscode.l10n.t('Events in the project'), kind: vscode.QuickPickItemKind.Separator });
  for (const f of files)
    items.push({
      label: `$(file) ${basename(f.fsPath)}`,
      description: relative(root, dirname(f.fsPath)),
      choice: { eventFile: f.fsPath },
    });
  items.push({ label: vscode.l10n.t('Generated samples'), kind: vscode.QuickPickItemKind.Separator });
  const types = new Set(triggers.map((t) => sampleForTrigger(t.type)));
  for (const s of Object.keys(samples).sort()) {
    items.push({
      label: `$(symbol-event) ${s}`,
      description: types.has(s) ? vscode.l10n.t('sample, as it is') : vscode.l10n.t('sample'),
      choice: { sample: s },
    });
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Simulate Function (3/3): which event?'),
    placeHolder:
      fitted.length > 0
        ? vscode.l10n.t("First, samples made to fit the function's triggers")
        : vscode.l10n.t('An event from events/ or a generated sample'),
    ignoreFocusOut: true,
  });
  return picked?.choice;
}

/** The payload an event choice stands for (for the SQS pattern's message bodies). */
function eventPayload(choice: EventChoice): unknown {
  if ('eventFile' in choice) return readJson(choice.eventFile);
  if ('sample' in choice) return engine().SAMPLE_EVENTS[choice.sample];
  return choice.event;
}

async function pickScenarioFile(): Promise<vscode.Uri | undefined> {
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && active.fsPath.endsWith('.scenario.json')) return active;
  const files = await vscode.workspace.findFiles('**/*.scenario.json', '**/node_modules/**', 200);
  if (files.length === 0) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        'Lambda Lens: no *.scenario.json file in the workspace. "Simulate Function…" saves one with each run under .lambda-lens/runs/.',
      ),
    );
    return undefined;
  }
  const root = workspaceRoot() ?? '';
  const picked = await vscode.window.showQuickPick(
    files.map((f) => ({ label: basename(f.fsPath), description: relative(root, dirname(f.fsPath)), uri: f })),
    { title: vscode.l10n.t('Run Scenario File'), placeHolder: vscode.l10n.t('A scenario file') },
  );
  return picked?.uri;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return {};
  }
}

function showScenarioError(e: unknown, file: string): void {
  const { ScenarioError } = engine();
  const message = e instanceof ScenarioError ? e.problems.join('; ') : e instanceof Error ? e.message : String(e);
  const open = vscode.l10n.t('Open Scenario');
  void vscode.window
    .showErrorMessage(vscode.l10n.t('Lambda Lens: {0}: {1}', basename(file), message), open)
    .then((choice) => {
      if (choice === open) void vscode.window.showTextDocument(vscode.Uri.file(file));
    });
}

/**
 * A configuration Lambda would reject (LL1xxx errors) stops the run before any process starts,
 * with the rule and its message, unless the setting says to run such functions anyway or the
 * user chooses Run Anyway. Resolves to true when the run goes ahead.
 */
async function acceptRejections(rejections: readonly Rejection[]): Promise<boolean> {
  const first = rejections[0];
  if (!first || runRejectedConfigurations()) return true;
  const more = rejections.length > 1 ? vscode.l10n.t(' (and {0} more)', rejections.length - 1) : '';
  const runAnyway = vscode.l10n.t('Run Anyway');
  const open = vscode.l10n.t('Open Template');
  const choice = await vscode.window.showErrorMessage(
    vscode.l10n.t('Lambda Lens: Lambda would reject this function: {0} {1}{2}', first.ruleId, first.message, more),
    runAnyway,
    open,
  );
  if (choice === open) {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(first.file));
    const at = new vscode.Position(first.line - 1, 0);
    await vscode.window.showTextDocument(doc, { selection: new vscode.Range(at, at) });
  }
  return choice === runAnyway;
}

/** Sizes in MB from a comma-separated list, each within Lambda's range; undefined when any is not. */
function memorySizes(text: string): number[] | undefined {
  const list = text
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  if (list.length === 0 || list.some((x) => !/^\d+$/.test(x) || Number(x) < 128 || Number(x) > 10240)) return undefined;
  return [...new Set(list.map(Number))].sort((a, b) => a - b);
}

function workspaceRoot(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

/** Simulation runs the workspace's code: only in a trusted workspace, and it says so. */
function trusted(): boolean {
  if (vscode.workspace.isTrusted) return true;
  const manage = vscode.l10n.t('Manage Workspace Trust');
  void vscode.window
    .showWarningMessage(
      vscode.l10n.t(
        'Lambda Lens: simulation runs your handler code on this machine, so it is available only in trusted workspaces. Analysis keeps working without trust.',
      ),
      manage,
    )
    .then((choice) => {
      if (choice === manage) void vscode.commands.executeCommand('workbench.trust.manage');
    });
  return false;
}

/** "Run scenario" on the first line of every `*.scenario.json`. */
class ScenarioLensProvider implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const range = new vscode.Range(0, 0, 0, 0);
    return [
      new vscode.CodeLens(range, {
        title: vscode.workspace.isTrusted
          ? `$(play) ${vscode.l10n.t('Run scenario')}`
          : `$(workspace-untrusted) ${vscode.l10n.t('Run scenario (needs a trusted workspace)')}`,
        command: COMMANDS.runScenario,
        arguments: [document.uri],
      }),
    ];
  }
}

/** Registers the simulation commands, the timeline panel's serializer and the scenario code lens. */
export function registerSimulation(context: vscode.ExtensionContext): void {
  const sims = new Simulations(context);
  context.subscriptions.push(
    vscode.commands.registerCommand(COMMANDS.simulateFunction, (templateUri?: unknown, logicalId?: unknown) =>
      sims.simulateFunction(
        typeof templateUri === 'string' ? templateUri : undefined,
        typeof logicalId === 'string' ? logicalId : undefined,
      ),
    ),
    vscode.commands.registerCommand(COMMANDS.runScenario, (uri?: unknown) =>
      sims.runScenario(uri instanceof vscode.Uri ? uri : undefined),
    ),
    vscode.commands.registerCommand(COMMANDS.openLastRun, () => sims.openLastRun()),
    vscode.commands.registerCommand(COMMANDS.openTraceFile, (uri?: unknown) =>
      sims.openTraceFile(uri instanceof vscode.Uri ? uri : undefined),
    ),
    vscode.commands.registerCommand(COMMANDS.exportChromeTrace, () => sims.exportCommand()),
    vscode.commands.registerCommand(COMMANDS.compareMemorySizes, (templateUri?: unknown, logicalId?: unknown) =>
      sims.compareMemorySizes(
        typeof templateUri === 'string' ? templateUri : undefined,
        typeof logicalId === 'string' ? logicalId : undefined,
      ),
    ),
    registerTimelineSerializer(context, sims),
    vscode.languages.registerCodeLensProvider({ pattern: '**/*.scenario.json' }, new ScenarioLensProvider()),
  );
}
