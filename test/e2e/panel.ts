// The simulation timeline panel, driven as a person would: "Lambda Lens: Simulate Function…"
// from the command palette, the three quick picks, then the webview. The burst runs on the
// example app's QuoteFunction; the scenario and cancel tests use a small app written into the
// workspace whose handler needs nothing but Node and logs an XSS payload.
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { TIMEOUT, type Workbench } from './workbench';

/** What the panel test relies on: command titles, the app, and the selectors inside the webview. */
export const PANEL = {
  simulate: 'Lambda Lens: Simulate Function…',
  openLastRun: 'Lambda Lens: Open Last Run',
  functionName: 'PanelDemoFunction',
  /** The example app's dependency-free function (examples/sam-app/src/quotes) and what it logs. */
  exampleTemplate: 'sam-app/template.yaml',
  exampleFunction: 'QuoteFunction',
  exampleLog: '"sku"',
  burst: 3,
  xss: '<img src=x onerror=alert(1)>',
  /** The panel's document inside VS Code's webview iframes. */
  frame: (page: Page): FrameLocator => page.frameLocator('iframe.webview.ready').frameLocator('#active-frame'),
  figure: (key: string): string => `.ll-figure[data-key="${key}"] .ll-figure-value`,
  canvas: 'canvas.ll-canvas',
  details: '.ll-details',
  logs: '.ll-details .ll-logs',
  liveBadge: '.ll-live-badge',
  /** The page once a finished run is shown (`data-state` is `empty`, `live`, `done` or `failed`). */
  done: '.ll-app[data-state="done"]',
  title: '.ll-title',
} as const;

/** Writes `panel-app/` (a SAM template and a dependency-free handler) into the workspace. */
export function writePanelApp(workspace: string): void {
  const app = join(workspace, 'panel-app');
  mkdirSync(join(app, 'src'), { recursive: true });
  writeFileSync(
    join(app, 'template.yaml'),
    `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  ${PANEL.functionName}:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: index.handler
      Runtime: nodejs22.x
      MemorySize: 256
      Timeout: 10
      Events:
        Get:
          Type: HttpApi
          Properties:
            Path: /demo
            Method: get
`,
  );
  writeFileSync(
    join(app, 'src', 'index.js'),
    `// Needs nothing but Node. Logs markup that the panel must show as text.
let served = 0;
exports.handler = async () => {
  served++;
  console.log(${JSON.stringify(PANEL.xss)});
  await new Promise((resolve) => setTimeout(resolve, 40));
  return { statusCode: 200, body: JSON.stringify({ served }) };
};
`,
  );
}

/** Answers one step of a quick-pick flow: waits for its title, filters, and picks the row. */
export async function pick(page: Page, step: string, filter: string, row: RegExp | string): Promise<void> {
  await page.locator('.quick-input-widget .quick-input-title', { hasText: step }).waitFor();
  const input = page.locator('.quick-input-widget input');
  await input.fill(filter);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: row }).first().waitFor();
  await input.press('Enter');
}

/** Runs a command from the palette by its exact title and waits for the palette to close. */
export async function command(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
  await input.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/**
 * Simulates a burst of PANEL.burst on the example app's QuoteFunction from the command palette
 * and checks the panel: cold environments, then warm reuse by the second wave; the request's
 * logs in the details pane; then screenshots of the webview in a light and a dark theme,
 * returned as paths.
 */
export async function simulateBurstInPanel(workbench: Workbench, artifacts: string): Promise<string[]> {
  const { page } = workbench;
  // As a person would: open the app's template first (Lambda Lens is active once it shows).
  await workbench.openFile(PANEL.exampleTemplate);
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Lambda Lens: Simulate Function' }).first();
  // Commands contributed by an extension appear once the workbench has read it: type again until then.
  for (const deadline = Date.now() + TIMEOUT; ;) {
    await input.fill('>Lambda Lens: Simulate Function');
    try {
      await row.waitFor({ timeout: 3000 });
      break;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await input.fill('>');
    }
  }
  await input.press('Enter');
  await pick(page, '1/3', PANEL.exampleFunction, PANEL.exampleFunction);
  await pick(page, '2/3', 'Burst', /Burst of N/);
  await page.locator('.quick-input-widget .quick-input-title', { hasText: 'How many concurrent requests' }).waitFor();
  await input.fill(String(PANEL.burst));
  await input.press('Enter');
  await pick(page, '3/3', 'apigateway-http', 'apigateway-http');
  await workbench.screenshot('simulation-started');

  const frame = PANEL.frame(page);
  // This run's title, then the finished state: the summary holds the complete trace.
  await frame.locator(PANEL.title, { hasText: PANEL.exampleFunction }).waitFor({ timeout: TIMEOUT * 2 });
  await frame.locator(PANEL.done).waitFor({ timeout: TIMEOUT * 2 });
  assert.equal(await frame.locator(PANEL.figure('invocations')).textContent(), String(PANEL.burst * 2));
  assert.equal(
    await frame.locator(PANEL.figure('environments')).textContent(),
    String(PANEL.burst),
    'one environment per concurrent request',
  );
  assert.equal(
    await frame.locator(PANEL.figure('cold-rate')).textContent(),
    `50% (${PANEL.burst})`,
    'the first wave is cold, the second warm',
  );
  await workbench.screenshot('simulation-finished');

  // Keyboard: select the first invocation; its details show what the handler logged.
  await frame.locator(PANEL.canvas).focus();
  await frame.locator(PANEL.canvas).press('ArrowRight');
  await frame.locator(PANEL.logs, { hasText: PANEL.exampleLog }).waitFor();
  // "Show in Output": the request's lines in the Lambda Lens Simulation channel, coloured by the log grammar.
  await frame.locator('.ll-details button.ll-link', { hasText: 'Show in Output' }).click();
  await workbench.outputChannel('Lambda Lens Simulation');
  await page.locator('.output-view .view-lines', { hasText: 'REPORT RequestId' }).first().waitFor();
  await workbench.screenshot('simulation-output');

  // Light and dark: "Toggle between Light/Dark Themes" switches to the preferred light theme and back.
  const shots: string[] = [];
  const webview = page.locator('iframe.webview.ready').first();
  for (const [kind, file] of [
    ['light', 'panel-light.png'],
    ['dark', 'panel-dark.png'],
  ] as const) {
    await command(page, 'Preferences: Toggle between Light/Dark Themes');
    await frame.locator(`body.vscode-${kind}`).waitFor();
    await frame.locator(PANEL.logs, { hasText: PANEL.exampleLog }).waitFor();
    const path = join(artifacts, file);
    await webview.screenshot({ path });
    shots.push(path);
  }

  // Hidden and shown again: the webview is rebuilt from its saved state, selection included.
  await page.locator('.tabs-container .tab', { hasText: 'template.yaml' }).first().click();
  await frame
    .locator(PANEL.canvas)
    .waitFor({ state: 'detached' })
    .catch(() => undefined);
  await page.locator('.tabs-container .tab', { hasText: 'Timeline' }).first().click();
  await frame.locator(PANEL.logs, { hasText: PANEL.exampleLog }).waitFor();
  // A window reload: the panel serializer brings the run back.
  await command(page, 'Developer: Reload Window');
  await page.locator('.monaco-workbench').waitFor();
  await PANEL.frame(page)
    .locator(PANEL.figure('invocations'), { hasText: String(PANEL.burst * 2) })
    .waitFor();
  await PANEL.frame(page).locator(PANEL.logs, { hasText: PANEL.exampleLog }).waitFor();
  await workbench.screenshot('panel-after-reload');
  return shots;
}

/** A scenario next to the app: two requests, 15 idle minutes (past the 10-minute idle timeout), two more. */
export const SPIKE_SCENARIO = {
  name: 'spike after idle',
  template: 'template.yaml',
  function: PANEL.functionName,
  traffic: [
    { at: 0, invoke: 'sync', event: {}, count: 2 },
    { at: 900_000, invoke: 'sync', event: {}, count: 2 },
  ],
};

/**
 * Opens `panel-app/spike.scenario.json`, clicks its "Run scenario" code lens and checks the
 * panel: every request is cold, because the idle gap outlived the environments (which the
 * simulator skips in no time); the handler's logged markup shows as text, never as HTML.
 */
export async function runScenarioFromLens(workbench: Workbench, workspace: string): Promise<void> {
  const { page } = workbench;
  writeFileSync(join(workspace, 'panel-app', 'spike.scenario.json'), `${JSON.stringify(SPIKE_SCENARIO, null, 2)}\n`);
  await workbench.openFile('panel-app/spike.scenario.json');
  const lens = workbench.editor().locator('.codelens-decoration a', { hasText: 'Run scenario' }).first();
  await lens.waitFor();
  await workbench.screenshot('scenario-lens');
  await lens.click();
  const frame = PANEL.frame(page);
  await frame.locator(PANEL.title, { hasText: SPIKE_SCENARIO.name }).waitFor({ timeout: TIMEOUT * 2 });
  await frame.locator(PANEL.done).waitFor({ timeout: TIMEOUT * 2 });
  assert.equal(await frame.locator(PANEL.figure('invocations')).textContent(), '4');
  assert.equal(
    await frame.locator(PANEL.figure('cold-rate')).textContent(),
    '100% (4)',
    'the environments were reclaimed during the idle gap',
  );
  assert.equal(await frame.locator(PANEL.figure('environments')).textContent(), '4');
  // Keyboard: select the first invocation; its details show the logged markup as text.
  await frame.locator(PANEL.canvas).focus();
  await frame.locator(PANEL.canvas).press('ArrowRight');
  await frame.locator(PANEL.logs, { hasText: PANEL.xss }).waitFor();
  assert.equal(await frame.locator('img').count(), 0, 'no <img> element was created from the log');
  await workbench.screenshot('scenario-run');
}

/** Long enough in real time (400 requests of 40 ms, one after the other) to be cancelled half way. */
export const SLOW_SCENARIO = {
  name: 'slow steady traffic',
  template: 'template.yaml',
  function: PANEL.functionName,
  traffic: [{ at: 0, invoke: 'sync', event: {}, count: 400, intervalMs: 50 }],
};

/**
 * Runs a long scenario, cancels it from the panel's toolbar while it streams, checks the run
 * ends as cancelled, closes the panel and brings the run back with "Open Last Run".
 */
export async function cancelThenOpenLastRun(workbench: Workbench, workspace: string): Promise<void> {
  const { page } = workbench;
  writeFileSync(join(workspace, 'panel-app', 'slow.scenario.json'), `${JSON.stringify(SLOW_SCENARIO, null, 2)}\n`);
  await workbench.openFile('panel-app/slow.scenario.json');
  const lens = workbench.editor().locator('.codelens-decoration a', { hasText: 'Run scenario' }).first();
  await lens.waitFor();
  await lens.click();
  const frame = PANEL.frame(page);
  await frame.locator(PANEL.title, { hasText: SLOW_SCENARIO.name }).waitFor({ timeout: TIMEOUT * 2 });
  await frame.locator('.ll-app[data-state="live"]').waitFor();
  await workbench.screenshot('slow-run-live');
  await frame.locator('button[aria-label="Cancel run"]').click();
  await frame.locator(PANEL.done).waitFor({ timeout: TIMEOUT * 2 });
  const subtitle = (await frame.locator('.ll-subtitle').textContent()) ?? '';
  assert.match(subtitle, /cancelled/, 'the run says it was cancelled');
  const ran = Number(await frame.locator(PANEL.figure('invocations')).textContent());
  assert.ok(ran > 0 && ran < 400, `cancelled half way (${ran} of 400 ran)`);
  await workbench.screenshot('slow-run-cancelled');

  await page
    .locator('.tabs-container .tab', { hasText: 'Timeline' })
    .first()
    .locator('.codicon-close, .tab-actions a')
    .first()
    .click();
  await page.locator('iframe.webview.ready').waitFor({ state: 'detached' });
  await command(page, PANEL.openLastRun);
  await PANEL.frame(page).locator(PANEL.title, { hasText: SLOW_SCENARIO.name }).waitFor();
  await PANEL.frame(page).locator(PANEL.done).waitFor();
  await workbench.screenshot('last-run-reopened');
}
