import { describe, expect, it } from '@jest/globals';
import { newId } from '../../core/index.js';
import type { ContractContext } from './fixtures.js';

/** The operator-facts part of the store contract (migration 15): set, replace, list by scope, unset. */
export function describeFactStorage({ store }: ContractContext): void {
  describe('operator facts', () => {
    it('sets, replaces and unsets a shared fact', async () => {
      const name = newId('phone');
      const first = await store().facts.set({ scope: null, name, value: '+1 555 0100' });
      expect(first).toMatchObject({ scope: null, name, value: '+1 555 0100' });
      await store().facts.set({ scope: null, name, value: '+1 555 0199' });
      const shared = (await store().facts.list({ scope: null })).filter((f) => f.name === name);
      expect(shared).toEqual([expect.objectContaining({ scope: null, value: '+1 555 0199' })]);
      expect(await store().facts.unset(name, null)).toBe(true);
      expect(await store().facts.unset(name, null)).toBe(false);
      expect((await store().facts.list()).some((f) => f.name === name)).toBe(false);
    });

    it("keeps a scope's facts apart from other scopes' and lists shared ones first", async () => {
      const name = newId('hours');
      const [a, b] = [newId('brand-a'), newId('brand-b')];
      await store().facts.set({ scope: a, name, value: '9-17' });
      await store().facts.set({ scope: null, name, value: '10-16' });
      await store().facts.set({ scope: b, name, value: '8-20' });
      const forA = (await store().facts.list({ scope: a })).filter((f) => f.name === name);
      expect(forA.map((f) => [f.scope, f.value])).toEqual([
        [null, '10-16'],
        [a, '9-17'],
      ]);
      expect((await store().facts.list()).filter((f) => f.name === name)).toHaveLength(3);
      expect(await store().facts.unset(name, b)).toBe(true);
      expect((await store().facts.list({ scope: b })).filter((f) => f.name === name).map((f) => f.scope)).toEqual([null]);
    });
  });
}
