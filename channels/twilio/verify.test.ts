import { createHmac } from 'node:crypto';
import twilio from 'twilio';
import { twilioSignature, verifyTwilioSignature, type TwilioParams } from './verify.js';

/** Twilio's signature as its docs define it, written out here so the tests do not check the SDK against itself. */
function hmacSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, name) => acc + name + params[name], url);
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

// Twilio's published example (https://www.twilio.com/docs/usage/webhooks/webhooks-security).
const EXAMPLE = {
  authToken: '12345',
  url: 'https://mycompany.com/myapp.php?foo=1&bar=2',
  params: { CallSid: 'CA1234567890ABCDE', Caller: '+12349013030', Digits: '1234', From: '+12349013030', To: '+18005551212' },
  signature: '0/KCTR6DLpKmkAf8muzZqo1nDgQ=',
};

describe('Twilio request signature', () => {
  test("matches Twilio's published example", () => {
    expect(twilioSignature(EXAMPLE.authToken, EXAMPLE.url, EXAMPLE.params)).toBe(EXAMPLE.signature);
    expect(verifyTwilioSignature({ authToken: EXAMPLE.authToken, url: EXAMPLE.url, params: EXAMPLE.params, signature: EXAMPLE.signature })).toBe(true);
  });

  test('rejects a missing, empty or wrong signature, a wrong token, a tampered parameter or URL', () => {
    const ok = { authToken: EXAMPLE.authToken, url: EXAMPLE.url, params: EXAMPLE.params };
    expect(verifyTwilioSignature({ ...ok, signature: undefined })).toBe(false);
    expect(verifyTwilioSignature({ ...ok, signature: '' })).toBe(false);
    expect(verifyTwilioSignature({ ...ok, signature: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' })).toBe(false);
    expect(verifyTwilioSignature({ ...ok, authToken: '54321', signature: EXAMPLE.signature })).toBe(false);
    expect(verifyTwilioSignature({ ...ok, params: { ...EXAMPLE.params, Digits: '1235' }, signature: EXAMPLE.signature })).toBe(false);
    expect(verifyTwilioSignature({ ...ok, params: { ...EXAMPLE.params, Extra: '' }, signature: EXAMPLE.signature })).toBe(false);
    expect(verifyTwilioSignature({ ...ok, url: 'https://mycompany.com/myapp.php?foo=1&bar=3', signature: EXAMPLE.signature })).toBe(false);
    expect(verifyTwilioSignature({ ...ok, authToken: '', signature: EXAMPLE.signature })).toBe(false);
  });

  // The cases of twilio-node's own signature tests (spec/unit/webhooks), rebuilt here: each signature is computed
  // independently (HMAC-SHA1 over the URL Twilio signed, as the docs define it) and checked against the URL received.
  describe.each([
    ['the default https port, signed with it, received with it', 'https://example.com:443/path?test=param', 'https://example.com:443/path?test=param', true],
    ['the default https port, signed with it, received without', 'https://example.com:443/path?test=param', 'https://example.com/path?test=param', true],
    ['no port, signed and received', 'https://example.com/path?test=param', 'https://example.com/path?test=param', true],
    ['no port signed, received with the default https port', 'https://example.com/path?test=param', 'https://example.com:443/path?test=param', true],
    ['the default http port signed, received without', 'http://example.com:80/path', 'http://example.com/path', true],
    ['a non-default https port, signed and received', 'https://example.com:8443/webhooks/twilio', 'https://example.com:8443/webhooks/twilio', true],
    ['no port signed, received with a non-default https port (a proxy adds it)', 'https://example.com/webhooks/twilio', 'https://example.com:8443/webhooks/twilio', true],
    ['a non-default https port signed, received without (set PUBLIC_URL with the port)', 'https://example.com:8443/webhooks/twilio', 'https://example.com/webhooks/twilio', false],
    ["an unescaped ' signed and received", "https://example.com/path?test=param'WithQuote", "https://example.com/path?test=param'WithQuote", true],
    ["an unescaped ' signed, received as %27", "https://example.com/path?test=param'WithQuote", 'https://example.com/path?test=param%27WithQuote', true],
    ["%27 signed, received as an unescaped '", 'https://example.com/path?test=param%27WithQuote', "https://example.com/path?test=param'WithQuote", true],
    ['%27 signed and received', 'https://example.com/path?test=param%27WithQuote', 'https://example.com/path?test=param%27WithQuote', true],
    ['another query value received', 'https://example.com/path?test=param', 'https://example.com/path?test=param2', false],
    ['another path received', 'https://example.com/path', 'https://example.com/other', false],
    ['another host received', 'https://example.com/path', 'https://example.org/path', false],
  ])('a URL with %s', (_name, signedUrl, receivedUrl, valid) => {
    test(valid ? 'is accepted' : 'is refused', () => {
      const signature = hmacSignature('s3cr3t', signedUrl, EXAMPLE.params);
      expect(verifyTwilioSignature({ authToken: 's3cr3t', url: receivedUrl, params: EXAMPLE.params, signature })).toBe(valid);
      // Never with another token or a changed parameter.
      expect(verifyTwilioSignature({ authToken: 's3cr3t!', url: receivedUrl, params: EXAMPLE.params, signature })).toBe(false);
      expect(verifyTwilioSignature({ authToken: 's3cr3t', url: receivedUrl, params: { ...EXAMPLE.params, Digits: '9' }, signature })).toBe(false);
    });
  });

  test('refuses (never throws on) a URL that cannot be parsed', () => {
    const signature = hmacSignature('s3cr3t', 'not a url', {});
    expect(verifyTwilioSignature({ authToken: 's3cr3t', url: 'not a url', params: {}, signature: signature.replace(/^./, 'A') })).toBe(false);
    expect(verifyTwilioSignature({ authToken: 's3cr3t', url: 'https://exa mple.com:99999/', params: {}, signature: 'x' })).toBe(false);
  });

  test("agrees with the twilio SDK's validateRequest", () => {
    const cases: { url: string; params: TwilioParams }[] = [
      { url: EXAMPLE.url, params: EXAMPLE.params },
      { url: 'https://bot.example.com/webhooks/twilio', params: { Body: 'Größe M? 👕 & "quotes" = ok', From: 'whatsapp:+447700900123', NumMedia: '0' } },
      { url: 'https://bot.example.com:443/webhooks/twilio/status', params: { MessageSid: 'SM0123', MessageStatus: 'delivered' } },
      { url: 'http://127.0.0.1:3000/webhooks/twilio?x=1', params: { A: ['b', 'a', 'b'], B: '' } },
      { url: 'https://bot.example.com/webhooks/twilio', params: {} },
    ];
    for (const { url, params } of cases) {
      const signature = twilio.getExpectedTwilioSignature('token-abc', url, params);
      expect(twilioSignature('token-abc', url, params)).toBe(signature);
      for (const candidate of [signature, twilioSignature('other', url, params), signature.slice(1)]) {
        expect(verifyTwilioSignature({ authToken: 'token-abc', url, params, signature: candidate })).toBe(twilio.validateRequest('token-abc', candidate, url, params));
      }
    }
  });
});
