import type { FactRecord, FactStore } from '../bot/core/index.js';
import { readFactsConfig } from '../bot/config/facts.js';
import { FactBook, parseFactsFile } from './facts.js';

/** A FactStore in memory, with the SQL store's ordering. */
function memoryFacts(): FactStore {
  const rows = new Map<string, FactRecord>();
  return {
    async set(fact) {
      const record = { ...fact, updatedAt: new Date().toISOString() };
      rows.set(`${fact.scope ?? '*'}/${fact.name}`, record);
      return record;
    },
    async list(filter) {
      return [...rows.values()].filter((f) => !filter || f.scope === null || f.scope === filter.scope).sort((a, b) => Number(a.scope !== null) - Number(b.scope !== null));
    },
    async unset(name, scope) {
      return rows.delete(`${scope ?? '*'}/${name}`);
    },
  };
}

describe('operator facts', () => {
  it('parses YAML and JSON facts files with per-scope facts, names normalised', () => {
    expect(parseFactsFile('Phone: "+1 555 0100"\nopening hours: 9-17\nscopes:\n  brand-a:\n    phone: 555 0111\n', 'facts.yaml')).toEqual({
      shared: { phone: '+1 555 0100', opening_hours: '9-17' },
      scopes: { 'brand-a': { phone: '555 0111' } },
    });
    expect(parseFactsFile('{"website": "shop.example", "days": 30}', 'facts.json')).toEqual({ shared: { website: 'shop.example', days: '30' }, scopes: {} });
    expect(() => parseFactsFile('[1, 2]', 'facts.json')).toThrow(/expected an object/);
    expect(() => parseFactsFile('phone: [1]', 'facts.yml')).toThrow(/string or a number/);
    expect(() => parseFactsFile('scopes:\n  "*":\n    phone: 1', 'facts.yml')).toThrow(/reserved/);
  });

  it("gives a scope's facts precedence over shared ones, and stored facts over the file's", async () => {
    const book = new FactBook(memoryFacts(), { shared: { phone: 'file-shared', hours: '9-17' }, scopes: { a: { phone: 'file-a' } } });
    expect(await book.forScope('a')).toEqual({ phone: 'file-a', hours: '9-17' });
    await book.set('Phone', 'store-shared');
    expect(await book.forScope(null)).toEqual({ phone: 'store-shared', hours: '9-17' });
    expect(await book.forScope('a')).toEqual({ phone: 'file-a', hours: '9-17' });
    await book.set('phone', 'store-a', 'a');
    expect(await book.forScope('a')).toMatchObject({ phone: 'store-a' });
    expect(await book.forScope('b')).toMatchObject({ phone: 'store-shared' });
    expect(await book.unset('PHONE', 'a')).toBe(true);
    expect((await book.list('a')).map((f) => [f.source, f.scope, f.name])).toEqual([
      ['file', null, 'phone'],
      ['file', null, 'hours'],
      ['file', 'a', 'phone'],
      ['store', null, 'phone'],
    ]);
    await expect(book.set('phone', '')).rejects.toThrow(/must not be empty/);
  });

  it('reads PARLEY_FACTS_FILE once, in bot/config', () => {
    expect(readFactsConfig({}).factsFile).toBeUndefined();
    expect(readFactsConfig({ PARLEY_FACTS_FILE: 'facts.yaml' }).factsFile).toMatch(/\/facts\.yaml$/);
    expect(() => readFactsConfig({ PARLEY_FACTS_FILE: 'facts.txt' })).toThrow(/PARLEY_FACTS_FILE/);
  });
});
