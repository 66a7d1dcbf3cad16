// A deployment in the timeline panel, in a real VS Code (code-server): the example app's
// scenario examples/sam-app/deploy.scenario.json (QuoteFunction behind alias `live`, steady
// traffic, a canary deployment of version 2 halfway) is run from its "Run scenario" code lens,
// and the panel must show both versions, their figures, the deployment's cold starts and the
// version in the details; then screenshots in a light and a dark theme
// (test-results/e2e-deploy/deploy-light.png, deploy-dark.png). `npm run test:e2e` runs it.
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './codeServer';
import { formatDuration } from '../../client/webview/src/timeaxis';
import { command, PANEL } from './panel';
import type { Session } from './session';
import { openSuite, type Suite } from './suite';
import { TIMEOUT, withEvidence, type Workbench } from './workbench';

const artifacts = join(repoRoot, 'test-results', 'e2e-deploy');
const SCENARIO_FILE = 'sam-app/deploy.scenario.json';
const SCENARIO = JSON.parse(readFileSync(join(repoRoot, 'examples', SCENARIO_FILE), 'utf8')) as {
  name: string;
  traffic: ({ count: number } | { at: number; deploy: { version: string; type: string } })[];
};
const REQUESTS = SCENARIO.traffic.reduce((n, t) => n + ('count' in t ? t.count : 0), 0);
const DEPLOY = SCENARIO.traffic.flatMap((t) => ('deploy' in t ? [{ ...t.deploy, at: formatDuration(t.at) }] : []))[0]!;

let suite: Suite | undefined;
let session: Session;
let workbench: Workbench;

before(
  async () => {
    suite = await openSuite({ name: 'deploy', artifacts });
    ({ session, workbench } = suite);
  },
  { timeout: 15 * 60_000 },
);

after(async () => {
  await suite?.stop();
});

describe('a deployment in the timeline panel', () => {
  test(
    `${SCENARIO_FILE}: both versions, the deployment's cold starts, the version in the details`,
    { timeout: TIMEOUT * 6 },
    () =>
      withEvidence(workbench, session, artifacts, 'deploy-panel', async () => {
        const { page } = workbench;
        await workbench.openFile(SCENARIO_FILE);
        const lens = workbench.editor().locator('.codelens-decoration a', { hasText: 'Run scenario' }).first();
        await lens.waitFor();
        await lens.click();
        const frame = PANEL.frame(page);
        await frame.locator(PANEL.title, { hasText: SCENARIO.name }).waitFor({ timeout: TIMEOUT * 2 });
        await frame.locator(PANEL.done).waitFor({ timeout: TIMEOUT * 3 });
        assert.equal(await frame.locator(PANEL.figure('invocations')).textContent(), REQUESTS.toLocaleString('en-US'));

        // One line per version; together they account for every request.
        const cell = (version: string, column: number) =>
          frame.locator(`.ll-version[data-version="${version}"] td`).nth(column);
        const count = async (version: string, column: number) =>
          Number(((await cell(version, column).textContent()) ?? '').replace(/[^\d]/g, ''));
        assert.equal(await frame.locator('.ll-version').count(), 2);
        assert.equal(
          (await count('1', 1)) + (await count(DEPLOY.version, 1)),
          REQUESTS,
          'invocations of v1 and v2 add up',
        );
        const coldOnNew = Number(/^(\d+)/.exec((await cell(DEPLOY.version, 2).textContent()) ?? '')?.[1]);
        assert.ok(coldOnNew >= 1, 'the new version starts cold');
        const deploy = (await frame.locator(`.ll-deploy[data-version="${DEPLOY.version}"]`).textContent()) ?? '';
        assert.ok(
          deploy.startsWith(`deploy v${DEPLOY.version} · ${DEPLOY.type} at ${DEPLOY.at}: ${coldOnNew} cold start`),
          deploy,
        );

        // The last request ran on the new version: its details say so, and which deployment published it.
        const canvas = frame.locator(PANEL.canvas);
        await canvas.focus();
        await canvas.press('ArrowLeft');
        const version = frame
          .locator('.ll-details dt', { hasText: /^Version$/ })
          .locator('xpath=following-sibling::dd[1]');
        await version.waitFor();
        assert.equal(await version.textContent(), `${DEPLOY.version} · deployed at ${DEPLOY.at} (${DEPLOY.type})`);
        await workbench.screenshot('deploy-run');

        // The first request on the new version (its START line says `Version: 2`) paid for INIT.
        const search = frame.locator('input.ll-search');
        await search.fill(`Version: ${DEPLOY.version}`);
        await search.press('Enter');
        await frame.locator('.ll-details .ll-badge-cold').waitFor();
        assert.match((await frame.locator('.ll-details').textContent()) ?? '', /Init duration/);
        assert.equal(await version.textContent(), `${DEPLOY.version} · deployed at ${DEPLOY.at} (${DEPLOY.type})`);
        await search.press('Escape');

        // The screenshots: the panel as wide as the window allows, its rows scrolled back to the first.
        await command(page, 'View: Toggle Primary Side Bar Visibility');
        await canvas.focus();
        await canvas.press('PageUp');
        const webview = page.locator('iframe.webview.ready').first();
        for (const kind of ['light', 'dark'] as const) {
          await command(page, 'Preferences: Toggle between Light/Dark Themes');
          await frame.locator(`body.vscode-${kind}`).waitFor();
          await version.waitFor();
          await webview.screenshot({ path: join(artifacts, `deploy-${kind}.png`) });
        }
      }),
  );
});
