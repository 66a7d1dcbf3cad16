// Opens the built timeline webview (dist/webview) in headless Chromium, outside VS Code, with a
// synthetic 10,000-invocation trace (version 2 deployed during its idle gap, so the version
// badges and the deployment marker are drawn too), plays it and prints frames per second; then takes
// screenshots of a small run in the light, dark and high contrast themes.
//
//   npm run build && node --import tsx bench/panel.ts [--invocations 10000] [--seconds 5] [--shots DIR] [--trace FILE]
//
// With --trace, the screenshots show that saved run (e.g. one under .lambda-lens/runs/) instead
// of the synthetic one.
//
// The page stands in for VS Code's webview host: it sets a theme's CSS variables and body class,
// provides acquireVsCodeApi, and posts the same `load-trace` message the extension posts.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import type { LiveEventsMessage, LiveStartMessage, LoadTraceMessage } from '../client/shared/protocol';
import type { SimulationTrace, TraceEvent } from '../server/src/simulator/trace';
import { syntheticTrace, XSS_PAYLOAD } from '../test/unit/helpers/panelTrace';

const root = resolve(__dirname, '..');
const args = process.argv.slice(2);
const arg = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const invocations = Number(arg('--invocations', '10000'));
const seconds = Number(arg('--seconds', '5'));
const shots = resolve(arg('--shots', join(root, 'test-results', 'panel')));
const traceFile = arg('--trace', '');

/** A subset of VS Code's Dark Modern, Light Modern and Dark High Contrast colours. */
const THEMES: Record<'dark' | 'light' | 'high-contrast', { bodyClass: string; vars: Record<string, string> }> = {
  dark: {
    bodyClass: 'vscode-dark',
    vars: {
      foreground: '#cccccc',
      'editor-background': '#1f1f1f',
      descriptionForeground: '#9d9d9d',
      'charts-blue': '#3794ff',
      'charts-green': '#89d185',
      'charts-red': '#f14c4c',
      'charts-orange': '#d18616',
      'charts-yellow': '#cca700',
      'charts-purple': '#b180d7',
      focusBorder: '#0078d4',
      'panel-border': '#2b2b2b',
      'list-hoverBackground': '#2a2d2e',
      'editorCursor-foreground': '#aeafad',
      'editorRuler-foreground': '#5a5a5a',
      'sideBar-background': '#181818',
      'editorHoverWidget-background': '#202020',
      'editorHoverWidget-border': '#454545',
      'editorHoverWidget-foreground': '#cccccc',
      'textCodeBlock-background': '#2b2b2b',
      'textLink-foreground': '#4daafc',
      errorForeground: '#f85149',
      'badge-background': '#616161',
      'badge-foreground': '#f8f8f8',
      'dropdown-background': '#313131',
      'dropdown-foreground': '#cccccc',
      'dropdown-border': '#3c3c3c',
      'icon-foreground': '#cccccc',
      'toolbar-hoverBackground': 'rgba(90, 93, 94, 0.31)',
      'editorInfo-foreground': '#3794ff',
      'textBlockQuote-background': '#2b2b2b',
      'inputOption-activeBackground': 'rgba(36, 137, 219, 0.51)',
      'inputOption-activeBorder': '#2488db',
      'inputOption-activeForeground': '#ffffff',
    },
  },
  light: {
    bodyClass: 'vscode-light',
    vars: {
      foreground: '#3b3b3b',
      'editor-background': '#ffffff',
      descriptionForeground: '#717171',
      'charts-blue': '#1a85ff',
      'charts-green': '#388a34',
      'charts-red': '#e51400',
      'charts-orange': '#d18616',
      'charts-yellow': '#bf8803',
      'charts-purple': '#652d90',
      focusBorder: '#005fb8',
      'panel-border': '#e5e5e5',
      'list-hoverBackground': '#f2f2f2',
      'editorCursor-foreground': '#000000',
      'editorRuler-foreground': '#d3d3d3',
      'sideBar-background': '#f8f8f8',
      'editorHoverWidget-background': '#f8f8f8',
      'editorHoverWidget-border': '#c8c8c8',
      'editorHoverWidget-foreground': '#3b3b3b',
      'textCodeBlock-background': '#f2f2f2',
      'textLink-foreground': '#005fb8',
      errorForeground: '#f85149',
      'badge-background': '#cccccc',
      'badge-foreground': '#3b3b3b',
      'dropdown-background': '#ffffff',
      'dropdown-foreground': '#3b3b3b',
      'dropdown-border': '#cecece',
      'icon-foreground': '#424242',
      'toolbar-hoverBackground': 'rgba(184, 184, 184, 0.31)',
      'editorInfo-foreground': '#1a85ff',
      'textBlockQuote-background': '#f8f8f8',
      'inputOption-activeBackground': 'rgba(190, 228, 255, 0.2)',
      'inputOption-activeBorder': '#005fb8',
      'inputOption-activeForeground': '#000000',
    },
  },
  'high-contrast': {
    bodyClass: 'vscode-high-contrast',
    vars: {
      foreground: '#ffffff',
      'editor-background': '#000000',
      descriptionForeground: '#ffffff',
      'charts-blue': '#3794ff',
      'charts-green': '#89d185',
      'charts-red': '#f14c4c',
      'charts-orange': '#d18616',
      'charts-yellow': '#cca700',
      'charts-purple': '#b180d7',
      focusBorder: '#f38518',
      'panel-border': '#6fc3df',
      'list-hoverBackground': '#000000',
      'editorCursor-foreground': '#ffffff',
      'editorRuler-foreground': '#ffffff',
      'sideBar-background': '#000000',
      'editorHoverWidget-background': '#0c141f',
      'editorHoverWidget-border': '#6fc3df',
      'editorHoverWidget-foreground': '#ffffff',
      'textCodeBlock-background': '#000000',
      'textLink-foreground': '#21a6ff',
      errorForeground: '#f48771',
      'badge-background': '#000000',
      'badge-foreground': '#ffffff',
      'dropdown-background': '#000000',
      'dropdown-foreground': '#ffffff',
      'dropdown-border': '#6fc3df',
      'icon-foreground': '#ffffff',
      'toolbar-hoverBackground': 'rgba(0,0,0,0)',
      'editorInfo-foreground': '#3794ff',
      'textBlockQuote-background': '#000000',
      'inputOption-activeBackground': 'rgba(0,0,0,0)',
      'inputOption-activeBorder': '#6fc3df',
      'inputOption-activeForeground': '#ffffff',
    },
  },
};

function pageHtml(theme: keyof typeof THEMES): string {
  const t = THEMES[theme];
  const vars = Object.entries(t.vars)
    .map(([k, v]) => `--vscode-${k}: ${v};`)
    .join(' ');
  const dist = pathToFileURL(join(root, 'dist', 'webview')).href;
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8">
<style>html { --vscode-font-family: system-ui, "Segoe UI", sans-serif; --vscode-font-size: 13px; --vscode-editor-font-family: monospace; --vscode-editor-font-size: 12px; ${vars} }</style>
<link rel="stylesheet" href="${dist}/codicon.css"><link rel="stylesheet" href="${dist}/main.css">
<script>
  window.__posted = [];
  window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => undefined, setState: () => {} });
</script>
</head><body class="${t.bodyClass}"><div id="root"></div><script src="${dist}/main.js"></script></body></html>`;
}

/**
 * Opens the page with `trace` loaded; returns how long the page took to show it, ms, from the
 * message (parsed from JSON in the page, as a stand-in for VS Code's structured clone) to the
 * finished state, measured inside the page.
 */
async function open(page: Page, theme: keyof typeof THEMES, trace: SimulationTrace, dir: string): Promise<number> {
  const file = join(dir, `panel-${theme}.html`);
  writeFileSync(file, pageHtml(theme));
  await page.goto(pathToFileURL(file).href);
  const message: LoadTraceMessage = {
    type: 'load-trace',
    trace,
    source: { kind: 'file', path: 'bench' },
    title: trace.scenario.name,
  };
  // Handing the page a string is fast; Playwright's own argument serialisation of a 10 MB object is not.
  await page.evaluate((json) => {
    (globalThis as unknown as { benchMessage: string }).benchMessage = json;
  }, JSON.stringify(message));
  const ms = await page.evaluate<number>(`new Promise((done) => {
    const app = document.querySelector('.ll-app');
    const t0 = performance.now();
    new MutationObserver((_, observer) => {
      if (app.dataset.state === 'done') {
        observer.disconnect();
        // The frame after the state change is the first that shows the run.
        requestAnimationFrame(() => done(performance.now() - t0));
      }
    }).observe(app, { attributes: true, attributeFilter: ['data-state'] });
    window.postMessage(JSON.parse(window.benchMessage), '*');
  })`);
  await page.locator('.ll-app[data-state="done"] .ll-title', { hasText: trace.scenario.name }).waitFor();
  return ms;
}

interface Measure {
  fps: number;
  worstFrameMs: number;
  /** Main-thread time (script, style, layout, paint) per frame, ms: what the panel costs, whatever else the machine does. */
  busyPerFrameMs: number;
}

/**
 * Frames drawn per second while the page plays, counted with requestAnimationFrame, and the
 * main thread's busy time per frame from the DevTools protocol. The page script is a string
 * because tsx would wrap named functions in a helper the page does not have.
 */
async function measureFps(page: Page, ms: number): Promise<Measure> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const busy = async (): Promise<number> => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    return (metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0) * 1000;
  };
  const before = await busy();
  const r = await page.evaluate<{ fps: number; worstFrameMs: number; frames: number }>(`new Promise((done) => {
    let frames = 0, worst = 0, last = performance.now();
    const start = last;
    const tick = (now) => {
      frames++;
      worst = Math.max(worst, now - last);
      last = now;
      if (now - start < ${ms}) requestAnimationFrame(tick);
      else done({ fps: (frames * 1000) / (now - start), worstFrameMs: worst, frames });
    };
    requestAnimationFrame(tick);
  })`);
  const after = await busy();
  await cdp.detach();
  return { fps: r.fps, worstFrameMs: r.worstFrameMs, busyPerFrameMs: (after - before) / Math.max(1, r.frames) };
}

/** The events a live run of `trace` would have streamed, in time order. */
function eventsOf(trace: SimulationTrace): TraceEvent[] {
  const timed: TraceEvent[] = [
    {
      type: 'run-start',
      atMs: 0,
      epochMs: trace.epochMs,
      function: trace.function,
      runtime: trace.runtime,
      scenario: trace.scenario,
    },
  ];
  for (const env of trace.environments) {
    timed.push({ type: 'env-start', atMs: env.createdMs, env: { ...env, endedMs: null, endReason: null } });
    timed.push({ type: 'init-end', atMs: env.createdMs + env.initMs, env: { ...env, endedMs: null, endReason: null } });
    if (env.endedMs !== null) timed.push({ type: 'env-end', atMs: env.endedMs, env });
  }
  for (const inv of trace.invocations) {
    if (inv.env)
      timed.push({
        type: 'invoke-start',
        atMs: inv.startMs,
        requestId: inv.requestId,
        env: inv.env,
        attempt: inv.attempt,
        source: inv.source,
        cold: inv.cold,
      });
    timed.push({ type: 'invoke-end', atMs: inv.endMs, invocation: inv });
  }
  timed.sort((a, b) => a.atMs - b.atMs);
  timed.push({ type: 'run-end', atMs: trace.summary.simulatedMs, trace });
  return timed;
}

/** Streams `trace` as a live run, `batch` events every 50 ms (as the extension does), measuring while it arrives. */
async function measureLive(
  page: Page,
  trace: SimulationTrace,
  batch: number,
): Promise<{ fps: number; busyPerFrameMs: number; seconds: number }> {
  const post = (m: LiveStartMessage | LiveEventsMessage): Promise<void> =>
    page.evaluate(
      (msg) => (globalThis as unknown as { postMessage(m: unknown, origin: string): void }).postMessage(msg, '*'),
      m,
    );
  await post({ type: 'live-start', runId: 'bench', title: 'live bench' });
  const events = eventsOf(trace);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const busy = async (): Promise<number> =>
    ((await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0) * 1000;
  await page.evaluate('window.__frames = 0; (function count() { window.__frames++; requestAnimationFrame(count); })()');
  const before = await busy();
  const began = Date.now();
  for (let i = 0; i < events.length; i += batch) {
    await post({ type: 'live-events', runId: 'bench', events: events.slice(i, i + batch) });
    await new Promise((r) => setTimeout(r, 50));
  }
  const frames = Number(await page.evaluate('window.__frames'));
  const seconds = (Date.now() - began) / 1000;
  const after = await busy();
  await cdp.detach();
  await page.locator('.ll-live-badge').waitFor({ state: 'hidden' });
  return { fps: frames / seconds, busyPerFrameMs: (after - before) / Math.max(1, frames), seconds };
}

async function main(): Promise<void> {
  if (!existsSync(join(root, 'dist', 'webview', 'main.js')))
    throw new Error('dist/webview/main.js is missing: run `npm run build` first');
  const dir = mkdtempSync(join(tmpdir(), 'lambda-lens-panel-'));
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => {
      errors.push(`a dialog opened: ${d.message()}`);
      void d.dismiss();
    });

    const big = syntheticTrace({ invocations, burst: 50, reserved: 100, idleGapMs: 15 * 60_000, deployAtGap: true });
    const loadMs = await open(page, 'dark', big, dir);
    const canvas = page.locator('canvas.ll-canvas');
    await canvas.focus();
    // Whole run in view (the worst case: every bar on screen), playing at 10×.
    await page.selectOption('select.ll-speed', '10');
    await canvas.press('Space');
    const whole = await measureFps(page, seconds * 1000);
    // Zoomed in 16× around the playhead while it moves.
    for (let i = 0; i < 8; i++) await canvas.press('w');
    const zoomed = await measureFps(page, seconds * 1000);
    const rows = await page.locator('.ll-figure[data-key="environments"] .ll-figure-value').textContent();
    console.log(
      `trace: ${big.invocations.length} invocations, ${rows} environments, ${big.summary.throttles} throttles, ${(big.summary.simulatedMs / 1000).toFixed(0)} s simulated; shown ${loadMs.toFixed(0)} ms after the message`,
    );
    const line = (m: Measure): string =>
      `${m.fps.toFixed(1)} fps, main thread ${m.busyPerFrameMs.toFixed(1)} ms per frame, worst frame ${m.worstFrameMs.toFixed(0)} ms`;
    console.log(`playing at 10×, whole run in view: ${line(whole)}`);
    console.log(`playing at 10×, zoomed in 16×:     ${line(zoomed)}`);

    // A live run of the same size: its events streamed in batches, as the extension sends them.
    await open(page, 'dark', syntheticTrace({ invocations: 10, burst: 1 }), dir);
    const live = await measureLive(page, big, 400);
    console.log(
      `live, ${big.invocations.length} invocations streamed over ${live.seconds.toFixed(1)} s: ${live.fps.toFixed(1)} fps, main thread ${live.busyPerFrameMs.toFixed(1)} ms per frame`,
    );

    mkdirSync(shots, { recursive: true });
    const small = traceFile
      ? (JSON.parse(readFileSync(traceFile, 'utf8')) as SimulationTrace)
      : syntheticTrace({ invocations: 80, burst: 12, reserved: 10, spacingMs: 30 });
    for (const theme of ['light', 'dark', 'high-contrast'] as const) {
      await open(page, theme, small, dir);
      const c = page.locator('canvas.ll-canvas');
      await c.focus();
      // Walk the invocations with the keyboard to the one whose handler logged the XSS payload.
      for (let i = 0; i < Math.min(40, small.invocations.length); i++) {
        await c.press('ArrowRight');
        const logs = await page.locator('.ll-details').textContent();
        if (logs?.includes(XSS_PAYLOAD)) break;
      }
      const box = await c.boundingBox();
      if (box) await page.mouse.move(box.x + box.width * 0.3, box.y + 24 + 26 * 3 + 13);
      await page.waitForTimeout(150);
      const path = join(shots, `panel-${theme}.png`);
      await page.screenshot({ path });
      console.log(`screenshot: ${path}`);
    }
    const xss = {
      images: await page.locator('img').count(),
      shownAsText: (await page.locator('.ll-logs').allTextContents()).some((t) => t.includes(XSS_PAYLOAD)),
    };
    // Shift+drag across the first part of the run: the figures of that stretch.
    const area = await page.locator('canvas.ll-canvas').boundingBox();
    if (area) {
      await page.keyboard.down('Shift');
      await page.mouse.move(area.x + 200, area.y + 120);
      await page.mouse.down();
      await page.mouse.move(area.x + 420, area.y + 300, { steps: 5 });
      await page.mouse.up();
      await page.keyboard.up('Shift');
      await page.locator('.ll-details h2', { hasText: 'Selected stretch' }).waitFor();
      const rangeShot = join(shots, 'panel-range.png');
      await page.screenshot({ path: rangeShot });
      console.log(`screenshot: ${rangeShot}`);
    }
    // Search: errors stand out, the rest steps back.
    await page.fill('input.ll-search', traceFile ? 'error' : 'card declined');
    await page.press('input.ll-search', 'Enter');
    await page.locator('.ll-search-count', { hasText: '/' }).waitFor();
    const searchShot = join(shots, 'panel-search.png');
    await page.screenshot({ path: searchShot });
    console.log(`screenshot: ${searchShot} (search: ${await page.locator('.ll-search-count').textContent()})`);
    console.log(`XSS payload shown as text: ${xss.shownAsText}; <img> elements in the page: ${xss.images}`);
    if (errors.length > 0) throw new Error(`page errors:\n${errors.join('\n')}`);
    if (xss.images > 0 || (!traceFile && !xss.shownAsText)) throw new Error('the XSS payload was not shown as text');
  } finally {
    await browser.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
