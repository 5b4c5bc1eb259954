import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { createParley, type Parley } from '../../bot/app/parley.js';
import { loadConfig } from '../../bot/config/index.js';
import { silentLogger, type Activity, type ChannelHost, type Logger } from '../../bot/core/index.js';
import { registerEmailChannel, type EmailChannel } from './index.js';
import { rawSmtp, startSmtpPeer, type ReceivedMail, type SmtpPeer } from './testing/smtp-peer.js';

/**
 * End to end over real SMTP on loopback: nodemailer (the customer's mail server) → Parley's listener → the bot →
 * nodemailer → a local smtp-server standing in for the outbound relay.
 */
const SUPPORT = 'support@northwind.example';
const JANE = 'jane@customer.example';
const PNG_1PX = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const MAX_MESSAGE_BYTES = 200_000;

let home: string;
let parley: Parley;
let peer: SmtpPeer;
let channel: EmailChannel;
let client: ReturnType<typeof nodemailer.createTransport>;
/** Every activity the bot was given, as it got it (attachments with data). */
const seen: Activity[] = [];
const errors: Record<string, unknown>[] = [];
let sequence = 0;

/** The server's answer to the last command before QUIT. */
const lastReply = (lines: string[]) => lines.filter((line) => /^\d{3} /.test(line)).slice(-2)[0];
const messageId = (label: string) => `<${label}.${Date.now()}.${(sequence += 1)}@customer.example>`;

/** Sends as the customer's mail server would; resolves with the listener's answer or rejects with its SMTP error. */
function deliver(message: SendMailOptions) {
  return client.sendMail({ from: `Jane Doe <${JANE}>`, to: SUPPORT, ...message });
}

/** Waits until the turns of the accepted mail are over (replies sent), then checks the peer got `count`. */
async function expectRepliesAtPeer(count: number): Promise<ReceivedMail[]> {
  await channel.idle();
  expect(peer.received).toHaveLength(count);
  return peer.received;
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'parley-email-'));
  parley = await createParley(loadConfig({ PARLEY_HOME: home }), { logger: silentLogger });
  const original = parley.bot.run.bind(parley.bot);
  parley.bot.run = async (activity, sink) => {
    seen.push(activity);
    return original(activity, sink);
  };
  const logger: Logger = { ...silentLogger, error: (obj) => void errors.push(obj) };
  const host: ChannelHost = { bot: parley.bot, store: parley.store, tokens: parley.tokens, apiKey: undefined, logger };
  peer = await startSmtpPeer();
  channel = await registerEmailChannel(host, {
    listenPort: 0,
    listenHost: '127.0.0.1',
    smtpUrl: peer.url,
    from: `Northwind Support <${SUPPORT}>`,
    maxMessageBytes: MAX_MESSAGE_BYTES,
    spamScoreThreshold: 7,
  });
  client = nodemailer.createTransport({ host: '127.0.0.1', port: channel.port as number, secure: false, ignoreTLS: true });
});

afterAll(async () => {
  client?.close();
  await channel?.close();
  await peer?.close();
  await parley?.close();
  await rm(home, { recursive: true, force: true });
});

beforeEach(() => {
  peer.received.length = 0;
  seen.length = 0;
  errors.length = 0;
});

describe('e-mail channel over SMTP', () => {
  it('answers a customer e-mail with exactly one threaded reply, and the bot sees no quoted history or signature', async () => {
    const id = messageId('refunds');
    const info = await deliver({
      subject: 'Refund timing',
      messageId: id,
      text: 'how long do refunds take?\n\nThanks,\nJane\n\nOn Mon, Jan 5, 2026 at 10:00 AM Northwind Support <support@northwind.example> wrote:\n> Your order 1042 has shipped.\n> Cancel within 1 hour.\n',
      html:
        '<div dir="ltr">how long do refunds take?<br><br>Thanks,<br>Jane</div><br><div class="gmail_quote"><div class="gmail_attr">On Mon, Jan 5, 2026 at 10:00 AM Northwind Support wrote:</div>' +
        '<blockquote class="gmail_quote"><div>Your order 1042 has shipped.</div><div>Cancel within 1 hour.</div></blockquote></div>',
    });
    expect(info.response).toMatch(/^250 /);
    const [reply] = await expectRepliesAtPeer(1);
    const mail = (reply as ReceivedMail).parsed;

    expect((reply as ReceivedMail).envelope).toEqual({ from: SUPPORT, to: [JANE] });
    expect(mail.subject).toBe('Re: Refund timing');
    expect(mail.inReplyTo).toBe(id);
    expect(mail.references).toBe(id);
    expect(mail.messageId).toMatch(/^<parley\.[0-9a-f-]+@northwind\.example>$/);
    expect(mail.from?.value[0]?.address).toBe(SUPPORT);
    expect(mail.headers.get('auto-submitted')).toBe('auto-replied');
    expect(mail.text).toContain('5–7 business days');
    expect(mail.html).toContain('5–7 business days');
    expect(mail.html).toMatch(/^<!doctype html>/);
    // The answer's source as a numbered footnote (a sample ticket's title is its category as words; it has no link).
    expect(mail.text).toMatch(/\n\nSources:\n\[1\] Returns\n$/);
    expect(mail.html).toContain('<ol><li>Returns</li></ol>');

    expect(seen).toHaveLength(1);
    expect(seen[0]?.text).toBe('how long do refunds take?');
    expect(seen[0]).toMatchObject({ channel: 'email', channelMessageId: id, from: { id: JANE, role: 'customer', name: 'Jane Doe' } });
    const link = await parley.store.findConversationRef('email', id);
    const messages = await parley.store.listMessages(link?.conversationId as string);
    expect(messages.map((m) => [m.role, m.channel])).toEqual([['customer', 'email'], ['bot', 'email']]);
    expect(messages[0]?.text).toBe('how long do refunds take?');
    // Our own Message-ID is linked to the conversation too.
    expect((await parley.store.findConversationRef('email', mail.messageId as string))?.conversationId).toBe(link?.conversationId);
  });

  it('answers the same Message-ID delivered three times exactly once', async () => {
    const id = messageId('retry');
    const message = { subject: 'Cancel', messageId: id, text: 'Can I cancel my order? I ordered yesterday afternoon.' };
    await deliver(message);
    await Promise.all([deliver(message), deliver(message)]);
    const [reply] = await expectRepliesAtPeer(1);
    expect(reply?.parsed.inReplyTo).toBe(id);
    const link = await parley.store.findConversationRef('email', id);
    const messages = await parley.store.listMessages(link?.conversationId as string);
    expect(messages.filter((m) => m.role === 'customer')).toHaveLength(1);
    expect(messages.filter((m) => m.role === 'bot')).toHaveLength(1);
  });

  it('continues the conversation when the customer replies to the bot\'s reply, threading every message', async () => {
    const first = messageId('first');
    await deliver({ subject: 'Refunds', messageId: first, text: 'how long do refunds take?' });
    const [botReply] = await expectRepliesAtPeer(1);
    const botId = botReply?.parsed.messageId as string;
    const conversationId = (await parley.store.findConversationRef('email', first))?.conversationId;

    const second = messageId('second');
    await deliver({
      subject: 'Re: Refunds',
      messageId: second,
      inReplyTo: botId,
      references: [first, botId],
      text: `Can I cancel my order? I ordered yesterday afternoon.\n\nOn Tue, 6 Jan 2026, Northwind Support <${SUPPORT}> wrote:\n> ${botReply?.parsed.text?.split('\n')[0]}\n`,
    });
    const replies = await expectRepliesAtPeer(2);
    const secondReply = (replies[1] as ReceivedMail).parsed;
    expect(secondReply.subject).toBe('Re: Refunds');
    expect(secondReply.inReplyTo).toBe(second);
    expect(secondReply.references).toEqual([first, botId, second]);
    expect(seen[1]?.text).toBe('Can I cancel my order? I ordered yesterday afternoon.');
    expect(seen[1]?.conversationId).toBe(conversationId);
    for (const id of [first, botId, second, secondReply.messageId as string]) {
      expect((await parley.store.findConversationRef('email', id))?.conversationId).toBe(conversationId);
    }
    const messages = await parley.store.listMessages(conversationId as string);
    expect(messages.map((m) => m.role)).toEqual(['customer', 'bot', 'customer', 'bot']);

    // An agent's later message (proactive) goes into the same thread, answering the latest message.
    await channel.adapter.send({ ...(messages[3]?.activity as Activity), id: 'act_agent', from: { id: 'agent-1', role: 'agent' }, text: 'Hi Jane, Sam here.' });
    const agentMail = ((await peer.waitFor(3))[2] as ReceivedMail).parsed;
    expect(agentMail.inReplyTo).toBe(secondReply.messageId);
    expect(agentMail.references).toEqual([first, botId, second, secondReply.messageId]);
    expect(agentMail.headers.has('auto-submitted')).toBe(false);
  });

  it('starts a new conversation when someone else replies into a customer\'s thread', async () => {
    const first = messageId('owner');
    await deliver({ subject: 'Refunds', messageId: first, text: 'how long do refunds take?' });
    await expectRepliesAtPeer(1);
    const other = messageId('other');
    await deliver({ from: 'mallory@elsewhere.example', subject: 'Re: Refunds', messageId: other, inReplyTo: first, references: [first], text: 'how long do refunds take?' });
    const replies = await expectRepliesAtPeer(2);
    expect(replies[1]?.envelope.to).toEqual(['mallory@elsewhere.example']);
    const a = await parley.store.findConversationRef('email', first);
    const b = await parley.store.findConversationRef('email', other);
    expect(b?.conversationId).not.toBe(a?.conversationId);
  });

  it('records auto-replies, bounces, list mail and mail the relay marked as spam without answering them', async () => {
    const cases: [string, SendMailOptions][] = [
      ['x-spam-flag', { headers: { 'X-Spam-Flag': 'YES', 'X-Spam-Status': 'Yes, score=12.4 required=5.0 tests=URIBL_BLACK' }, text: 'Cheap watches' }],
      ['x-spam-status', { headers: { 'X-Spam-Status': 'Yes, score=6.1 required=5.0' }, text: 'You won' }],
      ['x-spam (rspamd)', { headers: { 'X-Spam': 'Yes' }, text: 'Crypto' }],
      ['x-spam-score over the threshold', { headers: { 'X-Spam-Flag': 'NO', 'X-Spam-Score': '7.5' }, text: 'Pills' }],
      ['out of office', { headers: { 'Auto-Submitted': 'auto-replied' }, text: 'I am out of the office until Monday.' }],
      ['precedence', { headers: { Precedence: 'bulk' }, text: 'Our weekly offers' }],
      ['list-id', { headers: { 'List-Id': 'Deals <deals.shop.example>' }, text: 'List mail' }],
      ['list-unsubscribe', { list: { unsubscribe: 'https://shop.example/unsub' }, text: 'Newsletter' }],
      ['x-autoreply', { headers: { 'X-Autoreply': 'yes' }, text: 'Thanks for your mail, we will answer soon.' }],
      ['x-autorespond', { headers: { 'X-Autorespond': 'vacation' }, text: 'Away' }],
      ['mailer-daemon', { from: 'Mail Delivery System <MAILER-DAEMON@mx.customer.example>', text: 'Delivery failed' }],
      ['postmaster', { from: 'postmaster@mx.customer.example', text: 'Undeliverable' }],
      ['null return path', { envelope: { from: '', to: [SUPPORT] } as unknown as SendMailOptions['envelope'], headers: { 'Return-Path': '<>' }, text: 'bounce' }],
    ];
    const ids: string[] = [];
    for (const [label, message] of cases) {
      const id = messageId(label.replace(/\W+/g, '-'));
      ids.push(id);
      const info = await deliver({ subject: `how long do refunds take? (${label})`, messageId: id, ...message });
      expect(info.response).toMatch(/^250 /);
    }
    // A null SMTP sender (MAIL FROM:<>) straight on the wire, as bounces arrive.
    const bounceId = messageId('dsn');
    const dsn = Buffer.from(
      `From: Mail Delivery Subsystem <bounces@mx.customer.example>\r\nTo: ${SUPPORT}\r\nSubject: Delivery Status Notification\r\nMessage-ID: ${bounceId}\r\nMIME-Version: 1.0\r\n` +
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nhow long do refunds take?\r\n--b1\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n\r\nFinal-Recipient: rfc822; x@y\r\nAction: failed\r\nStatus: 5.1.1\r\n--b1--\r\n.\r\n',
    );
    expect(lastReply(await rawSmtp(channel.port as number, ['EHLO mx.customer.example\r\n', 'MAIL FROM:<>\r\n', `RCPT TO:<${SUPPORT}>\r\n`, 'DATA\r\n', dsn, 'QUIT\r\n']))).toMatch(/^250 /);
    ids.push(bounceId);

    await expectRepliesAtPeer(0);
    expect(seen).toHaveLength(0);
    for (const id of ids) {
      const link = await parley.store.findConversationRef('email', id);
      expect(link).toBeDefined();
      const messages = await parley.store.listMessages(link?.conversationId as string);
      expect(messages.filter((m) => m.activity.channelMessageId === id).map((m) => m.role)).toEqual(['customer']);
      expect(messages.some((m) => m.role === 'bot')).toBe(false);
    }
  });

  it('puts a checked image attachment on the activity, with its bytes, and leaves out other files', async () => {
    const id = messageId('photo');
    await deliver({
      subject: 'Pilling',
      messageId: id,
      text: 'My cashmere sweater is pilling after 2 weeks. Is it faulty?',
      attachments: [
        { filename: 'sweater.png', content: PNG_1PX, contentType: 'image/png' },
        { filename: 'fake.png', content: Buffer.from('not really a png at all'), contentType: 'image/png' },
        { filename: 'invoice.pdf', content: Buffer.from('%PDF-1.4 fake'), contentType: 'application/pdf' },
      ],
    });
    await expectRepliesAtPeer(1);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.attachments).toHaveLength(1);
    const [attachment] = seen[0]?.attachments ?? [];
    expect(attachment).toMatchObject({ contentType: 'image/png', name: 'sweater.png' });
    expect(Buffer.from(attachment?.data as Uint8Array).equals(PNG_1PX)).toBe(true);
  });

  it('refuses oversized messages with 552 and stores nothing', async () => {
    const id = messageId('huge');
    const big = Buffer.alloc(MAX_MESSAGE_BYTES + 50_000, 'a');
    const data = Buffer.concat([
      Buffer.from(`From: ${JANE}\r\nTo: ${SUPPORT}\r\nSubject: how long do refunds take?\r\nMessage-ID: ${id}\r\n\r\n`),
      Buffer.from(big.toString('latin1').replace(/(.{76})/g, '$1\r\n')),
      Buffer.from('\r\n.\r\n'),
    ]);
    const wire = await rawSmtp(channel.port as number, ['EHLO mx.customer.example\r\n', `MAIL FROM:<${JANE}>\r\n`, `RCPT TO:<${SUPPORT}>\r\n`, 'DATA\r\n', data, 'QUIT\r\n']);
    expect(wire.find((line) => /^250[- ]SIZE /.test(line))?.slice(4)).toBe(`SIZE ${MAX_MESSAGE_BYTES}`);
    // 552 with the enhanced status code 5.3.4 (message too big for system) the README promises.
    expect(lastReply(wire)).toMatch(/^552 5\.3\.4 /);
    // A client that honours SIZE is refused at MAIL FROM.
    const sized = await rawSmtp(channel.port as number, ['EHLO mx.customer.example\r\n', `MAIL FROM:<${JANE}> SIZE=${MAX_MESSAGE_BYTES + 1}\r\n`, 'QUIT\r\n']);
    expect(lastReply(sized)).toMatch(/^552 5\.3\.4 /);
    // And so is nodemailer, the customer's mail server here.
    const viaClient = messageId('huge-client');
    await expect(
      deliver({ subject: 'Photos', messageId: viaClient, text: 'see attached', attachments: [{ filename: 'big.png', content: Buffer.concat([PNG_1PX, Buffer.alloc(MAX_MESSAGE_BYTES)]) }] }),
    ).rejects.toMatchObject({ responseCode: 552 });
    await expectRepliesAtPeer(0);
    expect(seen).toHaveLength(0);
    expect(await parley.store.findConversationRef('email', id)).toBeUndefined();
    expect(await parley.store.findConversationRef('email', viaClient)).toBeUndefined();
  });

  it('survives malformed mail and SMTP garbage, and keeps serving', async () => {
    const noFrom = Buffer.from('this is not an e-mail\r\n\r\n\u0000\u00ff garbage\r\n.\r\n', 'latin1');
    const wire = await rawSmtp(channel.port as number, ['EHLO x\r\n', 'MAIL FROM:<jane@customer.example>\r\n', `RCPT TO:<${SUPPORT}>\r\n`, 'DATA\r\n', noFrom, 'QUIT\r\n']);
    expect(lastReply(wire)).toMatch(/^554 5\.6\.0 /);
    const brokenMime = Buffer.from(
      `From: ${JANE}\r\nTo: ${SUPPORT}\r\nSubject: broken\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed\r\nContent-Transfer-Encoding: base64\r\n\r\n--\r\n=?utf-8?B?###?=\r\n--zz--\r\n.\r\n`,
    );
    const wire2 = await rawSmtp(channel.port as number, ['EHLO x\r\n', `MAIL FROM:<${JANE}>\r\n`, `RCPT TO:<${SUPPORT}>\r\n`, 'DATA\r\n', brokenMime, 'QUIT\r\n']);
    // mailparser reads what it can: it has a sender, so it is answered (the bot asks what the customer meant).
    expect(lastReply(wire2)).toMatch(/^250 /);
    const junk = await rawSmtp(channel.port as number, ['HELLO?\r\n', 'RCPT TO:<x@y>\r\n', `${'A'.repeat(20_000)}\r\n`]);
    expect(junk.some((line) => /^5\d\d /.test(line))).toBe(true);
    await expectRepliesAtPeer(1);
    peer.received.length = 0;
    seen.length = 0;

    await deliver({ subject: 'Still there?', messageId: messageId('after-garbage'), text: 'how long do refunds take?' });
    await expectRepliesAtPeer(1);
    expect(errors).toEqual([]);
  });

  it('keeps a reply the relay refuses in the outbox as failed, logs it, and keeps serving', async () => {
    const bounced = 'nobody@customer.example';
    peer.rejectRecipients.add(bounced);
    const id = messageId('refused');
    await deliver({ from: bounced, subject: 'Refunds', messageId: id, text: 'how long do refunds take?' });
    await expectRepliesAtPeer(0);
    const link = await parley.store.findConversationRef('email', id);
    const inbox = await parley.store.receiveInbound({ ...(seen[0] as Activity) });
    expect(inbox.duplicate).toBe(true);
    const outbox = await parley.store.listOutboundFor(inbox.inboxId);
    expect(outbox.map((o) => o.status)).toEqual(['failed']);
    expect(outbox[0]?.conversationId).toBe(link?.conversationId);
    peer.rejectRecipients.clear();
  });
});
