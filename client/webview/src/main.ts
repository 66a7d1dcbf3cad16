/**
 * The timeline panel's page script: receives a trace (or a live run's events) from the
 * extension, plays it back on a canvas, and shows details, a summary and a legend in DOM nodes.
 */
import './panel.css';
import type { FromWebviewMessage, PanelViewState, RunSource, ToWebviewMessage } from '../../shared/protocol';
import type { SimulationTrace, TraceInput } from '../../../server/src/simulator/trace';
import { badgesOf, initLines, outcomeText, tooltipOf } from './describe';
import { clear, el, iconButton, setIcon } from './dom';
import { barAt, buildTimeline, invocationKey, LiveRun, timelineOfTrace, type Bar, type Row, type Timeline } from './model';
import { advance, changeSpeed, initialPlayback, seek, SPEEDS, step, togglePlay, validSpeed, type Playback } from './playback';
import { OVERVIEW_HEIGHT, Overview } from './overview';
import { LAYOUT, Renderer, visibleRowCount } from './render';
import { findMatches, stepMatch } from './search';
import { rangeFigures } from './selection';
import { computeFigures, figuresOfSummary, summaryItems } from './summary';
import { readTheme } from './theme';
import { buildTimeAxis, formatDuration, formatTime, type TimeAxis } from './timeaxis';
import { deployFigures, deploySentence, versionAccent, versionCells, versionFigures, versionText } from './versions';
import { clampView, fitView, panView, revealView, zoomView, type View } from './viewport';

const vscode = acquireVsCodeApi<PanelViewState>();

function post(message: FromWebviewMessage): void {
  vscode.postMessage(message);
}

// ---- state ----------------------------------------------------------------------------------

let timeline: Timeline = buildTimeline([], []);
let axis: TimeAxis = buildTimeAxis([], 0);
let trace: SimulationTrace | null = null;
let inputsById = new Map<string, TraceInput>();
let live: LiveRun | null = null;
let liveRunId: string | null = null;
let liveDirty = false;
let lastLiveBuild = 0;
/** How long the last live rebuild took, ms: rebuilds are spaced so that they take at most a fifth of the time. */
let liveBuildCost = 0;
let source: RunSource | null = null;
let title = '';
let view: View = fitView(1);
let userMovedView = false;
let playback: Playback = initialPlayback(0);
let scrollRow = 0;
let selectedKey: string | null = null;
let selected: Bar | null = null;
let hovered: Bar | null = null;
let query = '';
/** Invocation indices matching the search, in time order, and the one last gone to. */
let matches: number[] = [];
let matchSet: Set<number> | null = null;
let matchIndex = -1;
/** A stretch selected with Shift+drag (simulated ms), shown with its figures in the details pane. */
let range: { fromMs: number; toMs: number } | null = null;

const restored = vscode.getState();

// ---- DOM ------------------------------------------------------------------------------------

const root = document.getElementById('root') ?? document.body;
const titleEl = el('h1', { className: 'll-title', text: 'Lambda Lens timeline' });
const subtitleEl = el('div', { className: 'll-subtitle' });
const noteEl = el('div', { className: 'll-note', attrs: { role: 'note' } });
noteEl.hidden = true;

const playButton = iconButton('play', 'Play', 'Space', () => act(() => (playback = togglePlay(playback, timeline.endMs))));
const prevButton = iconButton('chevron-left', 'Previous event', ',', () => act(() => stepTo(-1)));
const nextButton = iconButton('chevron-right', 'Next event', '.', () => act(() => stepTo(1)));
const speedSelect = el('select', { className: 'll-speed', title: 'Playback speed ([ and ])', attrs: { 'aria-label': 'Playback speed' } });
for (const s of SPEEDS) speedSelect.appendChild(el('option', { text: `${s}×`, attrs: { value: String(s) } }));
speedSelect.addEventListener('change', () => act(() => (playback = { ...playback, speed: validSpeed(Number(speedSelect.value)) })));
const scrubber = el('input', { className: 'll-scrubber', attrs: { type: 'range', min: '0', max: '1000', step: '1', value: '1000', 'aria-label': 'Playhead' } });
scrubber.addEventListener('input', () => act(() => (playback = seek(playback, axis.toSim((Number(scrubber.value) / 1000) * axis.displayEnd), timeline.endMs))));
const clockEl = el('span', { className: 'll-clock', attrs: { 'aria-live': 'off' } });
const liveButton = iconButton('broadcast', 'Follow live run', 'L', () => act(() => (playback = { ...playback, following: true, playing: false })));
const cancelButton = iconButton('debug-stop', 'Cancel run', null, () => {
  if (liveRunId) post({ type: 'cancel-run', runId: liveRunId });
});
const zoomInButton = iconButton('zoom-in', 'Zoom in', 'W', () => act(() => zoom(0.5)));
const zoomOutButton = iconButton('zoom-out', 'Zoom out', 'S', () => act(() => zoom(2)));
const fitButton = iconButton('screen-full', 'Fit the whole run', 'F', () => act(() => fitAll()));
const exportButton = iconButton('export', 'Export as Chrome trace', null, () => post({ type: 'export-chrome-trace' }));
const searchInput = el('input', {
  className: 'll-search',
  title: 'Search request ids, environments, outcomes, errors and log lines (a regular expression or plain text). Enter: next match, Shift+Enter: previous.',
  attrs: { type: 'search', placeholder: 'Search requests and logs', 'aria-label': 'Search invocations', spellcheck: 'false' },
});
const searchCount = el('span', { className: 'll-search-count', attrs: { 'aria-live': 'polite' } });
const prevMatchButton = iconButton('arrow-up', 'Previous match', 'Shift+Enter', () => act(() => goToMatch(-1)));
const nextMatchButton = iconButton('arrow-down', 'Next match', 'Enter', () => act(() => goToMatch(1)));
const liveBadge = el('span', { className: 'll-live-badge', text: 'LIVE' });
liveBadge.hidden = true;

const toolbar = el(
  'div',
  { className: 'll-toolbar', attrs: { role: 'toolbar', 'aria-label': 'Playback' } },
  playButton,
  prevButton,
  nextButton,
  speedSelect,
  scrubber,
  clockEl,
  liveBadge,
  liveButton,
  cancelButton,
  el('span', { className: 'll-sep' }),
  zoomOutButton,
  zoomInButton,
  fitButton,
  exportButton,
  el('span', { className: 'll-sep' }),
  el('span', { className: 'codicon codicon-search ll-search-icon', attrs: { 'aria-hidden': 'true' } }),
  searchInput,
  searchCount,
  prevMatchButton,
  nextMatchButton,
);
const summaryEl = el('section', { className: 'll-summary', attrs: { 'aria-label': 'Run summary' } });
/** Per-version figures and each deployment's cold-start wave; hidden for runs without versions. */
const versionsEl = el('section', { className: 'll-versions', attrs: { 'aria-label': 'Versions and deployments' } });
versionsEl.hidden = true;
const legendEl = el('div', { className: 'll-legend', attrs: { 'aria-label': 'Legend' } });
const canvas = el('canvas', {
  className: 'll-canvas',
  attrs: {
    tabindex: '0',
    role: 'application',
    'aria-roledescription': 'timeline',
    'aria-label': 'Timeline of execution environments',
    'aria-describedby': 'll-keys',
  },
});
const overviewCanvas = el('canvas', { className: 'll-overview', title: 'Overview of the whole run: drag across it to zoom there, click to centre the view', attrs: { 'aria-hidden': 'true' } });
const tooltip = el('div', { className: 'll-tooltip', attrs: { role: 'tooltip' } });
tooltip.hidden = true;
const emptyEl = el('div', { className: 'll-empty', text: 'No run to show yet. Run “Lambda Lens: Simulate Function…” or “Lambda Lens: Open Trace File…”.' });
const timelineBox = el('div', { className: 'll-timeline' }, overviewCanvas, canvas, tooltip, emptyEl);
const details = el('aside', { className: 'll-details', attrs: { 'aria-label': 'Invocation details', tabindex: '-1' } });
details.hidden = true;
const keysEl = el('p', {
  className: 'll-keys',
  text: 'Keys: Space play/pause · , and . previous/next event · W/S or wheel zoom · A/D, Shift+wheel or drag pan · Shift+drag select a stretch · ←/→ previous/next invocation · ↑/↓ row above/below · Enter details · Esc close · F fit · [ and ] speed · L follow live · Home/End start/end · / or Ctrl+F search.',
  attrs: { id: 'll-keys' },
});
const announcer = el('div', { className: 'll-sr', attrs: { 'aria-live': 'polite' } });

/** The page; `data-state` says what it shows: `empty`, `live`, `done` or `failed` (tests wait on it). */
const app = el(
  'div',
  { className: 'll-app' },
  el('header', { className: 'll-header' }, titleEl, subtitleEl, noteEl),
  toolbar,
  summaryEl,
  versionsEl,
  legendEl,
  el('div', { className: 'll-main' }, timelineBox, details),
  keysEl,
  announcer,
);
app.dataset.state = 'empty';
root.appendChild(app);

function context2d(target: HTMLCanvasElement): CanvasRenderingContext2D {
  const c = target.getContext('2d', { alpha: false });
  if (!c) throw new Error('Lambda Lens: no 2D canvas');
  return c;
}
const ctx = context2d(canvas);
const overviewCtx = context2d(overviewCanvas);
let theme = readTheme();
const renderer = new Renderer(ctx, theme);
const overview = new Overview(overviewCtx, theme);
let overviewDrag: { from: number; to: number } | null = null;
let cssWidth = 0;
let cssHeight = 0;

// ---- loading --------------------------------------------------------------------------------

function setTimeline(next: Timeline, keepView: boolean): void {
  timeline = next;
  const spans: number[] = [];
  for (const row of timeline.rows) for (const b of row.bars) spans.push(Math.min(b.arrived, b.start), b.end);
  axis = buildTimeAxis(spans, timeline.endMs);
  if (!keepView || !userMovedView) view = fitView(axis.displayEnd);
  else view = clampView(view, axis.displayEnd);
  selected = findBar(selectedKey);
  hovered = null;
  emptyEl.hidden = timeline.rows.length > 0;
  runSearch(false);
}

function loadTrace(t: SimulationTrace, src: RunSource, runTitle: string): void {
  trace = t;
  live = null;
  liveRunId = null;
  source = src;
  title = runTitle;
  inputsById = new Map(t.inputs.map((i) => [i.id, i]));
  userMovedView = false;
  noteEl.classList.remove('ll-error');
  setTimeline(timelineOfTrace(t), false);
  const st = restored && restoredMatches(src) ? restored : null;
  playback = initialPlayback(timeline.endMs);
  if (st) {
    if (st.view) {
      view = clampView(st.view, axis.displayEnd);
      userMovedView = true;
    }
    playback = { ...playback, playheadMs: Math.min(st.playheadMs, timeline.endMs), speed: validSpeed(st.speed) };
    scrollRow = st.scrollRow;
    selectedKey = st.selected;
    if (typeof st.query === 'string' && st.query !== query) {
      query = st.query;
      searchInput.value = query;
      runSearch(false);
    }
    selected = findBar(selectedKey);
  } else {
    scrollRow = 0;
    selectedKey = null;
    selected = null;
  }
  renderHeader();
  renderSummary();
  renderDetails();
  invalidate();
}

/** True when the state saved before a reload was about the run `src` (then its view is restored). */
function restoredMatches(src: RunSource): boolean {
  const s = restored?.source;
  if (!s) return false;
  if (s.kind === 'file' && src.kind === 'file') return s.path === src.path;
  if (s.kind === 'live' && src.kind === 'live') return s.runId === src.runId;
  return false;
}

function startLive(runId: string, runTitle: string): void {
  trace = null;
  inputsById = new Map();
  live = new LiveRun();
  liveRunId = runId;
  source = { kind: 'live', runId };
  title = runTitle;
  userMovedView = false;
  scrollRow = 0;
  selectedKey = null;
  setTimeline(live.timeline(), false);
  playback = { ...initialPlayback(0), following: true, speed: playback.speed };
  noteEl.hidden = true;
  noteEl.classList.remove('ll-error');
  renderHeader();
  renderSummary();
  renderDetails();
  invalidate();
}

function rebuildLive(): void {
  if (!live) return;
  const began = performance.now();
  if (live.trace) {
    const t = live.trace;
    trace = t;
    inputsById = new Map(t.inputs.map((i) => [i.id, i]));
  } else {
    inputsById = live.inputs;
  }
  setTimeline(live.timeline(), true);
  if (live.trace) {
    live = null;
    liveRunId = null;
    playback = { ...playback, following: false, playheadMs: timeline.endMs };
    renderHeader();
  }
  renderSummary();
  if (selected) renderDetails();
  liveDirty = false;
  lastLiveBuild = performance.now();
  liveBuildCost = lastLiveBuild - began;
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
      if (!live || m.runId !== liveRunId) return;
      for (const ev of m.events) live.apply(ev);
      liveDirty = true;
      invalidate();
      break;
    case 'live-failed':
      if (m.runId !== liveRunId) return;
      live = null;
      liveRunId = null;
      noteEl.textContent = `The run stopped: ${m.message}`;
      noteEl.hidden = false;
      noteEl.classList.add('ll-error');
      renderHeader();
      break;
    case 'run-saved':
      if (source?.kind === 'live' && source.runId === m.runId) {
        source = m.source;
        saveState();
      }
      break;
  }
});

// ---- header, summary, legend, details -------------------------------------------------------

function renderHeader(): void {
  const t = trace;
  const fn = t?.function ?? live?.header?.function ?? null;
  const rt = t?.runtime ?? live?.header?.runtime ?? null;
  titleEl.textContent = title || (fn ? fn.name : 'Lambda Lens timeline');
  subtitleEl.textContent = fn ? `${fn.handler} · ${fn.runtime} · ${fn.memorySizeMb} MB · ${fn.architecture} · timeout ${formatDuration(fn.timeoutMs)}${t?.cancelled ? ' · cancelled' : ''}` : '';
  if (rt && !rt.exact) {
    noteEl.textContent = rt.note;
    noteEl.hidden = false;
    noteEl.classList.remove('ll-error');
  } else if (!noteEl.classList.contains('ll-error')) {
    noteEl.hidden = true;
  }
  const isLive = liveRunId !== null;
  app.dataset.state = isLive ? 'live' : noteEl.classList.contains('ll-error') ? 'failed' : trace ? 'done' : 'empty';
  liveBadge.hidden = !isLive;
  liveButton.hidden = !isLive;
  cancelButton.hidden = !isLive;
  exportButton.hidden = isLive || !trace;
}

function renderSummary(): void {
  const figures = trace ? figuresOfSummary(trace.summary) : computeFigures(timeline.invocations, timeline.rows.filter((r) => r.env).length);
  clear(summaryEl);
  for (const item of summaryItems(figures)) {
    summaryEl.appendChild(
      el('div', { className: 'll-figure', title: item.title, attrs: { 'data-key': item.key } }, el('span', { className: 'll-figure-label', text: item.label }), el('span', { className: 'll-figure-value', text: item.value })),
    );
  }
  renderVersions();
}

function renderVersions(): void {
  clear(versionsEl);
  const envs = timeline.rows.flatMap((r) => (r.env ? [r.env] : []));
  const perVersion = versionFigures(timeline.invocations, envs);
  versionsEl.hidden = perVersion.length === 0;
  if (perVersion.length === 0) return;
  const head = el('tr', {}, ...['Version', 'Environments', 'Invocations', 'Cold starts', 'Response p50 / p99'].map((h) => el('th', { text: h, attrs: { scope: 'col' } })));
  head.lastElementChild?.setAttribute('title', 'Arrival to response, INIT included: what the caller waited');
  const body = el('tbody');
  perVersion.forEach((f, i) => {
    const c = versionCells(f);
    body.appendChild(
      el(
        'tr',
        { className: 'll-version', attrs: { 'data-version': f.version } },
        el('th', { attrs: { scope: 'row' } }, el('span', { className: `ll-vbadge ll-accent-${versionAccent(i)}`, text: c.version })),
        el('td', { text: c.environments }),
        el('td', { text: c.invocations }),
        el('td', { text: c.coldStarts }),
        el('td', { text: c.response }),
      ),
    );
  });
  versionsEl.appendChild(el('table', { className: 'll-version-table' }, el('thead', {}, head), body));
  const deploys = deployFigures(timeline.invocations, timeline.deployments, timeline.endMs);
  if (deploys.length > 0) {
    const list = el('ul', { className: 'll-deploys' });
    for (const d of deploys) list.appendChild(el('li', { className: 'll-deploy', text: deploySentence(d), attrs: { 'data-version': d.deployment.version } }));
    versionsEl.appendChild(list);
  }
}

function renderLegend(): void {
  clear(legendEl);
  const sample = (style: Bar['style'], kind: Bar['kind'], attempt = 1): Bar => ({ kind, style, start: 0, end: 1, arrived: 0, attempt, cold: style === 'cold', inv: -1, open: false });
  const entries: [string, Bar][] = [
    ['INIT', sample('init', 'init')],
    ['Cold start', sample('cold', 'invoke')],
    ['Warm start', sample('warm', 'invoke')],
    ['Error', sample('error', 'invoke')],
    ['Timeout', sample('timeout', 'invoke')],
    ['Crash / out of memory', sample('crash', 'invoke')],
    ['Throttled', sample('throttle', 'throttle')],
    ['Retry', sample('warm', 'invoke', 2)],
    ['Environment ended', sample('warm', 'env-end')],
  ];
  const dpr = window.devicePixelRatio || 1;
  for (const [label, bar] of entries) {
    const c = el('canvas', { className: 'll-swatch', attrs: { 'aria-hidden': 'true' } });
    c.width = 34 * dpr;
    c.height = 22 * dpr;
    const cx = c.getContext('2d');
    if (cx) {
      cx.scale(dpr, dpr);
      const r = new Renderer(cx, theme);
      const x0 = bar.kind === 'throttle' || bar.kind === 'env-end' ? 17 : 4;
      r.drawBar(bar, x0, 30, 12, null);
    }
    legendEl.appendChild(el('span', { className: 'll-legend-item' }, c, el('span', { text: label })));
  }
}

function section(heading: string, ...children: Node[]): HTMLElement {
  return el('section', { className: 'll-section' }, el('h3', { text: heading }), ...children);
}

function fields(pairs: [string, string][]): HTMLElement {
  const dl = el('dl', { className: 'll-fields' });
  for (const [k, v] of pairs) dl.append(el('dt', { text: k }), el('dd', { text: v }));
  return dl;
}

function logBlock(lines: readonly string[]): HTMLElement {
  const pre = el('pre', { className: 'll-logs' });
  for (const line of lines) {
    const kind = /^(START|END|REPORT|INIT_START|INIT_REPORT) /.exec(line)?.[1] ?? (/\t(ERROR|WARN)\t/.test(line) || /^\S+\t\S+\tERROR/.test(line) ? 'ERROR' : '');
    pre.appendChild(el('span', { className: kind ? `ll-log ll-log-${kind.toLowerCase()}` : 'll-log', text: `${line}\n` }));
  }
  return pre;
}

function json(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2) ?? 'undefined';
  } catch {
    return String(value);
  }
}

function renderRange(r: { fromMs: number; toMs: number }): void {
  const f = rangeFigures(timeline, r.fromMs, r.toMs);
  const close = iconButton('close', 'Clear the selection', 'Esc', () => act(() => clearRange()));
  close.classList.add('ll-close');
  const ms = (v: number | null): string => (v === null ? '—' : formatDuration(v));
  details.append(
    el('div', { className: 'll-details-head' }, el('h2', { text: 'Selected stretch' }), close),
    fields([
      ['From', formatTime(f.fromMs)],
      ['To', formatTime(f.toMs)],
      ['Length', formatDuration(f.toMs - f.fromMs)],
      ['Invocations', String(f.invocations)],
      ['Cold starts', f.invocations === 0 ? '0' : `${f.cold} (${Math.round((f.cold / f.invocations) * 1000) / 10}%)`],
      ['Errors', String(f.errors)],
      ['Retries', String(f.retries)],
      ['Throttles', String(f.throttles)],
      ['Environments', String(f.environments)],
      ['Duration p50 / p95', `${ms(f.duration.p50)} / ${ms(f.duration.p95)}`],
      ['Duration max', ms(f.duration.max)],
      ['Billed', `${f.billedMs.toLocaleString('en-US')} ms`],
    ]),
    el('p', { className: 'll-hint', text: 'Counts what started in the stretch. Shift+drag on the timeline to select another.' }),
  );
}

function clearRange(): void {
  range = null;
  renderDetails();
}

function renderDetails(): void {
  clear(details);
  const bar = selected;
  if (!bar && range) {
    details.hidden = false;
    renderRange(range);
    scheduleResize();
    return;
  }
  if (!bar) {
    details.hidden = true;
    scheduleResize();
    return;
  }
  details.hidden = false;
  const row = rowOf(bar);
  const close = iconButton('close', 'Close details', 'Esc', () => act(() => select(null)));
  close.classList.add('ll-close');
  const inv = bar.inv >= 0 ? timeline.invocations[bar.inv] : undefined;
  if (inv) {
    const badges = el('div', { className: 'll-badges' });
    for (const b of badgesOf(inv)) badges.appendChild(el('span', { className: `ll-badge ll-badge-${b.kind}`, text: b.text }));
    details.append(
      el('div', { className: 'll-details-head' }, el('h2', { text: inv.outcome === 'throttled' ? 'Throttled request' : 'Invocation' }), close),
      badges,
      fields([
        ['Request id', inv.requestId],
        ['Outcome', outcomeText(inv)],
        ['Environment', inv.env ?? '— (no environment took it)'],
        ...(inv.version !== undefined ? ([['Version', versionText(inv.version, timeline.deployments)]] as [string, string][]) : []),
        ['Source', inv.source],
        ['Attempt', String(inv.attempt)],
        ['Arrived', formatTime(inv.arrivedMs)],
        ...(inv.outcome === 'throttled'
          ? ([['Reason', inv.throttleReason ?? 'TooManyRequestsException']] as [string, string][])
          : ([
              ['Started', formatTime(inv.startMs)],
              ['Ended', formatTime(inv.endMs)],
              ...(inv.cold ? ([['Init duration', formatDuration(inv.initMs)]] as [string, string][]) : []),
              ['Duration', formatDuration(inv.durationMs)],
              ['Billed', `${inv.billedMs} ms`],
              ['Memory', `${inv.maxMemoryMb} of ${inv.memorySizeMb} MB`],
            ] as [string, string][])),
        ...(inv.errorType ? ([['Error type', inv.errorType]] as [string, string][]) : []),
      ]),
    );
    // Traces made before the simulator recorded the event have no `request`.
    if (inv.request !== undefined) details.appendChild(section('Event', el('pre', { className: 'll-code', text: json(inv.request) })));
    const inputs = inv.inputs.map((id) => inputsById.get(id)).filter((i): i is TraceInput => i !== undefined);
    if (inv.inputs.length > 0) {
      const list = el('ul', { className: 'll-inputs' });
      for (const id of inv.inputs) {
        const i = inputs.find((x) => x.id === id);
        list.appendChild(el('li', { text: i ? `${i.id} · ${i.source} ${i.externalId} · ${i.fate}${i.reason ? ` (${i.reason})` : ''} · ${i.attempts} attempt${i.attempts === 1 ? '' : 's'}` : id }));
      }
      details.appendChild(section(inv.inputs.length > 1 ? `Inputs (${inv.inputs.length} records) and their fate` : 'Input and its fate', list));
    }
    if (inv.error) details.appendChild(section('Error', el('pre', { className: 'll-code ll-code-error', text: `${inv.error.errorType}: ${inv.error.errorMessage}\n${inv.error.trace.join('\n')}` })));
    else if (inv.outcome === 'success') details.appendChild(section('Response', el('pre', { className: 'll-code', text: json(inv.response) })));
    if (inv.logs.length > 0) {
      const reveal = el('button', { className: 'll-link', text: 'Show in Output', attrs: { type: 'button' } });
      reveal.addEventListener('click', () => post({ type: 'reveal-logs', requestId: inv.requestId, attempt: inv.attempt }));
      details.appendChild(section('Logs', logBlock(inv.logs), reveal));
    }
    if (inv.report) details.appendChild(section('REPORT', el('pre', { className: 'll-code ll-report', text: inv.report })));
  } else if (row?.env) {
    const env = row.env;
    details.append(
      el('div', { className: 'll-details-head' }, el('h2', { text: `Environment ${env.id}` }), close),
      fields([
        ['Log stream', env.logStreamName],
        ...(env.version !== undefined ? ([['Version', versionText(env.version, timeline.deployments)]] as [string, string][]) : []),
        ['Initialization', env.initializationType],
        ['Created', formatTime(env.createdMs)],
        ['INIT', initLines(env, bar.open)[1]!],
        ['Ended', env.endedMs === null ? 'alive' : `${formatTime(env.endedMs)} (${env.endReason ?? ''})`],
        ['Max memory', `${env.maxMemoryMb} MB`],
        ['Processes', env.pids.join(', ')],
        ['/tmp', env.tmpDir],
        ['Requests served', String(row.bars.filter((b) => b.kind === 'invoke').length)],
      ]),
    );
    const envLogs = (trace?.environmentLogs ?? []).filter((l) => l.env === env.id).map((l) => l.line);
    if (envLogs.length > 0) details.appendChild(section('Environment logs', logBlock(envLogs)));
  } else {
    details.append(el('div', { className: 'll-details-head' }, el('h2', { text: 'Invocation (running)' }), close), fields([['Started', formatTime(bar.start)], ['Start', bar.cold ? 'cold' : 'warm']]));
  }
  scheduleResize();
}

// ---- geometry and selection -----------------------------------------------------------------

function rowOf(bar: Bar): Row | undefined {
  for (const r of timeline.rows) if (r.bars.includes(bar)) return r;
  return undefined;
}

function keyOf(bar: Bar, row: Row | undefined): string | null {
  if (bar.inv >= 0) return invocationKey(timeline.invocations[bar.inv]!);
  if (bar.kind === 'init' && row) return `env:${row.id}`;
  return null;
}

function findBar(key: string | null): Bar | null {
  if (!key) return null;
  if (key.startsWith('env:')) {
    const row = timeline.rows.find((r) => r.id === key.slice(4));
    return row?.bars.find((b) => b.kind === 'init') ?? null;
  }
  for (const r of timeline.rows) for (const b of r.bars) if (b.inv >= 0 && invocationKey(timeline.invocations[b.inv]!) === key) return b;
  return null;
}

function select(bar: Bar | null, announce = true): void {
  selected = bar;
  if (bar) range = null;
  const row = bar ? rowOf(bar) : undefined;
  selectedKey = bar ? keyOf(bar, row) : null;
  if (bar && matchSet) {
    matchIndex = bar.inv >= 0 ? matches.indexOf(bar.inv) : -1;
    if (matchIndex >= 0) searchCount.textContent = `${matchIndex + 1} / ${matches.length}`;
  }
  if (bar && row) {
    const rows = visibleRowCount(cssHeight);
    const index = timeline.rows.indexOf(row);
    if (index < scrollRow) scrollRow = index;
    else if (index >= scrollRow + rows) scrollRow = index - rows + 1;
    view = revealView(view, axis.toDisplay(bar.start), axis.displayEnd);
    if (bar.start > playback.playheadMs) playback = seek(playback, bar.end, timeline.endMs);
    if (announce) {
      const tip = tooltipOf(bar, row, timeline.invocations);
      announcer.textContent = `${tip.heading}. ${tip.lines.join('. ')}`;
    }
  }
  renderDetails();
}

function hit(x: number, y: number): Bar | null {
  if (x < LAYOUT.gutter || y < LAYOUT.axisHeight) return null;
  const r = Math.floor((y - LAYOUT.axisHeight) / LAYOUT.rowHeight) + firstRow();
  const row = timeline.rows[r];
  if (!row) return null;
  const w = cssWidth - LAYOUT.gutter;
  const disp = view.start + ((x - LAYOUT.gutter) / w) * (view.end - view.start);
  const t = axis.toSim(disp);
  const slack = ((6 / w) * (view.end - view.start)) / axis.scaleAt(t);
  const bar = barAt(row, t, slack);
  return bar && bar.start <= playback.playheadMs ? bar : null;
}

function firstRow(): number {
  return Math.max(0, Math.min(scrollRow, timeline.rows.length - visibleRowCount(cssHeight)));
}

/** Recomputes the matches of the search box; `announce` says how many. */
function runSearch(announce: boolean): void {
  matches = findMatches(timeline.invocations, timeline.order, query);
  matchSet = query.trim() === '' ? null : new Set(matches);
  matchIndex = selected && selected.inv >= 0 ? matches.indexOf(selected.inv) : -1;
  searchCount.textContent = matchSet === null ? '' : matches.length === 0 ? 'no match' : matchIndex >= 0 ? `${matchIndex + 1} / ${matches.length}` : `${matches.length} match${matches.length === 1 ? '' : 'es'}`;
  prevMatchButton.disabled = matches.length === 0;
  nextMatchButton.disabled = matches.length === 0;
  if (announce) announcer.textContent = searchCount.textContent;
}

function goToMatch(dir: 1 | -1): void {
  matchIndex = stepMatch(matches.length, matchIndex, dir);
  if (matchIndex < 0) return;
  const bar = findBar(invocationKey(timeline.invocations[matches[matchIndex]!]!));
  if (bar) select(bar);
  searchCount.textContent = `${matchIndex + 1} / ${matches.length}`;
}

let searchTimer: ReturnType<typeof setTimeout> | null = null;

searchInput.addEventListener('input', () => {
  if (searchTimer !== null) clearTimeout(searchTimer);
  searchTimer = setTimeout(() => {
    searchTimer = null;
    act(() => {
      query = searchInput.value;
      runSearch(true);
    });
  }, 150);
});

searchInput.addEventListener('keydown', (e) => {
  if (e.key === 'Enter') {
    e.preventDefault();
    if (searchInput.value !== query) {
      query = searchInput.value;
      runSearch(false);
    }
    act(() => goToMatch(e.shiftKey ? -1 : 1));
  } else if (e.key === 'Escape') {
    e.preventDefault();
    searchInput.value = '';
    act(() => {
      query = '';
      runSearch(true);
    });
    canvas.focus();
  }
});

function zoom(factor: number, anchor?: number): void {
  const a = anchor ?? (() => {
    const p = axis.toDisplay(playback.playheadMs);
    return p >= view.start && p <= view.end && playback.playheadMs < timeline.endMs ? (p - view.start) / (view.end - view.start) : 0.5;
  })();
  view = zoomView(view, factor, a, axis.displayEnd);
  userMovedView = true;
}

function pan(fraction: number): void {
  view = panView(view, fraction, axis.displayEnd);
  userMovedView = true;
}

function fitAll(): void {
  view = fitView(axis.displayEnd);
  userMovedView = false;
}

function stepTo(dir: 1 | -1): void {
  playback = step(playback, timeline.eventTimes, dir);
  view = revealView(view, axis.toDisplay(playback.playheadMs), axis.displayEnd);
}

/** Moves the selection to the previous/next invocation in time, or to the nearest one on the row above/below. */
function moveSelection(dir: 'left' | 'right' | 'up' | 'down'): void {
  const visible = (b: Bar): boolean => b.start <= playback.playheadMs;
  if (dir === 'left' || dir === 'right') {
    const order = timeline.order;
    if (order.length === 0) return;
    const current = selected && selected.inv >= 0 ? order.indexOf(selected.inv) : -1;
    let i = current < 0 ? (dir === 'right' ? 0 : order.length - 1) : current + (dir === 'right' ? 1 : -1);
    i = Math.max(0, Math.min(order.length - 1, i));
    const bar = findBar(invocationKey(timeline.invocations[order[i]!]!));
    if (bar) {
      if (!visible(bar)) playback = seek(playback, bar.end, timeline.endMs);
      select(bar);
    }
    return;
  }
  const fromRow = selected ? timeline.rows.indexOf(rowOf(selected)!) : firstRow();
  const t = selected ? selected.start : axis.toSim((view.start + view.end) / 2);
  for (let r = fromRow + (dir === 'down' ? 1 : -1); r >= 0 && r < timeline.rows.length; r += dir === 'down' ? 1 : -1) {
    const candidates = timeline.rows[r]!.bars.filter((b) => b.kind !== 'env-end' && visible(b));
    if (candidates.length === 0) continue;
    let best = candidates[0]!;
    for (const b of candidates) if (Math.abs(b.start - t) < Math.abs(best.start - t)) best = b;
    select(best);
    return;
  }
}

// ---- input ----------------------------------------------------------------------------------

/** Runs a user action, then redraws and saves the view state. */
function act(action: () => void): void {
  action();
  invalidate();
  saveState();
}

canvas.addEventListener('keydown', (e) => {
  if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'f') {
    e.preventDefault();
    searchInput.focus();
    searchInput.select();
    return;
  }
  if (e.altKey || e.metaKey || (e.ctrlKey && e.key !== '+' && e.key !== '-')) return;
  const k = e.key;
  const handled = ((): boolean => {
    switch (k) {
      case ' ':
      case 'k':
        playback = togglePlay(playback, timeline.endMs);
        return true;
      case '.':
        stepTo(1);
        return true;
      case ',':
        stepTo(-1);
        return true;
      case 'w':
      case 'W':
      case '+':
      case '=':
        zoom(0.7);
        return true;
      case 's':
      case 'S':
      case '-':
        zoom(1 / 0.7);
        return true;
      case 'a':
      case 'A':
        pan(-0.2);
        return true;
      case 'd':
      case 'D':
        pan(0.2);
        return true;
      case 'f':
      case 'F':
        if (selected) {
          const d0 = axis.toDisplay(selected.arrived);
          const d1 = axis.toDisplay(selected.end);
          const pad = Math.max((d1 - d0) * 0.5, 1);
          view = clampView({ start: d0 - pad, end: d1 + pad }, axis.displayEnd);
          userMovedView = true;
        } else fitAll();
        return true;
      case '[':
        playback = changeSpeed(playback, -1);
        return true;
      case ']':
        playback = changeSpeed(playback, 1);
        return true;
      case 'l':
      case 'L':
        if (liveRunId) playback = { ...playback, following: true, playing: false };
        return liveRunId !== null;
      case 'Home':
        playback = seek(playback, 0, timeline.endMs);
        return true;
      case 'End':
        playback = seek(playback, timeline.endMs, timeline.endMs);
        return true;
      case 'ArrowLeft':
        moveSelection('left');
        return true;
      case 'ArrowRight':
        moveSelection('right');
        return true;
      case 'ArrowUp':
        moveSelection('up');
        return true;
      case 'ArrowDown':
        moveSelection('down');
        return true;
      case 'PageUp':
        scrollRow = Math.max(0, firstRow() - visibleRowCount(cssHeight));
        return true;
      case 'PageDown':
        scrollRow = Math.min(Math.max(0, timeline.rows.length - visibleRowCount(cssHeight)), firstRow() + visibleRowCount(cssHeight));
        return true;
      case 'Enter':
        if (!selected) moveSelection('right');
        else renderDetails();
        if (!details.hidden) details.focus();
        return true;
      case '/':
        searchInput.focus();
        searchInput.select();
        return true;
      case 'Escape':
        if (selected) select(null);
        else if (range) clearRange();
        else return false;
        return true;
      default:
        return false;
    }
  })();
  if (handled) {
    e.preventDefault();
    invalidate();
    saveState();
  }
});

details.addEventListener('keydown', (e) => {
  if (e.key === 'Escape') {
    e.preventDefault();
    act(() => select(null));
    canvas.focus();
  }
});

canvas.addEventListener(
  'wheel',
  (e) => {
    e.preventDefault();
    const rect = canvas.getBoundingClientRect();
    const x = e.clientX - rect.left;
    if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
      pan((e.shiftKey ? e.deltaY || e.deltaX : e.deltaX) / Math.max(1, cssWidth - LAYOUT.gutter));
    } else if (e.altKey) {
      scrollRow = Math.max(0, Math.min(timeline.rows.length - visibleRowCount(cssHeight), firstRow() + Math.sign(e.deltaY) * 3));
    } else {
      const anchor = Math.max(0, Math.min(1, (x - LAYOUT.gutter) / Math.max(1, cssWidth - LAYOUT.gutter)));
      zoom(Math.exp(e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.0015)), anchor);
    }
    invalidate();
    saveState();
  },
  { passive: false },
);

let drag: { x: number; y: number; view: View; scrollRow: number; moved: boolean } | null = null;
/** Shift+drag: the x where the stretch started. */
let rangeDrag: number | null = null;

/** Simulated time under canvas x. */
function simAt(x: number): number {
  const w = Math.max(1, cssWidth - LAYOUT.gutter);
  return axis.toSim(view.start + ((Math.max(LAYOUT.gutter, x) - LAYOUT.gutter) / w) * (view.end - view.start));
}

canvas.addEventListener('pointerdown', (e) => {
  if (e.button !== 0) return;
  canvas.setPointerCapture(e.pointerId);
  if (e.shiftKey) {
    rangeDrag = e.clientX - canvas.getBoundingClientRect().left;
    return;
  }
  drag = { x: e.clientX, y: e.clientY, view, scrollRow: firstRow(), moved: false };
});

canvas.addEventListener('pointermove', (e) => {
  const rect = canvas.getBoundingClientRect();
  const x = e.clientX - rect.left;
  const y = e.clientY - rect.top;
  if (rangeDrag !== null) {
    range = { fromMs: simAt(Math.min(rangeDrag, x)), toMs: simAt(Math.max(rangeDrag, x)) };
    tooltip.hidden = true;
    invalidate();
    return;
  }
  if (drag) {
    const dx = e.clientX - drag.x;
    const dy = e.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
    if (drag.moved) {
      const w = Math.max(1, cssWidth - LAYOUT.gutter);
      view = clampView({ start: drag.view.start - (dx / w) * (drag.view.end - drag.view.start), end: drag.view.end - (dx / w) * (drag.view.end - drag.view.start) }, axis.displayEnd);
      userMovedView = true;
      scrollRow = Math.max(0, Math.min(timeline.rows.length - visibleRowCount(cssHeight), drag.scrollRow - Math.round(dy / LAYOUT.rowHeight)));
      tooltip.hidden = true;
      invalidate();
      return;
    }
  }
  const bar = hit(x, y);
  if (bar !== hovered) {
    hovered = bar;
    invalidate();
  }
  showTooltip(bar, x, y);
});

canvas.addEventListener('pointerup', (e) => {
  if (rangeDrag !== null) {
    const x = e.clientX - canvas.getBoundingClientRect().left;
    const wide = Math.abs(x - rangeDrag) > 3;
    rangeDrag = null;
    act(() => {
      if (!wide) range = null;
      else {
        selected = null;
        selectedKey = null;
      }
      renderDetails();
    });
    return;
  }
  const d = drag;
  drag = null;
  if (!d) return;
  if (d.moved) {
    saveState();
    return;
  }
  const rect = canvas.getBoundingClientRect();
  const bar = hit(e.clientX - rect.left, e.clientY - rect.top);
  act(() => select(bar, false));
});

canvas.addEventListener('pointerleave', () => {
  hovered = null;
  tooltip.hidden = true;
  invalidate();
});

overviewCanvas.addEventListener('pointerdown', (e) => {
  if (e.button !== 0) return;
  overviewCanvas.setPointerCapture(e.pointerId);
  const x = e.clientX - overviewCanvas.getBoundingClientRect().left;
  overviewDrag = { from: x, to: x };
});

overviewCanvas.addEventListener('pointermove', (e) => {
  if (!overviewDrag) return;
  overviewDrag = { ...overviewDrag, to: e.clientX - overviewCanvas.getBoundingClientRect().left };
  invalidate();
});

overviewCanvas.addEventListener('pointerup', () => {
  const d = overviewDrag;
  overviewDrag = null;
  if (!d) return;
  act(() => {
    const a = Overview.displayAt(axis, cssWidth, Math.min(d.from, d.to));
    const b = Overview.displayAt(axis, cssWidth, Math.max(d.from, d.to));
    if (Math.abs(d.to - d.from) > 4) view = clampView({ start: a, end: b }, axis.displayEnd);
    else view = clampView({ start: a - (view.end - view.start) / 2, end: a + (view.end - view.start) / 2 }, axis.displayEnd);
    userMovedView = true;
  });
});

function showTooltip(bar: Bar | null, x: number, y: number): void {
  if (!bar) {
    tooltip.hidden = true;
    return;
  }
  const row = rowOf(bar);
  if (!row) return;
  const tip = tooltipOf(bar, row, timeline.invocations);
  clear(tooltip);
  tooltip.appendChild(el('strong', { text: tip.heading }));
  for (const line of tip.lines) tooltip.appendChild(el('div', { text: line }));
  tooltip.hidden = false;
  const w = tooltip.offsetWidth;
  const h = tooltip.offsetHeight;
  tooltip.style.left = `${Math.min(x + 14, cssWidth - w - 4)}px`;
  tooltip.style.top = `${OVERVIEW_HEIGHT + (y + 18 + h > cssHeight ? Math.max(0, y - h - 8) : y + 18)}px`;
}

// ---- frame loop -----------------------------------------------------------------------------

let framePending = false;
let lastFrame = 0;

function invalidate(): void {
  if (framePending) return;
  framePending = true;
  requestAnimationFrame(frame);
}

function frame(now: number): void {
  framePending = false;
  const dt = lastFrame === 0 ? 0 : Math.min(100, now - lastFrame);
  lastFrame = now;
  if (liveDirty && now - lastLiveBuild > Math.max(100, 4 * liveBuildCost)) rebuildLive();
  playback = advance(playback, axis, dt, timeline.endMs);
  if (playback.following && !userMovedView) view = fitView(axis.displayEnd);
  else if (playback.playing) view = revealView(view, axis.toDisplay(playback.playheadMs), axis.displayEnd);
  renderer.draw({ timeline, axis, view, playheadMs: playback.playheadMs, scrollRow: firstRow(), selected, hovered, matches: matchSet, range, width: cssWidth, height: cssHeight });
  overview.draw({ timeline, axis, view, playheadMs: playback.playheadMs, width: cssWidth, dragging: overviewDrag });
  updateControls();
  if (playback.playing || liveDirty) invalidate();
  else {
    lastFrame = 0;
    saveState();
  }
}

function updateControls(): void {
  setIcon(playButton, playback.playing ? 'debug-pause' : 'play', playback.playing ? 'Pause' : 'Play', 'Space');
  if (speedSelect.value !== String(playback.speed)) speedSelect.value = String(playback.speed);
  const frac = axis.displayEnd > 0 ? axis.toDisplay(playback.playheadMs) / axis.displayEnd : 1;
  const v = String(Math.round(frac * 1000));
  if (scrubber.value !== v) scrubber.value = v;
  const label = `${formatTime(playback.playheadMs)} / ${formatTime(timeline.endMs)}`;
  scrubber.setAttribute('aria-valuetext', label);
  clockEl.textContent = label;
  liveButton.classList.toggle('ll-on', playback.following);
}

// ---- size, theme, state ---------------------------------------------------------------------

let resizePending = false;

function scheduleResize(): void {
  if (resizePending) return;
  resizePending = true;
  requestAnimationFrame(() => {
    resizePending = false;
    resize();
  });
}

function resize(): void {
  const dpr = window.devicePixelRatio || 1;
  const rect = timelineBox.getBoundingClientRect();
  cssWidth = Math.max(200, Math.floor(rect.width));
  cssHeight = Math.max(LAYOUT.axisHeight + LAYOUT.rowHeight, Math.floor(rect.height) - OVERVIEW_HEIGHT);
  canvas.width = Math.floor(cssWidth * dpr);
  canvas.height = Math.floor(cssHeight * dpr);
  canvas.style.width = `${cssWidth}px`;
  canvas.style.height = `${cssHeight}px`;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  overviewCanvas.width = Math.floor(cssWidth * dpr);
  overviewCanvas.height = Math.floor(OVERVIEW_HEIGHT * dpr);
  overviewCanvas.style.width = `${cssWidth}px`;
  overviewCanvas.style.height = `${OVERVIEW_HEIGHT}px`;
  overviewCtx.setTransform(dpr, 0, 0, dpr, 0, 0);
  invalidate();
}

new ResizeObserver(() => scheduleResize()).observe(timelineBox);
new MutationObserver(() => {
  theme = readTheme();
  renderer.setTheme(theme);
  overview.setTheme(theme);
  renderLegend();
  invalidate();
}).observe(document.body, { attributes: true, attributeFilter: ['class', 'style'] });

let saveTimer: ReturnType<typeof setTimeout> | null = null;

function saveState(): void {
  if (saveTimer !== null) return;
  saveTimer = setTimeout(() => {
    saveTimer = null;
    vscode.setState({ source, title, view: userMovedView ? view : null, playheadMs: playback.playheadMs, speed: playback.speed, selected: selectedKey, scrollRow, query });
  }, 300);
}

renderLegend();
renderHeader();
renderSummary();
resize();
post({ type: 'ready', source: restored?.source ?? null });
