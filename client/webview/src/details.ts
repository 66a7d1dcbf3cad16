/**
 * The details pane beside the timeline: the selected invocation (its event, inputs, error or
 * response, logs and REPORT), the selected environment, or the figures of a Shift+dragged
 * stretch. It is rebuilt from the state whenever the selection changes.
 */
import type { AwsCall, TraceInput, TraceInvocation } from '../../../server/src/simulator/trace';
import { badgesOf, initLines, outcomeText } from './describe';
import { clear, el, iconButton } from './dom';
import type { Bar } from './model';
import { rangeFigures } from './selection';
import { rowOf, type PanelState, type Stretch } from './state';
import { formatDuration, formatTime } from './timeaxis';
import { versionText } from './versions';

/** What the pane's own buttons do. */
export interface DetailsHandlers {
  /** Close the pane: clear the selection. */
  close(): void;
  /** Clear the selected stretch. */
  clearRange(): void;
  /** Show a request's log lines in the Output panel. */
  revealLogs(requestId: string, attempt: number): void;
  /** Open the LL2101/LL2102 finding in the function's code for a duplicate call. */
  revealFinding(fn: string, service: string, operation: string): void;
}

type Field = [string, string];

/** Fills `pane` for the current selection (or stretch) and hides it when there is neither. */
export function renderDetails(pane: HTMLElement, s: PanelState, on: DetailsHandlers): void {
  clear(pane);
  const bar = s.selected;
  if (!bar && s.range) {
    pane.hidden = false;
    pane.append(...rangeDetails(s, s.range, on));
    return;
  }
  if (!bar) {
    pane.hidden = true;
    return;
  }
  pane.hidden = false;
  pane.append(...barDetails(s, bar, on));
}

function head(title: string, close: HTMLButtonElement): HTMLElement {
  close.classList.add('ll-close');
  return el('div', { className: 'll-details-head' }, el('h2', { text: title }), close);
}

function closeButton(on: DetailsHandlers): HTMLButtonElement {
  return iconButton('close', 'Close details', 'Esc', () => on.close());
}

export function section(heading: string, ...children: Node[]): HTMLElement {
  return el('section', { className: 'll-section' }, el('h3', { text: heading }), ...children);
}

export function fields(pairs: readonly Field[]): HTMLElement {
  const dl = el('dl', { className: 'll-fields' });
  for (const [k, v] of pairs) dl.append(el('dt', { text: k }), el('dd', { text: v }));
  return dl;
}

/** Log lines, with START/END/REPORT/INIT lines and errors marked so that they stand out. */
export function logBlock(lines: readonly string[]): HTMLElement {
  const pre = el('pre', { className: 'll-logs' });
  for (const line of lines) {
    const kind =
      /^(START|END|REPORT|INIT_START|INIT_REPORT) /.exec(line)?.[1] ??
      (/\t(ERROR|WARN)\t/.test(line) || /^\S+\t\S+\tERROR/.test(line) ? 'ERROR' : '');
    pre.appendChild(
      el('span', { className: kind ? `ll-log ll-log-${kind.toLowerCase()}` : 'll-log', text: `${line}\n` }),
    );
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

/** What stopped a call, as the details pane names it (trace.ts `AwsCall.enforcement`). */
const ENFORCEMENT_LABEL: Readonly<Record<NonNullable<AwsCall['enforcement']>['kind'], string>> = {
  denied: 'Denied by the execution role',
  unreachable: 'No route from the VPC',
  refused: 'Delivery refused by a resource policy',
};

/**
 * The AWS calls the invocation made, in order: service, summary, latency or error; a duplicate
 * side effect says which earlier attempt's call it repeats and opens the LL2101 finding.
 */
function callsSection(s: PanelState, inv: TraceInvocation, on: DetailsHandlers): HTMLElement {
  const calls = inv.awsCalls ?? [];
  const byId = new Map<string, { call: AwsCall; inv: TraceInvocation }>();
  for (const other of s.timeline.invocations)
    for (const c of other.awsCalls ?? []) byId.set(c.id, { call: c, inv: other });
  const list = el('ol', { className: 'll-calls' });
  for (const c of calls) {
    const latency = c.outcome === 'hang' ? 'no answer' : formatDuration(c.durationMs);
    const item = el(
      'li',
      {
        className: `ll-call ll-call-${c.outcome}${c.duplicateOf ? ' ll-call-duplicate' : ''}`,
        attrs: { 'data-service': c.service },
      },
      el('span', { className: 'll-call-service', text: c.service }),
      el('span', { className: 'll-call-summary', text: c.summary }),
      el('span', { className: 'll-call-latency', text: c.errorCode ? `${c.errorCode} · ${latency}` : latency }),
    );
    if (c.enforcement) {
      item.classList.add('ll-call-blocked', `ll-call-${c.enforcement.kind}`);
      item.append(
        el('div', {
          className: 'll-call-enforcement',
          text: `${ENFORCEMENT_LABEL[c.enforcement.kind]}: ${c.enforcement.reason}`,
        }),
      );
    }
    if (c.duplicateOf) {
      const first = byId.get(c.duplicateOf);
      const note = first
        ? `Duplicate side effect: repeats attempt ${first.inv.attempt}'s call at ${formatTime(first.call.startMs)}`
        : 'Duplicate side effect of an earlier attempt';
      const open = el('button', {
        className: 'll-link',
        text: 'Open the LL2101/LL2102 finding',
        attrs: { type: 'button' },
      });
      open.addEventListener('click', () =>
        on.revealFinding(c.function ?? inv.function ?? s.trace?.function.name ?? '', c.service, c.operation),
      );
      item.append(el('div', { className: 'll-call-duplicate-note', text: note }), open);
    }
    list.appendChild(item);
  }
  const dups = calls.filter((c) => c.duplicateOf).length;
  const blocked = calls.filter((c) => c.enforcement).length;
  const notes = [
    dups ? `${dups} duplicate${dups === 1 ? '' : 's'}` : '',
    blocked ? `${blocked} stopped by the template` : '',
  ].filter((x) => x !== '');
  return section(`AWS calls (${[String(calls.length), ...notes].join(', ')})`, list);
}

function rangeDetails(s: PanelState, r: Stretch, on: DetailsHandlers): HTMLElement[] {
  const f = rangeFigures(s.timeline, r.fromMs, r.toMs);
  const ms = (v: number | null): string => (v === null ? '—' : formatDuration(v));
  return [
    head(
      'Selected stretch',
      iconButton('close', 'Clear the selection', 'Esc', () => on.clearRange()),
    ),
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
    el('p', {
      className: 'll-hint',
      text: 'Counts what started in the stretch. Shift+drag on the timeline to select another.',
    }),
  ];
}

function barDetails(s: PanelState, bar: Bar, on: DetailsHandlers): HTMLElement[] {
  const { timeline } = s;
  const inv = bar.inv >= 0 ? timeline.invocations[bar.inv] : undefined;
  if (inv) {
    const out: HTMLElement[] = [];
    const badges = el('div', { className: 'll-badges' });
    for (const b of badgesOf(inv))
      badges.appendChild(el('span', { className: `ll-badge ll-badge-${b.kind}`, text: b.text }));
    const timing: Field[] =
      inv.outcome === 'throttled'
        ? [['Reason', inv.throttleReason ?? 'TooManyRequestsException']]
        : [
            ['Started', formatTime(inv.startMs)],
            ['Ended', formatTime(inv.endMs)],
            ...(inv.cold ? ([['Init duration', formatDuration(inv.initMs)]] as Field[]) : []),
            ['Duration', formatDuration(inv.durationMs)],
            ['Billed', `${inv.billedMs} ms`],
            ['Memory', `${inv.maxMemoryMb} of ${inv.memorySizeMb} MB`],
          ];
    out.push(
      head(inv.outcome === 'throttled' ? 'Throttled request' : 'Invocation', closeButton(on)),
      badges,
      fields([
        ...(inv.function !== undefined && (s.trace?.functions?.length ?? 1) > 1
          ? ([['Function', inv.function]] as Field[])
          : []),
        ['Request id', inv.requestId],
        ['Outcome', outcomeText(inv)],
        ['Environment', inv.env ?? '— (no environment took it)'],
        ...(inv.version !== undefined
          ? ([['Version', versionText(inv.version, timeline.deployments)]] as Field[])
          : []),
        ['Source', inv.source],
        ['Attempt', String(inv.attempt)],
        ['Arrived', formatTime(inv.arrivedMs)],
        ...timing,
        ...(inv.errorType ? ([['Error type', inv.errorType]] as Field[]) : []),
      ]),
    );
    // Traces made before the simulator recorded the event have no `request`.
    if (inv.request !== undefined)
      out.push(section('Event', el('pre', { className: 'll-code', text: json(inv.request) })));
    if (inv.inputs.length > 0) {
      const inputs = inv.inputs.map((id) => s.inputsById.get(id)).filter((i): i is TraceInput => i !== undefined);
      const list = el('ul', { className: 'll-inputs' });
      for (const id of inv.inputs) {
        const i = inputs.find((x) => x.id === id);
        const text = i
          ? `${i.id} · ${i.source} ${i.externalId} · ${i.fate}${i.reason ? ` (${i.reason})` : ''} · ${i.attempts} attempt${i.attempts === 1 ? '' : 's'}`
          : id;
        list.appendChild(el('li', { text }));
      }
      out.push(
        section(
          inv.inputs.length > 1 ? `Inputs (${inv.inputs.length} records) and their fate` : 'Input and its fate',
          list,
        ),
      );
    }
    if (inv.awsCalls && inv.awsCalls.length > 0) out.push(callsSection(s, inv, on));
    if (inv.error) {
      const text = `${inv.error.errorType}: ${inv.error.errorMessage}\n${inv.error.trace.join('\n')}`;
      out.push(section('Error', el('pre', { className: 'll-code ll-code-error', text })));
    } else if (inv.outcome === 'success')
      out.push(section('Response', el('pre', { className: 'll-code', text: json(inv.response) })));
    if (inv.logs.length > 0) {
      const reveal = el('button', { className: 'll-link', text: 'Show in Output', attrs: { type: 'button' } });
      reveal.addEventListener('click', () => on.revealLogs(inv.requestId, inv.attempt));
      out.push(section('Logs', logBlock(inv.logs), reveal));
    }
    if (inv.report) out.push(section('REPORT', el('pre', { className: 'll-code ll-report', text: inv.report })));
    return out;
  }
  const row = rowOf(s, bar);
  if (row?.env) {
    const env = row.env;
    const out = [
      head(`Environment ${env.id}`, closeButton(on)),
      fields([
        ['Log stream', env.logStreamName],
        ...(env.version !== undefined
          ? ([['Version', versionText(env.version, timeline.deployments)]] as Field[])
          : []),
        ['Initialization', env.initializationType],
        ['Created', formatTime(env.createdMs)],
        ['INIT', initLines(env, bar.open)[1]!],
        ['Ended', env.endedMs === null ? 'alive' : `${formatTime(env.endedMs)} (${env.endReason ?? ''})`],
        ['Max memory', `${env.maxMemoryMb} MB`],
        ['Processes', env.pids.join(', ')],
        ['/tmp', env.tmpDir],
        ['Requests served', String(row.bars.filter((b) => b.kind === 'invoke').length)],
      ]),
    ];
    const envLogs = (s.trace?.environmentLogs ?? []).filter((l) => l.env === env.id).map((l) => l.line);
    if (envLogs.length > 0) out.push(section('Environment logs', logBlock(envLogs)));
    return out;
  }
  return [
    head('Invocation (running)', closeButton(on)),
    fields([
      ['Started', formatTime(bar.start)],
      ['Start', bar.cold ? 'cold' : 'warm'],
    ]),
  ];
}
