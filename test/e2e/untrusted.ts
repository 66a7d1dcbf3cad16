// Lambda Lens in a workspace nobody trusted: Workspace Trust on, the folder opened in
// Restricted Mode, as a repository just cloned from the internet would be. Analysis never
// runs workspace code, so its diagnostics must appear; simulation runs the handler, so it
// must be refused with a message that says why. `npm run test:e2e` runs this file too.
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './codeServer';
import { MEMORY_RULE, TEMPLATE } from './expectations';
import type { Session } from './session';
import { openSuite, type Suite } from './suite';
import { TIMEOUT, withEvidence, type Workbench } from './workbench';

const artifacts = join(repoRoot, 'test-results', 'e2e-untrusted');

/** A function URL open to everyone (LL4005) next to a handler that, run, would write a marker file. */
const APP = 'untrusted-app';
/** Its own file name: Quick Open and the editor tab tell it apart from the examples' template.yaml. */
const APP_TEMPLATE = `${APP}/public-url.yaml`;
const OPEN_URL_RULE = 'LL4005';
const MARKER_FILE = 'handler-ran.txt';
/** The simulation command, as the command palette shows it (package.json). */
const SIMULATE = 'Lambda Lens: Simulate Function…';

let suite: Suite | undefined;
let session: Session;
let workspace: string;
let workbench: Workbench;

function writeApp(root: string): void {
  const app = join(root, APP);
  mkdirSync(join(app, 'src'), { recursive: true });
  writeFileSync(
    join(root, APP_TEMPLATE),
    `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  PublicFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: index.handler
      Runtime: nodejs22.x
      FunctionUrlConfig:
        AuthType: NONE
`,
  );
  // If anything ran this file (analysis must not; simulation must be refused), the marker would appear.
  writeFileSync(
    join(app, 'src', 'index.js'),
    `require('node:fs').writeFileSync(require('node:path').join(__dirname, '..', ${JSON.stringify(MARKER_FILE)}), 'ran');
exports.handler = async () => ({ statusCode: 200 });
`,
  );
}

before(
  async () => {
    suite = await openSuite({ name: 'untrusted', artifacts, workspaceTrust: true, prepare: writeApp });
    ({ session, workspace, workbench } = suite);
  },
  { timeout: 15 * 60_000 },
);

after(async () => {
  await suite?.stop();
});

describe('in an untrusted workspace (Restricted Mode)', () => {
  test('the window is in Restricted Mode', { timeout: TIMEOUT * 2 }, () =>
    withEvidence(workbench, session, artifacts, 'restricted-mode', async () => {
      await workbench.page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor();
      await workbench.screenshot('restricted-mode');
    }),
  );

  test(
    `diagnostics still appear: ${MEMORY_RULE} in ${TEMPLATE}, ${OPEN_URL_RULE} in ${APP_TEMPLATE}`,
    { timeout: TIMEOUT * 4 },
    () =>
      withEvidence(workbench, session, artifacts, 'diagnostics', async () => {
        await workbench.openFile(TEMPLATE);
        const memory = await workbench.problem(MEMORY_RULE);
        assert.match(await memory.innerText(), /MemorySize/);
        await workbench.openFile(APP_TEMPLATE);
        await workbench.waitForSquiggle('warning');
        // The examples' findings fill the Problems list first; filter it to the one rule.
        await workbench.problem(MEMORY_RULE);
        const filter = workbench.page
          .locator('.markers-panel-container .viewpane-filter input, .part.panel .viewpane-filter input')
          .first();
        await filter.fill(OPEN_URL_RULE);
        const url = workbench.page.locator('.markers-panel .monaco-list-row', { hasText: 'AuthType NONE' }).first();
        await url.waitFor();
        assert.match(await url.innerText(), new RegExp(OPEN_URL_RULE));
        await workbench.screenshot('diagnostics');
        assert.ok(!existsSync(join(workspace, APP, MARKER_FILE)), 'analysis ran the handler file');
      }),
  );

  test(`"${SIMULATE}" is refused and says why`, { timeout: TIMEOUT * 3 }, () =>
    withEvidence(workbench, session, artifacts, 'simulation-refused', async () => {
      await workbench.runCommand(SIMULATE);
      const toast = workbench.page
        .locator('.notifications-toasts .notification-toast', { hasText: /only in trusted workspaces/ })
        .first();
      await toast.waitFor();
      assert.match(await toast.innerText(), /runs your handler code/);
      await workbench.page
        .locator('.notifications-toasts .monaco-button', { hasText: 'Manage Workspace Trust' })
        .first()
        .waitFor();
      await workbench.screenshot('simulation-refused');
      // Nothing ran: no function picker was offered, no run was saved, the handler never wrote its marker.
      assert.equal(
        await workbench.page.locator('.quick-input-widget:visible').count(),
        0,
        'a quick pick opened after the refusal',
      );
      assert.ok(!existsSync(join(workspace, '.lambda-lens', 'runs')), 'a simulation run was saved');
      assert.ok(!existsSync(join(workspace, APP, MARKER_FILE)), 'the handler ran');
    }),
  );
});
