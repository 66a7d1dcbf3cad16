/**
 * The timeline panel's page: header, toolbar, summary, versions, legend, the timeline (overview
 * strip, canvas, tooltip) with the details pane beside it, and the key help. Only the nodes; what
 * they do is wired in input.ts, what they show is filled in by main.ts, details.ts and panes.ts.
 */
import { el, iconButton } from './dom';
import { SPEEDS } from './playback';

export type Page = ReturnType<typeof buildPage>;

export function buildPage(root: HTMLElement) {
  const title = el('h1', { className: 'll-title', text: 'Lambda Lens timeline' });
  const subtitle = el('div', { className: 'll-subtitle' });
  const note = el('div', { className: 'll-note', attrs: { role: 'note' } });
  note.hidden = true;

  const playButton = iconButton('play', 'Play', 'Space');
  const prevButton = iconButton('chevron-left', 'Previous event', ',');
  const nextButton = iconButton('chevron-right', 'Next event', '.');
  const speedSelect = el('select', {
    className: 'll-speed',
    title: 'Playback speed ([ and ])',
    attrs: { 'aria-label': 'Playback speed' },
  });
  for (const s of SPEEDS) speedSelect.appendChild(el('option', { text: `${s}×`, attrs: { value: String(s) } }));
  const scrubber = el('input', {
    className: 'll-scrubber',
    attrs: { type: 'range', min: '0', max: '1000', step: '1', value: '1000', 'aria-label': 'Playhead' },
  });
  const clock = el('span', { className: 'll-clock', attrs: { 'aria-live': 'off' } });
  const liveButton = iconButton('broadcast', 'Follow live run', 'L');
  const cancelButton = iconButton('debug-stop', 'Cancel run', null);
  const zoomInButton = iconButton('zoom-in', 'Zoom in', 'W');
  const zoomOutButton = iconButton('zoom-out', 'Zoom out', 'S');
  const fitButton = iconButton('screen-full', 'Fit the whole run', 'F');
  const compressButton = iconButton(
    'fold',
    'Compress time: idle gaps, long INIT and waits drawn shorter, short clusters wider',
    'C',
  );
  compressButton.setAttribute('aria-pressed', 'true');
  const exportButton = iconButton('export', 'Export as Chrome trace', null);
  const searchInput = el('input', {
    className: 'll-search',
    title:
      'Search request ids, environments, outcomes, errors and log lines (a regular expression or plain text). Enter: next match, Shift+Enter: previous.',
    attrs: {
      type: 'search',
      placeholder: 'Search requests',
      'aria-label': 'Search invocations',
      spellcheck: 'false',
    },
  });
  const searchCount = el('span', { className: 'll-search-count', attrs: { 'aria-live': 'polite' } });
  const prevMatchButton = iconButton('arrow-up', 'Previous match', 'Shift+Enter');
  const nextMatchButton = iconButton('arrow-down', 'Next match', 'Enter');
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
    clock,
    liveBadge,
    liveButton,
    cancelButton,
    el('span', { className: 'll-sep' }),
    zoomOutButton,
    zoomInButton,
    fitButton,
    compressButton,
    exportButton,
    el('span', { className: 'll-sep' }),
    el('span', { className: 'codicon codicon-search ll-search-icon', attrs: { 'aria-hidden': 'true' } }),
    searchInput,
    searchCount,
    prevMatchButton,
    nextMatchButton,
  );
  const summary = el('section', { className: 'll-summary', attrs: { 'aria-label': 'Run summary' } });
  /** Per-version figures and each deployment's cold-start wave; hidden for runs without versions. */
  const versions = el('section', { className: 'll-versions', attrs: { 'aria-label': 'Versions and deployments' } });
  versions.hidden = true;
  const legend = el('div', { className: 'll-legend', attrs: { 'aria-label': 'Legend' } });
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
  const overviewCanvas = el('canvas', {
    className: 'll-overview',
    title: 'Overview of the whole run: drag across it to zoom there, click to centre the view',
    attrs: { 'aria-hidden': 'true' },
  });
  const tooltip = el('div', { className: 'll-tooltip', attrs: { role: 'tooltip' } });
  tooltip.hidden = true;
  const empty = el('div', {
    className: 'll-empty',
    text: 'No run to show yet. Run “Lambda Lens: Simulate Function…” or “Lambda Lens: Open Trace File…”.',
  });
  const timelineBox = el('div', { className: 'll-timeline' }, overviewCanvas, canvas, tooltip, empty);
  const details = el('aside', {
    className: 'll-details',
    attrs: { 'aria-label': 'Invocation details', tabindex: '-1' },
  });
  details.hidden = true;
  const keys = el('p', {
    className: 'll-keys',
    text:
      'Keys: Space play/pause · , and . previous/next event · W/S or wheel zoom · A/D, Shift+wheel or drag pan · Shift+drag select a stretch · ' +
      '←/→ previous/next invocation · ↑/↓ row above/below · Enter details · Esc close · F fit · C compress time · ' +
      '[ and ] speed · L follow live · Home/End start/end · / or Ctrl+F search.',
    attrs: { id: 'll-keys' },
  });
  const announcer = el('div', { className: 'll-sr', attrs: { 'aria-live': 'polite' } });

  // Two views once Compare Memory Sizes… has run: the timeline, and the memory sizes chart.
  const tab = (id: string, text: string, controls: string): HTMLButtonElement =>
    el('button', {
      className: 'll-tab',
      text,
      attrs: { type: 'button', role: 'tab', id, 'aria-controls': controls, 'aria-selected': 'false', tabindex: '-1' },
    });
  const timelineTab = tab('ll-tab-timeline', 'Timeline', 'll-view-timeline');
  const memoryTab = tab('ll-tab-memory', 'Memory sizes', 'll-view-memory');
  const tabs = el(
    'div',
    { className: 'll-tabs', attrs: { role: 'tablist', 'aria-label': 'Views' } },
    timelineTab,
    memoryTab,
  );
  tabs.hidden = true;
  const memory = el('section', {
    className: 'll-memory',
    attrs: { role: 'tabpanel', id: 'll-view-memory', 'aria-labelledby': 'll-tab-memory', tabindex: '0' },
  });
  memory.hidden = true;
  const main = el('div', { className: 'll-main', attrs: { id: 'll-view-timeline' } }, timelineBox, details);

  /**
   * The page; `data-state` says what it shows: `empty`, `live`, `done` or `failed` (tests wait on
   * it); `data-view` which view: `timeline` or `memory`.
   */
  const app = el(
    'div',
    { className: 'll-app' },
    el('header', { className: 'll-header' }, title, subtitle, note),
    tabs,
    toolbar,
    summary,
    versions,
    legend,
    main,
    keys,
    memory,
    announcer,
  );
  app.dataset.state = 'empty';
  app.dataset.view = 'timeline';
  root.appendChild(app);

  return {
    app,
    title,
    subtitle,
    note,
    playButton,
    prevButton,
    nextButton,
    speedSelect,
    scrubber,
    clock,
    liveBadge,
    liveButton,
    cancelButton,
    zoomInButton,
    zoomOutButton,
    fitButton,
    compressButton,
    exportButton,
    searchInput,
    searchCount,
    prevMatchButton,
    nextMatchButton,
    summary,
    versions,
    legend,
    timelineBox,
    canvas,
    overviewCanvas,
    tooltip,
    empty,
    details,
    announcer,
    tabs,
    timelineTab,
    memoryTab,
    memory,
  };
}
