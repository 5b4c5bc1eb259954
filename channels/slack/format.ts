import type { types } from '@slack/bolt';
import { NEUTRAL_SOURCE_TITLE, toPublicSource, type Activity, type ImageRef, type Source } from '../../bot/core/index.js';

/** A Block Kit block as chat.postMessage takes it. */
export type SlackBlock = types.KnownBlock;

/** `action_id` prefix of quick-reply buttons (`parley_quick_reply_0`, …); their clicks are the customer's message. */
export const QUICK_REPLY_ACTION_PREFIX = 'parley_quick_reply_';
/** `block_id` prefix of the quick-reply actions block; the rest is the conversation key the buttons answer in. */
export const QUICK_REPLY_BLOCK_PREFIX = 'parley_qr:';

/** Slack's limits (Block Kit reference): section text, button label and value, blocks per message, buttons per block. */
const SECTION_CHARS = 3000;
const BUTTON_LABEL_CHARS = 75;
const BUTTON_VALUE_CHARS = 2000;
const MAX_BLOCKS = 50;
const MAX_BUTTONS = 25;
const MAX_CONTEXT_ELEMENTS = 10;
const BLOCK_ID_CHARS = 255;
/** Image formats Slack renders in an image block; others (e.g. SVG) are linked instead, which never fails a post. */
const RASTER = /\.(png|jpe?g|gif|webp)$/i;

/** The `text` (notification fallback) and `blocks` of one chat.postMessage. */
export interface SlackMessageContent {
  text: string;
  blocks: SlackBlock[];
}

/** Options of {@link formatReply}. */
export interface FormatOptions {
  /** Origin that relative image URLs are resolved against (`PUBLIC_URL`); without it they are left out. */
  publicUrl?: string | undefined;
  /** Conversation key put in the quick-reply block id, so a click finds its conversation. */
  conversationKey?: string | undefined;
}

/** Escapes the three characters Slack's message markup reserves. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** Splits text into chunks of at most `max` characters, preferring line, then word boundaries. */
export function splitText(text: string, max = SECTION_CHARS): string[] {
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max);
    const cut = Math.max(window.lastIndexOf('\n'), window.lastIndexOf(' '));
    let at = cut > max / 2 ? cut : max;
    // Never cut inside an escape such as `&amp;`.
    const amp = rest.lastIndexOf('&', at - 1);
    if (amp > at - 5 && rest.indexOf(';', amp) >= at) at = amp;
    chunks.push(rest.slice(0, at));
    rest = rest.slice(at).replace(/^[\n ]/, '');
  }
  if (rest) chunks.push(rest);
  return chunks;
}

/** An absolute http(s) URL for an image: as is when absolute, resolved against `publicUrl` when relative. */
export function absoluteUrl(url: string, publicUrl: string | undefined): string | undefined {
  try {
    const absolute = new URL(url);
    return absolute.protocol === 'https:' || absolute.protocol === 'http:' ? absolute.toString() : undefined;
  } catch {
    if (!publicUrl) return undefined;
    try {
      return new URL(url, publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`).toString();
    } catch {
      return undefined;
    }
  }
}

function imageBlocks(images: ImageRef[], publicUrl: string | undefined): SlackBlock[] {
  return images.flatMap((image): SlackBlock[] => {
    const url = absoluteUrl(image.url, publicUrl);
    if (!url) return [];
    const alt = clip(image.alt || 'image', 2000);
    if (RASTER.test(new URL(url).pathname)) return [{ type: 'image', image_url: url, alt_text: alt }];
    return [{ type: 'section', text: { type: 'mrkdwn', text: `<${url}|${escapeSlack(clip(image.alt || url, 200)).replace(/\|/g, '¦')}>` } }];
  });
}

function quickReplyBlock(quickReplies: string[], key: string | undefined): SlackBlock {
  const blockId = key ? `${QUICK_REPLY_BLOCK_PREFIX}${key}` : undefined;
  return {
    type: 'actions',
    ...(blockId && blockId.length <= BLOCK_ID_CHARS ? { block_id: blockId } : {}),
    elements: quickReplies.slice(0, MAX_BUTTONS).map((reply, index) => ({
      type: 'button' as const,
      action_id: `${QUICK_REPLY_ACTION_PREFIX}${index}`,
      text: { type: 'plain_text' as const, text: clip(reply, BUTTON_LABEL_CHARS), emoji: true },
      value: clip(reply, BUTTON_VALUE_CHARS),
    })),
  };
}

/**
 * One context line per source, as a customer may see it: its title, linked where the ticket has a public link (never
 * the past ticket's question or answer; agents see those on the escalation card).
 */
function sourcesBlock(sources: Source[]): SlackBlock {
  return {
    type: 'context',
    elements: sources.slice(0, MAX_CONTEXT_ELEMENTS).map((source) => {
      const { title, url } = toPublicSource(source);
      const label = escapeSlack(title === NEUTRAL_SOURCE_TITLE ? source.id : clip(title, 150));
      const linked = url ? `<${escapeSlack(url).replace(/\|/g, '%7C')}|${label}>` : label;
      return { type: 'mrkdwn' as const, text: `Source: ${linked}${title === NEUTRAL_SOURCE_TITLE ? '' : ` (${escapeSlack(source.id)})`}` };
    }),
  };
}

/**
 * A bot reply as a Slack message: the text in sections (split at Slack's 3,000-character limit), images as image
 * blocks with absolute URLs (other formats as links), quick replies as buttons, and the sources as a context block.
 * `text` carries the whole reply for notifications and clients without blocks.
 */
export function formatReply(activity: Activity, options: FormatOptions = {}): SlackMessageContent {
  const text = escapeSlack(activity.text);
  const images = imageBlocks(activity.images ?? [], options.publicUrl);
  const tail: SlackBlock[] = [];
  if (activity.quickReplies?.length) tail.push(quickReplyBlock(activity.quickReplies, options.conversationKey));
  if (activity.sources?.length) tail.push(sourcesBlock(activity.sources));
  const room = MAX_BLOCKS - tail.length;
  const sections: SlackBlock[] = splitText(text).map((chunk) => ({ type: 'section', text: { type: 'mrkdwn', text: chunk } }));
  const blocks = [...sections, ...images].slice(0, room);
  return { text: text || ' ', blocks: [...blocks, ...tail] };
}
