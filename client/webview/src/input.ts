/**
 * The timeline panel's input: toolbar buttons, keys, the wheel, pointer drags on the timeline
 * and the overview strip, hover tooltips, and the search box. Each handler changes the state
 * through `Actions` (or directly, for playback) and then asks the page to redraw and save.
 */
import type { FromWebviewMessage } from '../../shared/protocol';
import type { Actions, Direction } from './actions';
import { tooltipOf } from './describe';
import { clear, el } from './dom';
import type { Bar } from './model';
import { OVERVIEW_HEIGHT, Overview } from './overview';
import type { Page } from './layout';
import { changeSpeed, seek, togglePlay, validSpeed } from './playback';
import { LAYOUT, visibleRowCount } from './render';
import { firstRow, hit, rowOf, simAt, type PanelState } from './state';
import { clampView } from './viewport';

/** What input needs of the page besides the state and the actions. */
export interface InputHost {
  /** Runs `action`, then redraws and saves the view state. */
  act(action: () => void): void;
  /** Asks for a redraw on the next animation frame. */
  invalidate(): void;
  /** Saves the view state (debounced). */
  saveState(): void;
  /** Rebuilds the details pane from the state. */
  renderDetails(): void;
  post(message: FromWebviewMessage): void;
}

interface Ctx {
  s: PanelState;
  actions: Actions;
  page: Page;
  host: InputHost;
}

/** A key's action; false when the key does nothing now (then the event goes on to VS Code). */
type KeyAction = (c: Ctx) => boolean;

const does =
  (f: (c: Ctx) => void): KeyAction =>
  (c) => {
    f(c);
    return true;
  };

const move = (dir: Direction): KeyAction => does(({ actions }) => actions.moveSelection(dir));
const zoomIn = does(({ actions }) => actions.zoom(0.7));
const zoomOut = does(({ actions }) => actions.zoom(1 / 0.7));
const panLeft = does(({ actions }) => actions.pan(-0.2));
const panRight = does(({ actions }) => actions.pan(0.2));
const fit = does(({ actions }) => actions.fitSelection());
const compress = does(({ actions }) => actions.toggleCompress());
const play = does(({ s }) => (s.playback = togglePlay(s.playback, s.timeline.endMs)));
const follow: KeyAction = ({ s }) => {
  if (s.liveRunId) s.playback = { ...s.playback, following: true, playing: false };
  return s.liveRunId !== null;
};

/** The canvas's keys (see the key help under the timeline). */
const KEYS: Readonly<Record<string, KeyAction>> = {
  ' ': play,
  k: play,
  '.': does(({ actions }) => actions.stepTo(1)),
  ',': does(({ actions }) => actions.stepTo(-1)),
  w: zoomIn,
  W: zoomIn,
  '+': zoomIn,
  '=': zoomIn,
  s: zoomOut,
  S: zoomOut,
  '-': zoomOut,
  a: panLeft,
  A: panLeft,
  d: panRight,
  D: panRight,
  f: fit,
  F: fit,
  c: compress,
  C: compress,
  '[': does(({ s }) => (s.playback = changeSpeed(s.playback, -1))),
  ']': does(({ s }) => (s.playback = changeSpeed(s.playback, 1))),
  l: follow,
  L: follow,
  Home: does(({ s }) => (s.playback = seek(s.playback, 0, s.timeline.endMs))),
  End: does(({ s }) => (s.playback = seek(s.playback, s.timeline.endMs, s.timeline.endMs))),
  ArrowLeft: move('left'),
  ArrowRight: move('right'),
  ArrowUp: move('up'),
  ArrowDown: move('down'),
  PageUp: does(({ actions }) => actions.scrollPages(-1)),
  PageDown: does(({ actions }) => actions.scrollPages(1)),
  Enter: does(({ s, actions, page, host }) => {
    if (!s.selected) actions.moveSelection('right');
    else host.renderDetails();
    if (!page.details.hidden) page.details.focus();
  }),
  '/': does(({ page }) => {
    page.searchInput.focus();
    page.searchInput.select();
  }),
  Escape: ({ s, actions }) => {
    if (s.selected) actions.select(null);
    else if (s.range) actions.clearRange();
    else return false;
    return true;
  },
};

export function attachInput(s: PanelState, actions: Actions, page: Page, host: InputHost): void {
  const c: Ctx = { s, actions, page, host };
  attachToolbar(c);
  attachSearch(c);
  attachKeys(c);
  attachWheel(c);
  attachPointer(c);
  attachOverview(c);
}

function attachToolbar({ s, actions, page, host }: Ctx): void {
  const { act } = host;
  const click = (button: HTMLButtonElement, f: () => void): void => button.addEventListener('click', f);
  click(page.playButton, () => act(() => (s.playback = togglePlay(s.playback, s.timeline.endMs))));
  click(page.prevButton, () => act(() => actions.stepTo(-1)));
  click(page.nextButton, () => act(() => actions.stepTo(1)));
  page.speedSelect.addEventListener('change', () =>
    act(() => (s.playback = { ...s.playback, speed: validSpeed(Number(page.speedSelect.value)) })),
  );
  page.scrubber.addEventListener('input', () =>
    act(
      () =>
        (s.playback = seek(
          s.playback,
          s.axis.toSim((Number(page.scrubber.value) / 1000) * s.axis.displayEnd),
          s.timeline.endMs,
        )),
    ),
  );
  click(page.liveButton, () => act(() => (s.playback = { ...s.playback, following: true, playing: false })));
  click(page.cancelButton, () => {
    if (s.liveRunId) host.post({ type: 'cancel-run', runId: s.liveRunId });
  });
  click(page.zoomInButton, () => act(() => actions.zoom(0.5)));
  click(page.zoomOutButton, () => act(() => actions.zoom(2)));
  click(page.fitButton, () => act(() => actions.fitAll()));
  click(page.compressButton, () => act(() => actions.toggleCompress()));
  click(page.exportButton, () => host.post({ type: 'export-chrome-trace' }));
  click(page.prevMatchButton, () => act(() => actions.goToMatch(-1)));
  click(page.nextMatchButton, () => act(() => actions.goToMatch(1)));
}

function attachSearch({ s, actions, page, host }: Ctx): void {
  const input = page.searchInput;
  let timer: ReturnType<typeof setTimeout> | null = null;
  input.addEventListener('input', () => {
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      host.act(() => {
        s.query = input.value;
        actions.runSearch(true);
      });
    }, 150);
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      if (input.value !== s.query) {
        s.query = input.value;
        actions.runSearch(false);
      }
      host.act(() => actions.goToMatch(e.shiftKey ? -1 : 1));
    } else if (e.key === 'Escape') {
      e.preventDefault();
      input.value = '';
      host.act(() => {
        s.query = '';
        actions.runSearch(true);
      });
      page.canvas.focus();
    }
  });
}

function attachKeys(c: Ctx): void {
  const { page, host, actions } = c;
  page.canvas.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'f') {
      e.preventDefault();
      page.searchInput.focus();
      page.searchInput.select();
      return;
    }
    if (e.altKey || e.metaKey || (e.ctrlKey && e.key !== '+' && e.key !== '-')) return;
    const action = Object.hasOwn(KEYS, e.key) ? KEYS[e.key] : undefined;
    if (action?.(c)) {
      e.preventDefault();
      host.invalidate();
      host.saveState();
    }
  });
  page.details.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      host.act(() => actions.select(null));
      page.canvas.focus();
    }
  });
}

function attachWheel({ s, actions, page, host }: Ctx): void {
  const canvas = page.canvas;
  canvas.addEventListener(
    'wheel',
    (e) => {
      e.preventDefault();
      const x = e.clientX - canvas.getBoundingClientRect().left;
      const w = Math.max(1, s.width - LAYOUT.gutter);
      if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
        actions.pan((e.shiftKey ? e.deltaY || e.deltaX : e.deltaX) / w);
      } else if (e.altKey) {
        s.scrollRow = Math.max(
          0,
          Math.min(s.timeline.rows.length - visibleRowCount(s.height), firstRow(s) + Math.sign(e.deltaY) * 3),
        );
      } else {
        const anchor = Math.max(0, Math.min(1, (x - LAYOUT.gutter) / w));
        actions.zoom(Math.exp(e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.0015)), anchor);
      }
      host.invalidate();
      host.saveState();
    },
    { passive: false },
  );
}

/** Click selects, drag pans (and scrolls rows), Shift+drag selects a stretch, hover shows a tooltip. */
function attachPointer({ s, actions, page, host }: Ctx): void {
  const { canvas, tooltip } = page;
  const local = (e: PointerEvent): { x: number; y: number } => {
    const rect = canvas.getBoundingClientRect();
    return { x: e.clientX - rect.left, y: e.clientY - rect.top };
  };

  canvas.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    canvas.setPointerCapture(e.pointerId);
    if (e.shiftKey) {
      s.rangeDrag = local(e).x;
      return;
    }
    s.drag = { x: e.clientX, y: e.clientY, view: s.view, scrollRow: firstRow(s), moved: false };
  });

  canvas.addEventListener('pointermove', (e) => {
    const { x, y } = local(e);
    if (s.rangeDrag !== null) {
      s.range = { fromMs: simAt(s, Math.min(s.rangeDrag, x)), toMs: simAt(s, Math.max(s.rangeDrag, x)) };
      tooltip.hidden = true;
      host.invalidate();
      return;
    }
    const drag = s.drag;
    if (drag) {
      const dx = e.clientX - drag.x;
      const dy = e.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
      if (drag.moved) {
        const w = Math.max(1, s.width - LAYOUT.gutter);
        const shift = (dx / w) * (drag.view.end - drag.view.start);
        s.view = clampView({ start: drag.view.start - shift, end: drag.view.end - shift }, s.axis.displayEnd);
        s.userMovedView = true;
        s.scrollRow = Math.max(
          0,
          Math.min(
            s.timeline.rows.length - visibleRowCount(s.height),
            drag.scrollRow - Math.round(dy / LAYOUT.rowHeight),
          ),
        );
        tooltip.hidden = true;
        host.invalidate();
        return;
      }
    }
    const bar = hit(s, x, y);
    if (bar !== s.hovered) {
      s.hovered = bar;
      host.invalidate();
    }
    showTooltip(s, tooltip, bar, x, y);
  });

  canvas.addEventListener('pointerup', (e) => {
    if (s.rangeDrag !== null) {
      const wide = Math.abs(local(e).x - s.rangeDrag) > 3;
      s.rangeDrag = null;
      host.act(() => {
        if (!wide) s.range = null;
        else {
          s.selected = null;
          s.selectedKey = null;
        }
        host.renderDetails();
      });
      return;
    }
    const d = s.drag;
    s.drag = null;
    if (!d) return;
    if (d.moved) {
      host.saveState();
      return;
    }
    const { x, y } = local(e);
    const bar = hit(s, x, y);
    host.act(() => actions.select(bar, false));
  });

  canvas.addEventListener('pointerleave', () => {
    s.hovered = null;
    tooltip.hidden = true;
    host.invalidate();
  });
}

/** Dragging across the overview strip zooms to that stretch; a click centres the view there. */
function attachOverview({ s, page, host }: Ctx): void {
  const strip = page.overviewCanvas;
  const at = (e: PointerEvent): number => e.clientX - strip.getBoundingClientRect().left;
  strip.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    strip.setPointerCapture(e.pointerId);
    s.overviewDrag = { from: at(e), to: at(e) };
  });
  strip.addEventListener('pointermove', (e) => {
    if (!s.overviewDrag) return;
    s.overviewDrag = { ...s.overviewDrag, to: at(e) };
    host.invalidate();
  });
  strip.addEventListener('pointerup', () => {
    const d = s.overviewDrag;
    s.overviewDrag = null;
    if (!d) return;
    host.act(() => {
      const a = Overview.displayAt(s.axis, s.width, Math.min(d.from, d.to));
      const b = Overview.displayAt(s.axis, s.width, Math.max(d.from, d.to));
      const half = (s.view.end - s.view.start) / 2;
      if (Math.abs(d.to - d.from) > 4) s.view = clampView({ start: a, end: b }, s.axis.displayEnd);
      else s.view = clampView({ start: a - half, end: a + half }, s.axis.displayEnd);
      s.userMovedView = true;
    });
  });
}

function showTooltip(s: PanelState, tooltip: HTMLElement, bar: Bar | null, x: number, y: number): void {
  if (!bar) {
    tooltip.hidden = true;
    return;
  }
  const row = rowOf(s, bar);
  if (!row) return;
  const tip = tooltipOf(bar, row, s.timeline.invocations);
  clear(tooltip);
  tooltip.appendChild(el('strong', { text: tip.heading }));
  for (const line of tip.lines) tooltip.appendChild(el('div', { text: line }));
  tooltip.hidden = false;
  const w = tooltip.offsetWidth;
  const h = tooltip.offsetHeight;
  tooltip.style.left = `${Math.min(x + 14, s.width - w - 4)}px`;
  tooltip.style.top = `${OVERVIEW_HEIGHT + (y + 18 + h > s.height ? Math.max(0, y - h - 8) : y + 18)}px`;
}
