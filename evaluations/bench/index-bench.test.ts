import { runIndexBench, syntheticCorpus, syntheticTickets } from './index-bench.js';

describe('syntheticTickets', () => {
  it('is deterministic for a seed and differs across seeds', async () => {
    const a = await syntheticTickets(200);
    const b = await syntheticTickets(200);
    const c = await syntheticTickets(200, 2);
    expect(a.tickets).toEqual(b.tickets);
    expect(a.tickets).not.toEqual(c.tickets);
    expect(a.sentence(6)).toBe(b.sentence(6));
  });

  it('yields the same tickets (and then the same sentences) taken in pages as taken at once', async () => {
    const whole = await syntheticTickets(250);
    const paged = await syntheticCorpus();
    const pages = [...paged.take(100), ...paged.take(1), ...paged.take(149)];
    expect(pages).toEqual(whole.tickets);
    expect(paged.sentence(9)).toBe(whole.sentence(9));
  });

  it('makes well-formed tickets with unique ids and realistic lengths', async () => {
    const { tickets, sentence } = await syntheticTickets(300);
    expect(tickets).toHaveLength(300);
    expect(new Set(tickets.map((t) => t.id)).size).toBe(300);
    for (const ticket of tickets) {
      expect(ticket).toMatchObject({ source: 'synthetic', metadata: {} });
      const questionWords = ticket.question.split(' ').length;
      expect(questionWords).toBeGreaterThanOrEqual(8);
      expect(questionWords).toBeLessThanOrEqual(22);
      expect(ticket.answer.split(' ').length).toBeGreaterThanOrEqual(20);
    }
    expect(sentence(7).split(' ')).toHaveLength(7);
    // Zipf-like: some words are much more frequent than others, and rare generated words appear.
    const counts = new Map<string, number>();
    for (const word of tickets.flatMap((t) => t.question.split(' '))) counts.set(word, (counts.get(word) ?? 0) + 1);
    const sorted = [...counts.values()].sort((x, y) => y - x);
    expect(sorted[0] as number).toBeGreaterThan(10 * (sorted[Math.floor(sorted.length / 2)] as number));
    expect([...counts.keys()].some((w) => /^x[0-9a-z]+$/.test(w))).toBe(true);
  });
});

describe('runIndexBench', () => {
  it('returns the contract shape with sane numbers', async () => {
    // Above the refit-at-once size (2,000), so that the upsert is applied incrementally, as on a large knowledge base.
    const result = await runIndexBench(3000, { queries: 50, restart: false });
    for (const key of ['tickets', 'mode', 'indexBuildMs', 'queryP50Ms', 'queryP95Ms', 'rssMb', 'restartMs', 'incrementalMs']) expect(result).toHaveProperty(key);
    expect(result.restartMs).toBeNull();
    expect(result.incrementalMs).toBeGreaterThanOrEqual(0);
    expect(result.incrementalMs).toBeLessThan(10_000);
    expect(result.tickets).toBe(3000);
    expect(result.mode).toBe('hybrid');
    expect(result.queries).toBe(50);
    expect(Number.isInteger(result.indexBuildMs)).toBe(true);
    expect(result.indexBuildMs).toBeGreaterThan(0);
    expect(result.indexBuildMs).toBeLessThan(120_000);
    expect(result.queryP50Ms).toBeGreaterThan(0);
    expect(result.queryP95Ms).toBeGreaterThanOrEqual(result.queryP50Ms);
    expect(result.queryP95Ms).toBeLessThan(1000);
    expect(result.rssMb).toBeGreaterThan(10);
    expect(result.rssMb).toBeLessThan(8192);
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  }, 120_000);
});
