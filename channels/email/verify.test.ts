import { automatedReason, imageTypeOf, isMarkedSpam, type AutomatedCheckInput } from './verify.js';

const check = (headers: Record<string, string>, rest: Partial<AutomatedCheckInput> = {}) =>
  automatedReason({
    headers: new Map(Object.entries(headers).map(([k, v]) => [k, [v]])),
    from: 'jane@customer.example',
    ...rest,
  });

describe('automatedReason', () => {
  it('lets a person\'s mail through', () => {
    expect(check({ subject: 'Refund', 'content-type': 'text/plain; charset=utf-8' })).toBeUndefined();
    expect(check({ 'auto-submitted': 'no' })).toBeUndefined();
    expect(check({ 'auto-submitted': 'No ; comment' })).toBeUndefined();
    expect(check({ precedence: 'first-class' })).toBeUndefined();
    expect(check({}, { envelopeFrom: 'jane@customer.example' })).toBeUndefined();
  });

  it('flags RFC 3834 auto-submitted mail', () => {
    expect(check({ 'auto-submitted': 'auto-replied' })).toBe('auto_submitted');
    expect(check({ 'auto-submitted': 'auto-generated' })).toBe('auto_submitted');
  });

  it('flags vendor auto-reply headers', () => {
    expect(check({ 'x-autoreply': 'yes' })).toBe('autoreply_header');
    expect(check({ 'x-autorespond': 'Out of office' })).toBe('autoreply_header');
  });

  it('flags bulk, junk and list precedence and mailing-list headers', () => {
    for (const value of ['bulk', 'junk', 'list', 'Bulk']) expect(check({ precedence: value })).toBe('precedence');
    expect(check({ 'list-id': 'News <news.shop.example>' })).toBe('mailing_list');
    expect(check({ 'list-unsubscribe': '<mailto:unsub@shop.example>' })).toBe('mailing_list');
  });

  it('flags bounces: delivery reports, null senders and system senders', () => {
    expect(check({ 'content-type': 'multipart/report; report-type=delivery-status; boundary="x"' })).toBe('delivery_report');
    expect(check({ 'return-path': '<>' })).toBe('null_sender');
    expect(check({}, { envelopeFrom: '' })).toBe('null_sender');
    expect(check({}, { from: 'MAILER-DAEMON@mx.example' })).toBe('system_sender');
    expect(check({}, { from: 'postmaster@mx.example' })).toBe('system_sender');
    expect(check({}, { envelopeFrom: 'mailer-daemon@mx.example' })).toBe('system_sender');
    expect(check({}, { from: 'no-reply@shop.example' })).toBe('no_reply_sender');
  });

  it('flags mail from Parley\'s own address (a loop)', () => {
    expect(check({}, { from: 'support@northwind.example', ownAddress: 'Support@Northwind.example' })).toBe('own_address');
  });
});

describe('spam flags of the relay', () => {
  it('flags SpamAssassin\'s X-Spam-Flag and X-Spam-Status, and Rspamd\'s X-Spam, when they say yes', () => {
    expect(check({ 'x-spam-flag': 'YES' })).toBe('spam');
    expect(check({ 'x-spam-flag': 'yes' })).toBe('spam');
    expect(check({ 'x-spam-status': 'Yes, score=7.3 required=5.0 tests=HTML_MESSAGE,URIBL_BLOCKED autolearn=no' })).toBe('spam');
    expect(check({ 'x-spam': 'Yes' })).toBe('spam');
    expect(isMarkedSpam(new Map([['x-spam-flag', ['NO', 'YES']]]))).toBe(true);
  });

  it('lets mail the filter passed through', () => {
    expect(check({ 'x-spam-flag': 'NO', 'x-spam-status': 'No, score=1.2 required=5.0 tests=NONE', 'x-spam-score': '1.2' })).toBeUndefined();
    expect(check({ 'x-spam-level': '**', 'x-spam-checker-version': 'SpamAssassin 4.0.0' })).toBeUndefined();
    expect(check({ 'x-spam-score': '9.9' })).toBeUndefined(); // no threshold configured: flags only
  });

  it('flags a score at or over the configured threshold (X-Spam-Score, or score= in X-Spam-Status)', () => {
    expect(check({ 'x-spam-score': '5.0' }, { spamScoreThreshold: 5 })).toBe('spam');
    expect(check({ 'x-spam-score': '4.9' }, { spamScoreThreshold: 5 })).toBeUndefined();
    expect(check({ 'x-spam-status': 'No, score=6.5 required=8.0' }, { spamScoreThreshold: 6 })).toBe('spam');
    expect(check({ 'x-spam-status': 'No, score=-0.1 required=5.0' }, { spamScoreThreshold: 5 })).toBeUndefined();
    expect(check({ 'x-spam-score': 'high' }, { spamScoreThreshold: 5 })).toBeUndefined();
  });
});

describe('imageTypeOf', () => {
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
  const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1]);

  it('accepts images whose bytes match the declared type', () => {
    expect(imageTypeOf('image/png', png)).toBe('image/png');
    expect(imageTypeOf('image/jpg; name="a.jpg"', jpeg)).toBe('image/jpeg');
    expect(imageTypeOf('image/gif', Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00', 'latin1'))).toBe('image/gif');
    expect(imageTypeOf('image/webp', Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1'))).toBe('image/webp');
  });

  it('rejects mismatches, other types and truncated files', () => {
    expect(imageTypeOf('image/png', jpeg)).toBeUndefined();
    expect(imageTypeOf('image/png', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeUndefined();
    expect(imageTypeOf('image/svg+xml', Buffer.from('<svg/>'))).toBeUndefined();
    expect(imageTypeOf('application/pdf', Buffer.from('%PDF-1.7 ........'))).toBeUndefined();
    expect(imageTypeOf('image/png', png.subarray(0, 8))).toBeUndefined();
  });
});
