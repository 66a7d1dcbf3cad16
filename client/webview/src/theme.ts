/**
 * Colours and fonts for the canvas, read from VS Code's theme variables (the canvas cannot use
 * CSS variables directly). Read again whenever VS Code switches the theme.
 */
import type { BarStyle } from './model';

export interface Theme {
  background: string;
  foreground: string;
  muted: string;
  grid: string;
  rowStripe: string;
  focus: string;
  playhead: string;
  selection: string;
  /** Outline of bars that match the search. */
  match: string;
  styles: Record<BarStyle, string>;
  /** AWS call marks inside INVOKE bars, by service (SigV4 name); `other` for the rest. */
  services: Record<string, string>;
  /** A call that repeated a side effect of an earlier attempt. */
  duplicate: string;
  /** Ink drawn on top of a bar (badges, marks): the editor background, for contrast. */
  ink: string;
  font: string;
  fontSmall: string;
  /** High contrast themes get thicker outlines on every bar. */
  highContrast: boolean;
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  const v = style.getPropertyValue(name).trim();
  return v === '' ? fallback : v;
}

export function readTheme(): Theme {
  const s = getComputedStyle(document.body);
  const fg = cssVar(s, '--vscode-foreground', cssVar(s, '--vscode-editor-foreground', 'CanvasText'));
  const bg = cssVar(s, '--vscode-editor-background', 'Canvas');
  const family = cssVar(s, '--vscode-font-family', 'system-ui, sans-serif');
  const size = parseFloat(cssVar(s, '--vscode-font-size', '13px')) || 13;
  const c = (name: string, fallback: string): string => cssVar(s, name, fallback);
  return {
    background: bg,
    foreground: fg,
    muted: c('--vscode-descriptionForeground', fg),
    grid: c('--vscode-editorRuler-foreground', c('--vscode-panel-border', fg)),
    rowStripe: c('--vscode-list-hoverBackground', bg),
    focus: c('--vscode-focusBorder', fg),
    playhead: c('--vscode-editorCursor-foreground', fg),
    selection: c('--vscode-focusBorder', fg),
    match: c('--vscode-editor-findMatchBorder', c('--vscode-focusBorder', fg)),
    ink: bg,
    styles: {
      init: c('--vscode-charts-yellow', fg),
      'init-error': c('--vscode-charts-red', fg),
      cold: c('--vscode-charts-blue', fg),
      warm: c('--vscode-charts-green', fg),
      error: c('--vscode-charts-red', fg),
      timeout: c('--vscode-charts-orange', fg),
      crash: c('--vscode-charts-purple', fg),
      throttle: c('--vscode-charts-red', fg),
      running: c('--vscode-charts-blue', fg),
    },
    services: {
      dynamodb: c('--vscode-charts-purple', fg),
      sqs: c('--vscode-charts-orange', fg),
      sns: c('--vscode-charts-yellow', fg),
      events: c('--vscode-charts-yellow', fg),
      s3: c('--vscode-charts-green', fg),
      lambda: c('--vscode-charts-blue', fg),
      other: c('--vscode-charts-foreground', fg),
    },
    duplicate: c('--vscode-charts-red', fg),
    font: `${size}px ${family}`,
    fontSmall: `${Math.max(10, size - 2)}px ${family}`,
    highContrast:
      document.body.classList.contains('vscode-high-contrast') ||
      document.body.classList.contains('vscode-high-contrast-light'),
  };
}
