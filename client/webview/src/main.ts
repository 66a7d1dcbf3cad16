/**
 * The timeline panel's page script: receives a trace (or a live run's events) from the
 * extension, plays it back on a canvas, and shows details, a summary and a legend in DOM nodes.
 *
 * The parts: state.ts (the one state object), actions.ts (what the user can do to it),
 * input.ts (keys, pointer, toolbar, search), details.ts (the details pane), panes.ts (summary,
 * versions, legend), layout.ts (the page's nodes). This file loads runs, runs the frame loop and
 * keeps the view state across reloads.
 */
import './panel.css';
import type { FromWebviewMessage, PanelViewState, RunSource, ToWebviewMessage } from '../../shared/protocol';
import type { SimulationTrace } from '../../../server/src/simulator/trace';
import { Actions } from './actions';
import { renderDetails } from './details';
import { setIcon } from './dom';
import { attachInput } from './input';
import { buildPage } from './layout';
import { LiveRun, timelineOfTrace, type Timeline } from './model';
import { OVERVIEW_HEIGHT, Overview } from './overview';
import { renderLegend, renderSummary, renderVersions } from './panes';
import { advance, initialPlayback, validSpeed } from './playback';
import { renderMemorySizes } from './memorySizes';
import { LAYOUT, Renderer } from './render';
import { createState, findBar, firstRow } from './state';
import { readTheme } from './theme';
import { formatDuration, formatTime } from './timeaxis';
import { readShownTune, type ShownTune } from './tuneChart';
import { clampView, fitView, revealView } from './viewport';

const vscode = acquireVsCodeApi<PanelViewState>();

function post(message: FromWebviewMessage): void {
  vscode.postMessage(message);
}

const s = createState();
const restored = vscode.getState();
// Compressed time is a preference of the panel, kept across reloads whatever run is shown.
if (restored?.compress === false) s.compress = false;
const page = buildPage(document.getElementById('root') ?? document.body);

// ---- views: the timeline, and the memory sizes (Compare Memory Sizes…) -------------------------

let tune: ShownTune | null = readShownTune(restored?.tune);
let tab: 'timeline' | 'memory' = 'timeline';

function showTab(next: 'timeline' | 'memory', focus = false): void {
  tab = next === 'memory' && tune ? 'memory' : 'timeline';
  page.app.dataset.view = tab;
  page.memory.hidden = tab !== 'memory';
  for (const [button, name] of [
    [page.timelineTab, 'timeline'],
    [page.memoryTab, 'memory'],
  ] as const) {
    button.setAttribute('aria-selected', String(tab === name));
    button.tabIndex = tab === name ? 0 : -1;
  }
  if (focus) (tab === 'memory' ? page.memoryTab : page.timelineTab).focus();
  saveState();
}

function loadTune(next: ShownTune, reveal: boolean): void {
  tune = next;
  page.tabs.hidden = false;
  renderMemorySizes(page.memory, tune);
  if (reveal) {
    showTab('memory');
    page.announcer.textContent = `${next.title}: cheapest ${next.result.cheapestMb} MB, fastest ${next.result.fastestMb} MB`;
  } else showTab(tab);
}

page.timelineTab.addEventListener('click', () => showTab('timeline'));
page.memoryTab.addEventListener('click', () => showTab('memory'));
// The tab list's keys (WAI-ARIA tabs): arrows, Home and End move to a tab and show it.
page.tabs.addEventListener('keydown', (e) => {
  const to =
    e.key === 'ArrowLeft' || e.key === 'Home'
      ? 'timeline'
      : e.key === 'ArrowRight' || e.key === 'End'
        ? 'memory'
        : null;
  if (!to) return;
  e.preventDefault();
  showTab(to, true);
});

const actions = new Actions(s, {
  detailsChanged: () => showDetails(),
  searchCount: (text) => (page.searchCount.textContent = text),
  searchFound: (any) => {
    page.prevMatchButton.disabled = !any;
    page.nextMatchButton.disabled = !any;
  },
  announce: (text) => (page.announcer.textContent = text),
});

function context2d(target: HTMLCanvasElement): CanvasRenderingContext2D {
  const c = target.getContext('2d', { alpha: false });
  if (!c) throw new Error('Lambda Lens: no 2D canvas');
  return c;
}
const ctx = context2d(page.canvas);
const overviewCtx = context2d(page.overviewCanvas);
const theme = readTheme();
const renderer = new Renderer(ctx, theme);
const overview = new Overview(overviewCtx, theme);

/** Work asked for the next animation frame, and the debounced state save. */
const pending = {
  frame: false,
  resize: false,
  lastFrame: 0,
  save: null as ReturnType<typeof setTimeout> | null,
};

// ---- loading --------------------------------------------------------------------------------

function setTimeline(next: Timeline, keepView: boolean): void {
  actions.setTimeline(next, keepView);
  page.empty.hidden = s.timeline.rows.length > 0;
}

function loadTrace(t: SimulationTrace, src: RunSource, runTitle: string): void {
  s.trace = t;
  s.live = null;
  s.liveRunId = null;
  s.source = src;
  s.title = runTitle;
  s.inputsById = new Map(t.inputs.map((i) => [i.id, i]));
  s.userMovedView = false;
  page.note.classList.remove('ll-error');
  setTimeline(timelineOfTrace(t), false);
  const st = restored && restoredMatches(src) ? restored : null;
  s.playback = initialPlayback(s.timeline.endMs);
  if (st) {
    if (st.view) {
      s.view = clampView(st.view, s.axis.displayEnd);
      s.userMovedView = true;
    }
    s.playback = { ...s.playback, playheadMs: Math.min(st.playheadMs, s.timeline.endMs), speed: validSpeed(st.speed) };
    s.scrollRow = st.scrollRow;
    s.selectedKey = st.selected;
    if (typeof st.query === 'string' && st.query !== s.query) {
      s.query = st.query;
      page.searchInput.value = s.query;
      actions.runSearch(false);
    }
    s.selected = findBar(s, s.selectedKey);
  } else {
    s.scrollRow = 0;
    s.selectedKey = null;
    s.selected = null;
  }
  renderHeader();
  renderFigures();
  showDetails();
  invalidate();
}

/** True when the state saved before a reload was about the run `src` (then its view is restored). */
function restoredMatches(src: RunSource): boolean {
  const r = restored?.source;
  if (!r) return false;
  if (r.kind === 'file' && src.kind === 'file') return r.path === src.path;
  if (r.kind === 'live' && src.kind === 'live') return r.runId === src.runId;
  return false;
}

function startLive(runId: string, runTitle: string): void {
  s.trace = null;
  s.inputsById = new Map();
  s.live = new LiveRun();
  s.liveRunId = runId;
  s.source = { kind: 'live', runId };
  s.title = runTitle;
  s.userMovedView = false;
  s.scrollRow = 0;
  s.selectedKey = null;
  setTimeline(s.live.timeline(), false);
  s.playback = { ...initialPlayback(0), following: true, speed: s.playback.speed };
  page.note.hidden = true;
  page.note.classList.remove('ll-error');
  renderHeader();
  renderFigures();
  showDetails();
  invalidate();
}

function rebuildLive(): void {
  const live = s.live;
  if (!live) return;
  const began = performance.now();
  if (live.trace) {
    const t = live.trace;
    s.trace = t;
    s.inputsById = new Map(t.inputs.map((i) => [i.id, i]));
  } else {
    s.inputsById = live.inputs;
  }
  setTimeline(live.timeline(), true);
  if (live.trace) {
    s.live = null;
    s.liveRunId = null;
    s.playback = { ...s.playback, following: false, playheadMs: s.timeline.endMs };
    renderHeader();
  }
  renderFigures();
  if (s.selected) showDetails();
  s.liveDirty = false;
  s.lastLiveBuild = performance.now();
  s.liveBuildCost = s.lastLiveBuild - began;
}

window.addEventListener('message', (e: MessageEvent<ToWebviewMessage>) => {
  const m = e.data;
  switch (m.type) {
    case 'load-trace':
      loadTrace(m.trace, m.source, m.title);
      break;
    case 'live-start':
      startLive(m.runId, m.title);
      break;
    case 'live-events':
      if (!s.live || m.runId !== s.liveRunId) return;
      for (const ev of m.events) s.live.apply(ev);
      s.liveDirty = true;
      invalidate();
      break;
    case 'live-failed':
      if (m.runId !== s.liveRunId) return;
      s.live = null;
      s.liveRunId = null;
      page.note.textContent = `The run stopped: ${m.message}`;
      page.note.hidden = false;
      page.note.classList.add('ll-error');
      renderHeader();
      break;
    case 'run-saved':
      if (s.source?.kind === 'live' && s.source.runId === m.runId) {
        s.source = m.source;
        saveState();
      }
      break;
    case 'load-tune':
      loadTune({ result: m.result, title: m.title }, m.reveal);
      break;
  }
});

// ---- header, figures, details ---------------------------------------------------------------

function renderHeader(): void {
  const t = s.trace;
  const fn = t?.function ?? s.live?.header?.function ?? null;
  const rt = t?.runtime ?? s.live?.header?.runtime ?? null;
  const { note } = page;
  page.title.textContent = s.title || (fn ? fn.name : 'Lambda Lens timeline');
  const timeout = fn ? ` · timeout ${formatDuration(fn.timeoutMs)}${t?.cancelled ? ' · cancelled' : ''}` : '';
  page.subtitle.textContent = fn
    ? `${fn.handler} · ${fn.runtime} · ${fn.memorySizeMb} MB · ${fn.architecture}${timeout}`
    : '';
  if (rt && !rt.exact) {
    note.textContent = rt.note;
    note.hidden = false;
    note.classList.remove('ll-error');
  } else if (!note.classList.contains('ll-error')) {
    note.hidden = true;
  }
  const isLive = s.liveRunId !== null;
  page.app.dataset.state = isLive ? 'live' : note.classList.contains('ll-error') ? 'failed' : t ? 'done' : 'empty';
  page.liveBadge.hidden = !isLive;
  page.liveButton.hidden = !isLive;
  page.cancelButton.hidden = !isLive;
  page.exportButton.hidden = isLive || !t;
}

function renderFigures(): void {
  renderSummary(page.summary, s);
  renderVersions(page.versions, s);
}

function showDetails(): void {
  renderDetails(page.details, s, {
    close: () => act(() => actions.select(null)),
    clearRange: () => act(() => actions.clearRange()),
    revealLogs: (requestId, attempt) => post({ type: 'reveal-logs', requestId, attempt }),
    revealFinding: (fn, service, operation) => post({ type: 'reveal-finding', fn, service, operation }),
  });
  scheduleResize();
}

// ---- input ----------------------------------------------------------------------------------

/** Runs a user action, then redraws and saves the view state. */
function act(action: () => void): void {
  action();
  invalidate();
  saveState();
}

attachInput(s, actions, page, { act, invalidate, saveState, renderDetails: showDetails, post });

// ---- frame loop -----------------------------------------------------------------------------

function invalidate(): void {
  if (pending.frame) return;
  pending.frame = true;
  requestAnimationFrame(frame);
}

function frame(now: number): void {
  pending.frame = false;
  const dt = pending.lastFrame === 0 ? 0 : Math.min(100, now - pending.lastFrame);
  pending.lastFrame = now;
  if (s.liveDirty && now - s.lastLiveBuild > Math.max(100, 4 * s.liveBuildCost)) rebuildLive();
  s.playback = advance(s.playback, s.axis, dt, s.timeline.endMs);
  if (s.playback.following && !s.userMovedView) s.view = fitView(s.axis.displayEnd);
  else if (s.playback.playing) s.view = revealView(s.view, s.axis.toDisplay(s.playback.playheadMs), s.axis.displayEnd);
  const playheadMs = s.playback.playheadMs;
  renderer.draw({
    timeline: s.timeline,
    axis: s.axis,
    view: s.view,
    playheadMs,
    scrollRow: firstRow(s),
    selected: s.selected,
    hovered: s.hovered,
    matches: s.matchSet,
    range: s.range,
    width: s.width,
    height: s.height,
  });
  overview.draw({
    timeline: s.timeline,
    axis: s.axis,
    view: s.view,
    playheadMs,
    width: s.width,
    dragging: s.overviewDrag,
  });
  updateControls();
  if (s.playback.playing || s.liveDirty) invalidate();
  else {
    pending.lastFrame = 0;
    saveState();
  }
}

function updateControls(): void {
  const { playback, axis } = s;
  setIcon(page.playButton, playback.playing ? 'debug-pause' : 'play', playback.playing ? 'Pause' : 'Play', 'Space');
  if (page.speedSelect.value !== String(playback.speed)) page.speedSelect.value = String(playback.speed);
  const frac = axis.displayEnd > 0 ? axis.toDisplay(playback.playheadMs) / axis.displayEnd : 1;
  const v = String(Math.round(frac * 1000));
  if (page.scrubber.value !== v) page.scrubber.value = v;
  const label = `${formatTime(playback.playheadMs)} / ${formatTime(s.timeline.endMs)}`;
  page.scrubber.setAttribute('aria-valuetext', label);
  page.clock.textContent = label;
  page.liveButton.classList.toggle('ll-on', playback.following);
  page.compressButton.classList.toggle('ll-on', s.compress);
  page.compressButton.setAttribute('aria-pressed', String(s.compress));
}

// ---- size, theme, state ---------------------------------------------------------------------

function scheduleResize(): void {
  if (pending.resize) return;
  pending.resize = true;
  requestAnimationFrame(() => {
    pending.resize = false;
    resize();
  });
}

function resize(): void {
  const dpr = window.devicePixelRatio || 1;
  const rect = page.timelineBox.getBoundingClientRect();
  s.width = Math.max(200, Math.floor(rect.width));
  s.height = Math.max(LAYOUT.axisHeight + LAYOUT.rowHeight, Math.floor(rect.height) - OVERVIEW_HEIGHT);
  const { canvas, overviewCanvas } = page;
  canvas.width = Math.floor(s.width * dpr);
  canvas.height = Math.floor(s.height * dpr);
  canvas.style.width = `${s.width}px`;
  canvas.style.height = `${s.height}px`;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  overviewCanvas.width = Math.floor(s.width * dpr);
  overviewCanvas.height = Math.floor(OVERVIEW_HEIGHT * dpr);
  overviewCanvas.style.width = `${s.width}px`;
  overviewCanvas.style.height = `${OVERVIEW_HEIGHT}px`;
  overviewCtx.setTransform(dpr, 0, 0, dpr, 0, 0);
  invalidate();
}

new ResizeObserver(() => scheduleResize()).observe(page.timelineBox);
new MutationObserver(() => {
  const next = readTheme();
  renderer.setTheme(next);
  overview.setTheme(next);
  renderLegend(page.legend, next);
  invalidate();
}).observe(document.body, { attributes: true, attributeFilter: ['class', 'style'] });

function saveState(): void {
  if (pending.save !== null) return;
  pending.save = setTimeout(() => {
    pending.save = null;
    vscode.setState({
      source: s.source,
      title: s.title,
      view: s.userMovedView ? s.view : null,
      playheadMs: s.playback.playheadMs,
      speed: s.playback.speed,
      selected: s.selectedKey,
      scrollRow: s.scrollRow,
      query: s.query,
      compress: s.compress,
      tune,
      tab,
    });
  }, 300);
}

renderLegend(page.legend, theme);
if (tune) loadTune(tune, restored?.tab === 'memory');
renderHeader();
renderFigures();
resize();
post({ type: 'ready', source: restored?.source ?? null });
