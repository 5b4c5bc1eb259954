/**
 * HTML clean-up of an e-mail body: removes the quote and signature containers mail clients mark (Gmail's
 * `gmail_quote`, Apple Mail's and Thunderbird's `<blockquote type="cite">`, Yahoo's `yahoo_quoted`, Outlook's
 * `divRplyFwdMsg` and everything after it) and turns what is left into plain text.
 */
import { decodeHTML } from 'entities';

/** Elements removed with everything inside them. */
const REMOVED_ELEMENT =
  /<(div|blockquote|span|table)\b[^>]*?(class\s*=\s*["'][^"']*\b(gmail_quote(_container)?|gmail_signature|gmail_extra|yahoo_quoted|moz-cite-prefix|moz-signature|protonmail_quote|zmail_extra)\b[^"']*["']|type\s*=\s*["']?cite\b|id\s*=\s*["']?(signature|ms-outlook-mobile-signature|isForwardContent|appendonsend)\b)[^>]*>/i;

/** Markers after which everything is quoted history (Outlook puts the old message after them, not inside). */
const CUT_MARKER = /<div\b[^>]*\bid\s*=\s*["']?divRplyFwdMsg\b|<hr\b[^>]*\bid\s*=\s*["']?stopSpelling\b|-{5}\s*Original Message\s*-{5}/i;

const VOID_OR_DROPPED = /<(head|style|script|title)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;

/** Index just past the element that opens at `start` (matching nested tags of the same name), or the end. */
function elementEnd(html: string, start: number, tag: string): number {
  const pattern = new RegExp(`<(/?)${tag}\\b[^>]*>`, 'gi');
  pattern.lastIndex = start;
  let depth = 0;
  for (let match = pattern.exec(html); match; match = pattern.exec(html)) {
    if (match[0].endsWith('/>')) continue;
    depth += match[1] ? -1 : 1;
    if (depth === 0) return match.index + match[0].length;
  }
  return html.length;
}

/** The HTML without quoted history and signature containers. */
export function stripQuotedHtml(html: string): string {
  let out = html.replace(VOID_OR_DROPPED, '');
  const cut = CUT_MARKER.exec(out);
  if (cut) out = out.slice(0, cut.index);
  for (let guard = 0; guard < 200; guard += 1) {
    const match = REMOVED_ELEMENT.exec(out);
    if (!match) break;
    out = out.slice(0, match.index) + out.slice(elementEnd(out, match.index, match[1] as string));
  }
  return out;
}

/**
 * Plain text of an HTML body: block elements become line breaks, tags are dropped, and every character reference is
 * decoded as a browser does (all HTML5 named ones, decimal and hex) by the `entities` library: `Stra&szlig;e` is `Straße`.
 */
export function htmlToText(html: string): string {
  const text = html
    .replace(VOID_OR_DROPPED, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/\s+/g, ' ')
    .replace(/<br\b[^>]*>/gi, '\n')
    .replace(/<\/?(p|div|h[1-6]|ul|ol|table|tr|blockquote|pre|hr|section|article|header|footer)\b[^>]*>/gi, '\n')
    .replace(/<li\b[^>]*>/gi, '\n- ')
    .replace(/<\/t[dh]\s*>/gi, ' ')
    .replace(/<[^>]*>/g, '');
  return decodeHTML(text)
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
    .join('\n');
}
