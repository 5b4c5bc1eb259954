import { createHmac } from 'node:crypto';
import { ParleyError } from '../../bot/core/index.js';
import { isSolved, parseZendeskUpdate } from './parse.js';
import { computeZendeskSignature, verifyZendeskSignature } from './verify.js';

const secret = 'dGhpcyBpcyBhIHNpZ25pbmcgc2VjcmV0';
const timestamp = '2026-03-03T10:00:00Z';
const body = '{"ticket_id":"35436","status":"Solved"}';
const now = () => Date.parse(timestamp) + 30_000;

const reason = (fn: () => void): string => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ParleyError);
    expect((error as ParleyError).code).toBe('unauthorized');
    return (error as ParleyError).message;
  }
  throw new Error('expected a rejection');
};

describe('Zendesk webhook signature', () => {
  it('is base64(HMAC-SHA256(timestamp + body)) with the signing secret', () => {
    const expected = createHmac('sha256', secret).update(`${timestamp}${body}`).digest('base64');
    expect(computeZendeskSignature(secret, timestamp, body)).toBe(expected);
    expect(() => verifyZendeskSignature({ secret, signature: expected, timestamp, rawBody: Buffer.from(body), now })).not.toThrow();
  });

  it('rejects missing headers, other bodies or secrets, and stale or future timestamps', () => {
    const signature = computeZendeskSignature(secret, timestamp, body);
    expect(reason(() => verifyZendeskSignature({ secret, signature: undefined, timestamp, rawBody: body, now }))).toMatch(/missing x-zendesk-webhook-signature/);
    expect(reason(() => verifyZendeskSignature({ secret, signature, timestamp: undefined, rawBody: body, now }))).toMatch(/missing x-zendesk-webhook-signature-timestamp/);
    expect(reason(() => verifyZendeskSignature({ secret, signature, timestamp: 'yesterday', rawBody: body, now }))).toMatch(/not a timestamp/);
    expect(reason(() => verifyZendeskSignature({ secret, signature, timestamp, rawBody: body.replace('Solved', 'Open'), now }))).toMatch(/does not match/);
    expect(reason(() => verifyZendeskSignature({ secret: 'other', signature, timestamp, rawBody: body, now }))).toMatch(/does not match/);
    expect(reason(() => verifyZendeskSignature({ secret, signature, timestamp, rawBody: body, now: () => Date.parse(timestamp) + 6 * 60_000 }))).toMatch(/5 minutes/);
    expect(reason(() => verifyZendeskSignature({ secret, signature, timestamp, rawBody: body, now: () => Date.parse(timestamp) - 6 * 60_000 }))).toMatch(/5 minutes/);
  });
});

describe('Zendesk ticket updates', () => {
  it('reads the documented trigger body, a ticket object and an event webhook', () => {
    expect(parseZendeskUpdate({ ticket_id: '35436', status: 'Solved' })).toEqual({ ticketId: '35436', status: 'solved' });
    expect(parseZendeskUpdate({ ticket: { id: 77, status: 'closed' } })).toEqual({ ticketId: '77', status: 'closed' });
    expect(parseZendeskUpdate({ type: 'zen:event-type:ticket.status_changed', detail: { id: '5', status: 'SOLVED' }, event: { current: 'SOLVED', previous: 'OPEN' } })).toEqual({ ticketId: '5', status: 'solved' });
    expect(isSolved('solved')).toBe(true);
    expect(isSolved('closed')).toBe(true);
    expect(isSolved('pending')).toBe(false);
  });

  it('names what is missing', () => {
    expect(() => parseZendeskUpdate({ status: 'solved' })).toThrow(/no ticket id/);
    expect(() => parseZendeskUpdate({ ticket_id: 'abc', status: 'solved' })).toThrow(/"ticket_id": no ticket id/);
    expect(() => parseZendeskUpdate({ ticket_id: 1 })).toThrow(/"status": no ticket status/);
    // An empty body is no JSON object: the message names the body.
    expect(() => parseZendeskUpdate(undefined)).toThrow(/"body": must be a JSON object/);
  });
});
