import type { ConversationCustomer, ConversationRecord } from '../core/index.js';
import { IDENTITY_KINDS } from '../../engagement/store.js';
import type { SqlDriver } from './sql-driver.js';
import { str, type Row } from './rows.js';

/** Conversations looked up per query (well under SQLite's and PostgreSQL's limits on parameters). */
const CHUNK = 500;

/** Every identity kind, as SQL literals: naming them all lets the identities' primary key (kind, value) find rows. */
const KINDS = IDENTITY_KINDS.map((kind) => `'${kind}'`).join(', ');

/** The addresses a conversation's customer may be known by: its `userId`, and a WhatsApp sender's phone number. */
function addressesOf(userId: string): string[] {
  return userId.startsWith('whatsapp:') ? [userId, userId.slice('whatsapp:'.length)] : [userId];
}

/** `$n, $n+1, …` for `count` parameters after `offset` others. */
const placeholders = (count: number, offset = 0): string => Array.from({ length: count }, (_v, i) => `$${offset + i + 1}`).join(', ');

/** The sender's name a channel put on a message (`from.name`: an e-mail's display name, a WhatsApp profile). */
function senderName(activity: unknown): string | null {
  if (activity == null) return null;
  try {
    const name = (JSON.parse(String(activity)) as { from?: { name?: unknown } }).from?.name;
    return typeof name === 'string' && name.trim() ? name.trim() : null;
  } catch {
    return null;
  }
}

/**
 * Who each conversation is with ({@link ConversationCustomer}), for one page of the dashboard's list: two batched
 * queries per 500 conversations — the first customer message of each (by the messages' (conversation, seq) index) and
 * the named profiles of their addresses (by the identities' primary key) — run after the page is cut, so a list of
 * 100 looks up 100 conversations however many there are.
 */
export async function conversationCustomers(db: SqlDriver, conversations: readonly ConversationRecord[]): Promise<Map<string, ConversationCustomer>> {
  const out = new Map<string, ConversationCustomer>();
  for (let start = 0; start < conversations.length; start += CHUNK) {
    const chunk = conversations.slice(start, start + CHUNK);
    const ids = chunk.map((c) => c.id);
    const first = await db.query(
      `SELECT m.conversation_id, m.text, m.activity FROM messages m
       JOIN (SELECT conversation_id, MIN(seq) AS seq FROM messages WHERE role = 'customer' AND conversation_id IN (${placeholders(ids.length)}) GROUP BY conversation_id) f
         ON f.conversation_id = m.conversation_id AND f.seq = m.seq`,
      ids,
    );
    const firstOf = new Map(first.map((row) => [str(row.conversation_id), row]));
    const addresses = [...new Set(chunk.flatMap((c) => addressesOf(c.userId)))];
    const profiles = await db.query(
      `SELECT ci.kind, ci.value, cu.name FROM customer_identities ci JOIN customers cu ON cu.id = ci.customer_id
       WHERE ci.kind IN (${KINDS}) AND ci.value IN (${placeholders(addresses.length)}) AND cu.name IS NOT NULL ORDER BY ci.kind`,
      addresses,
    );
    const nameOf = new Map<string, string>();
    for (const row of profiles) if (!nameOf.has(str(row.value))) nameOf.set(str(row.value), str(row.name));
    for (const conversation of chunk) {
      const message: Row | undefined = firstOf.get(conversation.id);
      const profileName = addressesOf(conversation.userId).map((a) => nameOf.get(a)).find((name) => name !== undefined);
      out.set(conversation.id, {
        name: profileName ?? senderName(message?.activity),
        handle: conversation.userId,
        firstMessage: message ? str(message.text) : null,
      });
    }
  }
  return out;
}

/**
 * The `customer` filter as a condition on `conversations c`: part of the address (`user_id`), or of the name of a
 * profile linked to it (a WhatsApp sender by its phone number). `pattern` is the placeholder of a lower-case LIKE
 * pattern with `\` escapes. The profiles' subquery does not depend on the row, so it is computed once.
 */
export function customerCondition(pattern: string): string {
  const named = `SELECT ci.value FROM customer_identities ci JOIN customers cu ON cu.id = ci.customer_id WHERE LOWER(cu.name) LIKE ${pattern} ESCAPE '\\'`;
  return `(LOWER(c.user_id) LIKE ${pattern} ESCAPE '\\' OR c.user_id IN (${named}) OR c.user_id IN (SELECT 'whatsapp:' || v.value FROM (${named}) v))`;
}
