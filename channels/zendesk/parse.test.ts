import { isSolved, parseZendeskUpdate } from './parse.js';

describe('parseZendeskUpdate', () => {
  it.each([
    ['the trigger payload', { ticket_id: '12', status: 'Solved' }, { ticketId: '12', status: 'solved' }],
    ['a numeric ticket_id', { ticket_id: 12, status: ' closed ' }, { ticketId: '12', status: 'closed' }],
    ['a ticket object', { ticket: { id: 5, status: 'open', subject: 'x' } }, { ticketId: '5', status: 'open' }],
    [
      'an event webhook',
      { type: 'zen:event-type:ticket.status_changed', account_id: 1, detail: { id: '35', status: 'OPEN' }, event: { current: 'SOLVED', previous: 'OPEN' } },
      { ticketId: '35', status: 'solved' },
    ],
    ['an event webhook without event.current', { type: 'zen:event-type:ticket.status_changed', detail: { id: '35', status: 'SOLVED' } }, { ticketId: '35', status: 'solved' }],
  ] as [string, unknown, unknown][])('reads %s', (_name, body, update) => {
    expect(parseZendeskUpdate(body)).toEqual(update);
  });

  it.each([
    ['not an object', [], 'body'],
    ['empty', undefined, 'body'],
    ['no ticket id', { status: 'Solved' }, 'ticket_id'],
    ['no status', { ticket_id: '1' }, 'status'],
    ['a ticket id that is not digits', { ticket_id: 'x1', status: 'solved' }, 'ticket_id'],
    ['a fractional ticket id', { ticket_id: 1.5, status: 'solved' }, 'ticket_id'],
    ['a blank status', { ticket_id: '1', status: ' ' }, 'status'],
    ['a ticket that is not an object', { ticket: 'T-1' }, 'ticket'],
    ['an event whose current status is not text', { detail: { id: '3' }, event: { current: { name: 'solved' } } }, 'event.current'],
  ] as [string, unknown, string][])('rejects %s as bad_request naming "%s"', (_name, body, field) => {
    expect(() => parseZendeskUpdate(body)).toThrow(expect.objectContaining({ code: 'bad_request', message: expect.stringContaining(`"${field}"`), details: { field } }));
  });

  it('counts solved and closed as the end of a ticket', () => {
    expect(['solved', 'closed', 'open', 'pending'].map(isSolved)).toEqual([true, true, false, false]);
  });
});
