// Tests that run inside the VS Code extension host, loaded by code-server as the
// `extensionTestsPath` of a development payload. They check through the vscode API what
// the UI tests would find brittle: the exact diagnostics, hover contents and commands.
//
// VS Code calls `run()`; whatever it returns, code-server treats the run as a success,
// so each result is printed as a marked console line that the harness reads instead.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  CLIENT_HANDLER,
  CLIENT_LINE,
  CLIENT_RULE,
  COMMANDS,
  EXTENSION_ID,
  FINDING_LINE,
  HANDLER,
  HANDLER_CODE_LINE,
  HANDLER_CODE_RULE,
  HANDLER_EXPORT_LINE,
  HANDLER_HOVER,
  HANDLER_LENS,
  HOST_MARKER,
  HOST_WAIT_MS,
  HOVER_TEXT,
  HOVER_WORD,
  MEMORY_RULE,
  RETRY_CODE_LINE,
  RETRY_CODE_RULE,
  RETRY_CODE_TRIGGER,
  RETRY_TEMPLATE_LINE,
  RETRY_TEMPLATE_RULE,
  TEMPLATE,
  type HostReport,
} from '../expectations';

function report(line: HostReport): void {
  console.log(`${HOST_MARKER} ${JSON.stringify(line)}`);
}

function templateUri(): vscode.Uri {
  return workspaceUri(TEMPLATE);
}

function workspaceUri(path: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, path);
}

/** Opens `path`, waits for `ruleId`, and returns its finding on the line containing `lineText`. */
async function findingOnLine(
  path: string,
  ruleId: string,
  lineText: string,
): Promise<{ document: vscode.TextDocument; finding: vscode.Diagnostic }> {
  const uri = workspaceUri(path);
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document);
  const diagnostics = await diagnosticsWithRule(uri, ruleId);
  const findings = diagnostics.filter((d) => codeOf(d) === ruleId);
  const finding = findings.find((d) => document.lineAt(d.range.start.line).text.includes(lineText));
  const seen = findings.map(
    (d) => `line ${d.range.start.line + 1}: ${document.lineAt(d.range.start.line).text.trim()}`,
  );
  assert.ok(finding, `no ${ruleId} on the line "${lineText}" of ${path}; ${ruleId} is on ${JSON.stringify(seen)}`);
  return { document, finding };
}

function codeOf(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  if (code === undefined) return undefined;
  return typeof code === 'object' ? String(code.value) : String(code);
}

/** Resolves with the diagnostics of `uri` once one of them has `ruleId`, waiting on change events. */
function diagnosticsWithRule(uri: vscode.Uri, ruleId: string): Promise<vscode.Diagnostic[]> {
  const matching = () => vscode.languages.getDiagnostics(uri).some((d) => codeOf(d) === ruleId);
  if (matching()) return Promise.resolve(vscode.languages.getDiagnostics(uri));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      listener.dispose();
      const seen = vscode.languages.getDiagnostics(uri).map((d) => `${codeOf(d)}: ${d.message}`);
      reject(
        new Error(
          `no ${ruleId} diagnostic on ${uri.path} within ${HOST_WAIT_MS / 1000} s; diagnostics: ${JSON.stringify(seen)}`,
        ),
      );
    }, HOST_WAIT_MS);
    const listener = vscode.languages.onDidChangeDiagnostics((event) => {
      if (!event.uris.some((u) => u.toString() === uri.toString()) || !matching()) return;
      clearTimeout(timer);
      listener.dispose();
      resolve(vscode.languages.getDiagnostics(uri));
    });
  });
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n');
}

const tests: Array<{ name: string; run: () => Promise<void> }> = [
  {
    name: 'the extension is installed and activates',
    async run() {
      const extension = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(extension, `extension ${EXTENSION_ID} is not installed`);
      await extension.activate();
      assert.equal(extension.isActive, true);
    },
  },
  {
    name: `getDiagnostics reports ${MEMORY_RULE} on the MemorySize value with a docs link`,
    async run() {
      const uri = templateUri();
      const document = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(document);
      const diagnostics = await diagnosticsWithRule(uri, MEMORY_RULE);
      const findings = diagnostics.filter((d) => codeOf(d) === MEMORY_RULE);
      const finding = findings.find((d) => document.lineAt(d.range.start.line).text.includes(FINDING_LINE));
      const seen = findings.map(
        (d) => `line ${d.range.start.line + 1}: ${document.lineAt(d.range.start.line).text.trim()}`,
      );
      assert.ok(
        finding,
        `no ${MEMORY_RULE} on the line "${FINDING_LINE}"; ${MEMORY_RULE} is on ${JSON.stringify(seen)}`,
      );
      assert.equal(finding.severity, vscode.DiagnosticSeverity.Error);
      assert.equal(document.getText(finding.range), '100', `${MEMORY_RULE} does not underline the value`);
      const code = finding.code;
      assert.ok(
        typeof code === 'object' && code.target.toString().includes(MEMORY_RULE),
        `${MEMORY_RULE} has no documentation link: ${JSON.stringify(code)}`,
      );
    },
  },
  {
    name: `executeHoverProvider on ${HOVER_WORD} explains the memory limits`,
    async run() {
      const document = await vscode.workspace.openTextDocument(templateUri());
      const line = Array.from({ length: document.lineCount }, (_, i) => document.lineAt(i)).find((l) =>
        l.text.includes(FINDING_LINE),
      );
      assert.ok(line, `${TEMPLATE} has no line "${FINDING_LINE}"`);
      const position = new vscode.Position(line.lineNumber, line.firstNonWhitespaceCharacterIndex + 2);
      // The hover comes from the language server, which may still be starting: ask until it answers.
      const deadline = Date.now() + HOST_WAIT_MS;
      let text = '';
      while (!HOVER_TEXT.test(text) && Date.now() < deadline) {
        const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
          'vscode.executeHoverProvider',
          document.uri,
          position,
        );
        text = hoverText(hovers);
        if (!HOVER_TEXT.test(text)) await new Promise((r) => setTimeout(r, 250));
      }
      assert.match(text, HOVER_TEXT, `hover on ${HOVER_WORD}: ${JSON.stringify(text)}`);
    },
  },
  {
    name: `${RETRY_TEMPLATE_RULE} (template retry rule) reports the queue's visibility timeout as an error and names the function`,
    async run() {
      const { document, finding } = await findingOnLine(TEMPLATE, RETRY_TEMPLATE_RULE, RETRY_TEMPLATE_LINE);
      assert.equal(finding.severity, vscode.DiagnosticSeverity.Error);
      assert.equal(document.getText(finding.range), '30', `${RETRY_TEMPLATE_RULE} does not underline the value`);
      assert.match(finding.message, /ChargeOrderFunction/);
    },
  },
  {
    name: `${RETRY_CODE_RULE} (handler retry rule) reports the receipt email in the SQS worker and names its trigger`,
    async run() {
      const { finding } = await findingOnLine(HANDLER, RETRY_CODE_RULE, RETRY_CODE_LINE);
      assert.equal(finding.severity, vscode.DiagnosticSeverity.Warning);
      assert.ok(
        finding.message.includes(RETRY_CODE_TRIGGER),
        `${RETRY_CODE_RULE} does not name ${RETRY_CODE_TRIGGER}: ${finding.message}`,
      );
    },
  },
  {
    name: `${HANDLER_CODE_RULE} (handler code rule) reports the callback parameter of the SQS worker`,
    async run() {
      const { document, finding } = await findingOnLine(HANDLER, HANDLER_CODE_RULE, HANDLER_CODE_LINE);
      assert.equal(document.getText(finding.range), 'callback');
    },
  },
  {
    name: 'a Python handler linked from a SAM template: LL2101 on a boto3 ADD update, naming its SQS trigger',
    async run() {
      const { document, finding } = await findingOnLine(
        'python-app/src/orders/worker.py',
        'LL2101',
        'table.update_item(',
      );
      assert.equal(finding.severity, vscode.DiagnosticSeverity.Warning);
      assert.ok(document.getText(finding.range).startsWith('table.update_item('));
      assert.match(finding.message, /SQS \(OrdersQueue\)/);
    },
  },
  {
    name: 'serverless.yml: LL2002 on a function timeout above the REST API limit',
    async run() {
      const { document, finding } = await findingOnLine('serverless-app/serverless.yml', 'LL2002', 'timeout: 40');
      assert.equal(document.getText(finding.range), '40');
      assert.match(finding.message, /createOrder/);
    },
  },
  {
    name: "a handler export shows a code lens with its function's configuration, and a hover naming the function",
    async run() {
      const uri = workspaceUri(HANDLER);
      const document = await vscode.workspace.openTextDocument(uri);
      const line = Array.from({ length: document.lineCount }, (_, i) => document.lineAt(i)).find((l) =>
        l.text.startsWith(HANDLER_EXPORT_LINE),
      );
      assert.ok(line, `${HANDLER} has no line starting "${HANDLER_EXPORT_LINE}"`);
      const deadline = Date.now() + HOST_WAIT_MS;
      let titles: string[] = [];
      let hover = '';
      const position = new vscode.Position(line.lineNumber, 'exports.'.length + 2);
      while ((!titles.some((t) => HANDLER_LENS.test(t)) || !HANDLER_HOVER.test(hover)) && Date.now() < deadline) {
        const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
        titles = lenses.map((l) => l.command?.title ?? '');
        hover = hoverText(
          await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position),
        );
        if (!titles.some((t) => HANDLER_LENS.test(t)) || !HANDLER_HOVER.test(hover))
          await new Promise((r) => setTimeout(r, 250));
      }
      assert.ok(
        titles.some((t) => HANDLER_LENS.test(t)),
        `code lenses on ${HANDLER}: ${JSON.stringify(titles)}`,
      );
      assert.match(hover, HANDLER_HOVER, `hover on the handler export: ${JSON.stringify(hover)}`);
    },
  },
  {
    name: `the ${CLIENT_RULE} quick fix moves the client to module scope and the finding goes away`,
    async run() {
      const { document, finding } = await findingOnLine(CLIENT_HANDLER, CLIENT_RULE, CLIENT_LINE);
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        document.uri,
        finding.range,
      );
      const fix = actions.find((a) => a.title.startsWith('Move `db` to module scope'));
      assert.ok(fix?.edit, `no quick fix for ${CLIENT_RULE}: ${JSON.stringify(actions.map((a) => a.title))}`);
      assert.ok(await vscode.workspace.applyEdit(fix.edit));
      const text = document.getText();
      assert.ok(
        text.indexOf(CLIENT_LINE) < text.indexOf('export const handler'),
        'the client was not moved above the handler',
      );
      const deadline = Date.now() + HOST_WAIT_MS;
      while (
        vscode.languages.getDiagnostics(document.uri).some((d) => codeOf(d) === CLIENT_RULE) &&
        Date.now() < deadline
      )
        await new Promise((r) => setTimeout(r, 250));
      assert.ok(
        !vscode.languages.getDiagnostics(document.uri).some((d) => codeOf(d) === CLIENT_RULE),
        `${CLIENT_RULE} is still reported after the fix`,
      );
    },
  },
  {
    name: 'the Lambda Lens commands are registered and run',
    async run() {
      const commands = await vscode.commands.getCommands(true);
      for (const { id } of Object.values(COMMANDS)) assert.ok(commands.includes(id), `command ${id} is not registered`);
      await vscode.commands.executeCommand(COMMANDS.showOutput.id);
    },
  },
  {
    name: `after Restart Language Server, ${MEMORY_RULE} is reported again`,
    async run() {
      const uri = templateUri();
      await vscode.commands.executeCommand(COMMANDS.restartServer.id);
      await diagnosticsWithRule(uri, MEMORY_RULE);
    },
  },
];

export async function run(): Promise<void> {
  let passed = 0;
  let failed = 0;
  for (const test of tests) {
    const started = Date.now();
    try {
      await test.run();
      passed += 1;
      report({ kind: 'result', name: test.name, ok: true, ms: Date.now() - started });
    } catch (error) {
      failed += 1;
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      report({ kind: 'result', name: test.name, ok: false, ms: Date.now() - started, error: message });
    }
  }
  report({ kind: 'done', passed, failed });
  // code-server ignores this; @vscode/test-electron (test/electron/run.ts) exits non-zero on it.
  if (failed > 0) throw new Error(`${failed} of ${passed + failed} extension-host test(s) failed`);
}
