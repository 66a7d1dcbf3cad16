/**
 * Runs saved under the workspace: `.lambda-lens/runs/<id>.json` (the trace) and, for runs made
 * from the quick picks, `<id>.scenario.json` (the scenario that made it, to edit and run again).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { SimulationTrace } from '../../../server/src/simulator/index';

export const RUNS_FOLDER = join('.lambda-lens', 'runs');

/** A run id that sorts by time: `2026-11-27T10-15-02-123Z-OrdersApiFunction`. */
export function newRunId(functionName: string, now = new Date()): string {
  const slug = functionName.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 60) || 'run';
  return `${now.toISOString().replace(/[:.]/g, '-')}-${slug}`;
}

export function runsDir(workspaceRoot: string): string {
  return join(workspaceRoot, RUNS_FOLDER);
}

export function saveRun(workspaceRoot: string, runId: string, trace: SimulationTrace): string {
  const dir = runsDir(workspaceRoot);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${runId}.json`);
  writeFileSync(file, JSON.stringify(trace));
  return file;
}

export function saveScenario(workspaceRoot: string, runId: string, scenario: unknown): string {
  const dir = runsDir(workspaceRoot);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${runId}.scenario.json`);
  writeFileSync(file, `${JSON.stringify(scenario, null, 2)}\n`);
  return file;
}

/** The newest saved trace in the workspace, or null. */
export function latestRun(workspaceRoot: string): string | null {
  const dir = runsDir(workspaceRoot);
  if (!existsSync(dir)) return null;
  const traces = readdirSync(dir)
    .filter((f) => f.endsWith('.json') && !f.endsWith('.scenario.json') && !f.endsWith('.chrome.json'))
    .sort();
  const last = traces[traces.length - 1];
  return last ? join(dir, last) : null;
}

/** Trace files the user opened by hand in this session (Open Trace File…, the Explorer). */
const openedByHand = new Set<string>();

export function rememberOpened(file: string): void {
  openedByHand.add(resolve(file));
}

/**
 * True when a panel restored after a reload may read `file` again: a run saved in a workspace
 * folder's `.lambda-lens/runs`, or a trace the user opened in this session. The path comes
 * from the webview's saved state, so it is not trusted to name any other file.
 */
export function mayReopen(file: string, workspaceRoots: readonly string[]): boolean {
  const abs = resolve(file);
  return (
    openedByHand.has(abs) || (abs.endsWith('.json') && workspaceRoots.some((r) => dirname(abs) === resolve(runsDir(r))))
  );
}

/** Reads a trace file; throws with a sentence saying what is wrong. */
export function readTrace(file: string): SimulationTrace {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${basename(file)} is not readable JSON: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  }
  if (!isTrace(json))
    throw new Error(`${basename(file)} is not a Lambda Lens trace (a simulation run saved as JSON, format version 1).`);
  return json;
}

function isTrace(v: unknown): v is SimulationTrace {
  if (v === null || typeof v !== 'object') return false;
  const t = v as Record<string, unknown>;
  return (
    t['version'] === 1 &&
    Array.isArray(t['environments']) &&
    Array.isArray(t['invocations']) &&
    Array.isArray(t['inputs']) &&
    typeof t['summary'] === 'object' &&
    t['summary'] !== null &&
    typeof t['function'] === 'object'
  );
}

/** A short title for a run. */
export function runTitle(trace: SimulationTrace): string {
  return trace.scenario.name && trace.scenario.name !== trace.function.name
    ? `${trace.function.name} · ${trace.scenario.name}`
    : trace.function.name;
}
