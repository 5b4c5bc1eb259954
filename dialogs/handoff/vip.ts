import { VERIFIED_USER_ID, type ConversationRecord } from '../../bot/core/index.js';

/** The parts of a conversation that say who the customer is (`channel` tells whether its user id can be trusted). */
export type CustomerIdentity = Pick<ConversationRecord, 'userId' | 'metadata'> & Partial<Pick<ConversationRecord, 'channel'>>;

/**
 * Channels whose user id the client chooses for itself (the web chat widget, `POST /api/chat`): there only an id the
 * operator's site signed (`metadata.verifiedUserId`, see `PARLEY_IDENTITY_SECRET`) says who the customer is. Every
 * other channel's user id is an address the channel vouches for (phone number, e-mail sender, Slack or Teams user).
 */
export const SELF_ASSERTED_CHANNELS: ReadonlySet<string> = new Set(['webchat', 'rest']);

/** The verified ids of the customer: the channel address, or on self-asserted channels the signed id only. */
function verifiedIds(conversation: CustomerIdentity): string[] {
  if (conversation.channel !== undefined && SELF_ASSERTED_CHANNELS.has(conversation.channel)) {
    const signed = conversation.metadata[VERIFIED_USER_ID];
    return typeof signed === 'string' && signed ? [signed] : [];
  }
  return [conversation.userId, conversation.metadata.email].filter((value): value is string => typeof value === 'string' && value.length > 0);
}

/**
 * True for a VIP customer: the conversation carries `metadata.vip === true` (set by a channel or CRM integration), or
 * `vipUsers` (`PARLEY_VIP_USERS`) lists a verified id of the customer, or an entry `@example.com` matches the domain
 * of a verified e-mail address (sub-domains included). On web chat and REST an unverified (self-chosen) user id never
 * makes a customer VIP. User ids compare exactly, e-mail addresses and domains without case. Pure.
 */
export function isVip(conversation: CustomerIdentity, vipUsers: readonly string[] = []): boolean {
  if (conversation.metadata.vip === true || conversation.metadata.vip === 'true') return true;
  const ids = verifiedIds(conversation);
  const addresses = ids.filter((value) => value.includes('@')).map((value) => value.trim().toLowerCase());
  return vipUsers.some((raw) => {
    const entry = raw.trim();
    if (!entry) return false;
    if (entry.startsWith('@')) {
      const domain = entry.slice(1).toLowerCase();
      return addresses.some((address) => {
        const host = address.slice(address.lastIndexOf('@') + 1);
        return host === domain || host.endsWith(`.${domain}`);
      });
    }
    return ids.includes(entry) || (entry.includes('@') && addresses.includes(entry.toLowerCase()));
  });
}
