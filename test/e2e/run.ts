// The end-to-end suite: Lambda Lens installed from its .vsix into a real VS Code
// (code-server), driven in Debian's Chromium. `npm run test:e2e` runs it.
//
// Screenshots of every step, the page consoles and (on failure) the VS Code logs are
// written to test-results/e2e/. A failure names what was expected, the screenshot
// taken at that moment and the end of the extension host's log.
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { remoteUri, repoRoot, workbenchUrl } from './codeServer';
import {
  COMMANDS,
  FINDING_LINE,
  HOST_MARKER,
  HOST_WAIT_MS,
  HOVER_TEXT,
  HOVER_WORD,
  MEMORY_RULE,
  OUTPUT_CHANNEL,
  TEMPLATE,
  type HostReport,
} from './expectations';
import { bundleHostTests } from './host/bundle';
import { collectLogs, copyExamples, startSession, type Session } from './session';
import { launchBrowser, TIMEOUT, withEvidence, Workbench } from './workbench';
import { cancelThenOpenLastRun, PANEL, runScenarioFromLens, simulateBurstInPanel, writePanelApp } from './panel';
import { PYTHON_PANEL, simulatePythonInPanel, writePythonPanelApp } from './python';

/** Where screenshots and logs go; LAMBDA_LENS_E2E_ARTIFACTS moves them (e.g. for two runs at once). */
const artifacts = process.env.LAMBDA_LENS_E2E_ARTIFACTS ?? join(repoRoot, 'test-results', 'e2e');
const TEST_TIMEOUT = TIMEOUT * 4;
/**
 * The extension-host tests fail when they go this long without reporting a result: the
 * start-up, or one test's waits for the language server. However many tests there are,
 * a run that keeps reporting is never cut short.
 */
const HOST_SILENCE_MS = TIMEOUT + 2 * HOST_WAIT_MS;

let session: Session;
let browser: Browser;
let workspace: string;

before(
  async () => {
    rmSync(artifacts, { recursive: true, force: true });
    mkdirSync(artifacts, { recursive: true });
    session = await startSession({ smokeTestDriver: true, log: (m) => process.stderr.write(`e2e: ${m}\n`) });
    workspace = copyExamples(session);
    browser = await launchBrowser();
  },
  { timeout: 15 * 60_000 },
);

after(async () => {
  await browser?.close();
  await session?.stop();
});

describe('as a user in the workbench', () => {
  let workbench: Workbench;

  before(async () => {
    workbench = await Workbench.open(browser, workbenchUrl(session.server, workspace), artifacts, 'user');
    await workbench.page.getByRole('treeitem', { name: 'sam-app' }).waitFor();
    await workbench.screenshot('workbench-opened');
  });
  after(async () => workbench?.close());

  test(`opening ${TEMPLATE} shows a squiggle and a Problems entry with ${MEMORY_RULE}`, { timeout: TEST_TIMEOUT }, () =>
    withEvidence(workbench, session, artifacts, 'diagnostics', async () => {
      await workbench.openFile(TEMPLATE);
      await workbench.screenshot('template-opened');
      const row = await workbench.problem(MEMORY_RULE);
      assert.match(await row.innerText(), /MemorySize/);
      await workbench.screenshot('problems-panel');
      // Like a person would: click the entry to go to the finding, then see it underlined.
      await row.click();
      await workbench.waitForSquiggle('error');
      await workbench.screenshot('squiggle');
    }),
  );

  test(`hovering ${HOVER_WORD} explains Lambda's memory limits`, { timeout: TEST_TIMEOUT }, () =>
    withEvidence(workbench, session, artifacts, 'hover', async () => {
      const text = await workbench.hover(FINDING_LINE, HOVER_WORD, HOVER_TEXT);
      assert.match(text, /128/, `the hover does not give the minimum: ${JSON.stringify(text)}`);
      await workbench.screenshot('hover');
    }),
  );

  test(
    `"${COMMANDS.showOutput.title}" from the command palette shows the ${OUTPUT_CHANNEL} output`,
    { timeout: TEST_TIMEOUT },
    () =>
      withEvidence(workbench, session, artifacts, 'command', async () => {
        await workbench.runCommand(COMMANDS.showOutput.title);
        await workbench.outputChannel(OUTPUT_CHANNEL);
        await workbench.screenshot('output-channel');
      }),
  );

  test(
    `"${PANEL.simulate}" plays a burst on the example app back in the timeline panel`,
    { timeout: TEST_TIMEOUT },
    () =>
      withEvidence(workbench, session, artifacts, 'simulation-panel', () =>
        simulateBurstInPanel(workbench, artifacts).then(() => undefined),
      ),
  );

  test(
    'the "Run scenario" code lens of a *.scenario.json runs it in the panel, logs shown as text',
    { timeout: TEST_TIMEOUT },
    () =>
      withEvidence(workbench, session, artifacts, 'scenario-lens', () => {
        writePanelApp(workspace);
        return runScenarioFromLens(workbench, workspace);
      }),
  );

  test(
    'a run cancelled from the panel ends as cancelled, and "Open Last Run" brings it back',
    { timeout: TEST_TIMEOUT },
    () =>
      withEvidence(workbench, session, artifacts, 'cancel-and-reopen', () =>
        cancelThenOpenLastRun(workbench, workspace),
      ),
  );

  test(
    `a Python function (${PYTHON_PANEL.functionName}) simulates with cold and warm starts in the panel`,
    { timeout: TEST_TIMEOUT },
    () =>
      withEvidence(workbench, session, artifacts, 'python-panel', async () => {
        writePythonPanelApp(workspace);
        await simulatePythonInPanel(workbench);
      }),
  );
});

describe('inside the extension host', () => {
  test('the extension-host tests pass', { timeout: 30 * 60_000 }, async (t) => {
    const bundle = join(session.dirs.root, 'host-tests', 'index.js');
    await bundleHostTests(bundle);
    const url = workbenchUrl(session.server, workspace, [
      ['extensionDevelopmentPath', remoteUri(session.server, session.extensionFolder)],
      ['extensionTestsPath', remoteUri(session.server, bundle)],
    ]);
    const results: Array<Extract<HostReport, { kind: 'result' }>> = [];
    let finish: (done: Extract<HostReport, { kind: 'done' }>) => void = () => undefined;
    let fail: (error: Error) => void = () => undefined;
    const finished = new Promise<Extract<HostReport, { kind: 'done' }>>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
    let watchdog: NodeJS.Timeout | undefined;
    const rearm = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => {
        const last = results.at(-1)?.name;
        fail(
          new Error(
            `the extension-host tests reported nothing for ${HOST_SILENCE_MS / 1000} s ${last ? `after "${last}"` : 'after the window opened'} (${results.length} result(s) so far)`,
          ),
        );
      }, HOST_SILENCE_MS);
    };
    // Handled below; this keeps a watchdog firing before then from being an unhandled rejection.
    finished.catch(() => undefined);
    rearm();
    let workbench: Workbench | undefined;
    try {
      // The extension host's console is forwarded to the page's console in a development session.
      workbench = await Workbench.open(browser, url, artifacts, 'host', (text) => {
        const at = text.indexOf(HOST_MARKER);
        if (at < 0) return;
        const line = JSON.parse(text.slice(at + HOST_MARKER.length, text.lastIndexOf('}') + 1)) as HostReport;
        rearm();
        if (line.kind === 'done') finish(line);
        else results.push(line);
      });
      const done = await withEvidence(workbench, session, artifacts, 'host-tests', () => finished);
      clearTimeout(watchdog);
      await workbench.screenshot('host-tests-finished');
      for (const result of results) {
        await t.test(result.name, () => {
          if (!result.ok) assert.fail(`${result.error ?? 'failed'}\n${collectLogs(session, artifacts)}`);
        });
      }
      assert.ok(results.length > 0, 'the extension-host tests reported no results');
      assert.equal(done.failed, 0, `${done.failed} extension-host test(s) failed`);
    } finally {
      clearTimeout(watchdog);
      await workbench?.close();
    }
  });
});
