import type { Activity, Attachment, ReplyInput } from '../bot/core/index.js';

/** The image attachments (photos) of a customer's message. */
export function imageAttachments(activity: Activity): Attachment[] {
  return (activity.attachments ?? []).filter((attachment) => /^image\//i.test(attachment.contentType));
}

/**
 * The reply to a message that brings files but no text. There is no vision module yet, so the bot says the files
 * are in the conversation (where the team sees them) and asks what the customer wants to know; undefined when the
 * message has text or no attachments, so that the usual routing applies.
 */
export function attachmentOnlyReply(activity: Activity): ReplyInput | undefined {
  const attachments = activity.attachments ?? [];
  if (activity.text.trim() || attachments.length === 0) return undefined;
  const images = imageAttachments(activity).length;
  const what = images === attachments.length ? (images === 1 ? 'your photo' : 'your photos') : attachments.length === 1 ? 'your file' : 'your files';
  const it = attachments.length === 1 ? 'it' : 'them';
  return {
    text: `Thanks, I've added ${what} to this conversation so our team can see ${it}. What would you like to know about ${it}?`,
    action: 'clarify',
    sources: [],
  };
}
