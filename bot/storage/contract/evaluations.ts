import { describe, expect, it } from '@jest/globals';
import { newId, type ConversationScore } from '../../core/index.js';
import { message, rejection, type ContractContext } from './fixtures.js';

function score(conversationId: string, overrides: Partial<ConversationScore> = {}): ConversationScore {
  return {
    conversationId,
    score: 0.5,
    flags: [],
    metrics: { groundedness: 1, csat: null, handedOff: false },
    details: { answers: [{ id: 'a1', groundedness: 1 }] },
    judge: 'offline',
    scoredAt: new Date().toISOString(),
    ...overrides,
  };
}

/** The evaluations part of the store contract: scores, CSAT, dashboard users, sessions, grants, labels and notes. */
export function describeEvaluationStorage({ store, newConversation }: ContractContext): void {
  describe('evaluations', () => {
    it('saves, replaces and reads a conversation score, and lists conversations due: answered and unscored, or closed since their score', async () => {
      const due = async () => (await store().evaluations.listDueForScoring(10_000)).map((r) => r.id);
      const c = await newConversation(newId('u'), 'webchat');
      expect(await store().evaluations.getScore(c.id)).toBeUndefined();
      // Not answered yet: nothing to score.
      await store().appendMessage(message(c.id, 'hello'));
      expect(await due()).not.toContain(c.id);
      // A bot reply makes an open conversation due at once.
      await store().appendMessage(message(c.id, 'Hi! How can I help?', { role: 'bot' }));
      expect(await due()).toContain(c.id);
      const first = score(c.id, { flags: ['late handoff', 'low csat'], metrics: { groundedness: 0.25, firstResponseMs: 1200, handedOff: true, csat: null } });
      await store().evaluations.saveScore(first);
      expect(await store().evaluations.getScore(c.id)).toEqual(first);
      // Scored while open: not due again until it closes.
      await store().appendMessage(message(c.id, 'Anything else?', { role: 'bot' }));
      expect(await due()).not.toContain(c.id);
      await new Promise((resolve) => setTimeout(resolve, 5));
      await store().updateConversation(c.id, { status: 'closed' });
      expect(await due()).toContain(c.id);

      const second = score(c.id, { score: 0.9, judge: 'llm', details: { judge: { prompt: 'p', response: 'r' } }, scoredAt: new Date(Date.now() + 60_000).toISOString() });
      await store().evaluations.saveScore(second);
      expect(await store().evaluations.getScore(c.id)).toEqual(second);
      expect(await due()).not.toContain(c.id);
      // A closed conversation never scored is due even without a bot reply.
      const unanswered = await newConversation(newId('u'), 'webchat');
      await store().updateConversation(unanswered.id, { status: 'closed' });
      expect(await due()).toContain(unanswered.id);
    });

    it('with a refresh, lists open conversations that went on since their score, and handed-off ones waiting since a time', async () => {
      const due = async (changedBefore: string, waitingBefore: string) => (await store().evaluations.listDueForScoring(10_000, { changedBefore, waitingBefore })).map((r) => r.id);
      const at = (ms: number) => new Date(Date.parse('2026-12-07T10:00:00.000Z') + ms).toISOString();
      const talking = await newConversation(newId('u'), 'webchat');
      await store().appendMessage(message(talking.id, 'Hi! How can I help?', { role: 'bot' }));
      // Scored "in the future" relative to its messages and its last change: nothing new since.
      await store().evaluations.saveScore(score(talking.id, { scoredAt: new Date(Date.now() + 60_000).toISOString() }));
      const later = new Date(Date.now() + 120_000).toISOString();
      expect(await due(later, at(0))).not.toContain(talking.id);
      await store().evaluations.saveScore(score(talking.id, { scoredAt: new Date(Date.now() - 60_000).toISOString() }));
      await store().appendMessage(message(talking.id, 'and do you ship to Canada?'));
      // Went on since its score: due once the score is older than `changedBefore`, not before.
      expect(await due(later, at(0))).toContain(talking.id);
      expect(await due(new Date(Date.now() - 120_000).toISOString(), at(0))).not.toContain(talking.id);
      // Without a refresh an open, scored conversation stays as it is until it closes.
      expect((await store().evaluations.listDueForScoring(10_000)).map((r) => r.id)).not.toContain(talking.id);

      const waiting = await newConversation(newId('u'), 'webchat');
      await store().appendMessage(message(waiting.id, 'Connecting you with a person.', { role: 'bot' }));
      await store().updateConversation(waiting.id, { status: 'needs_human', handoffReason: 'customer_request' });
      await store().evaluations.saveScore(score(waiting.id, { scoredAt: new Date(Date.now() + 60_000).toISOString() }));
      // Nothing new, but it waits for a person: due when scored before `waitingBefore`.
      expect(await due(at(0), new Date(Date.now() + 120_000).toISOString())).toContain(waiting.id);
      expect(await due(at(0), new Date(Date.now() - 120_000).toISOString())).not.toContain(waiting.id);
    });

    it('filters scored conversations by date, channel, handoff reason, score, flag, text, label and access', async () => {
      const channel = newId('ch');
      const a = await newConversation(newId('u'), channel);
      const b = await newConversation(newId('u'), channel);
      const unscored = await newConversation(newId('u'), channel);
      await store().updateConversation(b.id, { status: 'needs_human', handoffReason: 'customer_request' });
      await store().appendMessage(message(a.id, 'Where is my 100%_parcel?'));
      await store().appendMessage(message(b.id, 'I want a PERSON now'));
      await store().evaluations.saveScore(score(a.id, { score: 0.9, flags: [] }));
      await store().evaluations.saveScore(score(b.id, { score: 0.2, flags: ['late handoff'] }));
      const ids = async (filter: Parameters<ReturnType<typeof store>['evaluations']['listScoredConversations']>[0]) =>
        (await store().evaluations.listScoredConversations({ channel, ...filter })).map((r) => r.conversation.id).sort();

      expect(await ids({})).toEqual([a.id, b.id, unscored.id].sort());
      const listed = await store().evaluations.listScoredConversations({ channel });
      expect(listed.find((r) => r.conversation.id === unscored.id)?.score).toBeUndefined();
      expect(listed.find((r) => r.conversation.id === a.id)?.score?.score).toBe(0.9);
      expect(await ids({ handoffReason: 'customer_request' })).toEqual([b.id]);
      expect(await ids({ minScore: 0.5 })).toEqual([a.id]);
      expect(await ids({ maxScore: 0.5 })).toEqual([b.id]);
      expect(await ids({ flag: 'late handoff' })).toEqual([b.id]);
      expect(await ids({ flag: 'late' })).toEqual([]);
      expect(await ids({ text: 'a person' })).toEqual([b.id]);
      expect(await ids({ text: '100%_' })).toEqual([a.id]);
      expect(await ids({ text: '0%x' })).toEqual([]);
      expect(await ids({ since: new Date(Date.now() + 60_000).toISOString() })).toEqual([]);
      expect(await ids({ until: new Date(Date.now() + 60_000).toISOString() })).toHaveLength(3);
      expect(await ids({ access: { channels: [], conversationIds: [] } })).toEqual([]);
      expect(await ids({ access: { channels: [], conversationIds: [a.id] } })).toEqual([a.id]);
      expect(await ids({ access: { channels: [channel], conversationIds: [] } })).toHaveLength(3);
      expect(await ids({ limit: 1 })).toHaveLength(1);

      const reviewer = await store().evaluations.createUser({ email: `${newId('r')}@example.com`, role: 'cx_lead', passwordHash: 'x' });
      await store().evaluations.addLabel({ conversationId: b.id, label: 'bad handoff', userId: reviewer.id });
      expect(await ids({ label: 'bad handoff' })).toEqual([b.id]);
    });

    it('lists conversations with their customer (profile name, else the channel’s sender name; address; first message) and finds them by customer', async () => {
      const channel = newId('ch');
      const phone = `+1555${String(Date.now()).slice(-7)}`;
      const profiled = await newConversation(`whatsapp:${phone}`, channel);
      const named = await newConversation(`${newId('m')}@example.com`, channel);
      const anonymous = await newConversation(newId('web'), channel);
      const silent = await newConversation(newId('web'), channel);
      await store().engagement.upsertCustomer({ identities: [{ kind: 'phone', value: phone }], name: 'Ada Lovelace' });
      await store().appendMessage(message(profiled.id, 'Hi there, where is my order?', { from: { id: `whatsapp:${phone}`, role: 'customer', name: 'ada (WhatsApp)' } }));
      await store().appendMessage(message(profiled.id, 'It was due Monday'));
      await store().appendMessage(message(named.id, 'Bonjour', { role: 'bot' }));
      await store().appendMessage(message(named.id, 'Can I return shoes?', { from: { id: named.userId, role: 'customer', name: 'Grace Hopper' } }));
      await store().appendMessage(message(anonymous.id, 'do you ship to Canada?'));
      const rows = await store().evaluations.listScoredConversations({ channel, withCustomer: true });
      const customerOf = (id: string) => rows.find((r) => r.conversation.id === id)?.customer;
      expect(customerOf(profiled.id)).toEqual({ name: 'Ada Lovelace', handle: `whatsapp:${phone}`, firstMessage: 'Hi there, where is my order?' });
      expect(customerOf(named.id)).toEqual({ name: 'Grace Hopper', handle: named.userId, firstMessage: 'Can I return shoes?' });
      expect(customerOf(anonymous.id)).toEqual({ name: null, handle: anonymous.userId, firstMessage: 'do you ship to Canada?' });
      expect(customerOf(silent.id)).toEqual({ name: null, handle: silent.userId, firstMessage: null });
      // Without `withCustomer` the rows carry none (the charts read thousands of rows).
      expect((await store().evaluations.listScoredConversations({ channel }))[0]?.customer).toBeUndefined();

      const ids = async (customer: string) => (await store().evaluations.listScoredConversations({ channel, customer })).map((r) => r.conversation.id).sort();
      expect(await ids('LOVELACE')).toEqual([profiled.id]);
      expect(await ids(phone.slice(-7))).toEqual([profiled.id]);
      expect(await ids('@EXAMPLE.com')).toEqual([named.id]);
      expect(await ids('%')).toEqual([]);
      expect(await ids('nobody')).toEqual([]);
    });

    it('records one CSAT rating per conversation and rejects ratings outside 1–5', async () => {
      const c = await newConversation();
      expect(await store().evaluations.getCsat(c.id)).toBeUndefined();
      await store().evaluations.recordCsat(c.id, 2);
      await store().evaluations.recordCsat(c.id, 5);
      expect(await store().evaluations.getCsat(c.id)).toMatchObject({ conversationId: c.id, rating: 5 });
      for (const bad of [0, 6, 2.5]) expect(await rejection(store().evaluations.recordCsat(c.id, bad))).toMatchObject({ code: 'bad_request' });
    });

    it('creates users with unique case-insensitive e-mails, updates roles and lists them', async () => {
      const email = `${newId('lead')}@Example.com`;
      const user = await store().evaluations.createUser({ email, role: 'cx_lead', passwordHash: 'scrypt$a$b' });
      expect(user).toMatchObject({ email: email.toLowerCase(), role: 'cx_lead', passwordHash: 'scrypt$a$b' });
      expect(await store().evaluations.getUserByEmail(email.toUpperCase())).toEqual(user);
      // NFKC: full-width letters and padding name the same account.
      expect(await store().evaluations.getUserByEmail(` ${email.replace('@Example.com', '@ＥＸＡＭＰＬＥ.com')} `)).toEqual(user);
      expect(await store().evaluations.getUser(user.id)).toEqual(user);
      expect(await rejection(store().evaluations.createUser({ email: ` ${email.toUpperCase()} `, role: 'agent', passwordHash: 'x' }))).toMatchObject({ code: 'bad_request' });
      expect(await store().evaluations.updateUser(user.id, { role: 'admin' })).toMatchObject({ role: 'admin', passwordHash: 'scrypt$a$b' });
      expect((await store().evaluations.listUsers()).map((u) => u.id)).toContain(user.id);
      expect(await rejection(store().evaluations.updateUser('usr_missing', { role: 'agent' }))).toMatchObject({ code: 'not_found' });
    });

    it('counts failed sign-ins per throttle key, restarts a stale counter, clears it on success and forgets idle keys', async () => {
      const ev = store().evaluations;
      const [a, b] = [`account:${newId('t')}@example.com`, `pair:198.51.100.1 ${newId('t')}`];
      const t = (minutes: number) => new Date(Date.parse('2026-03-01T10:00:00Z') + minutes * 60_000).toISOString();
      await ev.recordLoginFailure([a, b], t(0), t(-60));
      await ev.recordLoginFailure([a], t(1), t(-59));
      expect((await ev.getLoginThrottle([a, b])).sort((x, y) => x.key.localeCompare(y.key))).toEqual([
        { key: a, failures: 2, lastFailureAt: t(1), lastSuccessAt: null },
        { key: b, failures: 1, lastFailureAt: t(0), lastSuccessAt: null },
      ]);
      // A failure more than the window after the last one starts again at 1.
      await ev.recordLoginFailure([a], t(200), t(140));
      expect((await ev.getLoginThrottle([a]))[0]).toMatchObject({ failures: 1, lastFailureAt: t(200) });
      await ev.recordLoginSuccess([b], t(201), t(-100_000));
      expect((await ev.getLoginThrottle([b]))[0]).toMatchObject({ failures: 0, lastSuccessAt: t(201) });
      // Keys idle since before `forgetBefore` go.
      await ev.recordLoginSuccess([], t(300), t(250));
      expect(await ev.getLoginThrottle([a, b])).toEqual([]);
      expect(await ev.getLoginThrottle([])).toEqual([]);
    });

    it('keeps sessions until they expire or are deleted', async () => {
      const user = await store().evaluations.createUser({ email: `${newId('s')}@example.com`, role: 'agent', passwordHash: 'x' });
      const at = Date.now();
      const live = { id: newId('sess'), userId: user.id, csrfToken: 'csrf', createdAt: new Date(at).toISOString(), expiresAt: new Date(at + 3_600_000).toISOString() };
      const old = { ...live, id: newId('sess'), expiresAt: new Date(at - 1000).toISOString() };
      await store().evaluations.createSession(live);
      await store().evaluations.createSession(old);
      const nowIso = new Date(at).toISOString();
      expect(await store().evaluations.getSession(live.id, nowIso)).toEqual(live);
      expect(await store().evaluations.getSession(old.id, nowIso)).toBeUndefined();
      expect(await store().evaluations.deleteExpiredSessions(nowIso)).toBeGreaterThanOrEqual(1);
      await store().evaluations.deleteSession(live.id);
      expect(await store().evaluations.getSession(live.id, nowIso)).toBeUndefined();
    });

    it('adds, lists and removes grants', async () => {
      const user = await store().evaluations.createUser({ email: `${newId('g')}@example.com`, role: 'agent', passwordHash: 'x' });
      expect(await store().evaluations.listGrants(user.id)).toEqual([]);
      await store().evaluations.addGrant({ userId: user.id, kind: 'channel', value: 'webchat' });
      await store().evaluations.addGrant({ userId: user.id, kind: 'channel', value: 'webchat' });
      await store().evaluations.addGrant({ userId: user.id, kind: 'conversation', value: 'conv_1' });
      expect((await store().evaluations.listGrants(user.id)).map((g) => `${g.kind}:${g.value}`)).toEqual(['channel:webchat', 'conversation:conv_1']);
      expect(await store().evaluations.removeGrant({ userId: user.id, kind: 'channel', value: 'webchat' })).toBe(true);
      expect(await store().evaluations.removeGrant({ userId: user.id, kind: 'channel', value: 'webchat' })).toBe(false);
    });

    it('keeps labels and notes in order and deletes everything with the conversation', async () => {
      const c = await newConversation();
      const user = await store().evaluations.createUser({ email: `${newId('n')}@example.com`, role: 'cx_lead', passwordHash: 'x' });
      const l1 = await store().evaluations.addLabel({ conversationId: c.id, label: 'wrong answer', userId: user.id });
      await store().evaluations.addLabel({ conversationId: c.id, label: 'good handoff', userId: user.id });
      await store().evaluations.addNote({ conversationId: c.id, text: 'cited the old returns policy', userId: user.id });
      expect((await store().evaluations.listLabels(c.id)).map((l) => l.label)).toEqual(['wrong answer', 'good handoff']);
      expect(await store().evaluations.removeLabel(l1.id)).toBe(true);
      expect((await store().evaluations.listLabels(c.id)).map((l) => l.label)).toEqual(['good handoff']);
      expect(await store().evaluations.listNotes(c.id)).toEqual([expect.objectContaining({ text: 'cited the old returns policy', userId: user.id })]);
      await store().evaluations.recordCsat(c.id, 4);
      await store().evaluations.saveScore(score(c.id));

      expect(await store().deleteConversation(c.id)).toBe(true);
      expect(await store().evaluations.listLabels(c.id)).toEqual([]);
      expect(await store().evaluations.listNotes(c.id)).toEqual([]);
      expect(await store().evaluations.getCsat(c.id)).toBeUndefined();
      expect(await store().evaluations.getScore(c.id)).toBeUndefined();
    });
  });
}
