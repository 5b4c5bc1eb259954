import type { ServerResponse } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { errorResponse, isStoreUnavailable, ParleyError, parseInput, type ChannelHost } from '../../bot/core/index.js';
import { MESSAGE_WEBHOOK_PATH, STATUS_WEBHOOK_PATH, type TwilioAdapter, type TwilioChannelOptions } from './adapter.js';
import { acceptInbound, keepInbound, processAccepted } from './inbound.js';
import { parseForm, parseInboundMessage, parseStatusCallback } from './parse.js';
import { SIGNATURE_HEADER, verifyTwilioSignature, type TwilioParams } from './verify.js';

/** Largest webhook body accepted (bytes); Twilio's, even with ten media URLs, are a few kilobytes. */
export const MAX_WEBHOOK_BYTES = 64 * 1024;
/** The empty TwiML document Twilio gets at once: replies go out through the REST API afterwards. */
export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

/** Background work started by the webhooks, so that shutdown and tests can wait for it. */
export class PendingWork {
  private readonly running = new Set<Promise<void>>();

  /**
   * Runs `task` once `response` has gone out (its `close` event), logging (never throwing) a failure. The work counts
   * as pending from this call on, so {@link idle} also waits for work whose response is still being written.
   */
  afterResponse(response: ServerResponse, task: () => Promise<void>, onError: (error: unknown) => void): void {
    const promise: Promise<void> = new Promise<void>((resolve) => response.once('close', () => resolve()))
      .then(task)
      .catch(onError)
      .finally(() => this.running.delete(promise));
    this.running.add(promise);
  }

  /** Resolves once no work is pending (including work added while waiting). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }
}

/** Maps parser, body-limit and channel errors to `{"error": {"code", "message"}}` with a 4xx (5xx only for faults). */
function errorHandler(host: ChannelHost) {
  return (error: FastifyError | ParleyError, request: FastifyRequest, reply: FastifyReply) => {
    const { status, body, fault } = errorResponse(error);
    if (fault) host.logger.error({ err: error, url: request.url }, 'twilio webhook failed');
    return reply.status(status).send(body);
  };
}

/** The full URL Twilio signed: `publicUrl` + the path and query exactly as requested (else the request's own origin). */
function signedUrl(request: FastifyRequest, publicUrl: string | undefined): string {
  const origin = publicUrl?.replace(/\/+$/, '') ?? `${request.protocol}://${request.host}`;
  return `${origin}${request.url}`;
}

/** A webhook's form fields (`application/x-www-form-urlencoded`): text values, a list for a repeated name. */
const TwilioFormBody = z.record(z.string(), z.union([z.string(), z.array(z.string())]), 'expected a form-encoded body');

/** The verified form parameters of a webhook; `forbidden` (403) when the signature is missing or wrong. */
function verified(request: FastifyRequest, options: TwilioChannelOptions): TwilioParams {
  const params = parseInput(TwilioFormBody, request.body, 'Twilio webhook body');
  const header = request.headers[SIGNATURE_HEADER];
  const signature = Array.isArray(header) ? undefined : header;
  if (!signature) throw new ParleyError('forbidden', 'missing X-Twilio-Signature header');
  if (!verifyTwilioSignature({ authToken: options.authToken, url: signedUrl(request, options.publicUrl), params, signature })) {
    throw new ParleyError('forbidden', 'X-Twilio-Signature does not match this request (check PUBLIC_URL and the auth token)');
  }
  return params;
}

function checkAccount(accountSid: string, options: TwilioChannelOptions): void {
  if (accountSid !== options.accountSid) throw new ParleyError('forbidden', 'the webhook is for another Twilio account');
}

/**
 * Mounts `POST /webhooks/twilio` (incoming SMS, MMS and WhatsApp messages) and `POST /webhooks/twilio/status`
 * (delivery status callbacks) in their own Fastify scope, which parses only `application/x-www-form-urlencoded`
 * (anything else is 415). Both check `X-Twilio-Signature` first. Messages are stored in the durable inbox, then
 * acknowledged with empty TwiML, and run in `pending` after the response is out (Twilio gives up after 15 s).
 */
export async function registerTwilioRoutes(
  app: FastifyInstance,
  host: ChannelHost,
  adapter: TwilioAdapter,
  options: TwilioChannelOptions,
  pending: PendingWork,
): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer', bodyLimit: MAX_WEBHOOK_BYTES }, (_request, body, done) => {
      try {
        done(null, parseForm(body as Buffer));
      } catch (error) {
        done(error as Error);
      }
    });
    scope.setErrorHandler(errorHandler(host));

    scope.post(MESSAGE_WEBHOOK_PATH, { bodyLimit: MAX_WEBHOOK_BYTES }, async (request, reply) => {
      const params = verified(request, options);
      const message = parseInboundMessage(params);
      checkAccount(message.accountSid, options);
      // The durable inbox has the message before Twilio gets its 200 (a crash after the 200 loses nothing: the
      // recovery loop runs it). The turn starts only once the response has gone out, so a slow turn never holds
      // Twilio's request open.
      let accepted;
      try {
        accepted = await acceptInbound(host, message, params);
      } catch (error) {
        if (!isStoreUnavailable(error)) throw error;
        // Twilio does not retry a failed webhook: while the database is down the message is kept in the local spool
        // (its turn runs when the database is back) and the customer is told it is saved.
        await keepInbound(host, adapter, message, params, error);
        return reply.status(200).type('text/xml').send(EMPTY_TWIML);
      }
      pending.afterResponse(
        reply.raw,
        () => processAccepted(host, adapter, options, accepted),
        (error) => host.logger.error({ err: error, messageSid: message.messageSid }, 'twilio message failed'),
      );
      return reply.status(200).type('text/xml').send(EMPTY_TWIML);
    });

    scope.post(STATUS_WEBHOOK_PATH, { bodyLimit: MAX_WEBHOOK_BYTES }, async (request, reply) => {
      const params = verified(request, options);
      const status = parseStatusCallback(params);
      checkAccount(params.AccountSid as string, options);
      await adapter.recordStatus(status);
      return reply.status(204).send();
    });
  });
}
