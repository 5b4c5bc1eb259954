/** A v4 UUID; `crypto.randomUUID` needs a secure context, so plain-http pages get one built from random bytes. */
export function uuid(): string {
  const c = window.crypto as Crypto | undefined;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  const b = new Uint8Array(16);
  if (c && typeof c.getRandomValues === 'function') c.getRandomValues(b);
  else for (let i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = Array.from(b, (x) => (x + 0x100).toString(16).slice(1)).join('');
  return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
}

/** `v` when it is a non-empty string, else "" (server data is never trusted to have the right type). */
export function str(v: unknown): string {
  return typeof v === 'string' && v ? v : '';
}

/** Creates an element with a class name and attributes. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, attrs?: Record<string, string>): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (attrs) for (const k in attrs) node.setAttribute(k, attrs[k] as string);
  return node;
}

/** Removes every child of `node`. */
export function clear(node: Node): void {
  while (node.firstChild) node.removeChild(node.firstChild);
}

/** Appends `text` to `parent` as text nodes, turning http(s) URLs into links. Never parses HTML. */
export function appendText(parent: Node, text: string): void {
  const re = /\bhttps?:\/\/[^\s<>"']*[^\s<>"'.,;:!?)\]]/g;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    if (m.index > last) parent.appendChild(document.createTextNode(text.slice(last, m.index)));
    const a = el('a', 'parley-link', { href: m[0], target: '_blank', rel: 'noopener noreferrer' });
    a.textContent = m[0];
    parent.appendChild(a);
    last = m.index + m[0].length;
  }
  if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
}

/** Resolves an image URL from the server against `origin`; only http(s), blob and data:image URLs pass, else "". */
export function safeImageUrl(u: unknown, origin: string): string {
  try {
    const url = new URL(String(u), origin + '/');
    if (url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'blob:') return url.href;
    if (url.protocol === 'data:' && /^data:image\//i.test(url.href)) return url.href;
  } catch {
    /* invalid URL: skip the image */
  }
  return '';
}

/** A timestamp in the reader's locale, or "" when it does not parse. */
export function formatTime(iso: unknown): string {
  const d = new Date(iso as string);
  return isNaN(d.getTime()) ? '' : d.toLocaleString();
}

/** Speech bubble with three dots (the launcher). */
export const CHAT_ICON =
  'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z';
/** Paper clip (the photo button). */
export const ATTACH_ICON =
  'M16.5 6v11.5a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10.5a1 1 0 0 1-2 0V6H10v9.5a2.5 2.5 0 0 0 5 0V5a4 4 0 0 0-8 0v12.5a5.5 5.5 0 0 0 11 0V6h-1.5z';

/** A decorative 24×24 SVG icon of one path. */
export function icon(d: string): SVGSVGElement {
  const NS = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const path = document.createElementNS(NS, 'path');
  path.setAttribute('d', d);
  svg.appendChild(path);
  return svg;
}
