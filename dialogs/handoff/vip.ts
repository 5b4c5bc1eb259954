import type { ConversationRecord } from '../../bot/core/index.js';

/** The parts of a conversation that say who the customer is. */
export type CustomerIdentity = Pick<ConversationRecord, 'userId' | 'metadata'>;

/** The customer's e-mail addresses we know of: the user id when it is one, and `metadata.email`. */
function emails(conversation: CustomerIdentity): string[] {
  const candidates = [conversation.userId, conversation.metadata.email];
  return candidates.filter((value): value is string => typeof value === 'string' && value.includes('@')).map((value) => value.trim().toLowerCase());
}

/**
 * True for a VIP customer: the conversation carries `metadata.vip === true` (set by a channel or CRM integration), or
 * `vipUsers` (`PARLEY_VIP_USERS`) lists the user id, or an entry `@example.com` matches the domain of the customer's
 * e-mail address (sub-domains included). User ids compare exactly, e-mail addresses and domains without case. Pure.
 */
export function isVip(conversation: CustomerIdentity, vipUsers: readonly string[] = []): boolean {
  if (conversation.metadata.vip === true || conversation.metadata.vip === 'true') return true;
  const addresses = emails(conversation);
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
    return entry === conversation.userId || (entry.includes('@') && addresses.includes(entry.toLowerCase()));
  });
}
