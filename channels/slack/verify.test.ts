import { isValidSlackRequest, verifySlackRequest } from '@slack/bolt';
import { computeSlackSignature, isValidSlackSignature, verifySlackSignature, type SlackSignatureInput } from './verify.js';

// Slack's published example (api.slack.com/authentication/verifying-requests-from-slack).
const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const TIMESTAMP = '1531420618';
const BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';
const AT = (offsetSeconds = 0) => () => (Number(TIMESTAMP) + offsetSeconds) * 1000;

const example = (overrides: Partial<SlackSignatureInput> = {}): SlackSignatureInput => ({
  signingSecret: SECRET,
  signature: SIGNATURE,
  timestamp: TIMESTAMP,
  rawBody: BODY,
  now: AT(30),
  ...overrides,
});

const reason = (input: SlackSignatureInput): string => {
  try {
    verifySlackSignature(input);
    return 'ok';
  } catch (error) {
    expect((error as { code?: string }).code).toBe('unauthorized');
    return (error as Error).message;
  }
};

describe('verifySlackSignature', () => {
  it("computes Slack's published example signature", () => {
    expect(computeSlackSignature(SECRET, TIMESTAMP, BODY)).toBe(SIGNATURE);
    expect(computeSlackSignature(SECRET, TIMESTAMP, Buffer.from(BODY))).toBe(SIGNATURE);
  });

  it("accepts Slack's published example within the 5-minute window, either side", () => {
    expect(reason(example())).toBe('ok');
    expect(reason(example({ now: AT(300) }))).toBe('ok');
    expect(reason(example({ now: AT(-300) }))).toBe('ok');
    expect(reason(example({ rawBody: Buffer.from(BODY) }))).toBe('ok');
  });

  it('rejects a timestamp more than 5 minutes from the clock (replay or skew)', () => {
    expect(reason(example({ now: AT(301) }))).toMatch(/more than 5 minutes/);
    expect(reason(example({ now: AT(-301) }))).toMatch(/more than 5 minutes/);
  });

  it('rejects a changed body, secret, timestamp or signature', () => {
    expect(reason(example({ rawBody: BODY.replace('roadrunner', 'coyote') }))).toMatch(/does not match/);
    expect(reason(example({ signingSecret: `${SECRET}x` }))).toMatch(/does not match/);
    expect(reason(example({ timestamp: String(Number(TIMESTAMP) + 1) }))).toMatch(/does not match/);
    expect(reason(example({ signature: `${SIGNATURE.slice(0, -1)}0` }))).toMatch(/does not match/);
    // A shorter signature is compared in constant time too (no throw from timingSafeEqual on length).
    expect(reason(example({ signature: 'v0=abc' }))).toMatch(/does not match/);
  });

  it('names missing or malformed headers', () => {
    expect(reason(example({ signature: undefined }))).toMatch(/missing X-Slack-Signature/);
    expect(reason(example({ timestamp: undefined }))).toMatch(/missing X-Slack-Request-Timestamp/);
    expect(reason(example({ timestamp: '15314206x8' }))).toMatch(/Unix seconds/);
    expect(reason(example({ signature: SIGNATURE.replace('v0=', 'v1=') }))).toMatch(/version/);
    expect(reason(example({ signingSecret: '' }))).toMatch(/not configured/);
  });

  it('uses the real clock by default', () => {
    const now = String(Math.floor(Date.now() / 1000));
    expect(isValidSlackSignature({ signingSecret: SECRET, timestamp: now, signature: computeSlackSignature(SECRET, now, BODY), rawBody: BODY })).toBe(true);
    expect(isValidSlackSignature({ signingSecret: SECRET, timestamp: TIMESTAMP, signature: SIGNATURE, rawBody: BODY })).toBe(false);
  });
});

describe("parity with Bolt's verifySlackRequest", () => {
  const bolt = (input: SlackSignatureInput): boolean =>
    isValidSlackRequest({
      signingSecret: input.signingSecret,
      body: String(input.rawBody),
      headers: { 'x-slack-signature': input.signature ?? '', 'x-slack-request-timestamp': Number(input.timestamp) },
      nowMilliseconds: input.now?.(),
    });

  it("agrees on Slack's example", () => {
    expect(() =>
      verifySlackRequest({ signingSecret: SECRET, body: BODY, headers: { 'x-slack-signature': SIGNATURE, 'x-slack-request-timestamp': Number(TIMESTAMP) }, nowMilliseconds: AT(30)() }),
    ).not.toThrow();
  });

  it.each([
    ['valid', {}],
    ['at the edge of the window', { now: AT(300) }],
    ['stale by 301 s', { now: AT(301) }],
    ['tampered body', { rawBody: `${BODY}&x=1` }],
    ['wrong secret', { signingSecret: 'another-secret' }],
    ['tampered signature', { signature: `${SIGNATURE.slice(0, -2)}00` }],
    ['unknown version', { signature: SIGNATURE.replace('v0=', 'v1=') }],
    ['hash missing', { signature: 'v0=' }],
    ['another timestamp', { timestamp: String(Number(TIMESTAMP) + 60) }],
  ] as [string, Partial<SlackSignatureInput>][])('%s: same verdict as Bolt', (_name, overrides) => {
    const input = example(overrides);
    expect(isValidSlackSignature(input)).toBe(bolt(input));
  });

  it('is stricter than Bolt on timestamps from the future (Slack: reject if it differs by more than 5 minutes)', () => {
    // Bolt only rejects stale timestamps; Slack's guide says to reject any more than five minutes from local time.
    const input = example({ now: AT(-301) });
    expect(bolt(input)).toBe(true);
    expect(isValidSlackSignature(input)).toBe(false);
  });
});
