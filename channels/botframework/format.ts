import { ActionTypes, ActivityTypes, type Activity as BfActivity, type Attachment as BfAttachment } from 'botbuilder';
import { NEUTRAL_SOURCE_TITLE, toPublicSource, type Activity, type ImageRef, type Source } from '../../bot/core/index.js';

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
 * One short line naming where an answer came from, as a customer may see it, e.g. `Source: "Returns" (NWT-1012)` or
 * `Source: "Returns" (NWT-1012) https://help.example.com/returns` (the id alone without a title): titles and links
 * only, never the past ticket's text.
 */
export function sourcesLine(sources: readonly Source[]): string | undefined {
  if (!sources.length) return undefined;
  const names = sources.slice(0, MAX_SOURCES).map((source) => {
    const { title, url } = toPublicSource(source);
    const link = url ? ` ${url}` : '';
    if (title === NEUTRAL_SOURCE_TITLE) return `${source.id}${link}`;
    const short = title.replace(/\s+/g, ' ').trim();
    return `"${short.length > 60 ? `${short.slice(0, 57).replace(/\s+\S*$/, '')}…` : short}" (${source.id})${link}`;
  });
  return `${sources.length > 1 ? 'Sources' : 'Source'}: ${names.join('; ')}`;
}

/**
 * A Parley bot reply as a Bot Framework `message` activity: the text (plus a sources line), quick replies as
 * `suggestedActions` of type `imBack` (a tap sends the option as the customer's message), images as attachments
 * with an `image/*` content type and a `contentUrl`. Conversation, sender and recipient are filled in by the SDK.
 */
export function formatReply(reply: Activity, options: FormatOptions = {}): FormattedReply {
  const lines = [reply.text.trim()];
  const sources = sourcesLine(reply.sources ?? []);
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
