import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { channelHost, createParley, type Parley } from '../../bot/app/parley.js';
import { TurnRecovery } from '../../bot/app/turn-recovery.js';
import { loadConfig } from '../../bot/config/index.js';
import { ParleyError, silentLogger, type Bot } from '../../bot/core/index.js';
import { registerEmailChannel, type EmailChannel } from './index.js';
import { startSmtpPeer, type SmtpPeer } from './testing/smtp-peer.js';
import { waitFor } from '../../bot/core/testing/wait.js';

// Finding replayed: SMTP 250 went out before the mail was in the durable inbox, so a crash in between lost it. Here
// the turn "dies" right after the 250: the mail must be stored already, and the recovery loop must answer it.

const SUPPORT = 'support@northwind.example';
let home: string;
let parley: Parley;
let peer: SmtpPeer;
let channel: EmailChannel;
let crashAfterAck = true;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'parley-email-durable-'));
  parley = await createParley(loadConfig({ PARLEY_HOME: home, PARLEY_VISION: 'false' }), { logger: silentLogger });
  const run: Bot['run'] = parley.bot.run.bind(parley.bot);
  parley.bot.run = async (activity, sink) => {
    if (crashAfterAck) throw new Error('the process died after answering 250');
    return run(activity, sink);
  };
  peer = await startSmtpPeer();
  channel = await registerEmailChannel(channelHost(parley), { listenPort: 0, listenHost: '127.0.0.1', smtpUrl: peer.url, from: `Northwind Support <${SUPPORT}>` });
});

afterAll(async () => {
  await channel?.close();
  await peer?.close();
  await parley?.close();
  await rm(home, { recursive: true, force: true });
});

test('a mail answered 250 is in the durable inbox, and is answered in its thread after the crash', async () => {
  const client = nodemailer.createTransport({ host: '127.0.0.1', port: channel.port as number, secure: false, ignoreTLS: true });
  const messageId = `<durable.${Date.now()}@customer.example>`;
  const info = await client.sendMail({ from: 'Jane Doe <jane@customer.example>', to: SUPPORT, subject: 'Refunds', messageId, text: 'how long do refunds take?' });
  client.close();
  expect(info.response).toMatch(/^250 /);
  await channel.idle();
  expect(peer.received).toHaveLength(0);

  const waiting = (await parley.store.listRecoverableInbound({ acceptedBefore: new Date(Date.now() + 60_000).toISOString(), limit: 1000 })).filter(
    (row) => row.activity.channelMessageId === messageId,
  );
  expect(waiting).toEqual([expect.objectContaining({ status: 'accepted', activity: expect.objectContaining({ channel: 'email', text: 'how long do refunds take?' }) })]);

  crashAfterAck = false;
  const adapter = channel.adapter;
  const recovery = new TurnRecovery({ bot: parley.bot, store: parley.store, logger: silentLogger, acceptGraceMs: 0, sink: () => ({ send: (reply) => adapter.send(reply) }) });
  // The crashed turn's lease expires: a pass runs it again.
  await waitFor(async () => (await recovery.pass()) >= 1, 5_000, 'the recovery pass to run the crashed turn');
  expect(peer.received).toHaveLength(1);
  expect(peer.received[0]?.parsed.inReplyTo).toBe(messageId);
  expect(peer.received[0]?.parsed.text).toContain('5–7 business days');
});

test('a mail that arrives while the database is unavailable gets a temporary 451 4.3.0, so the sending MTA retries it', async () => {
  const accept: Bot['accept'] = parley.bot.accept.bind(parley.bot);
  parley.bot.accept = () => Promise.reject(new ParleyError('store_unavailable', 'the database is unavailable (test)'));
  try {
    const client = nodemailer.createTransport({ host: '127.0.0.1', port: channel.port as number, secure: false, ignoreTLS: true });
    const sending = client.sendMail({ from: 'jane@customer.example', to: SUPPORT, subject: 'Outage', messageId: `<outage.${Date.now()}@customer.example>`, text: 'are you there?' });
    await expect(sending).rejects.toMatchObject({ responseCode: 451, response: expect.stringMatching(/^451 4\.3\.0 /) });
    client.close();
  } finally {
    parley.bot.accept = accept;
  }
});
