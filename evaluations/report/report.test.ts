import type { ConversationScore, ScoredConversation } from '../../bot/core/index.js';
import { formatValue, lineChart } from './charts.js';
import { flagCounts, renderReport } from './html.js';
import { dailyFigures, figures } from './trends.js';

function row(id: string, day: string, metrics: ConversationScore['metrics'], options: { flags?: string[]; handoffReason?: string; score?: number } = {}): ScoredConversation {
  const createdAt = `${day}T10:00:00.000Z`;
  return {
    conversation: { id, userId: 'u', channel: 'webchat', status: 'closed', handoffReason: options.handoffReason ?? null, metadata: {}, createdAt, updatedAt: createdAt },
    score: { conversationId: id, score: options.score ?? 0.8, flags: options.flags ?? [], metrics, details: {}, judge: 'offline', scoredAt: createdAt },
  };
}

const ROWS = [
  row('c1', '2026-03-01', { resolvedWithoutHuman: true, handedOff: false, csat: 5, groundedness: 1, firstResponseMs: 100 }),
  row('c2', '2026-03-01', { resolvedWithoutHuman: false, handedOff: true, csat: 2, groundedness: 0.5, firstResponseMs: 300 }, { flags: ['late handoff', 'low csat'], handoffReason: 'customer_request', score: 0.3 }),
  row('c3', '2026-03-03', { resolvedWithoutHuman: true, handedOff: false, csat: null, groundedness: null, firstResponseMs: 200 }, { flags: ['low csat'] }),
];

describe('quality figures, charts and the HTML report', () => {
  it('computes rates, means and medians per period and per day, without gaps between days', () => {
    expect(figures(ROWS)).toEqual({ conversations: 3, scored: 3, resolutionRate: 2 / 3, handoffRate: 1 / 3, csat: 3.5, groundedness: 0.75, firstResponseMs: 200, score: (0.8 + 0.3 + 0.8) / 3 });
    const days = dailyFigures(ROWS);
    expect(days.map((d) => [d.day, d.conversations, d.resolutionRate, d.firstResponseMs])).toEqual([
      ['2026-03-01', 2, 0.5, 200],
      ['2026-03-02', 0, null, null],
      ['2026-03-03', 1, 1, 200],
    ]);
    expect(dailyFigures([])).toEqual([]);
    expect(flagCounts(ROWS)).toEqual([{ flag: 'low csat', count: 2 }, { flag: 'late handoff', count: 1 }]);
  });

  it('draws a line chart with a gap for days without data, and escapes its texts', () => {
    const svg = lineChart(dailyFigures(ROWS), 'resolutionRate');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]*data-series="resolutionRate"/);
    expect((svg.match(/<polyline /g) ?? []).length).toBe(2);
    expect((svg.match(/<circle /g) ?? []).length).toBe(2);
    expect(svg).toContain('<title>2026-03-01: 50%</title>');
    expect(lineChart([], 'csat')).toContain('no data yet');
    expect([formatValue(0.456, 'percent'), formatValue(3.5, 'number'), formatValue(850, 'duration'), formatValue(4200, 'duration'), formatValue(null, 'number')]).toEqual(['46%', '3.50', '850 ms', '4.2 s', '–']);
  });

  it('renders a self-contained report: figures, five inline charts, flags and the lowest scores, with no scripts or external resources', () => {
    const html = renderReport([...ROWS, row('<script>', '2026-03-03', {}, { score: 0.1 })], { since: '2026-03-01T00:00:00.000Z', generatedAt: 'now' });
    expect(html).toMatch(/^<!doctype html>/);
    expect((html.match(/<svg /g) ?? []).length).toBe(5);
    expect(html).toContain('since 2026-03-01');
    expect(html).toContain('<td>late handoff</td><td>1</td>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toMatch(/<script|<link|<img|src=|@import/);
  });
});
