import type { ScoredConversation } from '../../bot/core/index.js';
import { canSee, parseFilters, toCsv } from './filters.js';

const conversation = (id: string, channel: string) => ({ id, userId: 'u', channel, status: 'closed' as const, handoffReason: null, metadata: {}, createdAt: '2026-03-01T10:00:00.000Z', updatedAt: '2026-03-01T10:00:00.000Z' });

describe('dashboard filters and CSV', () => {
  it('reads filters, treats `until` as inclusive and ignores empty values', () => {
    expect(parseFilters({ since: '2026-03-01', until: '2026-03-02', channel: 'webchat', minScore: '0.5', flag: '', text: 'refund', customer: 'ada', offset: '100' }, { limit: 100 })).toEqual({
      limit: 100,
      withCustomerMessage: true,
      since: '2026-03-01T00:00:00.000Z',
      until: '2026-03-03T00:00:00.000Z',
      channel: 'webchat',
      minScore: 0.5,
      text: 'refund',
      customer: 'ada',
      offset: 100,
    });
  });

  it.each([
    [{ since: 'yesterday' }, 'since: "yesterday" is not a date (YYYY-MM-DD)'],
    [{ until: '2026-13-45' }, 'until: "2026-13-45" is not a date (YYYY-MM-DD)'],
    [{ maxScore: '2' }, 'maxScore: "2" is not a number from 0 to 1'],
    [{ limit: '-1' }, 'limit: "-1" is not a whole number from 0 to 10000'],
    [{ text: 'x'.repeat(201) }, 'text: at most 200 characters'],
    [{ customer: 'x'.repeat(201) }, 'customer: at most 200 characters'],
    [{ visits: 'some' }, 'visits: "some" is not "all"'],
  ])('names the bad parameter %j', (query, message) => {
    expect(() => parseFilters(query, { limit: 100 })).toThrow(message);
  });

  it('leaves out visits where the customer never wrote unless visits=all', () => {
    expect(parseFilters({}, { limit: 100 })).toEqual({ limit: 100, withCustomerMessage: true });
    expect(parseFilters({ visits: 'all' }, { limit: 100 })).toEqual({ limit: 100, withCustomerMessage: false });
  });

  it('lets agents see only granted channels and conversations', () => {
    expect(canSee('all', conversation('c1', 'sms'))).toBe(true);
    expect(canSee({ channels: [], conversationIds: [] }, conversation('c1', 'sms'))).toBe(false);
    expect(canSee({ channels: ['sms'], conversationIds: [] }, conversation('c1', 'sms'))).toBe(true);
    expect(canSee({ channels: ['webchat'], conversationIds: ['c1'] }, conversation('c1', 'sms'))).toBe(true);
  });

  it('writes RFC 4180 CSV and defuses spreadsheet formulas', () => {
    const rows: ScoredConversation[] = [
      {
        conversation: { ...conversation('=HYPERLINK("x")', 'web,chat'), handoffReason: '@SUM(A1)' },
        score: { conversationId: 'c', score: 0.5, flags: ['late handoff', 'low csat'], metrics: { groundedness: -0.5 }, details: {}, judge: 'offline', scoredAt: '' },
        customer: { name: 'Ada, L.', handle: '+15550100', firstMessage: '=1+1 where is "my" order?' },
      },
    ];
    const [header, line] = toCsv(rows).split('\r\n');
    expect(header?.split(',')[0]).toBe('id');
    expect(header?.split(',').slice(-3)).toEqual(['customerName', 'customerHandle', 'firstMessage']);
    expect(line).toBe(`"'=HYPERLINK(""x"")",2026-03-01T10:00:00.000Z,"web,chat",closed,'@SUM(A1),0.5,late handoff; low csat,-0.5,,,,,offline,,"Ada, L.",'+15550100,"'=1+1 where is ""my"" order?"`);
  });
});
