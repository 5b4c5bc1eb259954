/**
 * End-to-end harness for the Slack channel: a real Fastify server on 127.0.0.1 with the channel registered, a local
 * fake of Slack's Web API behind the real client library, and an HTTP client that signs requests as Slack does.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import { ParleyError, type ChannelHost } from '../../../bot/core/index.js';
import { startFakeSlack, type FakeSlack, type FakeSlackOptions } from './fake-slack.js';
import { registerSlackChannel, type SlackChannel, type SlackChannelOptions } from '../index.js';
import { BOT_ID, BOT_TOKEN, BOT_USER, SIGNING_SECRET, signedHeaders, TEAM } from './payloads.js';

/** An HTTP response as received. */
export interface HttpResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** `performance.now()` when the response was complete. */
  at: number;
  json<T = Record<string, unknown>>(): T;
}

/** Sends bytes exactly as given (`node:http`; `inject` does not run under this Jest setup). */
export function send(base: string, path: string, payload: string | Buffer, headers: Record<string, string>): Promise<HttpResponse> {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(path, base), { method: 'POST', headers: { ...headers, 'content-length': String(body.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: text, at: performance.now(), json: () => JSON.parse(text) });
      });
      res.on('error', reject);
    });
    // The server may answer (e.g. 413) before reading a large body; the response still arrives.
    req.on('error', reject);
    req.end(body);
  });
}

export { waitFor } from '../../../bot/core/testing/wait.js';

/** A running harness. */
export interface SlackHarness {
  url: string;
  fastify: FastifyInstance;
  fake: FakeSlack;
  channel: SlackChannel;
  /** POSTs a body to `/webhooks/slack/events`, signed unless `headers` are given; extra headers are added. */
  deliver(body: string | Buffer, contentType: string, extra?: Record<string, string>): Promise<HttpResponse>;
  /** Delivers an Events API JSON body (signed). */
  deliverEvent(event: Record<string, unknown>, extra?: Record<string, string>): Promise<HttpResponse>;
  /** Waits until every acked event has finished its turn. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/** The composition root's JSON parser (bot/app/server.ts): strict UTF-8 and JSON, as the channel must coexist with it. */
function useServerJsonParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
    try {
      const text = new TextDecoder('utf-8', { fatal: true }).decode(body as Buffer);
      done(null, text.trim() ? JSON.parse(text) : undefined);
    } catch (error) {
      done(new ParleyError('invalid_json', `request body is not valid JSON: ${(error as Error).message}`));
    }
  });
}

/** Starts the fake Web API, a Fastify server (64 KiB global body limit, like the server) and the Slack channel. */
export async function startSlackHarness(
  host: ChannelHost,
  options: { fake?: FakeSlackOptions; channel?: Partial<SlackChannelOptions> } = {},
): Promise<SlackHarness> {
  const fake = await startFakeSlack({ botToken: BOT_TOKEN, teamId: TEAM, botUserId: BOT_USER, botId: BOT_ID, ...options.fake });
  const fastify = Fastify({ bodyLimit: 64 * 1024, logger: false });
  useServerJsonParser(fastify);
  const channel = await registerSlackChannel(fastify, host, {
    signingSecret: SIGNING_SECRET,
    botToken: BOT_TOKEN,
    apiUrl: fake.url,
    publicUrl: 'https://bot.example.com',
    ...options.channel,
  });
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  const address = fastify.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const settle = async () => {
    if ('idle' in channel.receiver) await channel.receiver.idle();
  };
  const deliver = (body: string | Buffer, contentType: string, extra: Record<string, string> = {}) =>
    send(url, '/webhooks/slack/events', body, { ...signedHeaders(body, contentType), ...extra });
  return {
    url,
    fastify,
    fake,
    channel,
    deliver,
    deliverEvent: (event, extra) => deliver(JSON.stringify(event), 'application/json', extra),
    settle,
    close: async () => {
      await fastify.close();
      await channel.close();
      await fake.close();
    },
  };
}
