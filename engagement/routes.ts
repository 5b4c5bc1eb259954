import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { bearerToken, isApiKey, parseInput, ParleyError, type RequestLimiter, type Store } from '../bot/core/index.js';
import { verifyTrackingToken } from './policy.js';
import { importProfiles, type ImportResult } from './profiles.js';

/** Largest `POST /api/customers` or `/api/events` body (bytes): 10 MiB; larger batches are sent in parts. */
export const PROFILES_BODY_LIMIT = 10 * 1024 * 1024;

/** A 1×1 transparent GIF (the open-tracking pixel). */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/** Options of {@link registerEngagementRoutes}. */
export interface EngagementRoutesOptions {
  store: Store;
  /** `PARLEY_API_KEY`: without it the customers and events API answers 401 to everyone. */
  apiKey: string | undefined;
  /** Signs tracking tokens (the engine's secret). */
  secret: string;
  limits?: RequestLimiter | undefined;
}

async function authorize(request: FastifyRequest, options: EngagementRoutesOptions): Promise<void> {
  if (!options.apiKey) throw new ParleyError('unauthorized', 'the customers API is off: set PARLEY_API_KEY on the server and send it as "Authorization: Bearer <PARLEY_API_KEY>"');
  if (isApiKey({ apiKey: options.apiKey }, bearerToken(request.headers.authorization))) return;
  await options.limits?.take('login', request.ip);
  throw new ParleyError('unauthorized', 'the customers API needs "Authorization: Bearer <PARLEY_API_KEY>"');
}

/** A JSON body as a list of records: an array, `{"customers": [...]}` / `{"events": [...]}`, or one object. */
/**
 * The body of `POST /api/customers` (`key` `customers`) or `POST /api/events` (`events`): a JSON array of records,
 * `{"<key>": [...]}`, or one record. Each record is checked by `importProfiles`, which reports bad ones per index.
 */
function listBody(key: 'customers' | 'events') {
  const list = z.array(z.unknown(), `must be a JSON array of ${key} (or {"${key}": [...]})`);
  // An array, or a single record, is the list under `key`: one schema then names the field that is wrong.
  const wrapped = (body: unknown) => (Array.isArray(body) ? { [key]: body } : body && typeof body === 'object' && !(key in body) ? { [key]: [body] } : body);
  return z.preprocess(wrapped, z.object({ [key]: list }, `must be a JSON array of ${key} (or {"${key}": [...]})`)).transform((body) => body[key] as unknown[]);
}
const CustomersBody = listBody('customers');
const EventsBody = listBody('events');

/**
 * The engagement routes. With the API key: `POST /api/customers` (profiles: identities, name, time zone, scope,
 * attributes, `optIn`/`optOut` channels) and `POST /api/events` (orders, carts, returns, conversations, CSAT, …), both
 * answering `{"customers", "events", "skipped", "errors": [{"list", "index", "field", "message"}]}`. Public, behind
 * signed tokens: `GET /e/c/:token/:index` (a tracked link: counts the click, redirects), `GET /e/o/:token` (the open
 * pixel), `GET /e/u/:token` (the unsubscribe page) and `POST /e/u/:token` (unsubscribe; RFC 8058 one-click too).
 */
export async function registerEngagementRoutes(app: FastifyInstance, options: EngagementRoutesOptions): Promise<void> {
  const { store } = options;
  await app.register(async (scope) => {
    scope.addHook('onRequest', async (request) => authorize(request, options));
    scope.post('/api/customers', { bodyLimit: PROFILES_BODY_LIMIT }, async (request): Promise<ImportResult> => importProfiles(store.engagement, { customers: parseInput(CustomersBody, request.body), events: [] }));
    scope.post('/api/events', { bodyLimit: PROFILES_BODY_LIMIT }, async (request): Promise<ImportResult> => importProfiles(store.engagement, { customers: [], events: parseInput(EventsBody, request.body) }));
  });

  const sendOf = async (token: string) => {
    const id = verifyTrackingToken(options.secret, token);
    return id ? store.engagement.getSend(id) : undefined;
  };
  const notFound = { error: { code: 'not_found', message: 'no such link' } };

  app.get<{ Params: { token: string; index: string } }>('/e/c/:token/:index', async (request, reply) => {
    const send = await sendOf(request.params.token);
    const links = Array.isArray(send?.payload.links) ? (send.payload.links as string[]) : [];
    const target = links[Number(request.params.index)];
    if (!send || !target || !/^\d+$/.test(request.params.index)) return reply.status(404).send(notFound);
    await store.engagement.recordSignal(send.id, 'clicked');
    return reply.header('cache-control', 'no-store').redirect(target, 302);
  });

  app.get<{ Params: { token: string } }>('/e/o/:token', async (request, reply) => {
    const send = await sendOf(request.params.token);
    if (send) await store.engagement.recordSignal(send.id, 'opened');
    // Always the pixel: a mail client shows nothing either way, and an unknown token tells nothing.
    return reply.header('content-type', 'image/gif').header('cache-control', 'no-store, private').send(PIXEL);
  });

  await app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    scope.get<{ Params: { token: string } }>('/e/u/:token', async (request, reply) => {
      const send = await sendOf(request.params.token);
      if (!send) return reply.status(404).send(notFound);
      // GET only asks: link scanners in mail gateways follow links, and must not unsubscribe anyone.
      const what = channelWords(send.channel);
      return reply.header('content-type', 'text/html; charset=utf-8').send(page('Unsubscribe', `<p>Stop our ${what}?</p><form method="post"><button type="submit">Unsubscribe</button></form>`));
    });
    scope.post<{ Params: { token: string } }>('/e/u/:token', async (request, reply) => {
      const send = await sendOf(request.params.token);
      if (!send) return reply.status(404).send(notFound);
      // The link opts out of the channel the message came on (e-mail, web chat, Slack, Teams).
      await store.engagement.setConsent({ customerId: send.customerId, channel: send.channel ?? 'email', status: 'opted_out', source: 'unsubscribe_link' });
      return reply.header('content-type', 'text/html; charset=utf-8').send(page('Unsubscribed', `<p>You are unsubscribed: we will not send you these ${channelWords(send.channel)} again. Replies to your own questions still reach you.</p>`));
    });
  });
}

/** How the unsubscribe page names the messages of a send's channel. */
function channelWords(channel: string | null): string {
  if (channel === 'webchat') return 'messages in the chat on our site';
  if (channel === 'slack') return 'messages on Slack';
  if (channel === 'teams') return 'messages on Teams';
  if (channel === 'sms') return 'text messages';
  return 'e-mails to this address';
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title></head><body style="font-family:Arial,sans-serif;max-width:32rem;margin:3rem auto">${body}</body></html>`;
}
