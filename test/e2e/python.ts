// A Python function in the timeline panel, driven as a person would: "Lambda Lens: Simulate
// Function…" on a small SAM app whose handler needs nothing but Python. Each environment is a
// real interpreter process: the first wave is cold, the second reuses the environments warm.
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PANEL, pick } from './panel';
import { TIMEOUT, type Workbench } from './workbench';

export const PYTHON_PANEL = { functionName: 'PythonDemoFunction', burst: 2, printed: 'served from python' } as const;

/** Writes `python-panel-app/` (a SAM template and a dependency-free Python handler) into the workspace. */
export function writePythonPanelApp(workspace: string): void {
  const app = join(workspace, 'python-panel-app');
  mkdirSync(join(app, 'src'), { recursive: true });
  writeFileSync(
    join(app, 'template.yaml'),
    `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  ${PYTHON_PANEL.functionName}:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.13
      MemorySize: 256
      Timeout: 10
      Events:
        Get:
          Type: HttpApi
          Properties:
            Path: /python
            Method: get
`,
  );
  writeFileSync(
    join(app, 'src', 'app.py'),
    `import json
import time

served = 0


def handler(event, context):
    global served
    served += 1
    print(${JSON.stringify(PYTHON_PANEL.printed)}, served)
    time.sleep(0.04)
    return {"statusCode": 200, "body": json.dumps({"served": served})}
`,
  );
}

/** Simulates a burst of PYTHON_PANEL.burst, twice, and checks cold then warm environments and the handler's print() in the logs. */
export async function simulatePythonInPanel(workbench: Workbench): Promise<void> {
  const { page } = workbench;
  // Lambda Lens is already active (earlier tests opened templates); the command finds python-panel-app/ by itself.
  await page.locator('.monaco-workbench').focus();
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${PANEL.simulate.replace('…', '')}`);
  await page
    .locator('.quick-input-list .monaco-list-row', { hasText: PANEL.simulate.replace('…', '') })
    .first()
    .waitFor({ timeout: TIMEOUT });
  await input.press('Enter');
  await pick(page, '1/3', PYTHON_PANEL.functionName, PYTHON_PANEL.functionName);
  await pick(page, '2/3', 'Burst', /Burst of N/);
  await page.locator('.quick-input-widget .quick-input-title', { hasText: 'How many concurrent requests' }).waitFor();
  await input.fill(String(PYTHON_PANEL.burst));
  await input.press('Enter');
  await pick(page, '3/3', 'apigateway-http', 'apigateway-http');

  const frame = PANEL.frame(page);
  // This run's title, then the finished state: figures alone may still be the previous run's.
  await frame.locator(PANEL.title, { hasText: PYTHON_PANEL.functionName }).waitFor({ timeout: TIMEOUT * 2 });
  await frame.locator(PANEL.done).waitFor({ timeout: TIMEOUT * 2 });
  assert.equal(await frame.locator(PANEL.figure('invocations')).textContent(), String(PYTHON_PANEL.burst * 2));
  assert.equal(
    await frame.locator(PANEL.figure('environments')).textContent(),
    String(PYTHON_PANEL.burst),
    'one Python environment per concurrent request',
  );
  assert.equal(
    await frame.locator(PANEL.figure('cold-rate')).textContent(),
    `50% (${PYTHON_PANEL.burst})`,
    'the first wave is cold, the second warm',
  );
  await frame.locator(PANEL.canvas).focus();
  await frame.locator(PANEL.canvas).press('ArrowRight');
  await frame.locator(PANEL.logs, { hasText: PYTHON_PANEL.printed }).waitFor();
  await workbench.screenshot('python-simulation-finished');
}
