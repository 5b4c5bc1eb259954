import { createServer } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import type { ChannelHost } from '../../../bot/core/index.js';
import { MESSAGE_WEBHOOK_PATH, STATUS_WEBHOOK_PATH, type TwilioChannelOptions } from '../adapter.js';
import { inboundMessageParams, signedFormPost, startFakeTwilio, type FakeTwilio } from './fake-twilio.js';
import { registerTwilioChannel, type TwilioChannel } from '../register.js';

/** Options of {@link signedFormPost} (a signature override, another signed URL, a raw body or content type). */
type PostOptions = Parameters<typeof signedFormPost>[3];

/** A Parley HTTP server with the Twilio channel, wired to a local {@link FakeTwilio}. */
export interface TwilioTestBed {
  /** Origin of the server; also its `publicUrl`, so the fake's status callbacks reach it. */
  url: string;
  app: FastifyInstance;
  fake: FakeTwilio;
  channel: TwilioChannel;
  options: TwilioChannelOptions;
  /** The webhook parameters of a message from `from` (`+1…` or `whatsapp:+1…`) to the configured number. */
  message(input: { from: string; body: string; messageSid?: string; media?: { url: string; contentType: string }[] }): Record<string, string>;
  /** Posts an incoming-message webhook signed as Twilio signs it. */
  postMessage(params: Record<string, string>, options?: PostOptions): ReturnType<typeof signedFormPost>;
  /** Posts a status callback signed as Twilio signs it. */
  postStatus(params: Record<string, string>, options?: PostOptions): ReturnType<typeof signedFormPost>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Starts a fake Twilio API and a Fastify server on 127.0.0.1 with the channel registered for `host` (the app keeps
 * Fastify's default JSON and text parsers, as the Parley server does). For tests of the channel and of apps embedding it.
 */
export async function startTwilioTestBed(host: ChannelHost, overrides: Partial<TwilioChannelOptions> = {}): Promise<TwilioTestBed> {
  const accountSid = overrides.accountSid ?? `AC${'0123456789abcdef'.repeat(2)}`;
  const authToken = overrides.authToken ?? 'parley-test-auth-token';
  const fake = await startFakeTwilio({ accountSid, authToken });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const options: TwilioChannelOptions = { accountSid, authToken, from: '+14155238886', apiUrl: fake.url, publicUrl: url, ...overrides };
  const app = Fastify({ bodyLimit: 64 * 1024, logger: false });
  const channel = await registerTwilioChannel(app, host, options);
  await app.listen({ port, host: '127.0.0.1' });
  const to = options.from.replace(/^[a-z-]+:/i, '');
  return {
    url,
    app,
    fake,
    channel,
    options,
    message: (input) => inboundMessageParams({ accountSid, to: input.from.startsWith('whatsapp:') ? `whatsapp:${to}` : to, ...input }),
    postMessage: (params, post) => signedFormPost(`${url}${MESSAGE_WEBHOOK_PATH}`, params, authToken, post),
    postStatus: (params, post) => signedFormPost(`${url}${STATUS_WEBHOOK_PATH}`, params, authToken, post),
    async close() {
      await channel.close();
      await app.close();
      await fake.close();
    },
  };
}
