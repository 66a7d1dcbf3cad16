/**
 * The simulator settings (`lambdaLens.simulator.*`), read when a simulation starts. A value
 * that cannot be used stops the run with a message naming the setting and a button to open it.
 */
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import * as vscode from 'vscode';
import type { PlatformSettings } from '../../server/src/simulator/config';

export const SETTINGS = {
  rules: 'lambdaLens.rules',
  idleTimeoutSeconds: 'lambdaLens.simulator.idleTimeoutSeconds',
  accountConcurrency: 'lambdaLens.simulator.accountConcurrency',
  nodePath: 'lambdaLens.simulator.nodePath',
  pythonPath: 'lambdaLens.simulator.pythonPath',
  runRejectedConfigurations: 'lambdaLens.simulator.runRejectedConfigurations',
} as const;

/** True when runs go ahead although Lambda would reject the function's configuration. */
export function runRejectedConfigurations(): boolean {
  return vscode.workspace.getConfiguration().get<unknown>(SETTINGS.runRejectedConfigurations) === true;
}

/** Platform defaults from the settings, placed under a scenario's own `platform` values; undefined after reporting a bad value. */
export function simulatorPlatform(): Partial<PlatformSettings> | undefined {
  const config = vscode.workspace.getConfiguration();
  const platform: Partial<PlatformSettings> = {};
  const idle = number(config, SETTINGS.idleTimeoutSeconds, 1, 24 * 60 * 60);
  if (idle === null) return undefined;
  if (idle !== undefined) platform.idleTimeoutMs = idle * 1000;
  const concurrency = number(config, SETTINGS.accountConcurrency, 1, 100_000, true);
  if (concurrency === null) return undefined;
  if (concurrency !== undefined) platform.accountConcurrency = concurrency;
  return platform;
}

/**
 * The executable setting for a runtime (`nodePath` for nodejs*, `pythonPath` for python*):
 * `{}` when it is empty (the simulator looks on PATH), undefined after reporting a bad value.
 */
export function simulatorExecutables(runtime: string): { node?: string; python?: string } | undefined {
  const python = runtime.startsWith('python');
  const value = executable(vscode.workspace.getConfiguration(), python ? SETTINGS.pythonPath : SETTINGS.nodePath);
  if (value === null) return undefined;
  if (value === undefined) return {};
  return python ? { python: value } : { node: value };
}

/** The idle timeout the next run uses, in minutes (for prompts). */
export function idleTimeoutMinutes(defaultMs: number): number {
  const seconds = vscode.workspace.getConfiguration().get<unknown>(SETTINGS.idleTimeoutSeconds);
  return (typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : defaultMs) / 60_000;
}

/** A number setting within bounds: undefined when not set by the user, null when wrong (reported). */
function number(
  config: vscode.WorkspaceConfiguration,
  key: string,
  min: number,
  max: number,
  integer = false,
): number | undefined | null {
  const inspected = config.inspect<unknown>(key);
  const set = inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue;
  if (set === undefined) return undefined;
  if (
    typeof set !== 'number' ||
    !Number.isFinite(set) ||
    set < min ||
    set > max ||
    (integer && !Number.isInteger(set))
  ) {
    report(
      key,
      vscode.l10n.t(
        '{0} is {1}; it takes a {2} from {3} to {4}.',
        key,
        JSON.stringify(set),
        integer ? vscode.l10n.t('whole number') : vscode.l10n.t('number'),
        min,
        max,
      ),
    );
    return null;
  }
  return set;
}

/**
 * An executable setting: a path (`~` is the home folder) or a command name looked up on PATH;
 * undefined when empty, null when the path does not exist (reported).
 */
function executable(config: vscode.WorkspaceConfiguration, key: string): string | undefined | null {
  const value = config.get<unknown>(key);
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return undefined;
  if (typeof value !== 'string') {
    report(key, vscode.l10n.t('{0} must be a path or a command name.', key));
    return null;
  }
  const trimmed = value.trim();
  const path = trimmed === '~' || trimmed.startsWith('~/') ? join(homedir(), trimmed.slice(1)) : trimmed;
  if (!/[\\/]/.test(path)) return path;
  if (!isAbsolute(path) || !existsSync(path) || !statSync(path).isFile()) {
    report(
      key,
      vscode.l10n.t(
        '{0} is "{1}", which is not an executable file on this machine. Give an absolute path, a command on PATH, or leave it empty to let Lambda Lens look on PATH.',
        key,
        trimmed,
      ),
    );
    return null;
  }
  return path;
}

function report(key: string, message: string): void {
  const open = vscode.l10n.t('Open Setting');
  void vscode.window.showErrorMessage(vscode.l10n.t('Lambda Lens: {0}', message), open).then((choice) => {
    if (choice === open) void vscode.commands.executeCommand('workbench.action.openSettings', key);
  });
}
