/** Something `h` can put in an element: a node, text, a list of those, or nothing. */
export type Child = Node | string | number | null | undefined | false | Child[];

/** Attribute values: `on…` keys take listeners, `testid` sets `data-testid`, `true` is an empty attribute. */
export type Attrs = Record<string, unknown>;

/** Builds an element: h('div', {class: 'x', onclick: fn}, 'text', child, …). Text is always text, never HTML. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value as EventListener);
    else if (key === 'testid') el.dataset.testid = String(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of (children as unknown[]).flat(Infinity) as Child[]) {
    if (child !== null && child !== undefined && child !== false) el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** A 0–1 fraction as a percentage, or "–". */
export const pct = (v: number | null | undefined): string => (v === null || v === undefined ? '–' : `${Math.round(v * 100)}%`);
/** An ISO timestamp as "YYYY-MM-DD HH:MM" (UTC). */
export const when = (iso: string | null | undefined): string => (iso ? iso.slice(0, 16).replace('T', ' ') : '');
/** Milliseconds as "850 ms" or "1.2 s", or "–". */
export const ms = (v: number | null | undefined): string => (v === null || v === undefined ? '–' : v < 1000 ? `${v} ms` : `${(v / 1000).toFixed(1)} s`);
/** A duration as "850 ms", "42 s", "12 min" or "3.5 h". */
export const age = (v: number): string => (v < 60_000 ? ms(v) : v < 3_600_000 ? `${Math.round(v / 60_000)} min` : `${(v / 3_600_000).toFixed(1)} h`);
/** Score flags as chips. */
export const flags = (list: string[] | null | undefined): HTMLSpanElement[] => (list || []).map((f) => h('span', { class: 'flag' }, f));

/** The page's main area. */
export function mainView(): HTMLElement {
  const view = document.getElementById('view');
  if (!view) throw new Error('the dashboard page has no #view element');
  return view;
}

/** Shows an error at the top of the page. */
export function showError(error: unknown): void {
  mainView().prepend(h('p', { class: 'error', role: 'alert', testid: 'error' }, error instanceof Error ? error.message : String(error)));
}

/** The named controls of a submitted form (`event.target.elements`). */
export function formFields(event: Event): Record<string, HTMLInputElement> {
  return (event.target as HTMLFormElement).elements as unknown as Record<string, HTMLInputElement>;
}

/** Runs a change (an API call), then shows the page again; shows the error if either fails. */
export async function change(action: () => Promise<unknown>, refresh: () => Promise<void>): Promise<void> {
  try {
    await action();
    await refresh();
  } catch (error) {
    showError(error);
  }
}
