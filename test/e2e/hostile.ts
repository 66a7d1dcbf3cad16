// Hostile input in a real VS Code (issue 19): files that once took the language server down
// (a JSON template nested 10,000 levels deep, a handler with 10,000 nested parentheses) or
// hung it (a YAML alias bomb), plus a UTF-16 template, opened one after another in a
// workspace in Restricted Mode. Each gets its note; afterwards the server still answers and
// the Problems panel still updates for an ordinary template. `npm run test:e2e` runs this file.
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './codeServer';
import { MEMORY_RULE, TEMPLATE } from './expectations';
import type { Session } from './session';
import { openSuite, type Suite } from './suite';
import { TIMEOUT, withEvidence, type Workbench } from './workbench';
import { aliasBomb, deepJsonTemplate, deepParens } from '../unit/helpers/hostile';

const artifacts = join(repoRoot, 'test-results', 'e2e-hostile');

const DEEP_TEMPLATE = 'hostile/deep-template.json';
const BOMB = 'hostile/bomb-config.yaml';
const DEEP_HANDLER = 'hostile/src/deep-handler.js';

let suite: Suite | undefined;
let session: Session;
let workbench: Workbench;

function writeHostile(root: string): void {
  mkdirSync(join(root, 'hostile/src'), { recursive: true });
  writeFileSync(join(root, DEEP_TEMPLATE), deepJsonTemplate());
  writeFileSync(join(root, BOMB), aliasBomb());
  // A template links the deep handler, so its LL0003 is reported.
  writeFileSync(
    join(root, 'hostile/template.yaml'),
    `Transform: AWS::Serverless-2016-10-31
Resources:
  DeepFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: deep-handler.handler
      Runtime: nodejs22.x
`,
  );
  writeFileSync(join(root, DEEP_HANDLER), `exports.handler = async () => ${deepParens()};\n`);
}

before(
  async () => {
    suite = await openSuite({ name: 'hostile', artifacts, workspaceTrust: true, prepare: writeHostile });
    ({ session, workbench } = suite);
  },
  { timeout: 15 * 60_000 },
);

after(async () => {
  await suite?.stop();
});

describe('hostile files, in Restricted Mode', () => {
  test('a JSON template nested 10,000 levels deep gets LL0003', { timeout: TIMEOUT * 3 }, () =>
    withEvidence(workbench, session, artifacts, 'deep-template', async () => {
      await workbench.openFile(DEEP_TEMPLATE);
      const row = await workbench.problem('nested more than 256 levels');
      assert.match(await row.innerText(), /LL0003/);
    }),
  );

  test('a linked handler with 10,000 nested parentheses gets LL0003', { timeout: TIMEOUT * 3 }, () =>
    withEvidence(workbench, session, artifacts, 'deep-handler', async () => {
      await workbench.openFile(DEEP_HANDLER);
      const row = await workbench.problem('did not check this handler file');
      assert.match(await row.innerText(), /LL0003/);
    }),
  );

  test('a YAML alias bomb opens without taking the server down', { timeout: TIMEOUT * 3 }, () =>
    withEvidence(workbench, session, artifacts, 'alias-bomb', async () => {
      await workbench.openFile(BOMB);
    }),
  );

  test(
    'afterwards the server still answers: the Problems panel updates for an ordinary template',
    { timeout: TIMEOUT * 4 },
    () =>
      withEvidence(workbench, session, artifacts, 'still-working', async () => {
        await workbench.openFile(TEMPLATE);
        const row = await workbench.problem(MEMORY_RULE);
        assert.match(await row.innerText(), /MemorySize/);
        // The server still answers requests: a hover on a visible line of the template.
        await workbench.hover('MemorySize: 256', 'MemorySize', /10,?240/);
        const crashed = await workbench.page.getByText(/server crashed|has crashed/i).count();
        assert.equal(crashed, 0, 'no "server crashed" notification');
        await workbench.screenshot('still-working');
      }),
  );
});
