// Durations and memory sizes in a real VS Code (issue 18): a burst of the example's QuoteFunction
// plays in the timeline (its bars are REPORT Durations, INIT starts with the runtime's start-up
// segment, which the legend names), and "Lambda Lens: Compare Memory Sizes…" runs the function at
// three sizes and shows Duration and cost against memory in the timeline panel's Memory sizes
// view, reached and left with the keyboard. Screenshots of both.
//
//   node --import tsx --test-reporter=spec test/e2e/durations.ts
//
// Screenshots go to test-results/e2e-durations/ (LAMBDA_LENS_E2E_ARTIFACTS moves them).
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { repoRoot } from './codeServer';
import { pick, PANEL, simulateBurstInPanel } from './panel';
import type { Session } from './session';
import { openSuite, type Suite } from './suite';
import { TIMEOUT, withEvidence, type Workbench } from './workbench';

const artifacts = process.env.LAMBDA_LENS_E2E_ARTIFACTS ?? join(repoRoot, 'test-results', 'e2e-durations');
const COMPARE = 'Lambda Lens: Compare Memory Sizes…';

let suite: Suite | undefined;
let session: Session;
let workbench: Workbench;

before(
  async () => {
    suite = await openSuite({ name: 'durations', artifacts });
    ({ session, workbench } = suite);
  },
  { timeout: 15 * 60_000 },
);

after(async () => {
  await suite?.stop();
});

describe('durations and memory sizes', () => {
  test('a burst plays in the timeline', { timeout: TIMEOUT * 6 }, () =>
    withEvidence(workbench, session, artifacts, 'burst', async () => {
      await simulateBurstInPanel(workbench, artifacts);
      await PANEL.frame(workbench.page).locator('.ll-legend-item[data-mark="runtime-start-up"]').waitFor();
      await workbench.page
        .locator('iframe.webview.ready')
        .first()
        .screenshot({ path: join(artifacts, 'durations-burst-panel.png') });
    }),
  );

  test(
    'Compare Memory Sizes… shows Duration and cost against memory, with the cheapest and fastest sizes',
    { timeout: TIMEOUT * 8 },
    () =>
      withEvidence(workbench, session, artifacts, 'compare-memory-sizes', async () => {
        const { page } = workbench;
        await workbench.openFile(PANEL.exampleTemplate);
        await page.keyboard.press('F1');
        const input = page.locator('.quick-input-widget input');
        await input.waitFor();
        await input.fill(`>${COMPARE}`);
        await page.locator('.quick-input-list .monaco-list-row', { hasText: COMPARE }).first().waitFor();
        await input.press('Enter');
        await pick(page, '1/2', PANEL.exampleFunction, PANEL.exampleFunction);
        await page.locator('.quick-input-widget .quick-input-title', { hasText: '2/2' }).waitFor();
        await input.fill('128, 512, 1769');
        await input.press('Enter');
        // The comparison shows in the timeline panel's Memory sizes view once the three runs are done.
        const frame = PANEL.frame(page);
        const view = frame.locator('.ll-app[data-view="memory"] .ll-memory');
        await view.locator('svg polyline.duration').waitFor({ timeout: TIMEOUT * 6 });
        const rows = await view.locator('tbody tr th').allTextContents();
        assert.deepEqual(rows, ['128 MB', '512 MB', '1769 MB']);
        assert.match(
          (await view.locator('.ll-tune-pickline').textContent()) ?? '',
          /^Cheapest: \d+ MB\. Fastest: \d+ MB/,
        );
        assert.equal(await view.locator('svg circle.duration').count(), 3);
        await workbench.screenshot('compare-memory-sizes');
        await page
          .locator('iframe.webview.ready')
          .first()
          .screenshot({ path: join(artifacts, 'durations-memory-sizes-panel.png') });
        // The table, below the chart.
        await view.locator('table').scrollIntoViewIfNeeded();
        await page
          .locator('iframe.webview.ready')
          .first()
          .screenshot({ path: join(artifacts, 'durations-memory-sizes-table.png') });
        // Keyboard: the tabs move between the views; the run is still in the Timeline view.
        const memoryTab = frame.locator('#ll-tab-memory');
        assert.equal(await memoryTab.getAttribute('aria-selected'), 'true');
        await memoryTab.focus();
        await memoryTab.press('ArrowLeft');
        await frame.locator('.ll-app[data-view="timeline"]').waitFor();
        await frame.locator(PANEL.canvas).waitFor({ state: 'visible' });
        assert.equal(await frame.locator('#ll-tab-timeline').getAttribute('aria-selected'), 'true');
        await frame.locator('#ll-tab-timeline').press('ArrowRight');
        await view.locator('svg polyline.duration').waitFor();
        // Hidden and shown again: the webview is rebuilt with the comparison and its view.
        await page.locator('.tabs-container .tab', { hasText: 'template.yaml' }).first().click();
        await page.locator('.tabs-container .tab', { hasText: 'Timeline' }).first().click();
        await PANEL.frame(page).locator('.ll-app[data-view="memory"] .ll-memory tbody tr').nth(2).waitFor();
      }),
  );
});
