import type { Activity } from './activity.js';
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
