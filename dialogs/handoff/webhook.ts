import { createHmac } from 'node:crypto';
import { safeEqual, silentLogger, type HandoffJob, type Logger, type Store } from '../../bot/core/index.js';
import type { HandoffEvent, HandoffObserver } from './desk.js';

/** Header carrying the signature of a handoff webhook: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export const WEBHOOK_SIGNATURE_HEADER = 'x-parley-signature';
/** Header naming the event (`escalated`, `claimed`, `message`, `resolved`, `returned`). */
export const WEBHOOK_EVENT_HEADER = 'x-parley-event';
/** Job kind of webhook deliveries in the handoff job table. */
export const WEBHOOK_JOB = 'handoff_webhook';

/** The signature header value of a webhook body sent at `timestamp` (Unix seconds). Pure. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/**
 * Checks a received webhook's signature header (for receivers, and the tests): the HMAC must match and the timestamp
 * be within `toleranceSeconds` (default 300) of `now`. Pure.
 */
export function verifyWebhookSignature(secret: string, header: string | undefined, body: string, now = Date.now(), toleranceSeconds = 300): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match) return false;
  const timestamp = Number(match[1]);
  if (Math.abs(now / 1000 - timestamp) > toleranceSeconds) return false;
  return safeEqual(signWebhook(secret, timestamp, body), header as string);
}

/** The JSON body of a handoff event as sent to other helpdesks. */
export function webhookBody(event: HandoffEvent): Record<string, unknown> {
  const { handoff } = event;
  return {
    event: event.type,
    at: event.at,
    handoff: { id: handoff.id, status: handoff.status, reason: handoff.reason, escalatedAt: handoff.escalatedAt, claimedBy: handoff.claimedBy, ticket: handoff.ticket },
    conversation: event.conversation,
    ...(event.agent ? { agent: event.agent } : {}),
    ...(event.message ? { message: event.message } : {}),
  };
}

/** Options of {@link SignedWebhook}. */
export interface SignedWebhookOptions {
  store: Store;
  /** `PARLEY_HANDOFF_WEBHOOK_URL`. */
  url: string;
  /** `PARLEY_HANDOFF_WEBHOOK_SECRET`. */
  secret: string;
  logger?: Logger;
  /** Attempts before a delivery is given up; default 8. */
  maxAttempts?: number;
  /** First retry delay (ms), doubling each time; default 30 s. */
  retryBaseMs?: number;
  /** Request timeout (ms); default 10 s. */
  timeoutMs?: number;
  now?: () => number;
}

/**
 * A generic signed outbound webhook for other helpdesks: each handoff event is queued durably in the handoff job
 * table, then POSTed as JSON with {@link WEBHOOK_SIGNATURE_HEADER}; non-2xx answers and network errors are retried
 * with exponential backoff.
 */
export class SignedWebhook implements HandoffObserver {
  private running: Promise<number> | undefined;

  constructor(private readonly options: SignedWebhookOptions) {}

  /** Queues the event (delivered by the next {@link pass}). */
  async onEvent(event: HandoffEvent): Promise<void> {
    await this.options.store.handoffs.enqueueHandoffJob({ kind: WEBHOOK_JOB, payload: { event: event.type, body: webhookBody(event) }, at: new Date((this.options.now ?? Date.now)()).toISOString() });
    void this.pass().catch(() => undefined);
  }

  /** Delivers due queued events; returns how many were delivered. */
  pass(): Promise<number> {
    this.running ??= this.deliverDue().finally(() => (this.running = undefined));
    return this.running;
  }

  private async deliverDue(): Promise<number> {
    const { store } = this.options;
    const now = this.options.now ?? Date.now;
    let delivered = 0;
    for (const job of await store.handoffs.listDueHandoffJobs(new Date(now()).toISOString(), 50)) {
      if (job.kind !== WEBHOOK_JOB) continue;
      const error = await this.post(job, now());
      if (!error) {
        await store.handoffs.updateHandoffJob(job.id, { status: 'done', attempts: job.attempts + 1, lastError: null });
        delivered++;
        continue;
      }
      const attempts = job.attempts + 1;
      const failed = attempts >= (this.options.maxAttempts ?? 8);
      const delay = (this.options.retryBaseMs ?? 30_000) * 2 ** (attempts - 1);
      await store.handoffs.updateHandoffJob(job.id, { status: failed ? 'failed' : 'pending', attempts, lastError: error, nextAttemptAt: new Date(now() + delay).toISOString() });
      (this.options.logger ?? silentLogger).warn({ jobId: job.id, attempts, error }, failed ? 'handoff webhook given up' : 'handoff webhook failed; will retry');
    }
    return delivered;
  }

  private async post(job: HandoffJob, now: number): Promise<string | undefined> {
    const body = JSON.stringify(job.payload.body);
    try {
      const response = await fetch(this.options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [WEBHOOK_SIGNATURE_HEADER]: signWebhook(this.options.secret, Math.floor(now / 1000), body),
          [WEBHOOK_EVENT_HEADER]: String(job.payload.event),
          'x-parley-delivery': job.id,
        },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
      await response.arrayBuffer().catch(() => undefined);
      return response.ok ? undefined : `HTTP ${response.status}`;
    } catch (error) {
      return (error as Error).message;
    }
  }
}
