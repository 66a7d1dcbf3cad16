/**
 * The panes above the timeline: the run's summary figures, the per-version table with each
 * deployment's cold-start wave, and the legend (each entry drawn by the timeline's own renderer,
 * so it looks exactly like the marks it explains).
 */
import { clear, el } from './dom';
import type { Bar } from './model';
import { Renderer } from './render';
import type { PanelState } from './state';
import { computeFigures, figuresOfSummary, summaryItems } from './summary';
import type { Theme } from './theme';
import { deployFigures, deploySentence, versionAccent, versionCells, versionFigures } from './versions';

/** The run's figures: from the trace's own summary once the run is over, else counted from what arrived. */
export function renderSummary(target: HTMLElement, s: PanelState): void {
  const { timeline } = s;
  const figures = s.trace
    ? figuresOfSummary(s.trace.summary)
    : computeFigures(timeline.invocations, timeline.rows.filter((r) => r.env).length);
  clear(target);
  const architecture = s.trace?.function.architecture ?? s.live?.header?.function.architecture;
  for (const item of summaryItems(figures, architecture)) {
    target.appendChild(
      el(
        'div',
        { className: 'll-figure', title: item.title, attrs: { 'data-key': item.key } },
        el('span', { className: 'll-figure-label', text: item.label }),
        el('span', { className: 'll-figure-value', text: item.value }),
      ),
    );
  }
  const aws = s.trace?.aws;
  const summary = s.trace?.summary;
  // Only when the handlers called AWS: a run that made no call has nothing to show there, and the
  // strip keeps to one line at 1,280 px (issue 21).
  if (aws && summary && (summary.awsCalls ?? 0) > 0) {
    const dups = summary.duplicateSideEffects ?? 0;
    const stopped = (s.trace?.invocations ?? []).reduce(
      (n, i) => n + (i.awsCalls ?? []).filter((c) => c.enforcement !== undefined).length,
      0,
    );
    target.appendChild(
      el(
        'div',
        {
          className: 'll-figure',
          title:
            "Calls the handlers made, answered by the run's local AWS endpoint; duplicates repeated a side effect of an earlier attempt; stopped: denied by the execution role, unreachable from the VPC, or a delivery refused",
          attrs: { 'data-key': 'aws-calls' },
        },
        el('span', { className: 'll-figure-label', text: 'AWS calls' }),
        el('span', {
          className: `ll-figure-value${dups > 0 || stopped > 0 ? ' ll-figure-warn' : ''}`,
          text: `${summary.awsCalls ?? 0}${dups > 0 ? ` · ${dups} duplicate${dups === 1 ? '' : 's'}` : ''}${stopped > 0 ? ` · ${stopped} stopped` : ''}`,
        }),
      ),
    );
    // The emulated tables, queues, buckets and parameters as the run left them.
    const state = el(
      'details',
      { className: 'll-aws-state' },
      el('summary', { text: 'Final state' }),
      el('pre', { className: 'll-code', text: JSON.stringify(aws.state, null, 2) }),
    );
    target.appendChild(state);
  }
}

/** The per-version table and deployment sentences; `target` is hidden for runs without versions. */
export function renderVersions(target: HTMLElement, s: PanelState): void {
  const { timeline } = s;
  clear(target);
  const envs = timeline.rows.flatMap((r) => (r.env ? [r.env] : []));
  const perVersion = versionFigures(timeline.invocations, envs);
  target.hidden = perVersion.length === 0;
  if (perVersion.length === 0) return;
  const headings = ['Version', 'Environments', 'Invocations', 'Cold starts', 'Response p50 / p99'];
  const head = el('tr', {}, ...headings.map((h) => el('th', { text: h, attrs: { scope: 'col' } })));
  head.lastElementChild?.setAttribute('title', 'Arrival to response, INIT included: what the caller waited');
  const body = el('tbody');
  perVersion.forEach((f, i) => {
    const c = versionCells(f);
    body.appendChild(
      el(
        'tr',
        { className: 'll-version', attrs: { 'data-version': f.version } },
        el(
          'th',
          { attrs: { scope: 'row' } },
          el('span', { className: `ll-vbadge ll-accent-${versionAccent(i)}`, text: c.version }),
        ),
        el('td', { text: c.environments }),
        el('td', { text: c.invocations }),
        el('td', { text: c.coldStarts }),
        el('td', { text: c.response }),
      ),
    );
  });
  target.appendChild(el('table', { className: 'll-version-table' }, el('thead', {}, head), body));
  const deploys = deployFigures(timeline.invocations, timeline.deployments, timeline.endMs);
  if (deploys.length > 0) {
    const list = el('ul', { className: 'll-deploys' });
    for (const d of deploys)
      list.appendChild(
        el('li', { className: 'll-deploy', text: deploySentence(d), attrs: { 'data-version': d.deployment.version } }),
      );
    target.appendChild(list);
  }
}

/** The legend's marks that are not bars, drawn by Renderer.drawLegendMark. */
type LegendMark = Parameters<Renderer['drawLegendMark']>[0];

/** One entry per mark the timeline draws: every bar style, and the lines and breaks around them. */
export function renderLegend(target: HTMLElement, theme: Theme): void {
  clear(target);
  const sample = (style: Bar['style'], kind: Bar['kind'], attempt = 1, open = false): Bar => ({
    kind,
    style,
    start: 0,
    end: 1,
    arrived: 0,
    attempt,
    cold: style === 'cold',
    inv: -1,
    open,
  });
  const entries: [string, Bar | LegendMark, string?][] = [
    ['INIT', sample('init', 'init')],
    [
      'Runtime start-up',
      { ...sample('init', 'init'), startupEnd: 0.45 },
      "Lighter, at the start of INIT: the runtime's own start-up (a published median per runtime), before your module loads",
    ],
    ['INIT failed', sample('init-error', 'init')],
    ['Cold start', sample('cold', 'invoke')],
    ['Warm start', sample('warm', 'invoke')],
    ['Running', sample('running', 'invoke', 1, true)],
    ['Waited', 'waited', "Dotted: the time a request waited before it started (its environment's INIT, a queue)"],
    ['Error', sample('error', 'invoke')],
    ['Timeout', sample('timeout', 'invoke')],
    ['Crash / out of memory', sample('crash', 'invoke')],
    ['Throttled', sample('throttle', 'throttle')],
    ['Retry', sample('warm', 'invoke', 2)],
    ['Environment ended', sample('warm', 'env-end')],
    ['Idle', 'idle', 'A stretch with nothing running, drawn narrow and labelled with its length'],
    ['Time ×1/N, ×N', 'scaled', 'Compressed time (C): the axis label gives the scale of the stretch above this line'],
    ['Deployment', 'deploy', 'A new version deployed: its traffic shift starts here'],
    [
      'AWS call',
      'aws-call',
      'A call the handler made, at the time it started, coloured by service (DynamoDB, SQS, S3…)',
    ],
    [
      'Stopped by the template',
      'blocked',
      "A call the deployed function could not make: the execution role denies it, the VPC has no route to the service, or the target's resource policy refuses the delivery",
    ],
    [
      'Duplicate side effect',
      'duplicate',
      'A retried attempt repeated a write that is not idempotent (a message, an email, an ADD): see LL2101',
    ],
  ];
  const dpr = window.devicePixelRatio || 1;
  for (const [label, mark, title] of entries) {
    const c = el('canvas', { className: 'll-swatch', attrs: { 'aria-hidden': 'true' } });
    c.width = 34 * dpr;
    c.height = 22 * dpr;
    const cx = c.getContext('2d');
    if (cx) {
      cx.scale(dpr, dpr);
      const r = new Renderer(cx, theme);
      if (typeof mark === 'string') r.drawLegendMark(mark, 34, 22);
      else r.drawBar(mark, mark.kind === 'throttle' || mark.kind === 'env-end' ? 17 : 4, 30, 12, null);
    }
    const item = el(
      'span',
      { className: 'll-legend-item', attrs: { 'data-mark': label.toLowerCase().replace(/[^a-z0-9]+/g, '-') } },
      c,
      el('span', { text: label }),
    );
    if (title) item.title = title;
    target.appendChild(item);
  }
}
