import type { SendMailOptions } from 'nodemailer';
import { numberedCitations, type Activity } from '../../bot/core/index.js';
import { replyReferences, replySubject, type EmailThreadRef } from './threading.js';

/** What {@link formatReply} needs besides the reply. */
export interface FormatContext {
  /** Sender of replies (`EMAIL_FROM`), e.g. `Northwind Support <help@shop.example>`. */
  from: string;
  /** Message-ID of the new message, on Parley's domain. */
  messageId: string;
  /** The message answered: its sender, subject, Message-ID and References. */
  parent: EmailThreadRef;
  /** Public origin used to make relative image URLs absolute; relative images are left out without it. */
  publicUrl?: string | undefined;
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** Image URLs a mail client can load: absolute http(s), or relative ones made absolute with `publicUrl`. */
function imageUrls(reply: Activity, publicUrl: string | undefined): { url: string; alt: string }[] {
  return (reply.images ?? []).flatMap((image) => {
    if (/^https?:\/\//i.test(image.url)) return [image];
    if (!publicUrl) return [];
    return [{ url: new URL(image.url, publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`).toString(), alt: image.alt }];
  });
}

/** The plain-text part: the reply, the sources as numbered footnotes, then the quick replies as a list and the image links. */
export function renderText(reply: Activity, publicUrl?: string): string {
  const { text, sources } = numberedCitations(reply.text, reply.sources ?? []);
  const parts = [text];
  if (sources.length) parts.push(['Sources:', ...sources.map((source, i) => `[${i + 1}] ${source.title}${source.url ? ` — ${source.url}` : ''}`)].join('\n'));
  if (reply.quickReplies?.length) parts.push(['You can reply with one of:', ...reply.quickReplies.map((q) => `- ${q}`)].join('\n'));
  const images = imageUrls(reply, publicUrl);
  if (images.length) parts.push(images.map((image) => `${image.alt || 'Image'}: ${image.url}`).join('\n'));
  return `${parts.join('\n\n')}\n`;
}

/** Escaped text with paragraphs, line breaks and clickable links. */
function paragraphs(text: string): string {
  return text
    .trim()
    .split(/\n{2,}/)
    .map((block) => `<p>${escapeHtml(block).replace(/https?:\/\/[^\s<&]+/g, (url) => `<a href="${url}">${url}</a>`).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
}

/** The HTML part: the same content as {@link renderText} (footnotes as a numbered list of links), with images shown inline. */
export function renderHtml(reply: Activity, publicUrl?: string): string {
  const { text, sources } = numberedCitations(reply.text, reply.sources ?? []);
  const body = [paragraphs(text)];
  if (sources.length) {
    const items = sources.map((source) => `<li>${source.url ? `<a href="${escapeHtml(source.url)}">${escapeHtml(source.title)}</a>` : escapeHtml(source.title)}</li>`);
    body.push(`<p>Sources:</p>\n<ol>${items.join('')}</ol>`);
  }
  if (reply.quickReplies?.length) {
    body.push(`<p>You can reply with one of:</p>\n<ul>${reply.quickReplies.map((q) => `<li>${escapeHtml(q)}</li>`).join('')}</ul>`);
  }
  for (const image of imageUrls(reply, publicUrl)) {
    body.push(`<p><img src="${escapeHtml(image.url)}" alt="${escapeHtml(image.alt)}" style="max-width:100%;height:auto"></p>`);
  }
  return `<!doctype html>\n<html><body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;line-height:1.5">\n${body.join('\n')}\n</body></html>\n`;
}

/**
 * A bot or agent reply as a nodemailer message answering `parent`: `Re:` subject, `In-Reply-To` = the parent's
 * Message-ID, `References` = the parent's References + its Message-ID, our own Message-ID, text and HTML parts.
 * Bot replies carry `Auto-Submitted: auto-replied` (RFC 3834) so that other responders do not answer them.
 */
export function formatReply(reply: Activity, context: FormatContext): SendMailOptions {
  const { parent } = context;
  const outbound = reply.outbound;
  const headers: Record<string, string> = { 'X-Auto-Response-Suppress': 'All' };
  if (reply.from.role === 'bot') headers['Auto-Submitted'] = outbound?.subject ? 'auto-generated' : 'auto-replied';
  Object.assign(headers, outbound?.headers ?? {});
  const to = parent.name ? { name: parent.name, address: parent.to } : parent.to;
  const html = renderHtml(reply, context.publicUrl);
  const base = { from: outbound?.from ?? context.from, to, messageId: context.messageId, text: renderText(reply, context.publicUrl), headers };
  // A proactive message with its own subject starts a thread (a campaign e-mail); the customer's answer continues it.
  if (outbound?.subject) return { ...base, subject: outbound.subject, html: withPixel(html, outbound.trackingPixelUrl) };
  return {
    ...base,
    subject: replySubject(parent.subject),
    inReplyTo: parent.messageId,
    references: replyReferences(parent.references, parent.messageId),
    html: withPixel(html, outbound?.trackingPixelUrl),
  };
}

/** The HTML part with a 1×1 open-tracking image before `</body>` (unchanged without a pixel URL). */
function withPixel(html: string, pixelUrl: string | undefined): string {
  if (!pixelUrl) return html;
  return html.replace('\n</body>', `\n<img src="${escapeHtml(pixelUrl)}" width="1" height="1" alt="" style="display:block;border:0">\n</body>`);
}
