// The grammars in a real VS Code: a SAM template with CloudFormation's short-form tags and
// !Sub interpolations, and the Lambda Lens Simulation output channel after a run that logs,
// fails and times out. Each is checked by the colours the editor paints (a tag is not painted
// like a key or a string; an ERROR is not painted like the message after it), in the session's
// Dark Modern and in Dark 2026, VS Code's default dark theme, with a screenshot of each.
//
//   node --import tsx --test-reporter=spec test/e2e/grammars.ts
//
// Screenshots go to test-results/e2e-grammars/ (LAMBDA_LENS_E2E_ARTIFACTS moves them).
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { repoRoot } from './codeServer';
import { PANEL } from './panel';
import type { Session } from './session';
import { openSuite, type Suite } from './suite';
import { escapeRegExp, TIMEOUT, withEvidence, type Workbench } from './workbench';

const artifacts = process.env.LAMBDA_LENS_E2E_ARTIFACTS ?? join(repoRoot, 'test-results', 'e2e-grammars');
const APP = 'grammar-app';
const TEMPLATE = `${APP}/template.yaml`;
const SCENARIO = `${APP}/logs.scenario.json`;
const CHANNEL = 'Lambda Lens Simulation';
/** The Color Theme picker's labels, and the theme files VS Code names in the workbench's class. */
const THEMES = [
  ['Dark Modern', 'dark_modern'],
  ['Dark 2026', '2026-dark'],
] as const;

let suite: Suite | undefined;
let session: Session;
let workbench: Workbench;

/** The grammar sample template, and a handler whose scenario logs, throws and times out. */
function writeApp(root: string): void {
  const app = join(root, APP);
  mkdirSync(join(app, 'src'), { recursive: true });
  copyFileSync(join(repoRoot, 'test', 'fixtures', 'grammars', 'sam-template.yaml'), join(root, TEMPLATE));
  writeFileSync(
    join(app, 'src', 'index.js'),
    `exports.handler = async (event) => {
  console.log('order received', event.order);
  if (event.fail) throw new TypeError(event.fail);
  if (event.hang) await new Promise((resolve) => setTimeout(resolve, 5000));
  return { ok: true };
};
`,
  );
  const scenario = {
    name: 'log lines',
    function: { name: 'Orders', handler: 'index.handler', runtime: 'nodejs22.x', codeUri: 'src', timeout: 1 },
    traffic: [
      { at: 0, invoke: 'sync', event: { order: 42 } },
      { at: 2000, invoke: 'sync', event: { order: 43, fail: 'payment declined' } },
      { at: 4000, invoke: 'sync', event: { order: 44, hang: true } },
    ],
  };
  writeFileSync(join(root, SCENARIO), `${JSON.stringify(scenario, null, 2)}\n`);
}

/** The painted colour of the first token reading exactly `token` on a line of `view` containing `line`. */
async function colourOf(view: Locator, line: string, token: string): Promise<string> {
  const exact = new RegExp(`^\\s*${escapeRegExp(token).replace(/ /g, '\\s')}\\s*$`);
  const span = view.locator('.view-line', { hasText: line }).locator('span > span', { hasText: exact }).first();
  await span.waitFor();
  // Runs in the page; its DOM is not typed here (no DOM lib): the colour as the browser paints it.
  return span.evaluate(
    (el) => (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(el).color,
  );
}

/** Picks the quick-pick row labelled exactly `label` (a click: Enter would take the top row, which may be another). */
async function pickRow(page: Page, label: string): Promise<void> {
  const exact = new RegExp(`^${escapeRegExp(label)}$`);
  const row = page
    .locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: exact }) })
    .first();
  await row.click();
}

async function command(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${title}`);
  await pickRow(page, title);
}

async function useTheme(page: Page, theme: string, file: string): Promise<void> {
  await command(page, 'Preferences: Color Theme');
  await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Dark' }).first().waitFor();
  await page.locator('.quick-input-widget input').fill(theme);
  await pickRow(page, theme);
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  await page.locator(`.monaco-workbench[class*="${file}"]`).waitFor();
}

/** Waits until the editor repaints the token reading `text` in another colour than `previous` (Monaco writes spaces as no-break spaces). */
async function repainted(page: Page, text: string, previous: string): Promise<void> {
  await page.waitForFunction(`[...document.querySelectorAll('.view-line span > span')]
    .some((s) => s.textContent.replace(/\\s+/g, ' ').trim() === ${JSON.stringify(text)} && getComputedStyle(s).color !== ${JSON.stringify(previous)})`);
}

/**
 * Runs `check` in each of THEMES and screenshots it as `<name>-<theme>`. `probe` is a token the
 * themes paint differently: after a switch, the check waits until the editor has repainted it.
 */
async function inEachTheme(
  view: Locator,
  probe: string,
  name: string,
  check: (theme: string) => Promise<void>,
): Promise<void> {
  let previous: string | undefined;
  for (const [theme, file] of THEMES) {
    await useTheme(workbench.page, theme, file);
    if (previous) await repainted(workbench.page, probe, previous);
    await check(theme);
    previous = await colourOf(view, probe, probe);
    await workbench.screenshot(`${name}-${theme.replace(/\W+/g, '-').toLowerCase()}`);
  }
}

before(
  async () => {
    suite = await openSuite({ name: 'grammars', artifacts, prepare: writeApp });
    ({ session, workbench } = suite);
  },
  { timeout: 15 * 60_000 },
);

after(async () => {
  await suite?.stop();
});

describe('grammars in the workbench', () => {
  test('CloudFormation tags and !Sub interpolations are coloured in a template', { timeout: TIMEOUT * 4 }, () =>
    withEvidence(workbench, session, artifacts, 'template', async () => {
      await workbench.openFile(TEMPLATE);
      const { page } = workbench;
      // Bring the first !Sub lines into view (Go to Line).
      await page.keyboard.press('Control+G');
      await page.locator('.quick-input-widget input').fill(':41');
      await page.locator('.quick-input-widget input').press('Enter');
      const view = workbench.editor().locator('.view-lines');
      await inEachTheme(view, 'TableName', 'template', async (theme) => {
        const tag = await colourOf(view, 'TableName: !Sub orders-', '!Sub');
        const key = await colourOf(view, 'TableName: !Sub orders-', 'TableName');
        const text = await colourOf(view, 'TableName: !Sub orders-', 'orders-');
        const brace = await colourOf(view, 'TableName: !Sub orders-', '${');
        const getAtt = await colourOf(view, 'TABLE_ARN: !GetAtt', '!GetAtt');
        process.stderr.write(
          `e2e (grammars): ${theme}: !Sub ${tag}, key ${key}, string ${text}, \${ ${brace}, !GetAtt ${getAtt}\n`,
        );
        assert.notEqual(tag, key, `${theme}: !Sub is painted like a key`);
        assert.notEqual(tag, text, `${theme}: !Sub is painted like a string`);
        assert.notEqual(brace, text, `${theme}: \${ is painted like the string around it`);
        assert.equal(getAtt, tag, `${theme}: every intrinsic tag has one colour`);
      });
    }),
  );

  test(`the ${CHANNEL} channel colours START/REPORT, levels, errors and timeouts`, { timeout: TIMEOUT * 4 }, () =>
    withEvidence(workbench, session, artifacts, 'output', async () => {
      const { page } = workbench;
      await workbench.openFile(SCENARIO);
      const lens = workbench.editor().locator('.codelens-decoration a', { hasText: 'Run scenario' }).first();
      await lens.waitFor();
      await lens.click();
      await PANEL.frame(page)
        .locator(PANEL.done)
        .waitFor({ timeout: TIMEOUT * 2 });
      await command(page, 'Output: Focus on Output View');
      await page
        .getByRole('toolbar', { name: 'Output actions' })
        .getByLabel('Switch Output')
        .selectOption({ label: CHANNEL });
      await workbench.outputChannel(CHANNEL);
      const view = page.locator('.output-view .monaco-editor .view-lines').first();
      await view.locator('.view-line', { hasText: 'Task timed out after' }).waitFor();
      // The whole run in view: the panel maximized, the channel scrolled to its first line.
      await command(page, 'View: Toggle Maximized Panel');
      await view.click();
      await page.keyboard.press('Control+Home');
      await view.locator('.view-line', { hasText: '# Orders · log lines' }).waitFor();
      await inEachTheme(view, '"payment declined"', 'output', async (theme) => {
        const message = await colourOf(view, 'order received', 'order received 42');
        const info = await colourOf(view, 'order received 42', 'INFO');
        const error = await colourOf(view, 'Invoke Error', 'ERROR');
        const timeout = await colourOf(view, 'Task timed out after', 'Task timed out after 1.00 seconds');
        const start = await colourOf(view, 'START RequestId', 'START');
        process.stderr.write(
          `e2e (grammars): ${theme}: message ${message}, INFO ${info}, ERROR ${error}, timeout ${timeout}, START ${start}\n`,
        );
        assert.notEqual(info, message, `${theme}: INFO is painted like the message`);
        assert.notEqual(error, message, `${theme}: ERROR is painted like a message`);
        assert.notEqual(error, info, `${theme}: ERROR is painted like INFO`);
        assert.equal(timeout, error, `${theme}: a timeout is painted as an error`);
        assert.notEqual(start, message, `${theme}: START is painted like a message`);
      });
    }),
  );
});
