import type { Activity } from './activity.js';
import { markDeliveryFailed, noticeFor } from './delivery.js';
import type { KeyedLock } from './locks.js';
import type { Logger } from './logger.js';
import type { InboxReceipt, Store } from './store.js';
import type { TurnSink } from './turn-context.js';

/** What {@link Bot.record} does besides storing the message. */
export interface RecordOptions {
  /**
   * A fixed reply to send instead of a turn (the help text for HELP, "please send a shorter message"); none by
   * default: the message is only recorded.
   */
  notice?: string;
  /** Where the notice goes; an `undeliverable` error drops it, any other leaves it in the outbox for a retry. */
  sink?: TurnSink;
  /**
   * Runs once per message, when this delivery is the first to record it, before the notice goes out (record an
   * opt-out, log). A redelivery of the message does not run it.
   */
  onFirstDelivery?: () => Promise<void>;
}

/** What {@link Bot.record} did: whether the message was already recorded, and the notice (sent now or before). */
export interface RecordResult {
  duplicate: boolean;
  replies: Activity[];
  inboxId: string;
}

/** What recording needs from the {@link Bot}. */
export interface RecordDeps {
  store: Store;
  lock: KeyedLock;
  logger: Logger;
  instanceId: string;
}

/** How long recording holds the message's inbox lease: far longer than storing one reply and one send take. */
const RECORD_LEASE_MS = 60_000;

/**
 * Records an accepted inbound activity without running a turn (see {@link Bot.record}): under the conversation lock,
 * claims the inbox row (a redelivery, or the same message recorded elsewhere, loses the claim and records nothing),
 * runs `onFirstDelivery`, records the notice with its outbox row and transcript entry in one transaction, sends it,
 * and ends the inbox row as done.
 */
export async function recordAccepted(deps: RecordDeps, activity: Activity, receipt: InboxReceipt, options: RecordOptions): Promise<RecordResult> {
  const { store, logger } = deps;
  return deps.lock.run(activity.conversationId, async () => {
    const claim = await store.claimInbound(receipt.inboxId, { owner: deps.instanceId, ttlMs: RECORD_LEASE_MS });
    if (!claim) {
      const outbound = await store.listOutboundFor(receipt.inboxId);
      return { duplicate: true, replies: outbound.map((o) => o.activity), inboxId: receipt.inboxId };
    }
    await options.onFirstDelivery?.();
    const replies: Activity[] = [];
    if (options.notice !== undefined) {
      // A message recorded again after a crash replies to the activity first stored, like a turn run again.
      const first = receipt.activityId && receipt.activityId !== activity.id ? { ...activity, id: receipt.activityId } : activity;
      const { record } = await store.recordReply({ inboxId: receipt.inboxId, index: 0, activity: noticeFor(first, options.notice) });
      replies.push(record.activity);
      if (options.sink && (record.status === 'pending' || record.status === 'failed')) {
        try {
          await options.sink.send(record.activity);
          await store.markOutbound(record.id, 'sent');
        } catch (error) {
          const status = await markDeliveryFailed(store, record.id, error);
          logger.warn({ err: error, outboxId: record.id, status }, 'notice not delivered');
        }
      }
    }
    await store.completeInbound(receipt.inboxId, 'done', undefined, { owner: deps.instanceId, attempts: claim.attempts });
    return { duplicate: false, replies, inboxId: receipt.inboxId };
  });
}
