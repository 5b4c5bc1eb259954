import fc from 'fast-check';
import { ParleyError } from '../../bot/core/index.js';
import { fuzzBudget, hostileText } from '../../bot/testing/fuzz.js';
import { htmlToText, stripQuotedHtml } from './html.js';
import { parseEmail, threadLookupIds, toActivity } from './parse.js';

// Inbound e-mail is parsed from whatever an MTA hands over: broken MIME, hostile headers, endless HTML. The parser
// either returns a message or throws a coded `bad_request`; it never throws anything else and never hangs.

const header = fc.tuple(
  fc.constantFrom('From', 'To', 'Reply-To', 'Subject', 'Message-ID', 'In-Reply-To', 'References', 'Content-Type', 'Content-Transfer-Encoding', 'Auto-Submitted', 'Precedence', 'X-Spam-Score', 'Date', 'Content-Disposition'),
  fc.oneof(hostileText(), fc.constantFrom('multipart/mixed; boundary="b"', 'text/html; charset=x-unknown', 'base64', 'quoted-printable', '<a@b>', 'Sam <sam@example.com>', '=?utf-8?B?w6k=?=', '=?bogus?Q?=ZZ?=', 'auto-replied', '1e309')),
);

const part = fc.record({
  type: fc.constantFrom('text/plain', 'text/html', 'image/png', 'image/jpeg', 'application/octet-stream', 'message/rfc822', 'multipart/alternative'),
  encoding: fc.constantFrom('7bit', 'base64', 'quoted-printable', 'x-unknown'),
  body: fc.oneof(hostileText(), fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('latin1')), fc.constantFrom('<html><body><blockquote>'.repeat(200), '<div class="gmail_quote">On Mon, Sam wrote:</div>')),
});

/** A raw message: random headers, then either a body or a multipart body with random parts (closed or not). */
const rawMessage = fc
  .tuple(fc.array(header, { maxLength: 10 }), fc.boolean(), fc.array(part, { maxLength: 4 }), hostileText(), fc.boolean())
  .map(([headers, withFrom, parts, body, closed]) => {
    const lines = headers.map(([name, value]) => `${name}: ${value.replace(/\r?\n(?![ \t])/g, '\r\n ')}`);
    if (withFrom) lines.unshift('From: Customer <customer@example.com>');
    if (parts.length === 0) return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body}`, 'utf8');
    lines.push('MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="fuzz"');
    const sections = parts.map((p) => `--fuzz\r\nContent-Type: ${p.type}\r\nContent-Transfer-Encoding: ${p.encoding}\r\n\r\n${p.body}\r\n`);
    return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${sections.join('')}${closed ? '--fuzz--\r\n' : ''}`, 'utf8');
  });

describe('fuzz: inbound e-mail parsing', () => {
  it('parses any message or refuses it with bad_request; a parsed one becomes an activity with thread ids', async () => {
    await fc.assert(
      fc.asyncProperty(rawMessage, async (source) => {
        let parsed;
        try {
          parsed = await parseEmail(source, { ownAddress: 'help@example.com' });
        } catch (error) {
          if (error instanceof ParleyError && error.code === 'bad_request') return;
          throw error;
        }
        expect(typeof parsed.text).toBe('string');
        expect(threadLookupIds(parsed).length).toBeGreaterThan(0);
        const activity = toActivity(parsed, 'conv_fuzz');
        expect(activity.conversationId).toBe('conv_fuzz');
      }),
      fuzzBudget(150),
    );
  }, 120_000);

  it('turns any HTML into text and strips quoted replies without throwing', () => {
    const html = fc.oneof(hostileText(), fc.array(fc.constantFrom('<div>', '</div>', '<blockquote type="cite">', '</blockquote>', '<br>', '<p>', '&amp;', '&#xFFFFFF;', '<!--', '-->', '<script>', '<style>', 'On Mon, Sam wrote:', 'text'), { maxLength: 300 }).map((bits) => bits.join('')));
    fc.assert(
      fc.property(html, (input) => {
        expect(typeof htmlToText(input)).toBe('string');
        expect(typeof stripQuotedHtml(input)).toBe('string');
      }),
      fuzzBudget(300),
    );
  });
});
