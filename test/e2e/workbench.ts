// Drives the VS Code workbench in Debian's Chromium through playwright-core, the way a
// person would: keyboard shortcuts, the command palette, the mouse over a word.
// Every wait is on something visible; nothing sleeps for a fixed time.
import { chromium, type Browser, type ConsoleMessage, type Locator, type Page } from 'playwright-core';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectLogs, type Session } from './session';

/** Debian's Chromium. Playwright's own browser downloads are not reachable here. */
export const CHROMIUM = process.env.LAMBDA_LENS_CHROMIUM ?? '/usr/bin/chromium';

/** How long to wait for the workbench or the extension before failing. */
export const TIMEOUT = Number(process.env.LAMBDA_LENS_E2E_TIMEOUT ?? 60_000);

/** Chromium's flags for a closed network and a root user in a container. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/**
 * Starts Chromium with a HOME of its own (its crash reporter writes under
 * ~/.config/chromium otherwise), removed when the browser closes.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium, or point LAMBDA_LENS_CHROMIUM at a Chromium`);
  const home = mkdtempSync(join(tmpdir(), 'lambda-lens-chromium-'));
  const env = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
  };
  try {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, env });
    browser.on('disconnected', () => rmSync(home, { recursive: true, force: true }));
    return browser;
  } catch (error) {
    rmSync(home, { recursive: true, force: true });
    throw error;
  }
}

/** One browser page showing one VS Code window, with numbered screenshots. */
export class Workbench {
  private step = 0;
  /** Console lines of the page (which include the forwarded extension host console). */
  readonly console: string[] = [];

  private constructor(
    readonly page: Page,
    private readonly artifacts: string,
    private readonly prefix: string,
    onConsole?: (text: string) => void,
  ) {
    page.on('console', (message: ConsoleMessage) => {
      onConsole?.(message.text());
      const line = `[${message.type()}] ${message.text()}`;
      this.console.push(line);
      appendFileSync(join(artifacts, `${prefix}-console.log`), `${line}\n`);
    });
    page.on('pageerror', (error) => this.console.push(`[pageerror] ${error.message}`));
  }

  /**
   * Opens `url` in a new page of `browser` and waits until the workbench is laid out.
   * Screenshots go to `artifacts` as `<prefix>-NN-<step>.png`; `onConsole` sees every
   * console line of the page from the start.
   */
  static async open(
    browser: Browser,
    url: string,
    artifacts: string,
    prefix: string,
    onConsole?: (text: string) => void,
  ): Promise<Workbench> {
    mkdirSync(artifacts, { recursive: true });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(TIMEOUT);
    const workbench = new Workbench(page, artifacts, prefix, onConsole);
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor();
    await page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor();
    return workbench;
  }

  /** Saves a PNG of the whole window and returns its path. */
  async screenshot(name: string): Promise<string> {
    this.step += 1;
    const file = join(this.artifacts, `${this.prefix}-${String(this.step).padStart(2, '0')}-${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /**
   * Opens a workspace file through Quick Open (Ctrl+P) and waits for its editor tab. Quick Open
   * is asked again (up to three times) when the file's row does not show: a picker opened while
   * the workbench is still busy can drop the typed text or answer from its history alone.
   */
  async openFile(relativePath: string): Promise<void> {
    const base = relativePath.split('/').pop() ?? relativePath;
    const input = this.page.locator('.quick-input-widget input');
    const isFile = { has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(base)}$`) }) };
    const rows = this.page.locator('.quick-input-list .monaco-list-row');
    for (let attempt = 1; ; attempt += 1) {
      await this.page.locator('.monaco-workbench').focus();
      await this.page.keyboard.press('Control+P');
      await input.waitFor();
      await input.fill(relativePath);
      try {
        await rows.filter(isFile).first().waitFor({ timeout: 20_000 });
        break;
      } catch (error) {
        const shown = await rows.allTextContents();
        console.error(
          `openFile(${relativePath}): attempt ${attempt}, no row for the file; Quick Open holds ${JSON.stringify(await input.inputValue())} and shows ${JSON.stringify(shown)}`,
        );
        if (attempt === 3) throw error;
        await this.screenshot(`quick-open-retry-${attempt}`);
        await input.press('Escape');
      }
    }
    // Editor history answers first and can put another editor (a panel whose description names
    // the file) on the focused top row: move the focus down to the file's own row before Enter.
    // The keyboard, not a click, so that no pointer is left resting on the tab bar (its hover
    // would cover the next click on a code lens).
    const focused = rows.and(this.page.locator('.focused')).filter(isFile);
    for (let moves = 0; moves < 20 && (await focused.count()) === 0; moves += 1) await input.press('ArrowDown');
    await input.press('Enter');
    await this.page.locator('.tabs-container .tab.active', { hasText: base }).waitFor();
    await this.editor().locator('.view-lines').waitFor();
  }

  /** The active text editor. */
  editor(): Locator {
    return this.page.locator('.editor-group-container.active .monaco-editor').first();
  }

  /** Waits for a squiggle (error or warning) in the visible part of the active editor. */
  async waitForSquiggle(severity: 'error' | 'warning' = 'error'): Promise<void> {
    await this.editor().locator(`.squiggly-${severity}`).first().waitFor();
  }

  /** Shows the Problems panel (Ctrl+Shift+M) and waits for an entry containing `text`. */
  async problem(text: string): Promise<Locator> {
    await this.editor().click({ position: { x: 5, y: 5 } });
    const panel = this.page.locator('.markers-panel');
    if (!(await panel.isVisible())) await this.page.keyboard.press('Control+Shift+M');
    await panel.waitFor();
    const row = panel.locator('.monaco-list-row', { hasText: text }).first();
    await row.waitFor();
    return row;
  }

  /**
   * Moves the mouse over `word` on the editor line containing `line` and returns the
   * hover's text once it matches `expected`.
   */
  async hover(line: string, word: string, expected: RegExp): Promise<string> {
    const token = this.editor()
      .locator('.view-line', { hasText: line })
      .locator('span span', { hasText: new RegExp(`^\\s*${word}\\s*$`) })
      .first();
    await token.waitFor();
    await token.hover();
    const shown = this.page.locator('.monaco-hover:not(.hidden)').first();
    await shown.waitFor();
    const hover = this.page.locator('.monaco-hover:not(.hidden)', { hasText: expected }).first();
    try {
      await hover.waitFor();
    } catch (error) {
      const text = await shown.innerText().catch(() => '(the hover closed)');
      throw new Error(`the hover over ${word} does not match ${expected}; it says: ${JSON.stringify(text)}`, {
        cause: error,
      });
    }
    return hover.innerText();
  }

  /** Runs a command by its title from the command palette (F1). */
  async runCommand(title: string): Promise<void> {
    // Focus out of any webview or input first: the editor when one is open, else the workbench.
    if (await this.editor().isVisible()) await this.editor().click({ position: { x: 5, y: 5 } });
    else await this.page.locator('.monaco-workbench').focus();
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`>${title}`);
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
    await input.press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  }

  /** Waits for the Output panel to show the channel `name` (selected in its "Switch Output" box). */
  async outputChannel(name: string): Promise<void> {
    await this.page.locator('.output-view .monaco-editor').first().waitFor();
    const selected = this.page
      .locator('.part.panel select[aria-label="Switch Output"] option:checked', { hasText: new RegExp(`^${name}$`) })
      .first();
    await selected.waitFor({ state: 'attached' });
  }

  /**
   * Types `prefix` in the active editor, asks for suggestions (Ctrl+Space) and accepts the
   * snippet whose label is `prefix` with Enter, as a person picks it from the list.
   * `beforeAccept` runs while the suggestion list is open (e.g. to take a screenshot).
   */
  async expandSnippet(prefix: string, beforeAccept?: () => Promise<void>): Promise<void> {
    await this.page.keyboard.type(prefix);
    const widget = this.page.locator('.editor-widget.suggest-widget.visible');
    // Quick suggestions may or may not have opened the list while typing; close it and ask once.
    if (await widget.isVisible()) {
      await this.page.keyboard.press('Escape');
      await widget.waitFor({ state: 'hidden' });
    }
    await this.page.keyboard.press('Control+Space');
    const label = new RegExp(`^${prefix.replace(/[-/\\^$*+?.()|[\]{}]/g, '\\$&')}$`);
    const row = widget
      .locator('.monaco-list-row', { has: this.page.locator('.label-name', { hasText: label }) })
      .first();
    await row.waitFor();
    // Other snippets share the prefix's start (lambda-handler, lambda-handler-ts): move to ours.
    const focused = widget.locator('.monaco-list-row.focused', {
      has: this.page.locator('.label-name', { hasText: label }),
    });
    for (let moves = 0; !(await focused.isVisible()); moves++) {
      if (moves >= 20) throw new Error(`the suggestion "${prefix}" never got the focus in the suggest widget`);
      await this.page.keyboard.press('ArrowDown');
    }
    await beforeAccept?.();
    await this.page.keyboard.press('Enter');
    await widget.waitFor({ state: 'hidden' });
  }

  /** Shows the Problems panel filtered by `filter` (a text, or a glob of file paths). */
  async filterProblems(filter: string): Promise<Locator> {
    const panel = this.page.locator('.markers-panel');
    if (!(await panel.isVisible())) await this.page.keyboard.press('Control+Shift+M');
    await panel.waitFor();
    await this.page.locator('.part.panel .viewpane-filter input').first().fill(filter);
    return panel;
  }

  async close(): Promise<void> {
    await this.page.close();
  }
}

/**
 * Runs `body`; if it throws, adds a screenshot of `workbench` and the end of the session's
 * extension host log (all logs copied to `artifacts`) to the error.
 */
export async function withEvidence<T>(
  workbench: Workbench,
  session: Session,
  artifacts: string,
  name: string,
  body: () => Promise<T>,
): Promise<T> {
  try {
    return await body();
  } catch (error) {
    const shot = await workbench.screenshot(`FAILED-${name}`).catch((e: unknown) => `(no screenshot: ${String(e)})`);
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${message}\n  screenshot: ${shot}\n${collectLogs(session, artifacts)}`, { cause: error });
  }
}

/** `text` as a regular expression that matches it literally. */
export function escapeRegExp(text: string): string {
  return text.replace(/[-/\\^$*+?.()|[\]{}]/g, '\\$&');
}
