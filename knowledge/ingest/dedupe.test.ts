import type { TicketRecord } from '../../bot/core/index.js';
import { normalizeForDedupe, prefixLength, removeNearDuplicates } from './dedupe.js';

/** Seeded PRNG (mulberry32) so the generated fixtures are the same on every run. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PRODUCTS = ['linen shirt', 'wool coat', 'trail boots', 'rain jacket', 'canvas tote', 'merino scarf', 'denim jeans', 'silk blouse', 'leather belt', 'cotton hoodie'];
const ISSUES = ['arrived with a torn seam', 'is the wrong size', 'never arrived', 'was charged twice', 'has a broken zip', 'faded after one wash'];
const FILLER = 'we are sorry for the trouble and have logged it with our quality team so it does not happen again you will get an email confirmation shortly with all the details of the case and the tracking link for any replacement parcel'.split(' ');
const ACTIONS = [
  'we have issued a full refund to your original payment method and it should appear within five business days',
  'a replacement has been sent by express courier at no cost and you can keep or donate the faulty item',
  'please use the prepaid return label attached to this message and we will exchange it for the size you need',
  'the duplicate charge was an authorisation hold that your bank will release automatically within three days',
];

function makeTicket(random: () => number, i: number): TicketRecord {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const order = `HP-${100000 + Math.floor(random() * 900000)}`;
  const filler = FILLER.slice(Math.floor(random() * 10));
  return {
    id: `t${i}`,
    question: `Hello, my ${pick(PRODUCTS)} from order ${order} ${pick(ISSUES)}. What can you do? I bought it as a gift for my ${pick(['sister', 'father', 'friend', 'partner'])}.`,
    answer: `Hi, thanks for reaching out about order ${order}. ${pick(ACTIONS)}. ${filler.join(' ')}. Kind regards, ${pick(['Priya', 'Tom', 'Aiko', 'Luis'])}`,
    source: 'synthetic',
    metadata: {},
  };
}

/** Changes one answer word, or re-punctuates/re-cases the ticket (an exact duplicate after normalization). */
function mutate(ticket: TicketRecord, random: () => number, id: string, exact: boolean): TicketRecord {
  const metadata = { copyOf: ticket.id };
  if (exact) return { ...ticket, id, metadata, question: ticket.question.toUpperCase(), answer: `${ticket.answer.replace(/,/g, ' ;')}!!` };
  const words = ticket.answer.split(' ');
  words[Math.floor(random() * words.length)] = 'certainly';
  return { ...ticket, id, metadata, answer: words.join(' ') };
}

/** Reference implementation: compare every ticket with every kept ticket (quadratic). */
function bruteForce(tickets: TicketRecord[], threshold: number): string[] {
  const shingles = (t: TicketRecord) => {
    const w = [...normalizeForDedupe(t.question), '\u2016', ...normalizeForDedupe(t.answer)];
    return new Set(w.slice(0, -2).map((_, i) => w.slice(i, i + 3).join(' ')));
  };
  const kept: { id: string; set: Set<string> }[] = [];
  for (const ticket of tickets) {
    const set = shingles(ticket);
    const duplicate = kept.some((k) => {
      const shared = [...set].filter((s) => k.set.has(s)).length;
      return shared / (set.size + k.set.size - shared) >= threshold;
    });
    if (!duplicate) kept.push({ id: ticket.id, set });
  }
  return kept.map((k) => k.id);
}

/**
 * Macro-style tickets (about 5% exact and 10% one-word copies of earlier originals): many pairs share 60-80% of
 * shingles, the hard case for candidate generation.
 */
function corpus(size: number, seed: number): TicketRecord[] {
  const random = rng(seed);
  const tickets: TicketRecord[] = [];
  const originals: TicketRecord[] = [];
  for (let i = 0; tickets.length < size; i++) {
    const roll = random();
    if (originals.length > 10 && roll < 0.15) {
      tickets.push(mutate(originals[Math.floor(random() * originals.length)]!, random, `d${i}`, roll < 0.05));
    } else {
      originals.push(makeTicket(random, i));
      tickets.push(originals.at(-1)!);
    }
  }
  return tickets;
}

describe('removeNearDuplicates', () => {
  const base: TicketRecord = {
    id: 'a',
    question: 'Can I exchange my wool coat for a bigger size?',
    answer: 'Yes. Exchanges are free within 30 days: open your order, choose Exchange, pick the new size and drop the parcel at any post office with the prepaid label. The new coat ships as soon as the return is scanned, usually within two working days, and you keep the original delivery date guarantee. If the size you want is sold out we refund you instead, and you can reorder when it is back in stock.',
    source: 's',
    metadata: {},
  };

  it('removes exact duplicates after normalization, even at threshold 1', () => {
    const twin = { ...base, id: 'b', question: base.question.toUpperCase().replace('?', ' ?!'), answer: `  ${base.answer.replace(/\./g, '')}` };
    expect(removeNearDuplicates([base, twin], { threshold: 1 })).toEqual({ kept: [base], removed: [{ id: 'b', duplicateOf: 'a', similarity: 1 }] });
  });

  it('removes a near duplicate with a one-word change and keeps a different ticket', () => {
    const near = { ...base, id: 'b', answer: base.answer.replace('usually', 'normally') };
    const other = { ...base, id: 'c', question: 'Can I return a coat bought on sale?', answer: 'Sale items can be returned for store credit within 14 days.' };
    const { kept, removed } = removeNearDuplicates([base, near, other]);
    expect(kept.map((t) => t.id)).toEqual(['a', 'c']);
    expect(removed).toEqual([{ id: 'b', duplicateOf: 'a', similarity: expect.any(Number) }]);
    expect(removed[0]!.similarity).toBeGreaterThanOrEqual(0.9);
    expect(removed[0]!.similarity).toBeLessThan(1);
    expect(removeNearDuplicates([base, near], { threshold: 0.99 }).removed).toEqual([]);
  });

  it('keeps the most recently updated ticket of a cluster when asked', () => {
    const older = { ...base, id: 'old', updatedAt: '2023-01-01T00:00:00Z' };
    const newer = { ...base, id: 'new', answer: `${base.answer} Thanks!`, updatedAt: '2024-06-01T00:00:00Z' };
    const undated = { ...base, id: 'undated' };
    const result = removeNearDuplicates([older, undated, newer], { keep: 'latest' });
    expect(result.kept.map((t) => t.id)).toEqual(['new']);
    expect(result.removed.map((r) => [r.id, r.duplicateOf])).toEqual([['old', 'new'], ['undated', 'new']]);
    expect(removeNearDuplicates([older, undated, newer]).kept.map((t) => t.id)).toEqual(['old']);
  });

  it('matches the quadratic reference on a generated corpus', () => {
    const tickets = corpus(400, 7);
    for (const threshold of [0.9, 0.75]) {
      expect(removeNearDuplicates(tickets, { threshold }).kept.map((t) => t.id)).toEqual(bruteForce(tickets, threshold));
    }
  });

  // Its speed is measured by `parley bench index`, not here: timings in tests fail on a loaded machine.
  it('deduplicates 20,000 tickets with planted copies', () => {
    const tickets = corpus(20_000, 42);
    const { kept, removed } = removeNearDuplicates(tickets);
    expect(kept.length + removed.length).toBe(20_000);
    // A planted copy survives only when its original was itself removed (same macro, only the order number differs).
    const keptIds = new Set(kept.map((t) => t.id));
    expect(kept.filter((t) => t.metadata.copyOf !== undefined && keptIds.has(t.metadata.copyOf as string))).toEqual([]);
    expect(removed.filter((r) => r.similarity === 1).length).toBeGreaterThan(900);
    expect(removed.length).toBeGreaterThan(2900);
  });

  it('rejects thresholds outside (0, 1]', () => {
    expect(() => removeNearDuplicates([base], { threshold: 0 })).toThrow(/threshold must be in \(0, 1\]/);
    expect(() => removeNearDuplicates([base], { threshold: 1.5 })).toThrow(/threshold/);
    expect(() => removeNearDuplicates([base], { threshold: Number.NaN })).toThrow(/threshold/);
  });

  it('uses prefixes long enough for the overlap bound, robust to float rounding', () => {
    expect(prefixLength(10, 0.9)).toBe(2);
    expect(prefixLength(90, 0.9)).toBe(10);
    expect(prefixLength(1, 0.9)).toBe(1);
    expect(prefixLength(50, 1)).toBe(1);
  });
});
