/** Text helpers shared by the ticket importers (HTML bodies, whitespace). */

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', hellip: '…', mdash: '—', ndash: '–',
  rsquo: '’', lsquo: '‘', rdquo: '”', ldquo: '“', copy: '©', reg: '®', trade: '™', euro: '€', pound: '£', bull: '•',
};

/** Decodes the named entities common in support mail plus every numeric (`&#39;`, `&#x27;`) entity. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (match, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : match;
    }
    return NAMED_ENTITIES[name.toLowerCase()] ?? match;
  });
}

/** Trims every line, collapses runs of spaces and keeps at most one blank line between paragraphs. */
export function normalizeWhitespace(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\f\v\u00a0]+/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** True when the text contains block or inline HTML tags (so it should go through {@link htmlToText}). */
export function looksLikeHtml(text: string): boolean {
  return /<\/?(p|br|div|span|a|b|i|u|strong|em|ul|ol|li|table|tr|td|th|h[1-6]|blockquote|pre|code|img|html|body)\b[^>]*>/i.test(text);
}

/**
 * Converts an HTML body (e.g. Zendesk `html_body`) to plain text: block elements become line breaks, list items
 * `- ` bullets, links `text (url)` so help-centre links survive, scripts/styles/comments are dropped, entities decoded.
 */
export function htmlToText(html: string): string {
  const text = html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(script|style|head)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<a\b[^>]*?href\s*=\s*("([^"]*)"|'([^']*)')[^>]*>([\s\S]*?)<\/a\s*>/gi, (_m: string, _q: string, dq: string | undefined, sq: string | undefined, inner: string) => {
      const href = decodeEntities(dq ?? sq ?? '').trim();
      const label = inner.replace(/<[^>]*>/g, '').trim();
      // Keep the URL unless the label already is the URL (or the link is not a real destination).
      if (!/^(https?:|mailto:)/i.test(href) || decodeEntities(label) === href || decodeEntities(label) === href.replace(/^mailto:/i, '')) return label;
      return label ? `${label} (${href})` : href;
    })
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<li\b[^>]*>/gi, '\n- ')
    .replace(/<\/(p|div|h[1-6]|ul|ol|tr|table|blockquote|pre)\s*>/gi, '\n')
    .replace(/<(p|div|h[1-6]|ul|ol|tr|table|blockquote|pre)\b[^>]*>/gi, '\n')
    .replace(/<\/t[dh]\s*>/gi, ' ')
    .replace(/<[^>]*>/g, '');
  return normalizeWhitespace(decodeEntities(text));
}

/** Plain text of a body that may be HTML: converted when it looks like HTML, whitespace-normalized otherwise. */
export function toPlainText(body: string): string {
  // Plain bodies are taken literally: "AT&amp;T" typed by a customer stays as typed.
  return looksLikeHtml(body) ? htmlToText(body) : normalizeWhitespace(body);
}
