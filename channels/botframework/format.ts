import { ActionTypes, ActivityTypes, type Activity as BfActivity, type Attachment as BfAttachment } from 'botbuilder';
import { numberedCitations, type Activity, type ImageRef, type SourceLink } from '../../bot/core/index.js';

/** Options of {@link formatReply}. */
export interface FormatOptions {
  /** Public origin of this server, to make relative image URLs absolute (channels fetch images themselves). */
  publicUrl?: string | undefined;
  /** The customer's channel account id: suggested actions are shown to them only. */
  userId?: string | undefined;
}

/** A reply as Bot Framework activity fields, and the images that could not be sent (relative URL, no public URL). */
export interface FormattedReply {
  activity: Partial<BfActivity>;
  skippedImages: ImageRef[];
}

/** Most sources named in the sources line. */
const MAX_SOURCES = 3;

const EXTENSION_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
};

/** The `image/*` content type of an image URL (data URL type, else by extension; `image/png` when unknown). */
export function imageContentType(url: string): string {
  const data = /^data:(image\/[a-z0-9.+-]+)[;,]/i.exec(url);
  if (data?.[1]) return data[1].toLowerCase();
  const extension = /\.([a-z0-9]+)(?:$|[?#])/i.exec(url)?.[1]?.toLowerCase();
  return (extension && EXTENSION_TYPES[extension]) || 'image/png';
}

/** `url` made absolute against `publicUrl`; undefined when it is relative and there is no public URL. */
function absoluteUrl(url: string, publicUrl: string | undefined): string | undefined {
  if (/^(https?:|data:)/i.test(url)) return url;
  if (!publicUrl) return undefined;
  try {
    return new URL(url, publicUrl).toString();
  } catch {
    return undefined;
  }
}

/**
 * One short line naming where an answer came from, numbered as the reply's markers, e.g.
 * `Sources: [1] Refund policy (https://shop.example/refunds); [2] Help article`: titles and links only.
 */
export function sourcesLine(sources: readonly SourceLink[]): string | undefined {
  if (!sources.length) return undefined;
  const names = sources.map((source, i) => {
    const short = source.title.length > 60 ? `${source.title.slice(0, 57).replace(/\s+\S*$/, '')}…` : source.title;
    return `[${i + 1}] ${short}${source.url ? ` (${source.url})` : ''}`;
  });
  return `${sources.length > 1 ? 'Sources' : 'Source'}: ${names.join('; ')}`;
}

/**
 * A Parley bot reply as a Bot Framework `message` activity: the text (plus a sources line), quick replies as
 * `suggestedActions` of type `imBack` (a tap sends the option as the customer's message), images as attachments
 * with an `image/*` content type and a `contentUrl`. Conversation, sender and recipient are filled in by the SDK.
 */
export function formatReply(reply: Activity, options: FormatOptions = {}): FormattedReply {
  // Markers numbered as the sources line lists them; only as many sources as the line names can be cited.
  const cited = numberedCitations(reply.text, (reply.sources ?? []).slice(0, MAX_SOURCES));
  const lines = [cited.text];
  const sources = sourcesLine(cited.sources);
  if (sources) lines.push(sources);
  const activity: Partial<BfActivity> = { type: ActivityTypes.Message, text: lines.filter(Boolean).join('\n\n'), textFormat: 'plain' };

  if (reply.quickReplies?.length) {
    const actions = reply.quickReplies.map((option) => ({ type: ActionTypes.ImBack, title: option, value: option }));
    // `to` is optional on the wire (MessageFactory omits it) although the SDK's type requires it.
    activity.suggestedActions = (options.userId ? { to: [options.userId], actions } : { actions }) as BfActivity['suggestedActions'];
  }

  const skippedImages: ImageRef[] = [];
  const attachments: BfAttachment[] = [];
  for (const image of reply.images ?? []) {
    const url = absoluteUrl(image.url, options.publicUrl);
    if (!url) {
      skippedImages.push(image);
      continue;
    }
    attachments.push({ contentType: imageContentType(url), contentUrl: url, ...(image.alt ? { name: image.alt } : {}) });
  }
  if (attachments.length) activity.attachments = attachments;
  return { activity, skippedImages };
}
