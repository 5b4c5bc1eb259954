import { describe, expect, it } from '@jest/globals';
import { newId } from '../../core/index.js';
import { ticket, type ContractContext } from './fixtures.js';

/** The knowledge part of the store contract: the ticket change sequence, knowledge model versions and ticket vectors. */
export function describeKnowledgeStorage({ store }: ContractContext): void {
  describe('ticket changes', () => {
    it('bumps the sequence on every real change and reports upserts and deletes after a sequence', async () => {
      const source = newId('src');
      const start = await store().ticketSeq();
      await store().upsertTickets([ticket(`${source}-a`, source), ticket(`${source}-b`, source)]);
      const afterInsert = await store().ticketSeq();
      expect(afterInsert).toBe(start + 2);
      await store().upsertTickets([ticket(`${source}-a`, source)]);
      expect(await store().ticketSeq()).toBe(afterInsert);

      await store().upsertTickets([ticket(`${source}-a`, source, { answer: 'changed.' })]);
      await store().deleteTickets([`${source}-b`]);
      const changes = await store().ticketChanges(afterInsert);
      expect(changes.seq).toBe(await store().ticketSeq());
      expect(changes.upserted.map((t) => [t.id, t.answer])).toEqual([[`${source}-a`, 'changed.']]);
      expect(changes.deleted).toEqual([`${source}-b`]);

      const all = await store().ticketChanges(start);
      expect(all.upserted.map((t) => t.id)).toEqual([`${source}-a`]);
      expect(all.deleted).toEqual([`${source}-b`]);
      expect((await store().ticketChanges(changes.seq)).upserted).toEqual([]);
    });

    it('pages changes oldest first and counts quarantined tickets as deleted', async () => {
      const source = newId('src');
      const start = await store().ticketSeq();
      await store().upsertTickets([ticket(`${source}-1`, source), ticket(`${source}-2`, source), ticket(`${source}-3`, source)]);
      const first = await store().ticketChanges(start, 2);
      expect(first.upserted.map((t) => t.id)).toEqual([`${source}-1`, `${source}-2`]);
      const second = await store().ticketChanges(first.seq, 2);
      expect(second.upserted.map((t) => t.id)).toEqual([`${source}-3`]);

      await store().quarantine.quarantine([{ ticket: ticket(`${source}-3`, source), reasons: [{ code: 'external_link', message: 'a link' }] }]);
      expect((await store().ticketChanges(second.seq)).deleted).toEqual([`${source}-3`]);
    });
  });

  describe('knowledge models', () => {
    it('stores versions, publishes one as current and keeps their vectors apart', async () => {
      const knowledge = store().knowledge;
      const before = await knowledge.currentModel();
      const model = Uint8Array.from([1, 2, 3, 250]);
      const created = await knowledge.createModel({ fittedSeq: 7, tickets: 2, model });
      expect(created).toMatchObject({ status: 'building', fittedSeq: 7, tickets: 2, readyAt: null });
      expect(created.version).toBeGreaterThan(before?.version ?? 0);
      expect((await knowledge.currentModel())?.version).toBe(before?.version);

      await knowledge.publishModel(created.version);
      expect(await knowledge.currentModel()).toMatchObject({ version: created.version, status: 'ready' });
      expect([...((await knowledge.loadModel(created.version)) ?? [])]).toEqual([1, 2, 3, 250]);

      const next = await knowledge.createModel({ fittedSeq: 9, tickets: 3 });
      await knowledge.saveModel(next.version, Uint8Array.from([9]));
      expect([...((await knowledge.loadModel(next.version)) ?? [])]).toEqual([9]);
      await knowledge.putVectors(created.version, [
        { ticketId: 'b', seq: 4, vectors: Uint8Array.from([2, 2]) },
        { ticketId: 'a', seq: 3, vectors: Uint8Array.from([1]) },
      ]);
      await knowledge.putVectors(next.version, [{ ticketId: 'a', seq: 5, vectors: Uint8Array.from([7]) }]);
      await knowledge.putVectors(created.version, [{ ticketId: 'a', seq: 6, vectors: Uint8Array.from([1, 1]) }]);

      const listed = await knowledge.listVectors(created.version);
      expect(listed.map((v) => [v.ticketId, v.seq, [...v.vectors]])).toEqual([
        ['a', 6, [1, 1]],
        ['b', 4, [2, 2]],
      ]);
      expect((await knowledge.listVectors(created.version, { afterId: 'a', limit: 1 })).map((v) => v.ticketId)).toEqual(['b']);
      expect((await knowledge.getVectors(next.version, ['a', 'z'])).map((v) => [...v.vectors])).toEqual([[7]]);
      expect(await knowledge.deleteVectors(created.version, ['b', 'z'])).toBe(1);

      expect(await knowledge.loadIndexSnapshot(next.version)).toBeUndefined();
      await knowledge.saveIndexSnapshot(next.version, Uint8Array.from([4, 5]));
      expect([...((await knowledge.loadIndexSnapshot(next.version)) ?? [])]).toEqual([4, 5]);
      await knowledge.publishModel(next.version);
      expect((await knowledge.currentModel())?.version).toBe(next.version);
      expect(await knowledge.pruneModels(next.version)).toBeGreaterThanOrEqual(1);
      expect(await knowledge.loadModel(created.version)).toBeUndefined();
      expect(await knowledge.listVectors(created.version)).toEqual([]);
      expect((await knowledge.listVectors(next.version)).map((v) => v.ticketId)).toEqual(['a']);
    });
  });
}
