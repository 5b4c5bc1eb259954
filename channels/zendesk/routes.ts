import type { FastifyError, FastifyInstance } from 'fastify';
import { errorResponse, parseJsonBytes, type Logger, type ParleyError } from '../../bot/core/index.js';
import { isSolved, parseZendeskUpdate } from './parse.js';
import { verifyZendeskSignature, ZENDESK_SIGNATURE_HEADER, ZENDESK_TIMESTAMP_HEADER } from './verify.js';

/** Path of the Zendesk webhook. */
export const ZENDESK_WEBHOOK_PATH = '/webhooks/zendesk';

/** Options of {@link registerZendeskWebhook}. */
export interface ZendeskWebhookOptions {
  /** The webhook's signing secret (Admin Center → Webhooks → your webhook → Signing secret); `ZENDESK_WEBHOOK_SECRET`. */
  secret: string;
  logger: Logger;
  /** Called for a solved or closed ticket; resolves to whether it ended an escalation. */
  onSolved(ticketId: string): Promise<boolean>;
  now?: () => number;
}

const header = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/**
 * `POST /webhooks/zendesk`: verifies Zendesk's signature over the exact body (401), reads the ticket update (400),
 * and closes the conversation of a solved or closed ticket. Answers `{"ok": true, "resolved": boolean}`.
 */
export async function registerZendeskWebhook(app: FastifyInstance, options: ZendeskWebhookOptions): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: 64 * 1024 }, (_request, body, done) => done(null, body));
    scope.setErrorHandler((error: FastifyError | ParleyError, request, reply) => {
      const { status, body, fault } = errorResponse(error);
      if (fault) options.logger.error({ err: error, url: request.url }, 'Zendesk webhook failed');
      else options.logger.warn({ reason: error.message }, 'Zendesk webhook rejected');
      return reply.status(status).send(body);
    });
    scope.post(ZENDESK_WEBHOOK_PATH, async (request) => {
      const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      verifyZendeskSignature({
        secret: options.secret,
        signature: header(request.headers[ZENDESK_SIGNATURE_HEADER]),
        timestamp: header(request.headers[ZENDESK_TIMESTAMP_HEADER]),
        rawBody,
        ...(options.now ? { now: options.now } : {}),
      });
      const update = parseZendeskUpdate(parseJsonBytes(rawBody));
      const resolved = isSolved(update.status) ? await options.onSolved(update.ticketId) : false;
      return { ok: true, ticketId: update.ticketId, status: update.status, resolved };
    });
  });
}
