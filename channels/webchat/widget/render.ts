import { appendText, el, formatTime, safeImageUrl, str } from './dom.js';
import type { ChatMessage } from './frames.js';
import type { OutboxEntry, Photo } from './session.js';

/** What rendering needs from the rest of the widget. */
export interface RenderContext {
  /** The Parley server's origin (image URLs resolve against it; the token only ever goes there). */
  origin: string;
  /** The conversation token, for fetching the customer's uploaded photos. */
  token(): string;
  /** An image finished loading: keep the log scrolled to its end if the reader was there. */
  onImageLoad(): void;
  /** A suggested reply was clicked. */
  onQuickReply(text: string): void;
}

/** The image attachments of a history item, as thumbnails to fetch. */
export function photosOf(m: ChatMessage): Photo[] {
  const photos: Photo[] = [];
  for (const item of Array.isArray(m.attachments) ? (m.attachments as unknown[]) : []) {
    const a = item && typeof item === 'object' ? (item as { contentType?: unknown; url?: unknown }) : null;
    if (a && /^image\//.test(str(a.contentType)) && str(a.url)) photos.push({ url: a.url });
  }
  return photos;
}

/** Photos are deleted after a while (privacy): say so instead of showing a broken image. */
function missingPhoto(img: HTMLImageElement): void {
  const note = el('span', 'parley-photo-missing');
  note.textContent = 'Photo no longer available';
  if (img.parentNode) img.parentNode.replaceChild(note, img);
}

/** Shows an upload of this conversation: an <img> cannot send the token, so it is fetched with it. */
function loadUpload(ctx: RenderContext, img: HTMLImageElement, url: unknown): void {
  let href = '';
  try {
    href = new URL(String(url), ctx.origin + '/').href;
  } catch {
    /* not a URL */
  }
  const token = ctx.token();
  // the token only ever goes to Parley's own origin
  if (!href || href.indexOf(ctx.origin + '/') !== 0 || !token) return missingPhoto(img);
  window
    .fetch(href, { headers: { Authorization: 'Bearer ' + token } })
    .then((res) => {
      if (!res.ok) throw new Error('HTTP ' + res.status);
      return res.blob();
    })
    .then((blob) => {
      img.src = URL.createObjectURL(blob);
    })
    .catch(() => missingPhoto(img));
}

/** Thumbnails of the customer's photos: local previews (`src`) or uploads on the server (`url`). */
function photoBox(ctx: RenderContext, photos: Photo[]): HTMLDivElement {
  const box = el('div', 'parley-images');
  photos.forEach((p) => {
    const img = el('img', 'parley-img parley-thumb', { alt: 'Your photo', decoding: 'async', 'data-testid': 'parley-thumbnail' });
    img.addEventListener('load', () => ctx.onImageLoad());
    box.appendChild(img);
    if (p && p.src) img.src = p.src;
    else loadUpload(ctx, img, p && p.url);
  });
  return box;
}

/** A customer bubble, with `photos` as thumbnails; `entry` (a message sent from this page) gets a delivery status line. */
export function customerRow(ctx: RenderContext, text: string, entry: OutboxEntry | null, createdAt: unknown, photos: Photo[] | null): HTMLDivElement {
  const row = el('div', 'parley-row parley-row--customer');
  const who = el('span', 'parley-sr-only');
  who.textContent = 'You:';
  const bubble = el('div', 'parley-msg parley-msg--customer', { 'data-testid': 'parley-customer-message' });
  if (photos && photos.length) bubble.appendChild(photoBox(ctx, photos));
  appendText(bubble, text);
  if (createdAt) bubble.title = formatTime(createdAt);
  row.appendChild(who);
  row.appendChild(bubble);
  if (entry) {
    entry.row = row;
    entry.bubble = bubble;
    entry.statusEl = el('p', 'parley-status');
    row.appendChild(entry.statusEl);
    bubble.setAttribute('data-client-message-id', entry.id);
  } else {
    bubble.setAttribute('data-status', 'delivered');
  }
  return row;
}

function imageBox(ctx: RenderContext, images: unknown[]): HTMLDivElement {
  const box = el('div', 'parley-images');
  images.forEach((img) => {
    const image = img && typeof img === 'object' ? (img as { url?: unknown; alt?: unknown }) : null;
    const src = image ? safeImageUrl(image.url, ctx.origin) : '';
    if (!image || !src) return;
    const node = el('img', 'parley-img', { src, alt: str(image.alt), loading: 'lazy', decoding: 'async' });
    node.addEventListener('load', () => ctx.onImageLoad());
    if (/^https?:/i.test(src)) {
      const a = el('a', '', { href: src, target: '_blank', rel: 'noopener noreferrer' });
      a.appendChild(node);
      box.appendChild(a);
    } else {
      box.appendChild(node);
    }
  });
  return box;
}

/** The distinct ids of a reply's sources (what a customer sees of a source besides its title). */
function sourceItems(sources: unknown): { id: string; title: string; url: string }[] {
  const items: { id: string; title: string; url: string }[] = [];
  (Array.isArray(sources) ? (sources as unknown[]) : []).forEach((s) => {
    const source = s && typeof s === 'object' ? (s as { id?: unknown; title?: unknown; url?: unknown }) : {};
    const id = typeof source.id === 'string' || typeof source.id === 'number' ? String(source.id) : '';
    if (!id || items.some((item) => item.id === id)) return;
    const url = typeof source.url === 'string' && /^https?:\/\//i.test(source.url) ? source.url : '';
    items.push({ id, title: typeof source.title === 'string' && source.title.trim() ? source.title.trim() : id, url });
  });
  return items;
}

/**
 * The sources line under an answer: `[1] Product care`, numbered as the reply's markers, each a link where the source
 * has a public one (the past ticket's id only as a tooltip: it means nothing to a customer).
 */
function sourcesLine(items: readonly { id: string; title: string; url: string }[]): HTMLParagraphElement {
  const line = el('p', 'parley-sources', { 'data-testid': 'parley-sources' });
  line.appendChild(document.createTextNode(items.length === 1 ? 'Source: ' : 'Sources: '));
  items.forEach((item, i) => {
    if (i > 0) line.appendChild(document.createTextNode('; '));
    const label = `[${i + 1}] ${item.title}`;
    const node = item.url ? el('a', 'parley-source', { href: item.url, target: '_blank', rel: 'noopener noreferrer', title: item.id }) : el('span', 'parley-source', { title: item.id });
    node.textContent = label;
    line.appendChild(node);
  });
  return line;
}

/**
 * A bot, agent or system bubble for a history item, an unsolicited message or a reply.
 * `withQuickReplies` is false for history items that are no longer the latest message.
 */
export function serverRow(ctx: RenderContext, m: ChatMessage, withQuickReplies: boolean): HTMLDivElement {
  const role = m.role === 'agent' || m.role === 'system' ? m.role : 'bot';
  const row = el('div', 'parley-row parley-row--' + role);
  const who = el('span', 'parley-sr-only');
  who.textContent = role === 'agent' ? 'Agent:' : role === 'system' ? 'Notice:' : 'Assistant:';
  row.appendChild(who);
  if (role === 'agent') {
    const author = el('p', 'parley-author', { 'aria-hidden': 'true' });
    author.textContent = str(m.authorName) || 'Support agent';
    row.appendChild(author);
  }
  const bubble = el('div', 'parley-msg parley-msg--' + role, { 'data-testid': 'parley-' + role + '-message' });
  if (m.action === 'handoff') bubble.classList.add('parley-msg--handoff');
  const action = str(m.action);
  if (action) bubble.setAttribute('data-action', action);
  const id = str(m.id);
  if (id) bubble.setAttribute('data-messageid', id);
  if (m.createdAt) bubble.title = formatTime(m.createdAt);
  const text = typeof m.text === 'string' ? m.text : '';
  if (text) {
    const body = el('div', 'parley-text');
    appendText(body, text);
    bubble.appendChild(body);
  }

  const images = imageBox(ctx, Array.isArray(m.images) ? (m.images as unknown[]) : []);
  if (images.firstChild) bubble.appendChild(images);

  const sources = sourceItems(m.sources);
  if (sources.length) bubble.appendChild(sourcesLine(sources));

  const quick = Array.isArray(m.quickReplies) ? (m.quickReplies as unknown[]).filter((q): q is string => typeof q === 'string' && !!q) : [];
  if (withQuickReplies && quick.length) {
    const box = el('div', 'parley-quick', { role: 'group', 'aria-label': 'Suggested replies' });
    quick.forEach((q) => {
      const b = el('button', 'parley-quick-reply', { type: 'button', 'data-testid': 'parley-quick-reply' });
      b.textContent = q;
      b.addEventListener('click', () => ctx.onQuickReply(q));
      box.appendChild(b);
    });
    bubble.appendChild(box);
  }
  row.appendChild(bubble);
  return row;
}
