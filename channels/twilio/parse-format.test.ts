import type { Activity, Source } from '../../bot/core/index.js';
import { formatReply, senderFor, SMS_MAX_CHARS, splitText } from './format.js';
import { isTwilioMediaRedirect, isTwilioMediaResource } from './media.js';
import { complianceKeyword, parseForm, parseInboundMessage, parseStatusCallback } from './parse.js';

const ACCOUNT = `AC${'a'.repeat(32)}`;
const SID = `SM${'b'.repeat(32)}`;
const reply = (text: string, extra: Partial<Activity> = {}): Activity => ({
  id: 'act_1', type: 'message', channel: 'twilio', conversationId: 'conv_1', from: { id: 'parley', role: 'bot' }, text, timestamp: '', ...extra,
});

describe('parseForm', () => {
  test('decodes +, percent-escapes and UTF-8, and collects repeated names', () => {
    expect(parseForm('Body=Hi+there%21+%F0%9F%91%95&From=%2B15551234567&A=1&A=2&Empty=&Flag')).toEqual({
      Body: 'Hi there! 👕', From: '+15551234567', A: ['1', '2'], Empty: '', Flag: '',
    });
  });

  test('rejects malformed escapes and bytes that are not UTF-8', () => {
    expect(() => parseForm('Body=%E0%A4%A')).toThrow(expect.objectContaining({ code: 'bad_request' }));
    expect(() => parseForm('Body=%C3%28')).toThrow(expect.objectContaining({ code: 'bad_request' }));
    expect(() => parseForm(Buffer.from([0x42, 0x3d, 0xff]))).toThrow(expect.objectContaining({ code: 'invalid_utf8' }));
  });
});

describe('parseInboundMessage / parseStatusCallback', () => {
  const base = { MessageSid: SID, AccountSid: ACCOUNT, From: 'whatsapp:+447700900123', To: 'whatsapp:+14155238886', Body: 'hi', ProfileName: 'Sam' };

  test('reads a WhatsApp message with media', () => {
    const message = parseInboundMessage({ ...base, NumMedia: '2', MediaUrl0: 'https://api.twilio.com/x', MediaContentType0: 'IMAGE/JPEG', MediaUrl1: 'https://api.twilio.com/y' });
    expect(message).toMatchObject({ messageSid: SID, from: 'whatsapp:+447700900123', profileName: 'Sam', body: 'hi' });
    expect(message.media).toEqual([
      { url: 'https://api.twilio.com/x', contentType: 'image/jpeg' },
      { url: 'https://api.twilio.com/y', contentType: 'application/octet-stream' },
    ]);
  });

  test.each([
    ['no MessageSid', { ...base, MessageSid: undefined }, '"MessageSid" is missing'],
    ['a malformed MessageSid', { ...base, MessageSid: 'nope' }, '"MessageSid" is malformed'],
    ['an empty From', { ...base, From: '' }, '"From" is missing'],
    ['NumMedia over 10', { ...base, NumMedia: '11' }, '"NumMedia"'],
    ['NumMedia without MediaUrl0', { ...base, NumMedia: '1' }, '"MediaUrl0" is missing'],
    ['a repeated Body', { ...base, Body: ['a', 'b'] }, '"Body" must appear once'],
  ])('rejects %s', (_label, params, message) => {
    const clean = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined)) as Record<string, string | string[]>;
    expect(() => parseInboundMessage(clean)).toThrow(expect.objectContaining({ code: 'bad_request', message: expect.stringContaining(message) }));
  });

  test('reads status callbacks, old and new field names', () => {
    expect(parseStatusCallback({ MessageSid: SID, MessageStatus: 'undelivered', ErrorCode: '30003', AccountSid: ACCOUNT })).toEqual({ messageSid: SID, status: 'undelivered', errorCode: '30003' });
    expect(parseStatusCallback({ SmsSid: SID, SmsStatus: 'sent', AccountSid: ACCOUNT })).toEqual({ messageSid: SID, status: 'sent', errorCode: null });
    expect(() => parseStatusCallback({ MessageSid: SID, AccountSid: ACCOUNT })).toThrow(expect.objectContaining({ code: 'bad_request' }));
  });

  test('recognizes compliance keywords only as a whole message', () => {
    for (const word of ['STOP', 'stop', ' Stop. ', 'STOPALL', 'unsubscribe', 'CANCEL', 'end', 'QUIT']) expect(complianceKeyword(word)).toBe('opt_out');
    for (const word of ['START', 'yes', 'UNSTOP!']) expect(complianceKeyword(word)).toBe('opt_in');
    for (const word of ['HELP', 'info?']) expect(complianceKeyword(word)).toBe('help');
    for (const text of ['please stop sending', 'cancel my order', 'how long do refunds take?', '']) expect(complianceKeyword(text)).toBeUndefined();
  });
});

describe('splitText / formatReply', () => {
  const sentence = (i: number): string => `Sentence number ${i} explains one more detail of our refund policy.`;
  const long = Array.from({ length: 70 }, (_, i) => sentence(i)).join(' ');

  test('keeps a short text whole and splits a long one at sentence ends, numbered, within the limit', () => {
    expect(splitText('  short  ', 1600)).toEqual(['short']);
    const parts = splitText(long, SMS_MAX_CHARS);
    expect(parts.length).toBe(3);
    parts.forEach((part, i) => {
      expect(part.length).toBeLessThanOrEqual(SMS_MAX_CHARS);
      expect(part.endsWith(`. (${i + 1}/3)`)).toBe(true);
    });
    expect(parts.map((p) => p.replace(/ \(\d\/3\)$/, '')).join(' ')).toBe(long);
  });

  test('falls back to word boundaries, then to a hard cut that keeps surrogate pairs whole', () => {
    const words = splitText('word '.repeat(400), 100);
    expect(words.every((p) => p.length <= 100 && /^(word )*word \(\d+\/\d+\)$/.test(p))).toBe(true);
    const emoji = splitText('👕'.repeat(120), 100);
    expect(emoji.every((p) => p.length <= 100 && !/[\ud800-\udbff](?![\udc00-\udfff])/.test(p))).toBe(true);
    expect(emoji.map((p) => p.replace(/ \(\d+\/\d+\)$/, '')).join('')).toBe('👕'.repeat(120));
  });

  test('answers WhatsApp from whatsapp:<number> and SMS from the plain number; a Messaging Service as is', () => {
    expect(senderFor('whatsapp:+447700900123', '+14155238886')).toEqual({ from: 'whatsapp:+14155238886' });
    expect(senderFor('+447700900123', 'whatsapp:+14155238886')).toEqual({ from: '+14155238886' });
    expect(senderFor('+447700900123', '+14155238886')).toEqual({ from: '+14155238886' });
    const service = `MG${'c'.repeat(32)}`;
    expect(senderFor('whatsapp:+447700900123', service)).toEqual({ messagingServiceSid: service });
  });

  test('puts absolute image URLs on the first MMS, one per WhatsApp message, and writes quick replies as text', () => {
    const activity = reply('Here you go', { images: [{ url: '/images/a.png', alt: 'a' }, { url: 'https://cdn.example/b.png', alt: 'b' }], quickReplies: ['Yes', 'No'] });
    const options = { sender: { from: '+14155238886' }, publicUrl: 'https://bot.example.com/', statusCallback: 'https://bot.example.com/webhooks/twilio/status' };
    const sms = formatReply(activity, { ...options, to: '+447700900123' });
    expect(sms).toEqual([{
      to: '+447700900123', from: '+14155238886', statusCallback: options.statusCallback,
      body: 'Here you go\n\nYou can reply: Yes / No', mediaUrl: ['https://bot.example.com/images/a.png', 'https://cdn.example/b.png'],
    }]);
    const wa = formatReply(activity, { ...options, to: 'whatsapp:+447700900123' });
    expect(wa.map((m) => m.mediaUrl)).toEqual([['https://bot.example.com/images/a.png'], ['https://cdn.example/b.png']]);
    expect(wa[1]?.body).toBeUndefined();
    // Without a public origin a relative image cannot be fetched by Twilio, so it is left out.
    expect(formatReply(activity, { to: '+447700900123', sender: { from: '+1' } })[0]?.mediaUrl).toEqual(['https://cdn.example/b.png']);
  });

  describe('sources', () => {
    const question = 'Hi, I am Jane Roe, my card 4111 was charged twice';
    const titled: Source = { id: 'NWT-1', score: 0.9, metadata: { question }, title: 'Refund policy', url: 'https://shop.example/refunds' };
    const untitled: Source = { id: 'NWT-2', score: 0.8, metadata: { question } };
    const body = (activity: Activity, to = '+447700900123'): string => formatReply(activity, { to, sender: { from: '+1' } }).map((m) => m.body).join('|');

    test('an SMS or WhatsApp reply carries no citation marker, and at most a short link to the source', () => {
      for (const to of ['+447700900123', 'whatsapp:+447700900123']) {
        expect(body(reply('Refunds take 5–10 days [1]. Exchanges are free [2].', { sources: [titled, untitled] }), to)).toBe(
          'Refunds take 5–10 days. Exchanges are free.\n\nMore: https://shop.example/refunds',
        );
      }
      expect(body(reply('Refunds take 5–10 days [1].', { sources: [untitled], quickReplies: ['Yes'] }))).toBe('Refunds take 5–10 days.\n\nYou can reply: Yes');
      const longLink: Source = { ...untitled, url: `https://shop.example/${'a'.repeat(120)}` };
      expect(body(reply('Refunds take 5–10 days [1].', { sources: [longLink] }))).toBe('Refunds take 5–10 days.');
      expect(body(reply('Refunds [1]', { sources: [titled] }))).not.toMatch(/\[\d\]|Jane Roe/);
    });

    test('the link is left out when it would not fit in one message', () => {
      const text = `${'Refunds take 5–10 days. '.repeat(66).trim()} [1]`;
      const parts = formatReply(reply(text, { sources: [titled] }), { to: '+447700900123', sender: { from: '+1' } });
      expect(parts).toHaveLength(1);
      expect(parts[0]?.body).not.toContain('https://');
      expect(parts[0]?.body).not.toContain('[1]');
    });
  });
});

describe('media allow-list', () => {
  const options = { accountSid: ACCOUNT, apiUrl: 'https://api.twilio.com' };
  const resource = `/2010-04-01/Accounts/${ACCOUNT}/Messages/MM${'d'.repeat(32)}/Media/ME${'e'.repeat(32)}`;

  test('sends credentials only to Media resources of this account on api.twilio.com or the configured API', () => {
    expect(isTwilioMediaResource(`https://api.twilio.com${resource}`, options)).toBe(true);
    expect(isTwilioMediaResource(`http://127.0.0.1:9000${resource}`, { ...options, apiUrl: 'http://127.0.0.1:9000' })).toBe(true);
    expect(isTwilioMediaResource(`http://api.twilio.com${resource}`, options)).toBe(false);
    expect(isTwilioMediaResource(`https://api.twilio.com.evil.example${resource}`, options)).toBe(false);
    expect(isTwilioMediaResource(`https://evil.example${resource}`, options)).toBe(false);
    expect(isTwilioMediaResource(`https://api.twilio.com${resource.replace(ACCOUNT, `AC${'f'.repeat(32)}`)}`, options)).toBe(false);
    expect(isTwilioMediaResource(`https://u:p@api.twilio.com${resource}`, options)).toBe(false);
    expect(isTwilioMediaResource('not a url', options)).toBe(false);
  });

  test("follows redirects only to Twilio's CDN and media bucket", () => {
    for (const url of [
      'https://mms.twiliocdn.com/AC/abc',
      'https://media.twiliocdn.com/AC/abc',
      'https://s3-external-1.amazonaws.com/media.twiliocdn.com/AC/abc',
      `https://api.twilio.com${resource}`,
    ]) expect([url, isTwilioMediaRedirect(url, options.apiUrl)]).toEqual([url, true]);
    for (const url of [
      'http://mms.twiliocdn.com/AC/abc',
      'https://twiliocdn.com.evil.example/abc',
      'https://s3-external-1.amazonaws.com/other-bucket/abc',
      'https://evil.s3.amazonaws.com/media.twiliocdn.com/abc',
      'https://mms.twiliocdn.com:8443/abc',
      'https://169.254.169.254/latest/meta-data',
    ]) expect([url, isTwilioMediaRedirect(url, options.apiUrl)]).toEqual([url, false]);
  });
});
