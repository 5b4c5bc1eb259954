import twilio from 'twilio';
import { signedUrlCandidates, twilioSignature, verifyTwilioSignature, type TwilioParams } from './verify.js';

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

  test('accepts the URL with or without its default port, as Twilio may sign either', () => {
    const signedWithPort = twilioSignature(EXAMPLE.authToken, 'https://mycompany.com:443/myapp.php?foo=1&bar=2', EXAMPLE.params);
    expect(verifyTwilioSignature({ authToken: EXAMPLE.authToken, url: EXAMPLE.url, params: EXAMPLE.params, signature: signedWithPort })).toBe(true);
    expect(signedUrlCandidates('https://a.example/x')).toEqual(['https://a.example/x', 'https://a.example:443/x']);
    expect(signedUrlCandidates('http://a.example:80/x')).toEqual(['http://a.example:80/x', 'http://a.example/x']);
    expect(signedUrlCandidates('http://127.0.0.1:3000/x')).toEqual(['http://127.0.0.1:3000/x']);
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
