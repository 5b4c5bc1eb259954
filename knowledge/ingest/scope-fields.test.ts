import type { ParleyError } from '../../bot/core/index.js';
import { parseTickets } from './parse.js';
import { prepareTickets } from './prepare.js';

const jsonl = (...rows: object[]): string => rows.map((r) => JSON.stringify(r)).join('\n');

describe('ticket scopes at ingest', () => {
  it('reads the scope field, keeps it out of the metadata, and leaves tickets without one shared', () => {
    const tickets = parseTickets(jsonl({ id: '1', question: 'q?', answer: 'a.', scope: 'brand-a', brand: 'x' }, { id: '2', question: 'q2?', answer: 'a2.' }), { format: 'jsonl', source: 's' });
    expect(tickets[0]).toMatchObject({ id: '1', scope: 'brand-a', metadata: { brand: 'x' } });
    expect(tickets[0]?.metadata).not.toHaveProperty('scope');
    expect(tickets[1]).not.toHaveProperty('scope');
  });

  it('files tickets without a scope field under the default scope (--scope); a ticket’s own field wins', () => {
    const tickets = parseTickets(jsonl({ id: '1', question: 'q?', answer: 'a.', scope: 'brand-b' }, { id: '2', question: 'q2?', answer: 'a2.' }), { format: 'jsonl', source: 's', scope: 'brand-a' });
    expect(tickets.map((t) => t.scope)).toEqual(['brand-b', 'brand-a']);
  });

  it('maps another field to the scope and treats an empty CSV cell as shared', () => {
    const csv = 'question,answer,brand\nq1?,a1.,yahoo\nq2?,a2.,\n';
    const tickets = parseTickets(csv, { format: 'csv', source: 's', mapping: { scope: ['brand'] } });
    expect(tickets[0]?.scope).toBe('yahoo');
    expect(tickets[1]).not.toHaveProperty('scope');
    expect(tickets[0]?.metadata).not.toHaveProperty('brand');
  });

  it.each([
    ['*', /reserved/],
    ['has space', /letters, digits/],
    ['x'.repeat(65), /longer than 64/],
    [42, /must be a string/],
  ])('rejects the scope %p naming the line and field', (scope, message) => {
    const error = (() => {
      try {
        parseTickets(jsonl({ question: 'q?', answer: 'a.' }, { question: 'q?', answer: 'a.', scope }), { format: 'jsonl', source: 's', origin: 'f.jsonl' });
      } catch (e) {
        return e as ParleyError;
      }
      throw new Error('expected an error');
    })();
    expect(error.code).toBe('ingest_invalid');
    expect(error.message).toMatch(/^f\.jsonl line 2: field "scope"/);
    expect(error.message).toMatch(message);
  });

  it('rejects an invalid default scope', () => {
    expect(() => parseTickets('', { format: 'jsonl', source: 's', scope: '*' })).toThrow(/reserved/);
  });

  it('drops near-duplicates within a scope only: two brands may answer alike', () => {
    const same = { question: 'How do I reset my password?', answer: 'Use the forgot password link on the sign-in page.', source: 's', metadata: {} };
    const { tickets, duplicates } = prepareTickets([
      { ...same, id: 'a1', scope: 'brand-a' },
      { ...same, id: 'a2', scope: 'brand-a' },
      { ...same, id: 'b1', scope: 'brand-b' },
      { ...same, id: 'shared' },
    ]);
    expect(tickets.map((t) => t.id)).toEqual(['a1', 'b1', 'shared']);
    expect(duplicates).toEqual([expect.objectContaining({ id: 'a2', duplicateOf: 'a1' })]);
  });
});
