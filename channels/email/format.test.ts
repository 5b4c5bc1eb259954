import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import type { Activity, Source } from '../../bot/core/index.js';
import { formatReply, renderHtml, renderText } from './format.js';
import { domainOf, messageIds, newMessageId, replyReferences, replySubject, type EmailThreadRef } from './threading.js';

const parent: EmailThreadRef = {
  to: 'jane@customer.example',
  name: 'Jane Doe',
  subject: 'Refund timing',
  messageId: '<q2@customer.example>',
  references: ['<q1@customer.example>', '<parley.a@northwind.example>'],
  direction: 'inbound',
  at: '2026-01-06T10:00:00.000Z',
};

function reply(patch: Partial<Activity> = {}): Activity {
  return {
    id: 'act_1',
    type: 'message',
    channel: 'email',
    conversationId: 'conv_1',
    from: { id: 'parley', role: 'bot' },
    text: 'Refunds take 5–7 business days.\nSee https://shop.example/returns <now>.',
    timestamp: '2026-01-06T10:00:01.000Z',
    ...patch,
  };
}

describe('threading helpers', () => {
  it('reads Message-IDs from header values', () => {
    expect(messageIds('<a@x> <b@y>\r\n <a@x>')).toEqual(['<a@x>', '<b@y>']);
    expect(messageIds(['<a@x>', '<c@z>'])).toEqual(['<a@x>', '<c@z>']);
    expect(messageIds('bare@id.example')).toEqual(['<bare@id.example>']);
    expect(messageIds('two words')).toEqual([]);
    expect(messageIds(undefined)).toEqual([]);
  });

  it('builds reply subjects without stacking prefixes', () => {
    expect(replySubject('Refund timing')).toBe('Re: Refund timing');
    expect(replySubject('RE: Refund timing')).toBe('RE: Refund timing');
    expect(replySubject('AW: Rückerstattung')).toBe('AW: Rückerstattung');
    expect(replySubject('  ')).toBe('Re: Your message');
  });

  it('builds References from the parent and trims long threads to the first and latest ids', () => {
    expect(replyReferences(['<a@x>'], '<b@x>')).toEqual(['<a@x>', '<b@x>']);
    const long = Array.from({ length: 30 }, (_, i) => `<m${i}@x>`);
    const trimmed = replyReferences(long, '<last@x>');
    expect(trimmed).toHaveLength(20);
    expect(trimmed[0]).toBe('<m0@x>');
    expect(trimmed[19]).toBe('<last@x>');
  });

  it('makes Message-IDs on the sender\'s domain', () => {
    expect(domainOf('Northwind Support <support@Northwind.example>')).toBe('northwind.example');
    expect(domainOf('support@shop.example')).toBe('shop.example');
    expect(newMessageId('northwind.example')).toMatch(/^<parley\.[0-9a-f-]{36}@northwind\.example>$/);
  });
});

describe('formatReply', () => {
  it('threads the reply under the parent with text and HTML parts', async () => {
    const message = formatReply(reply(), { from: 'Northwind <support@northwind.example>', messageId: '<parley.x@northwind.example>', parent });
    expect(message).toMatchObject({
      subject: 'Re: Refund timing',
      inReplyTo: '<q2@customer.example>',
      references: ['<q1@customer.example>', '<parley.a@northwind.example>', '<q2@customer.example>'],
      messageId: '<parley.x@northwind.example>',
      to: { name: 'Jane Doe', address: 'jane@customer.example' },
    });
    // What goes on the wire, as a mail client reads it.
    const built = await nodemailer.createTransport({ streamTransport: true, buffer: true }).sendMail(message);
    const parsed = await simpleParser(built.message as Buffer);
    expect(parsed.inReplyTo).toBe('<q2@customer.example>');
    expect(parsed.references).toEqual(['<q1@customer.example>', '<parley.a@northwind.example>', '<q2@customer.example>']);
    expect(parsed.messageId).toBe('<parley.x@northwind.example>');
    expect(parsed.headers.get('auto-submitted')).toBe('auto-replied');
    expect(parsed.text).toContain('Refunds take 5–7 business days.');
    expect(parsed.html).toContain('<a href="https://shop.example/returns">https://shop.example/returns</a> &lt;now&gt;.');
  });

  it('marks only bot replies as auto-submitted', () => {
    const agent = formatReply(reply({ from: { id: 'agent-1', role: 'agent' } }), { from: 'support@northwind.example', messageId: '<m@x>', parent });
    expect(agent.headers).toEqual({ 'X-Auto-Response-Suppress': 'All' });
  });

  it('renders quick replies as a list and images with absolute URLs', () => {
    const withExtras = reply({ text: 'Pick one', quickReplies: ['Track my order', 'Talk to a person'], images: [{ url: '/media/a.png', alt: 'Navy <jumper>' }, { url: 'https://cdn.example/b.png', alt: '' }] });
    expect(renderText(withExtras)).toBe('Pick one\n\nYou can reply with one of:\n- Track my order\n- Talk to a person\n\nImage: https://cdn.example/b.png\n');
    expect(renderText(withExtras, 'https://bot.example')).toContain('Navy <jumper>: https://bot.example/media/a.png');
    const html = renderHtml(withExtras, 'https://bot.example');
    expect(html).toContain('<li>Talk to a person</li>');
    expect(html).toContain('<img src="https://bot.example/media/a.png" alt="Navy &lt;jumper&gt;"');
  });

  it('ends with numbered footnotes (title and link) matching the markers, in the text and the HTML part', async () => {
    const question = 'Hi, I am Jane Roe, my card 4111 was charged twice';
    const sources: Source[] = [
      { id: 'NWT-1', score: 0.9, metadata: { question }, title: 'Refund policy', url: 'https://shop.example/refunds?a=1&b=2' },
      { id: 'NWT-2', score: 0.8, metadata: { question, answer: 'Dear Jane, refunded.' } },
    ];
    const cited = reply({ text: 'Refunds take 5–7 business days [2]. Exchanges are free [1]. Stores [7] too.', sources });
    expect(renderText(cited)).toBe(
      'Refunds take 5–7 business days [1]. Exchanges are free [2]. Stores too.\n\nSources:\n[1] Refund policy — https://shop.example/refunds?a=1&b=2\n[2] Help article\n',
    );
    const html = renderHtml(cited);
    expect(html).toContain('<p>Sources:</p>\n<ol><li><a href="https://shop.example/refunds?a=1&amp;b=2">Refund policy</a></li><li>Help article</li></ol>');
    expect(html).toContain('Refunds take 5–7 business days [1]. Exchanges are free [2]. Stores too.');
    const parsed = await simpleParser(
      (await nodemailer.createTransport({ streamTransport: true, buffer: true }).sendMail(formatReply(cited, { from: 'support@northwind.example', messageId: '<m@x>', parent }))).message as Buffer,
    );
    expect(parsed.text).toMatch(/\[1\] Refund policy — https:\/\/shop\.example\/refunds/);
    expect(`${parsed.text}${String(parsed.html)}`).not.toMatch(/Jane Roe|Dear Jane/);
    // No sources: no footnotes, and no bare marker.
    expect(renderText(reply({ text: 'Hello [1]' }))).toBe('Hello\n');
  });
});
