import type { ParleyError } from '../../bot/core/index.js';
import { formatOf, parseTickets, toTicket } from './parse.js';

describe('parseTickets', () => {
  it('reads JSONL with aliases and keeps every extra field as metadata', () => {
    const content = [
      JSON.stringify({ ticket_id: 'A1', customer: 'Where is my parcel?', agent: 'It ships in 2 days.', category: 'shipping', priority: 2 }),
      '',
      JSON.stringify({ id: 'A2', question: 'Refund?', answer: 'Within 7 days.' }),
    ].join('\n');
    const tickets = parseTickets(content, { format: 'jsonl', source: 's' });
    expect(tickets).toEqual([
      { id: 'A1', question: 'Where is my parcel?', answer: 'It ships in 2 days.', source: 's', metadata: { category: 'shipping', priority: 2 } },
      { id: 'A2', question: 'Refund?', answer: 'Within 7 days.', source: 's', metadata: {} },
    ]);
  });

  it('takes a "metadata" object as the metadata (other extra fields join it), and names the bad field of a row', () => {
    const ticket = toTicket({ id: 'M1', question: 'q', answer: 'a', priority: 1, metadata: { title: 'T', url: 'https://x.example/t' } }, 'item 0', { format: 'json', source: 'm' });
    expect(ticket.metadata).toEqual({ priority: 1, title: 'T', url: 'https://x.example/t' });
    expect(toTicket({ question: 'q', answer: 'a', metadata: 'plain' }, 'item 0', { format: 'json', source: 'm' }).metadata).toEqual({ metadata: 'plain' });
    const fieldOf = (record: unknown) => {
      try {
        toTicket(record, 'item 3', { format: 'json', source: 'm' });
      } catch (error) {
        expect((error as ParleyError).message).toMatch(/^item 3: /);
        return (error as ParleyError).details?.field;
      }
      return undefined;
    };
    expect(fieldOf({ answer: 'a' })).toBe('question');
    expect(fieldOf({ customer: 'q' })).toBe('answer');
    expect(fieldOf({ question: 'q', reply: 'x'.repeat(20_001) })).toBe('reply');
    expect(fieldOf([1])).toBe('ticket');
  });

  it('reads CSV with a header, quoted commas and a BOM', () => {
    const content = '\ufeffid,question,answer,tag\nC1,"Hi, can I return?","Yes, within 30 days",returns\n';
    const [ticket] = parseTickets(content, { format: 'csv', source: 'c' });
    expect(ticket).toEqual({ id: 'C1', question: 'Hi, can I return?', answer: 'Yes, within 30 days', source: 'c', metadata: { tag: 'returns' } });
  });

  it('reads a JSON array and derives a stable id from the content when none is given', () => {
    const content = JSON.stringify([{ question: 'q', answer: 'a' }]);
    const first = parseTickets(content, { format: 'json', source: 'j' });
    const second = parseTickets(content, { format: 'json', source: 'j' });
    expect(first[0]?.id).toMatch(/^t_[0-9a-f]{16}$/);
    expect(first[0]?.id).toBe(second[0]?.id);
  });

  it('honours a custom field mapping', () => {
    const content = JSON.stringify({ key: 'K', subject: 'Lost card', resolution: 'Blocked it' });
    const [ticket] = parseTickets(content, { format: 'jsonl', source: 'm', mapping: { question: ['subject'], answer: ['resolution'] } });
    expect(ticket).toMatchObject({ id: 'K', question: 'Lost card', answer: 'Blocked it' });
  });

  it.each([
    ['jsonl', '{"question": "q"}', /line 1: missing field "answer"/],
    ['jsonl', '{"answer": "a"}\n', /line 1: missing field "question"/],
    ['jsonl', '{"question": "q", "answer": "a"}\n{oops', /line 2: not valid JSON/],
    ['jsonl', '[1, 2]', /line 1: expected an object/],
    ['json', '{"question": "q"}', /expected a JSON array/],
    ['csv', 'id,question\n1,hello\n', /row 2: missing field "answer"/],
    ['csv', 'id,question,answer\n1,"unclosed,a\n', /invalid CSV/],
  ] as const)('rejects bad %s input with a message naming the place', (format, content, message) => {
    expect(() => parseTickets(content, { format, source: 'x', origin: 'file' })).toThrow(message);
  });

  it('rejects fields over the size limit', () => {
    const content = JSON.stringify({ question: 'q'.repeat(20_001), answer: 'a' });
    expect(() => parseTickets(content, { format: 'jsonl', source: 'x' })).toThrow(/"question" is longer than/);
  });
});

describe('formatOf', () => {
  it('maps extensions to formats and rejects others', () => {
    expect(formatOf('a/b.JSONL')).toBe('jsonl');
    expect(formatOf('b.ndjson')).toBe('jsonl');
    expect(formatOf('b.json')).toBe('json');
    expect(formatOf('b.csv')).toBe('csv');
    expect(() => formatOf('b.txt')).toThrow(/unsupported file type ".txt"/);
  });
});
