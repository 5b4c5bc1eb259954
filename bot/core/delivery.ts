import type { Activity } from './activity.js';
import type { ChannelHost } from './channel.js';
import { asParleyError, ParleyError } from './errors.js';
import { newId } from './ids.js';
import type { Store } from './store.js';

/** Why a reply can never be delivered (it is dropped, not retried). */
export type UndeliverableReason = 'opted_out';

/**
 * The error an adapter throws when a reply must never go out, whatever a retry would do (the customer opted out):
 * `forbidden`, with `details.undeliverable` naming the reason, so the outbox drops the reply instead of retrying it.
 */
export function undeliverable(reason: UndeliverableReason, message: string): ParleyError {
  return new ParleyError('forbidden', message, { details: { undeliverable: reason } });
}

/** The reason of an {@link undeliverable} error, or undefined for a failure worth retrying (network, vendor API). */
export function undeliverableReason(error: unknown): UndeliverableReason | undefined {
  const reason = asParleyError(error).details?.undeliverable;
  return reason === 'opted_out' ? reason : undefined;
}

/**
 * Records a failed delivery of outbox row `outboxId`: `dropped` (with the reason, e.g. `opted_out`) for good when the
 * error is {@link undeliverable}, else `failed` with the error's message, to be retried by the outbox worker.
 * Returns the status written.
 */
export async function markDeliveryFailed(store: Pick<Store, 'markOutbound'>, outboxId: string, error: unknown): Promise<'failed' | 'dropped'> {
  const reason = undeliverableReason(error);
  if (reason) {
    await store.markOutbound(outboxId, 'dropped', reason);
    return 'dropped';
  }
  await store.markOutbound(outboxId, 'failed', asParleyError(error).message);
  return 'failed';
}

/** What {@link answerWithNotice} sends and does. */
export interface NoticeAnswer {
  /** The reply (see {@link noticeFor}); without one the message is only recorded. */
  notice?: Activity | undefined;
  /** Delivers the notice on the channel; an {@link undeliverable} error drops it, any other leaves it for a retry. */
  send: (reply: Activity) => Promise<void>;
  /** Runs once, when this delivery wins the message's turn, before the notice goes out (e.g. record an opt-out). */
  onFirstDelivery?: () => Promise<void>;
}

/** How long a notice's turn holds its lease: far longer than storing one reply and one send take. */
const NOTICE_LEASE_MS = 60_000;

/**
 * Answers an inbound customer activity with a fixed notice instead of a turn (a compliance keyword, a message too
 * long for the channel, files that could not be opened), through the durable inbox and outbox like a turn: the
 * message is accepted (inbox row and transcript entry, idempotent on the channel message id), its turn claimed under
 * a lease, and the notice recorded with its outbox row and transcript entry in one transaction, so a redelivery (a
 * vendor's retry) or the recovery loop records and sends nothing again. Returns whether the delivery was a duplicate.
 */
export async function answerWithNotice(
  host: Pick<ChannelHost, 'store' | 'logger' | 'bot'>,
  activity: Activity,
  answer: NoticeAnswer,
): Promise<{ duplicate: boolean }> {
  const { store, logger } = host;
  const receipt = await store.acceptInbound(activity);
  if (!(await store.claimInbound(receipt.inboxId, { owner: host.bot.instanceId, ttlMs: NOTICE_LEASE_MS }))) return { duplicate: true };
  await answer.onFirstDelivery?.();
  if (answer.notice) {
    const { record } = await store.recordReply({ inboxId: receipt.inboxId, index: 0, activity: answer.notice });
    if (record.status === 'pending' || record.status === 'failed') {
      try {
        await answer.send(record.activity);
        await store.markOutbound(record.id, 'sent');
      } catch (error) {
        const status = await markDeliveryFailed(store, record.id, error);
        logger.warn({ err: error, outboxId: record.id, status }, 'notice not delivered');
      }
    }
  }
  await store.completeInbound(receipt.inboxId, 'done');
  return { duplicate: false };
}

/** A bot notice replying to `activity` in its conversation (a fixed text, no sources). */
export function noticeFor(activity: Activity, text: string): Activity {
  return {
    id: newId('act'),
    type: 'message',
    channel: activity.channel,
    conversationId: activity.conversationId,
    from: { id: 'parley', role: 'bot' },
    text,
    timestamp: new Date().toISOString(),
    action: 'answer',
    sources: [],
    replyToId: activity.id,
  };
}
