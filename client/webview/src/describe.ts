/**
 * Words for what a bar shows: tooltip lines and badges. Pure: no DOM.
 */
import type { TraceEnvironment, TraceInvocation } from '../../../server/src/simulator/trace';
import type { Bar, Row } from './model';
import { formatDuration, formatTime } from './timeaxis';
import { versionLabel } from './versions';

export interface Badge {
  /** Matches a bar style or `retry`/`cold`; the CSS gives each its colour and icon. */
  kind: 'cold' | 'warm' | 'retry' | 'error' | 'timeout' | 'crash' | 'throttle' | 'init' | 'running';
  text: string;
}

export function outcomeText(inv: TraceInvocation): string {
  switch (inv.outcome) {
    case 'success':
      return 'Success';
    case 'error':
      return 'Function error';
    case 'timeout':
      return 'Timed out';
    case 'throttled':
      return 'Throttled (429)';
    case 'crash':
      return 'Runtime exited';
    case 'oom':
      return 'Out of memory';
  }
}

export function badgesOf(inv: TraceInvocation): Badge[] {
  const out: Badge[] = [];
  if (inv.outcome === 'throttled') out.push({ kind: 'throttle', text: 'Throttled' });
  else out.push(inv.cold ? { kind: 'cold', text: 'Cold' } : { kind: 'warm', text: 'Warm' });
  if (inv.attempt > 1) out.push({ kind: 'retry', text: `Retry #${inv.attempt - 1}` });
  if (inv.outcome === 'error') out.push({ kind: 'error', text: inv.errorType ?? 'Error' });
  if (inv.outcome === 'timeout') out.push({ kind: 'timeout', text: 'Timeout' });
  if (inv.outcome === 'crash' || inv.outcome === 'oom') out.push({ kind: 'crash', text: inv.errorType ?? inv.outcome });
  return out;
}

/** The tooltip for a bar: a heading and a few lines. */
export function tooltipOf(
  bar: Bar,
  row: Row,
  invocations: readonly TraceInvocation[],
): { heading: string; lines: string[] } {
  const env = row.env;
  if (bar.kind === 'init' && env) return { heading: `INIT · ${env.id}`, lines: initLines(env, bar.open) };
  if (bar.kind === 'env-end' && env) {
    return {
      heading: `${env.id} ended`,
      lines: [`at ${formatTime(bar.start)}`, `reason: ${env.endReason ?? 'unknown'}`],
    };
  }
  const inv = bar.inv >= 0 ? invocations[bar.inv] : undefined;
  if (!inv)
    return {
      heading: 'INVOKE (running)',
      lines: [`on ${row.label}`, `started ${formatTime(bar.start)}`, bar.cold ? 'cold start' : 'warm start'],
    };
  const heading = `${badgesOf(inv)
    .map((b) => b.text)
    .join(' · ')}`;
  const lines = [`Request ${inv.requestId}`];
  if (inv.outcome === 'throttled') {
    lines.push(
      `at ${formatTime(inv.arrivedMs)} · ${inv.source}${version(inv.version)}`,
      inv.throttleReason ?? 'TooManyRequestsException',
    );
    return { heading, lines };
  }
  lines.push(`${inv.env ?? ''}${version(inv.version)} · attempt ${inv.attempt} · ${inv.source}`);
  const waited = inv.startMs - inv.initMs - inv.arrivedMs;
  if (waited >= 1) lines.push(`Waited ${formatDuration(waited)} outside ${inv.cold ? 'INIT and ' : ''}the handler`);
  lines.push(
    `${inv.cold ? `Init ${formatDuration(inv.initMs)} · ` : ''}Duration ${formatDuration(inv.durationMs)} · Billed ${inv.billedMs} ms`,
  );
  lines.push(`Memory ${inv.maxMemoryMb} of ${inv.memorySizeMb} MB`);
  if (inv.errorType) lines.push(inv.errorType);
  return { heading, lines };
}

export function initLines(env: TraceEnvironment, open: boolean): string[] {
  return [
    `${env.initializationType === 'provisioned-concurrency' ? 'Provisioned' : 'On-demand'}${version(env.version)} · started ${formatTime(env.createdMs)}`,
    open ? 'INIT running' : `Init ${formatDuration(env.initMs)} · ${env.initStatus}`,
    ...(env.runtimeStartupMs
      ? [
          `runtime start-up ${formatDuration(env.runtimeStartupMs)}, then module load ${formatDuration(Math.max(0, env.initMs - env.runtimeStartupMs))}`,
        ]
      : []),
    env.logStreamName,
  ];
}

/** ` · v2` when the trace knows the version; nothing for traces written before versions. */
function version(v: string | undefined): string {
  return v === undefined ? '' : ` · ${versionLabel(v)}`;
}
