import { describe, expect, it } from '@jest/globals';
import { conversationFor, newId, SHARED_SCOPE, type TicketRecord } from '../../core/index.js';
import { ticket, type ContractContext } from './fixtures.js';

/** The knowledge-scope part of the store contract (migration 14): scopes of tickets, quarantined tickets and conversations. */
export function describeScopeStorage({ store }: ContractContext): void {
  describe('knowledge scopes', () => {
    it('keeps a ticket scope, leaves shared tickets without one and counts tickets per scope', async () => {
      const source = newId('src');
      const [a, b] = [newId('brand-a'), newId('brand-b')];
      const before = await store().countTicketsByScope();
      await store().upsertTickets([
        { ...ticket(`${source}-a1`, source), scope: a },
        { ...ticket(`${source}-a2`, source), scope: a },
        { ...ticket(`${source}-b1`, source), scope: b },
        ticket(`${source}-shared`, source),
      ]);

      const byId = new Map((await store().listTickets({ source })).map((t) => [t.id, t]));
      expect(byId.get(`${source}-a1`)?.scope).toBe(a);
      expect(byId.get(`${source}-b1`)?.scope).toBe(b);
      expect(byId.get(`${source}-shared`)).not.toHaveProperty('scope');
      const counts = await store().countTicketsByScope();
      expect(counts[a]).toBe(2);
      expect(counts[b]).toBe(1);
      expect(counts[SHARED_SCOPE]).toBe((before[SHARED_SCOPE] ?? 0) + 1);
    });

    it('treats a change of scope as a change of the ticket', async () => {
      const source = newId('src');
      const scope = newId('brand');
      const shared = ticket(`${source}-t`, source);
      await store().upsertTickets([shared]);
      expect(await store().upsertTickets([{ ...shared, scope }])).toEqual({ inserted: 0, updated: 1, unchanged: 0 });
      expect((await store().listTickets({ source }))[0]?.scope).toBe(scope);
      expect(await store().upsertTickets([{ ...shared, scope }])).toEqual({ inserted: 0, updated: 0, unchanged: 1 });
      expect(await store().upsertTickets([shared])).toEqual({ inserted: 0, updated: 1, unchanged: 0 });
      expect((await store().listTickets({ source }))[0]).not.toHaveProperty('scope');
      expect((await store().countTicketsByScope())[scope]).toBeUndefined();
    });

    it('keeps the scope of a quarantined ticket', async () => {
      const source = newId('src');
      const scope = newId('brand');
      const held: TicketRecord = { ...ticket(`${source}-q`, source), scope };
      await store().quarantine.quarantine([{ ticket: held, reasons: [{ code: 'external_link', message: 'links off the site' }] }]);
      expect((await store().quarantine.get(held.id))?.ticket.scope).toBe(scope);
      await store().quarantine.quarantine([{ ticket: ticket(`${source}-q2`, source), reasons: [{ code: 'external_link', message: 'x' }] }]);
      expect((await store().quarantine.get(`${source}-q2`))?.ticket).not.toHaveProperty('scope');
    });

    it('starts a conversation in a scope and keeps it through updates; none without one', async () => {
      const scope = newId('brand');
      const scoped = await store().createConversation({ userId: newId('u'), channel: 'rest', scope });
      expect(scoped.scope).toBe(scope);
      expect((await store().getConversation(scoped.id))?.scope).toBe(scope);
      expect((await store().updateConversation(scoped.id, { status: 'closed', metadata: { x: 1 } })).scope).toBe(scope);
      expect((await store().listConversationsByUser(scoped.userId))[0]?.scope).toBe(scope);

      const plain = await store().createConversation({ userId: newId('u'), channel: 'rest' });
      expect(plain.scope).toBeNull();
      expect((await store().getConversation(plain.id))?.scope).toBeNull();
    });

    it('records the scope with a conversation score and filters scored conversations by scope', async () => {
      const [a, b] = [newId('brand-a'), newId('brand-b')];
      const inA = await store().createConversation({ userId: newId('u'), channel: 'webchat', scope: a });
      const inB = await store().createConversation({ userId: newId('u'), channel: 'webchat', scope: b });
      const none = await store().createConversation({ userId: newId('u'), channel: 'webchat' });
      const score = (conversationId: string, scope: string | null) =>
        store().evaluations.saveScore({ conversationId, score: 0.5, flags: [], metrics: {}, details: {}, judge: 'offline', scoredAt: new Date().toISOString(), scope });
      await score(inA.id, a);
      await score(none.id, null);

      expect((await store().evaluations.getScore(inA.id))?.scope).toBe(a);
      expect((await store().evaluations.getScore(none.id))?.scope ?? null).toBeNull();
      const ofA = await store().evaluations.listScoredConversations({ scope: a });
      expect(ofA.map((r) => r.conversation.id)).toEqual([inA.id]);
      expect(ofA[0]?.score?.scope).toBe(a);
      expect((await store().evaluations.listScoredConversations({ scope: b })).map((r) => [r.conversation.id, r.score])).toEqual([[inB.id, undefined]]);
      const unscoped = (await store().evaluations.listScoredConversations({ scope: SHARED_SCOPE, limit: 10_000 })).map((r) => r.conversation.id);
      expect(unscoped).toContain(none.id);
      expect(unscoped).not.toContain(inA.id);
      expect(unscoped).not.toContain(inB.id);
    });

    it('gives a conversation found by its channel link the scope it started with', async () => {
      const key = newId('+1555');
      const first = await conversationFor(store(), { channel: 'twilio', key, userId: key, scope: 'brand-a' });
      const again = await conversationFor(store(), { channel: 'twilio', key, userId: key, scope: 'brand-b' });
      expect(first.scope).toBe('brand-a');
      expect(again.id).toBe(first.id);
      expect(again.scope).toBe('brand-a');
    });
  });
}
