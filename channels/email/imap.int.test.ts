import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { channelHost, createParley, type Parley } from '../../bot/app/parley.js';
import { loadConfig } from '../../bot/config/index.js';
import { silentLogger, type Activity, type ChannelHost } from '../../bot/core/index.js';
import { registerEmailChannel, type EmailChannel } from './index.js';
import { DOVECOT_BINARY, startDovecot, type DovecotServer } from './testing/dovecot.js';
import { startSmtpPeer, type SmtpPeer } from './testing/smtp-peer.js';
import { waitFor } from '../../bot/testing/wait.js';

/**
 * IMAP polling against a real, private Dovecot (Debian's dovecot-imapd) on loopback: messages are APPENDed to the
 * mailbox with imapflow, Parley's poller takes them and replies over SMTP to a local smtp-server.
 */
const available = existsSync(DOVECOT_BINARY);
if (!available) {
  if (loadConfig().requireServices) throw new Error(`PARLEY_REQUIRE_SERVICES is set but ${DOVECOT_BINARY} is missing (apt-get install dovecot-imapd)`);
  console.warn(`skipping the IMAP e-mail test: ${DOVECOT_BINARY} is not installed (apt-get install dovecot-imapd)`);
}
const describeIfDovecot = available ? describe : describe.skip;

const SUPPORT = 'support@northwind.example';
const MAX_MESSAGE_BYTES = 100_000;
let sequence = 0;
const messageId = (label: string) => `<${label}.${Date.now()}.${(sequence += 1)}@customer.example>`;

function rfc822(input: { id: string; subject: string; body: string; from?: string; headers?: string }): string {
  return (
    `From: ${input.from ?? 'Jane Doe <jane@customer.example>'}\r\nTo: ${SUPPORT}\r\nSubject: ${input.subject}\r\nMessage-ID: ${input.id}\r\n` +
    `Date: Tue, 06 Jan 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n${input.headers ?? ''}\r\n${input.body}\r\n`
  );
}

describeIfDovecot('e-mail channel over IMAP (Dovecot)', () => {
  let home: string;
  let dovecot: DovecotServer;
  let parley: Parley;
  let peer: SmtpPeer;
  let channel: EmailChannel;
  let mailbox: ImapFlow;
  const seen: Activity[] = [];

  const unseen = async (): Promise<number> => ((await mailbox.search({ seen: false }, { uid: true })) || []).length;
  /** Waits until the poller has taken every message (marked seen once the durable inbox has it, its turn started). */
  async function waitUntilAllSeen(timeoutMs = 15_000): Promise<void> {
    await waitFor(async () => (await unseen()) === 0, timeoutMs, 'every message to be seen').catch(async (error: Error) => {
      throw new Error(`${error.message}\n${await dovecot.log()}`);
    });
  }

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-imap-'));
    dovecot = await startDovecot();
    parley = await createParley(loadConfig({ PARLEY_HOME: home }), { logger: silentLogger });
    const original = parley.bot.run.bind(parley.bot);
    parley.bot.run = async (activity, sink) => {
      seen.push(activity);
      return original(activity, sink);
    };
    const host: ChannelHost = channelHost(parley);
    peer = await startSmtpPeer();
    mailbox = new ImapFlow({ host: '127.0.0.1', port: dovecot.port, secure: false, auth: { user: dovecot.user, pass: dovecot.pass }, logger: false, disableAutoIdle: true });
    await mailbox.connect();
    await mailbox.mailboxOpen('INBOX');
    channel = await registerEmailChannel(host, { imapUrl: dovecot.url, imapPollSeconds: 1, smtpUrl: peer.url, from: `Northwind Support <${SUPPORT}>`, maxMessageBytes: MAX_MESSAGE_BYTES });
  }, 60_000);

  afterAll(async () => {
    await channel?.close();
    await mailbox?.logout().catch(() => undefined);
    await peer?.close();
    await parley?.close();
    await dovecot?.stop();
    await rm(home, { recursive: true, force: true });
  });

  beforeEach(() => {
    peer.received.length = 0;
    seen.length = 0;
  });

  it('polls an appended message, replies over SMTP in the thread, and marks it seen', async () => {
    const id = messageId('imap');
    const body = 'how long do refunds take?\n\nSent from my iPhone\n\nOn Mon, 5 Jan 2026, Northwind Support wrote:\n> Your order shipped.';
    expect(await mailbox.append('INBOX', rfc822({ id, subject: 'Refund timing', body }))).toBeTruthy();
    const [reply] = await peer.waitFor(1, 15_000);
    expect(reply?.envelope.to).toEqual(['jane@customer.example']);
    expect(reply?.parsed.subject).toBe('Re: Refund timing');
    expect(reply?.parsed.inReplyTo).toBe(id);
    expect(reply?.parsed.references).toBe(id);
    expect(reply?.parsed.text).toContain('5–7 business days');
    expect(reply?.parsed.html).toContain('5–7 business days');
    expect(seen.map((a) => a.text)).toEqual(['how long do refunds take?']);
    await waitUntilAllSeen();
    const link = await parley.store.findConversationRef('email', id);
    expect((await parley.store.listMessages(link?.conversationId as string)).map((m) => m.role)).toEqual(['customer', 'bot']);
  });

  it('answers a message found twice in the mailbox (same Message-ID) once', async () => {
    const id = messageId('twice');
    const message = rfc822({ id, subject: 'Cancel', body: 'Can I cancel my order? I ordered yesterday afternoon.' });
    await mailbox.append('INBOX', message);
    await mailbox.append('INBOX', message);
    await peer.waitFor(1, 15_000);
    await waitUntilAllSeen();
    // Both copies taken, every turn they started finished: one reply.
    await channel.idle();
    expect(peer.received).toHaveLength(1);
  });

  it('records an auto-reply and skips oversized and unanswerable messages without replying, marking them seen', async () => {
    const auto = messageId('ooo');
    await mailbox.append('INBOX', rfc822({ id: auto, subject: 'Out of office', body: 'I am away.', headers: 'Auto-Submitted: auto-replied\r\n' }));
    const huge = messageId('huge');
    await mailbox.append('INBOX', rfc822({ id: huge, subject: 'how long do refunds take?', body: 'x'.repeat(70).concat('\r\n').repeat(2_000) }));
    await mailbox.append('INBOX', 'Subject: no sender\r\n\r\nhow long do refunds take?\r\n');
    await waitUntilAllSeen();
    await channel.idle();
    expect(peer.received).toHaveLength(0);
    expect(seen).toHaveLength(0);
    expect(await parley.store.findConversationRef('email', auto)).toBeDefined();
    expect(await parley.store.findConversationRef('email', huge)).toBeUndefined();
  });

  it('keeps polling after a failed poll (wrong password) and reports the failure', async () => {
    const wrong = await registerEmailChannel(
      channelHost(parley),
      { imapUrl: dovecot.url.replace(encodeURIComponent(dovecot.pass), 'wrong'), imapPollSeconds: 1, smtpUrl: peer.url, from: SUPPORT },
    );
    await expect(wrong.poller?.pollOnce()).rejects.toThrow();
    await wrong.close();
    const id = messageId('after-failure');
    await mailbox.append('INBOX', rfc822({ id, subject: 'Refunds', body: 'how long do refunds take?' }));
    await peer.waitFor(1, 15_000);
  });
});
