import { EncodedTicketTable } from './encoded-table.js';
import { sparseDot } from './vocabulary.js';
import type { EncodedTicket } from './ticket-encoder.js';

function sparse(indices: number[], values: number[]) {
  return { indices: Uint32Array.from(indices), values: Float32Array.from(values) };
}

function encoded(seed: number, lengths: [number, number, number] = [2, 3, 1]): EncodedTicket {
  const part = (n: number, offset: number) =>
    sparse(
      Array.from({ length: n }, (_, i) => seed * 100 + offset + i),
      Array.from({ length: n }, (_, i) => (seed + i + offset) / 64),
    );
  return { words: part(lengths[0], 0), chars: part(lengths[1], 10), answerWords: part(lengths[2], 20) };
}

const plain = (e: EncodedTicket | undefined) =>
  e && {
    words: [[...e.words.indices], [...e.words.values]],
    chars: [[...e.chars.indices], [...e.chars.values]],
    answerWords: [[...e.answerWords.indices], [...e.answerWords.values]],
  };

describe('EncodedTicketTable', () => {
  it('returns what was set (a copy: changing the input later changes nothing), replaces and deletes', () => {
    const table = new EncodedTicketTable();
    const first = encoded(1);
    table.set('a', first);
    table.set('b', encoded(2, [0, 4, 0]));
    const expected = plain(encoded(1));
    first.words.values[0] = 99;
    expect(plain(table.get('a'))).toEqual(expected);
    expect(plain(table.get('b'))).toEqual(plain(encoded(2, [0, 4, 0])));
    table.set('a', encoded(3, [5, 1, 2]));
    expect(plain(table.get('a'))).toEqual(plain(encoded(3, [5, 1, 2])));
    expect(table.elements).toEqual({ live: 8 + 4, garbage: 6 });
    expect(table.delete('b')).toBe(true);
    expect(table.delete('b')).toBe(false);
    expect(table.get('b')).toBeUndefined();
    expect(table.size).toBe(1);
  });

  it('keeps every ticket intact across many rows, deletes and a compaction', () => {
    const table = new EncodedTicketTable();
    for (let i = 0; i < 3_000; i++) table.set(`t${i}`, encoded(i, [i % 7, (i * 3) % 11, i % 5]));
    for (let i = 0; i < 3_000; i += 2) table.delete(`t${i}`);
    // Freed rows are reused by new tickets.
    for (let i = 0; i < 500; i++) table.set(`n${i}`, encoded(10_000 + i));
    const live = table.elements.live;
    table.compact();
    expect(table.elements).toEqual({ live, garbage: 0 });
    expect(table.size).toBe(1_500 + 500);
    for (let i = 1; i < 3_000; i += 2) expect(plain(table.get(`t${i}`))).toEqual(plain(encoded(i, [i % 7, (i * 3) % 11, i % 5])));
    for (let i = 0; i < 500; i++) expect(plain(table.get(`n${i}`))).toEqual(plain(encoded(10_000 + i)));
    expect(table.get('t0')).toBeUndefined();
  });

  it('compacts by itself once garbage outweighs the live vectors and fills more than a block', () => {
    const table = new EncodedTicketTable();
    const big = (seed: number) => encoded(seed, [1 << 20, 1 << 20, 1 << 20]);
    table.set('x', big(1));
    table.set('x', big(2));
    expect(table.elements.garbage).toBe(3 << 20);
    table.set('x', big(3));
    // 6 Mi elements of garbage > max(4 Mi block, 3 Mi live): compacted.
    expect(table.elements).toEqual({ live: 3 << 20, garbage: 0 });
    expect(table.get('x')?.chars.indices[5]).toBe(big(3).chars.indices[5]);
  });

  it('dot and dotBetween read in place exactly what sparseDot of get() gives, also after replacements and a compaction', () => {
    const table = new EncodedTicketTable();
    // Indices of seeds 0 and 1 (seed * 100 + offset + i) with some missing, so that parts match partly.
    const query = { indices: [0, 1, 2, 10, 11, 12, 20, 100, 101, 110, 120, 121], values: [0.5, -0.25, 0.125, 0.3, 0.7, 0.1, 0.9, 0.2, 0.4, 0.6, 0.8, 0.05] };
    const parts = ['words', 'chars', 'answerWords'] as const;
    const check = () => {
      for (const id of ['a', 'b', 'c']) {
        const held = table.get(id);
        parts.forEach((part, i) => {
          expect(table.dot(id, i as 0 | 1 | 2, query)).toBe(held ? sparseDot(query, held[part]) : undefined);
          for (const other of ['a', 'b', 'c']) {
            const second = table.get(other);
            expect(table.dotBetween(id, other, i as 0 | 1 | 2)).toBe(held && second ? sparseDot(held[part], second[part]) : undefined);
          }
        });
      }
    };
    table.set('a', encoded(0, [3, 3, 1]));
    table.set('b', encoded(1, [2, 1, 2]));
    check();
    table.set('a', encoded(0, [1, 2, 1]));
    table.set('c', encoded(1, [3, 3, 2]));
    table.delete('b');
    check();
    table.compact();
    check();
  });

  it("keeps the word-vector mean of a ticket's question as a fourth vector, and none for a ticket encoded without word vectors", () => {
    const table = new EncodedTicketTable();
    const meaning = sparse([0, 1, 2], [0.6, -0.8, 0]);
    table.set('with', { ...encoded(1), meaning });
    table.set('without', encoded(2));
    expect([...(table.get('with')?.meaning?.values ?? [])]).toEqual([...meaning.values]);
    expect(plain(table.get('with'))).toEqual(plain(encoded(1)));
    expect(table.get('without')?.meaning).toBeUndefined();
    expect(table.dot('with', 3, { indices: [0, 1], values: [1, 1] })).toBeCloseTo(-0.2, 6);
    expect(table.dot('without', 3, { indices: [0, 1], values: [1, 1] })).toBe(0);
    table.delete('without');
    table.compact();
    expect([...(table.get('with')?.meaning?.indices ?? [])]).toEqual([0, 1, 2]);
    expect(table.elements.live).toBe(6 + 3);
  });
});
