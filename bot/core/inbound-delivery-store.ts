/** A channel request recorded before the channel acknowledged it, not yet fully processed. */
export interface InboundDelivery {
  /** Channel name (`slack`). */
  channel: string;
  /** The channel's idempotency key of the request (Slack: `event_id`); a redelivery has the same one. */
  id: string;
  /** The verified, decoded request body as JSON text. */
  body: string;
  /** When it was first recorded (ISO 8601). */
  receivedAt: string;
  /** How many times it has been claimed for processing again after a crash. */
  attempts: number;
}

/**
 * Raw channel requests kept from before the acknowledgement until their processing has finished (migration 12,
 * table `inbound_deliveries`), for channels whose framework must see the request itself (Slack's Bolt) before a
 * message can go into the durable inbox. After a crash, the ones left are processed again; the inbox de-duplicates.
 * Rows are deleted once processed, so the table only holds requests in flight or left by a dead process.
 */
export interface InboundDeliveryStore {
  /** Records a verified request before it is acknowledged; a redelivery with the same key is kept once. Returns whether it was new. */
  record(delivery: { channel: string; id: string; body: string }): Promise<boolean>;
  /** Forgets a request whose processing has finished. */
  complete(channel: string, id: string): Promise<void>;
  /**
   * Claims the requests of `channel` last claimed (or received) before `staleBefore` (ISO 8601), oldest first, at most
   * `limit`: each is marked claimed now and its `attempts` counted up, so another pass or process does not take it too.
   */
  claimStale(options: { channel: string; staleBefore: string; limit: number }): Promise<InboundDelivery[]>;
}
