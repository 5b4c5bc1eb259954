import { randomUUID } from 'node:crypto';
import type { ConversationRecord, Store } from '../../bot/core/index.js';

/** Channel name of e-mail conversations, activities and conversation links. */
export const EMAIL_CHANNEL = 'email';

/** Most Message-IDs kept in a `References` header: the thread's first plus the latest ones (RFC 5322 §3.6.4). */
const MAX_REFERENCES = 20;

/**
 * What Parley stores with each linked Message-ID of a thread (`ConversationRef.ref`): enough to send the next
 * message of the conversation as a reply in the same thread.
 */
export interface EmailThreadRef {
  /** The customer's address replies go to. */
  to: string;
  name?: string;
  /** Subject of this message. */
  subject: string;
  /** This message's Message-ID, angle brackets included. */
  messageId: string;
  /** This message's own `References` (the thread before it); a reply's References add `messageId`. */
  references: string[];
  direction: 'inbound' | 'outbound';
  /** ISO time it was linked; the latest full ref is what a proactive message answers. */
  at: string;
}

/** Every `<id>` in a Message-ID, In-Reply-To or References value (mailparser gives one string or an array). */
export function messageIds(value: string | readonly string[] | undefined): string[] {
  const text = Array.isArray(value) ? value.join(' ') : (value as string | undefined) ?? '';
  const bracketed = text.match(/<[^<>\s]+>/g);
  if (bracketed) return [...new Set(bracketed)];
  // Some clients drop the brackets; a lone token is still an id.
  return text.trim() && !/\s/.test(text.trim()) ? [`<${text.trim()}>`] : [];
}

/** `Re: <subject>`, without stacking prefixes ("Re: Re:", "AW:", "SV:" are kept as they are). */
export function replySubject(subject: string | undefined): string {
  const trimmed = (subject ?? '').trim();
  if (!trimmed) return 'Re: Your message';
  return /^(re|aw|sv|antw|vs)\s*:/i.test(trimmed) ? trimmed : `Re: ${trimmed}`;
}

/** `References` of a reply: the parent's references plus the parent's Message-ID, trimmed to the first and last ids. */
export function replyReferences(parentReferences: readonly string[], parentMessageId: string): string[] {
  const all = [...new Set([...parentReferences, parentMessageId])];
  return all.length <= MAX_REFERENCES ? all : [all[0] as string, ...all.slice(all.length - MAX_REFERENCES + 1)];
}

/** The domain of an address such as `Support <help@shop.example>` (`shop.example`), `localhost` when it has none. */
export function domainOf(address: string): string {
  const match = /@([^\s<>@]+?)>?\s*$/.exec(address.trim());
  return match?.[1]?.toLowerCase() ?? 'localhost';
}

/** A new Message-ID on Parley's own domain, e.g. `<parley.1b9d…@shop.example>`. */
export function newMessageId(domain: string): string {
  return `<parley.${randomUUID()}@${domain}>`;
}

/**
 * The conversation an inbound message continues: the first of `ids` (its own Message-ID, In-Reply-To, then
 * References from newest to oldest) linked to a conversation of the same sender. Another sender quoting a thread
 * does not get into that conversation: e-mail headers are not authenticated.
 */
export async function findThreadConversation(store: Store, ids: readonly string[], sender: string): Promise<ConversationRecord | undefined> {
  for (const id of ids) {
    const link = await store.findConversationRef(EMAIL_CHANNEL, id);
    if (!link) continue;
    const conversation = await store.getConversation(link.conversationId);
    if (conversation && conversation.userId.toLowerCase() === sender.toLowerCase()) return conversation;
  }
  return undefined;
}

/**
 * Links Message-IDs to a conversation. `full` ids carry the thread ref (what a later reply needs); `others`
 * (older messages of the thread) are linked with a pointer to it so that replies quoting only them still match.
 */
export async function linkThread(store: Store, conversationId: string, ref: EmailThreadRef, others: readonly string[] = []): Promise<void> {
  await store.linkConversation({ channel: EMAIL_CHANNEL, key: ref.messageId, conversationId, ref: { ...ref } });
  for (const key of others) {
    if (key !== ref.messageId) await store.linkConversation({ channel: EMAIL_CHANNEL, key, conversationId, ref: { seenIn: ref.messageId } });
  }
}

/** The latest message of a conversation's e-mail thread (inbound or sent), which a new message should answer. */
export async function latestThreadRef(store: Store, conversationId: string): Promise<EmailThreadRef | undefined> {
  const refs = (await store.listConversationRefs(conversationId))
    .filter((link) => link.channel === EMAIL_CHANNEL && typeof link.ref.to === 'string' && typeof link.ref.messageId === 'string')
    .map((link) => link.ref as unknown as EmailThreadRef);
  let latest: EmailThreadRef | undefined;
  for (const ref of refs) if (!latest || String(ref.at) >= String(latest.at)) latest = ref;
  return latest;
}
