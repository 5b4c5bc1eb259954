import { maskCardNumbers, stringifyMasked, type Activity, type ConversationRecord, type ConversationStatus } from '../core/index.js';

/** A result row as the SQL drivers return it. */
export type Row = Record<string, unknown>;

/** A column as text. */
export const str = (value: unknown): string => String(value);

/** A JSON text column, parsed. */
export const json = <T>(value: unknown): T => JSON.parse(String(value)) as T;

/** The current time as an ISO 8601 string (how every timestamp column is stored). */
export const now = (): string => new Date().toISOString();

/** A ticket's `scope` column value as a {@link TicketRecord} field (absent when shared). */
export const scopeField = (value: unknown): { scope?: string } => (value == null ? {} : { scope: str(value) });

/** A `conversations` row as a {@link ConversationRecord}. */
export function toConversation(row: Row): ConversationRecord {
  return {
    id: str(row.id),
    userId: str(row.user_id),
    channel: str(row.channel),
    status: str(row.status) as ConversationStatus,
    handoffReason: row.handoff_reason == null ? null : str(row.handoff_reason),
    scope: row.scope == null ? null : str(row.scope),
    metadata: json(row.metadata),
    createdAt: str(row.created_at),
    updatedAt: str(row.updated_at),
  };
}

/**
 * Keeps raw channel payloads out of the transcript and store (they may be large or hold secrets). Card numbers are
 * masked here, in the one serializer of inbox, transcript and outbox rows ({@link stringifyMasked}).
 */
export function stored(activity: Activity): string {
  const { raw: _raw, attachments, ...rest } = activity;
  const cleanAttachments = attachments?.map(({ data: _data, ...a }) => a);
  return stringifyMasked(cleanAttachments ? { ...rest, attachments: cleanAttachments } : rest);
}

/** Inserts or replaces a conversation's dialog state; parameters from {@link dialogStateRow}. */
export const SAVE_DIALOG_STATE = `INSERT INTO dialog_state (conversation_id, state, updated_at) VALUES ($1, $2, $3)
  ON CONFLICT (conversation_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`;

/** The parameters of {@link SAVE_DIALOG_STATE} (card numbers masked, as everywhere in the store). */
export function dialogStateRow(conversationId: string, state: unknown): unknown[] {
  return [conversationId, stringifyMasked(state), now()];
}

/**
 * The parameters of an `INSERT INTO messages` row for `activity` (card numbers masked in the text column too);
 * `storedActivity`: {@link stored} of it, when the caller has it already (it is the same text in the inbox or outbox row).
 */
export function messageRow(activity: Activity, storedActivity: string = stored(activity)): unknown[] {
  return [activity.id, activity.conversationId, activity.from.role, maskCardNumbers(activity.text), activity.channel, activity.timestamp, storedActivity];
}

/** The columns of a `messages` row, in the order of {@link messageRow}'s parameters. */
export const MESSAGE_COLUMNS = 'id, conversation_id, role, text, channel, created_at, activity';
