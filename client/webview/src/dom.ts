/**
 * Building DOM nodes. Text from a run (log lines, error messages, request ids) only ever goes
 * into `textContent`, never into HTML, so whatever a handler prints shows as text.
 */

export interface ElOptions {
  className?: string;
  text?: string;
  title?: string;
  attrs?: Record<string, string>;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: ElOptions = {},
  ...children: (Node | null)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (options.className) node.className = options.className;
  if (options.text !== undefined) node.textContent = options.text;
  if (options.title !== undefined) node.title = options.title;
  for (const [k, v] of Object.entries(options.attrs ?? {})) node.setAttribute(k, v);
  for (const c of children) if (c) node.appendChild(c);
  return node;
}

/** A button showing a codicon, with an accessible name and a tooltip that names its key; `onClick` may be added later. */
export function iconButton(icon: string, label: string, key: string | null, onClick?: () => void): HTMLButtonElement {
  const b = el(
    'button',
    { className: 'll-btn', title: key ? `${label} (${key})` : label, attrs: { type: 'button', 'aria-label': label } },
    el('span', { className: `codicon codicon-${icon}`, attrs: { 'aria-hidden': 'true' } }),
  );
  if (onClick) b.addEventListener('click', onClick);
  return b;
}

export function setIcon(button: HTMLButtonElement, icon: string, label: string, key: string | null): void {
  const span = button.firstElementChild;
  if (span) span.className = `codicon codicon-${icon}`;
  button.setAttribute('aria-label', label);
  button.title = key ? `${label} (${key})` : label;
}

export function clear(node: Element): void {
  while (node.firstChild) node.removeChild(node.firstChild);
}
