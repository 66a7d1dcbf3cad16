/**
 * What a suite file (untrusted.ts, deploy.ts, grammars.ts, firstRun.ts) starts before its tests
 * and stops after them: a fresh artifacts folder, a code-server session with the packaged
 * extension, a copy of examples/ as the workspace, Chromium, and the workbench opened on it.
 */
import { mkdirSync, rmSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { workbenchUrl } from './codeServer';
import { copyExamples, startSession, type Session, type SessionOptions } from './session';
import { launchBrowser, Workbench } from './workbench';

export interface Suite {
  session: Session;
  browser: Browser;
  /** The session's copy of examples/. */
  workspace: string;
  workbench: Workbench;
  /** Closes the workbench and the browser, and stops the session. */
  stop(): Promise<void>;
}

export interface SuiteOptions extends Omit<SessionOptions, 'log'> {
  /** Names the suite in progress lines (`e2e (name): …`) and its screenshots. */
  name: string;
  /** Emptied, then receives the screenshots and logs. */
  artifacts: string;
  /** Adds files to the workspace before the workbench opens on it. */
  prepare?: (workspace: string) => void;
}

export async function openSuite(options: SuiteOptions): Promise<Suite> {
  const { name, artifacts, prepare, ...sessionOptions } = options;
  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });
  const session = await startSession({ ...sessionOptions, log: (m) => process.stderr.write(`e2e (${name}): ${m}\n`) });
  let browser: Browser | undefined;
  try {
    const workspace = copyExamples(session);
    prepare?.(workspace);
    browser = await launchBrowser();
    const opened = browser;
    const workbench = await Workbench.open(opened, workbenchUrl(session.server, workspace), artifacts, name);
    return {
      session,
      browser: opened,
      workspace,
      workbench,
      async stop() {
        await workbench.close();
        await opened.close();
        await session.stop();
      },
    };
  } catch (error) {
    // Half started: nothing may be left running.
    await browser?.close();
    await session.stop();
    throw error;
  }
}
