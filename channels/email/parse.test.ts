import nodemailer, { type SendMailOptions } from 'nodemailer';
import { ParleyError } from '../../bot/core/index.js';
import { parseImapUrl } from './imap.js';
import { parseEmail, threadLookupIds, toActivity } from './parse.js';

const PNG_1PX = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

/** Builds the raw message nodemailer would put on the wire. */
async function build(message: SendMailOptions): Promise<Buffer> {
  const info = await nodemailer.createTransport({ streamTransport: true, buffer: true }).sendMail({ from: 'Jane Doe <Jane@Customer.example>', to: 'support@northwind.example', ...message });
  return info.message as Buffer;
}

describe('parseEmail', () => {
  it('reads sender, thread ids and the customer\'s text', async () => {
    const email = await parseEmail(
      await build({
        subject: 'Re: Refunds',
        messageId: '<c2@customer.example>',
        inReplyTo: '<parley.1@northwind.example>',
        references: ['<c1@customer.example>', '<parley.1@northwind.example>'],
        replyTo: 'jane.work@customer.example',
        text: 'And exchanges?\n\n> old',
      }),
    );
    expect(email).toMatchObject({
      messageId: '<c2@customer.example>',
      inReplyTo: ['<parley.1@northwind.example>'],
      references: ['<c1@customer.example>', '<parley.1@northwind.example>'],
      from: { address: 'jane@customer.example', name: 'Jane Doe' },
      replyTo: 'jane.work@customer.example',
      subject: 'Re: Refunds',
      text: 'And exchanges?',
      automated: undefined,
    });
    expect(threadLookupIds(email)).toEqual(['<c2@customer.example>', '<parley.1@northwind.example>', '<c1@customer.example>']);
  });

  it('decodes HTML entities of an HTML-only message (Stra&szlig;e reaches the bot as Straße)', async () => {
    const email = await parseEmail(await build({ subject: 'Address', html: '<p>Please send it to Hauptstra&szlig;e 5, 80331 M&uuml;nchen &ndash; thanks!</p>' }));
    expect(email.text).toBe('Please send it to Hauptstraße 5, 80331 München – thanks!');
  });

  it('derives a stable Message-ID from the content when the message has none', async () => {
    const raw = Buffer.from('From: jane@customer.example\r\nSubject: hi\r\n\r\nhow long do refunds take?\r\n');
    const a = await parseEmail(raw);
    const b = await parseEmail(Buffer.from(raw));
    expect(a.messageId).toMatch(/^<sha256\.[0-9a-f]{40}@parley\.invalid>$/);
    expect(b.messageId).toBe(a.messageId);
  });

  it('refuses mail without a usable sender', async () => {
    await expect(parseEmail(Buffer.from('Subject: nobody\r\n\r\nhello\r\n'))).rejects.toMatchObject({ code: 'bad_request' });
    await expect(parseEmail(Buffer.from('From: not an address\r\n\r\nhello\r\n'))).rejects.toBeInstanceOf(ParleyError);
  });

  it('drops inline images of removed quotes and signatures, keeps the customer\'s own, limits size', async () => {
    const raw = await build({
      subject: 'Photos',
      html: '<div>See photo <img src="cid:mine@x"></div><div class="gmail_signature"><img src="cid:logo@x"></div>',
      attachments: [
        { filename: 'mine.png', content: PNG_1PX, cid: 'mine@x' },
        { filename: 'logo.png', content: PNG_1PX, cid: 'logo@x' },
        { filename: 'big.png', content: Buffer.concat([PNG_1PX, Buffer.alloc(2_000)]) },
      ],
    });
    const email = await parseEmail(raw, { maxImageBytes: 1_000 });
    expect(email.text).toBe('See photo');
    expect(email.attachments.map((a) => a.name)).toEqual(['mine.png']);
    expect(email.skippedAttachments).toEqual([{ name: 'big.png', contentType: 'image/png', reason: 'too_large' }]);
  });

  it('truncates very long bodies to the customer text limit', async () => {
    const email = await parseEmail(await build({ subject: 'Long', text: 'word '.repeat(2_000) }));
    expect(email.text.length).toBeLessThanOrEqual(4000);
    expect(email.text.endsWith('…')).toBe(true);
  });

  it('makes the activity: idempotent on the Message-ID, subject as text when the body is empty', async () => {
    const email = await parseEmail(await build({ subject: 'Re: Where is my order?', messageId: '<e1@customer.example>', text: '' }));
    const activity = toActivity(email, 'conv_1', 'jane@customer.example');
    expect(activity).toMatchObject({
      type: 'message',
      channel: 'email',
      channelMessageId: '<e1@customer.example>',
      conversationId: 'conv_1',
      from: { id: 'jane@customer.example', role: 'customer', name: 'Jane Doe' },
      text: 'Where is my order?',
    });
    expect((activity.raw as { source: Buffer }).source).toBe(email.source);
  });
});

describe('parseImapUrl', () => {
  it('reads host, port, TLS, credentials and mailbox', () => {
    expect(parseImapUrl('imap://bot:s%40cret@127.0.0.1:1143/INBOX')).toEqual({ host: '127.0.0.1', port: 1143, secure: false, user: 'bot', pass: 's@cret', mailbox: 'INBOX' });
    expect(parseImapUrl('imaps://bot%40shop.example:pw@imap.example/Support%20Mail')).toMatchObject({ port: 993, secure: true, user: 'bot@shop.example', mailbox: 'Support Mail' });
    expect(parseImapUrl('imap://bot:pw@imap.example')).toMatchObject({ port: 143, mailbox: 'INBOX' });
  });

  it('refuses other schemes and URLs without a user', () => {
    expect(() => parseImapUrl('pop3://bot:pw@host')).toThrow(/imap:\/\//);
    expect(() => parseImapUrl('imap://host/INBOX')).toThrow(/user/);
    expect(() => parseImapUrl('not a url')).toThrow(ParleyError);
  });
});
