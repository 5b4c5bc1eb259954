import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorResponse, ParleyError, type InboundDeliveryStore, type Logger } from '../../bot/core/index.js';
import { decodeSlackRequest, SLACK_CHANNEL } from './parse.js';
import { verifySlackSignature } from './verify.js';

/** Path of Slack's Request URL for both the Events API and interactivity (as Bolt receives both on one endpoint). */
export const SLACK_EVENTS_PATH = '/webhooks/slack/events';

/** Largest request accepted on the Slack endpoint (bytes); interactivity payloads carry the whole message. */
export const SLACK_BODY_LIMIT = 512 * 1024;

/** How often the receiver looks for recorded requests a dead run left unprocessed (ms). */
export const SLACK_RECOVERY_INTERVAL_MS = 30_000;

/** A recorded request still unfinished after this long (ms) is taken to belong to a dead run and processed again. */
export const SLACK_DELIVERY_LEASE_MS = 120_000;

/** After this many runs again, a recorded request is given up (logged and forgotten). */
export const SLACK_MAX_DELIVERY_ATTEMPTS = 5;

/** Options of {@link SlackHttpReceiver}. */
export interface SlackHttpReceiverOptions {
  signingSecret: string;
  logger: Logger;
  /** Where each verified request is recorded before the 200 (the store's `deliveries`). */
  deliveries: InboundDeliveryStore;
  /** Recovery of recorded requests; defaults {@link SLACK_RECOVERY_INTERVAL_MS}, {@link SLACK_DELIVERY_LEASE_MS}, {@link SLACK_MAX_DELIVERY_ATTEMPTS}. */
  recovery?: { intervalMs?: number; leaseMs?: number; maxAttempts?: number };
  /** Clock for the 5-minute timestamp window (ms); default `Date.now`. */
  now?: () => number;
  /** Route path; default {@link SLACK_EVENTS_PATH}. */
  path?: string;
  /** Body limit in bytes; default {@link SLACK_BODY_LIMIT}. */
  bodyLimit?: number;
}

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** The idempotency key of a Slack request: the Events API's `event_id` (the same on a redelivery), else a hash of the body. */
export function slackDeliveryId(body: Record<string, unknown>, rawBody: Buffer): string {
  return typeof body.event_id === 'string' && body.event_id ? body.event_id : `sha256:${createHash('sha256').update(rawBody).digest('hex')}`;
}

/** Runs `fn` once the response has been handed to the OS (or the client went away). */
function afterResponse(res: ServerResponse, fn: () => void): void {
  if (res.writableFinished || res.destroyed) return fn();
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    fn();
  };
  res.once('finish', once);
  res.once('close', once);
}

/**
 * Bolt's transport for Parley's Fastify server: `POST /webhooks/slack/events` verifies the signature (401), decodes
 * the body (400/413/415), answers `url_verification`, records the request in the store (`deliveries`, keyed by
 * `event_id`) and only then acks with 200 and hands it to Bolt's `App.processEvent`, so the bot turn never delays the
 * ack (Slack allows 3 s) and a crash after the ack loses nothing: the record is deleted once Bolt has processed the
 * request, and {@link SlackHttpReceiver.startRecovery}'s passes process again the ones a dead run left (at start, and
 * periodically those older than a lease). When the store cannot record, the answer is an error and Slack redelivers.
 * Redeliveries (`X-Slack-Retry-Num`) are recorded once and acked the same way; the durable inbox drops them by `event_id`.
 */
export class SlackHttpReceiver implements Receiver {
  private app: App | undefined;
  private readonly inflight = new Set<Promise<void>>();
  /** Ids of the recorded requests this process is processing (a recovery pass leaves them alone). */
  private readonly processing = new Set<string>();
  private readonly startedAt = new Date().toISOString();
  private timer: NodeJS.Timeout | undefined;
  private recovering: Promise<number> | undefined;

  constructor(private readonly options: SlackHttpReceiverOptions) {}

  /** Called by Bolt's `App` constructor. */
  init(app: App): void {
    this.app = app;
  }

  /** Fastify owns listening; nothing to start. */
  async start(): Promise<void> {}

  /** Waits until every acked event has finished its turn (graceful shutdown, tests). */
  async idle(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  /** Called by `App.stop()`: stops recovery passes and waits for acked events to finish their turns. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.recovering;
    await this.idle();
  }

  /**
   * Processes again now the recorded requests received before this receiver was created (a dead run's), then
   * periodically those unfinished for longer than the lease.
   */
  startRecovery(): this {
    void this.recover(this.startedAt);
    this.timer = setInterval(() => void this.recover(), this.options.recovery?.intervalMs ?? SLACK_RECOVERY_INTERVAL_MS);
    this.timer.unref();
    return this;
  }

  /**
   * One recovery pass over recorded requests last claimed before `staleBefore` (default: now minus the lease), in the
   * order received; returns how many were processed again. Never throws.
   */
  recover(staleBefore?: string): Promise<number> {
    this.recovering ??= this.recoverStale(staleBefore ?? new Date(Date.now() - (this.options.recovery?.leaseMs ?? SLACK_DELIVERY_LEASE_MS)).toISOString())
      .catch((error: unknown) => {
        this.options.logger.error({ err: error }, 'Slack delivery recovery pass failed');
        return 0;
      })
      .finally(() => (this.recovering = undefined));
    return this.recovering;
  }

  private async recoverStale(staleBefore: string): Promise<number> {
    const { deliveries, logger } = this.options;
    const maxAttempts = this.options.recovery?.maxAttempts ?? SLACK_MAX_DELIVERY_ATTEMPTS;
    const stale = await deliveries.claimStale({ channel: SLACK_CHANNEL, staleBefore, limit: 100 });
    let processed = 0;
    for (const delivery of stale) {
      if (this.processing.has(delivery.id)) continue;
      if (delivery.attempts > maxAttempts) {
        logger.error({ eventId: delivery.id, attempts: delivery.attempts }, 'Slack delivery given up after repeated failed runs');
        await deliveries.complete(SLACK_CHANNEL, delivery.id);
        continue;
      }
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(delivery.body) as Record<string, unknown>;
      } catch (error) {
        // Never the case for rows this receiver wrote; one bad row must not stop the others.
        logger.error({ err: error, eventId: delivery.id }, 'recorded Slack delivery is not JSON; given up');
        await deliveries.complete(SLACK_CHANNEL, delivery.id);
        continue;
      }
      logger.warn({ eventId: delivery.id, attempts: delivery.attempts, receivedAt: delivery.receivedAt }, 'Slack delivery left unprocessed; processing it again');
      await this.process({ id: delivery.id, body, retryNum: undefined, retryReason: undefined });
      processed++;
    }
    return processed;
  }

  /** Mounts the route in its own Fastify scope: raw-body parsers (the signature covers the exact bytes) and errors as `{"error": {"code", "message"}}`. */
  async mount(fastify: FastifyInstance): Promise<void> {
    const bodyLimit = this.options.bodyLimit ?? SLACK_BODY_LIMIT;
    await fastify.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser(['application/json', 'application/x-www-form-urlencoded'], { parseAs: 'buffer', bodyLimit }, (_request, body, done) =>
        done(null, body),
      );
      scope.setErrorHandler((error: FastifyError | ParleyError, request, reply) => this.answerError(error, request, reply));
      scope.post(this.options.path ?? SLACK_EVENTS_PATH, { bodyLimit }, (request, reply) => this.handle(request, reply));
    });
  }

  private async handle(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    verifySlackSignature({
      signingSecret: this.options.signingSecret,
      signature: header(request, 'x-slack-signature'),
      timestamp: header(request, 'x-slack-request-timestamp'),
      rawBody,
      ...(this.options.now ? { now: this.options.now } : {}),
    });
    const decoded = decodeSlackRequest(rawBody, header(request, 'content-type'));
    if (decoded.kind === 'url_verification') return reply.code(200).send({ challenge: decoded.challenge });
    if (decoded.kind === 'ssl_check') return reply.code(200).send();
    const retryNum = Number(header(request, 'x-slack-retry-num')) || undefined;
    const retryReason = header(request, 'x-slack-retry-reason');
    const body: Record<string, unknown> = decoded.body;
    const id = slackDeliveryId(body, rawBody);
    // Stored before the 200: a crash from here on leaves the request for the recovery pass (Slack will not redeliver).
    await this.options.deliveries.record({ channel: SLACK_CHANNEL, id, body: JSON.stringify(body) });
    if (retryNum) this.options.logger.info({ retryNum, retryReason }, 'Slack redelivery acked');
    afterResponse(reply.raw, () => void this.process({ id, body, retryNum, retryReason }));
    return reply.code(200).send();
  }

  /**
   * Hands a recorded request to Bolt (the ack Bolt calls is a no-op: the HTTP response is already sent) and forgets the
   * record once Bolt has processed it; when Bolt fails, the record stays for a later recovery pass.
   */
  private process(event: { id: string; body: Record<string, unknown>; retryNum: number | undefined; retryReason: string | undefined }): Promise<void> {
    const app = this.app;
    if (!app) {
      this.options.logger.error({ eventId: event.id }, 'Slack receiver has no Bolt app; event left for recovery');
      return Promise.resolve();
    }
    const receiverEvent: ReceiverEvent = {
      body: event.body,
      ack: async () => undefined,
      ...(event.retryNum ? { retryNum: event.retryNum } : {}),
      ...(event.retryReason ? { retryReason: event.retryReason } : {}),
    };
    this.processing.add(event.id);
    const task: Promise<void> = app
      .processEvent(receiverEvent)
      .then(() => this.options.deliveries.complete(SLACK_CHANNEL, event.id))
      .catch((error: unknown) => this.options.logger.error({ err: error, eventId: event.id }, 'Slack event processing failed; left for recovery'))
      .finally(() => {
        this.processing.delete(event.id);
        this.inflight.delete(task);
      });
    this.inflight.add(task);
    return task;
  }

  private answerError(error: FastifyError | ParleyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const { status, body, fault } = errorResponse(error);
    if (fault) this.options.logger.error({ err: error, url: request.url }, 'Slack request failed');
    else if (error instanceof ParleyError) this.options.logger.warn({ code: error.code, reason: error.message, url: request.url }, 'Slack request rejected');
    return reply.status(status).send(body);
  }
}
