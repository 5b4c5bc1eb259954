import type { ServerResponse } from 'node:http';
import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorResponse, ParleyError, type Logger } from '../../bot/core/index.js';
import { decodeSlackRequest } from './parse.js';
import { verifySlackSignature } from './verify.js';

/** Path of Slack's Request URL for both the Events API and interactivity (as Bolt receives both on one endpoint). */
export const SLACK_EVENTS_PATH = '/webhooks/slack/events';

/** Largest request accepted on the Slack endpoint (bytes); interactivity payloads carry the whole message. */
export const SLACK_BODY_LIMIT = 512 * 1024;

/** Options of {@link SlackHttpReceiver}. */
export interface SlackHttpReceiverOptions {
  signingSecret: string;
  logger: Logger;
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
 * the body (400/413/415), answers `url_verification`, acks with 200 at once, and only then hands the event to Bolt's
 * `App.processEvent`, so the bot turn never delays the ack (Slack allows 3 s). Redeliveries (`X-Slack-Retry-Num`)
 * are acked the same way; the durable inbox drops them by `event_id`.
 */
export class SlackHttpReceiver implements Receiver {
  private app: App | undefined;
  private readonly inflight = new Set<Promise<void>>();

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

  /** Called by `App.stop()`: waits for acked events to finish their turns. */
  async stop(): Promise<void> {
    await this.idle();
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
    if (retryNum) this.options.logger.info({ retryNum, retryReason }, 'Slack redelivery acked');
    afterResponse(reply.raw, () => this.dispatch({ body: decoded.body as unknown as Record<string, unknown>, retryNum, retryReason }));
    return reply.code(200).send();
  }

  /** Hands an acked request to Bolt (the ack Bolt calls is a no-op: the HTTP response is already sent). */
  private dispatch(event: { body: Record<string, unknown>; retryNum: number | undefined; retryReason: string | undefined }): void {
    const app = this.app;
    if (!app) {
      this.options.logger.error({}, 'Slack receiver has no Bolt app; event dropped');
      return;
    }
    const receiverEvent: ReceiverEvent = {
      body: event.body,
      ack: async () => undefined,
      ...(event.retryNum ? { retryNum: event.retryNum } : {}),
      ...(event.retryReason ? { retryReason: event.retryReason } : {}),
    };
    const task: Promise<void> = app
      .processEvent(receiverEvent)
      .catch((error: unknown) => this.options.logger.error({ err: error }, 'Slack event processing failed'))
      .finally(() => this.inflight.delete(task));
    this.inflight.add(task);
  }

  private answerError(error: FastifyError | ParleyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const { status, body, fault } = errorResponse(error);
    if (fault) this.options.logger.error({ err: error, url: request.url }, 'Slack request failed');
    else if (error instanceof ParleyError) this.options.logger.warn({ code: error.code, reason: error.message, url: request.url }, 'Slack request rejected');
    return reply.status(status).send(body);
  }
}
