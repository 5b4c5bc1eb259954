import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../config/index.js';
import { newId, type Activity, type Role, type Store } from '../core/index.js';
import { openStore } from '../storage/index.js';
import { eraseCustomer, exportCustomer } from './customers.js';

function message(conversationId: string, text: string, role: Role = 'customer', channel = 'webchat'): Activity {
  return { id: newId('act'), type: 'message', channel, conversationId, from: { id: role === 'customer' ? 'ann' : 'parley', role }, text, timestamp: new Date().toISOString() };
}

describe('customers: export and erase', () => {
  let home: string;
  let store: Store;
  let config: Config;
  const parley = () => ({ store, config });

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-customers-'));
    store = await openStore({ home });
    config = loadConfig({ PARLEY_HOME: home });
  });
  afterEach(async () => {
    await store.close();
    await rm(home, { recursive: true, force: true });
  });

  /** Ann: a web chat conversation with two photos, an SMS conversation with a channel link; Bob: one conversation with a photo. */
  async function seed() {
    const chat = await store.createConversation({ userId: 'ann@example.com', channel: 'webchat', metadata: { locale: 'en' } });
    const sms = await store.createConversation({ userId: 'ann@example.com', channel: 'twilio' });
    const bob = await store.createConversation({ userId: 'bob', channel: 'webchat' });
    await store.appendMessage(message(chat.id, 'how would this look on me?'));
    await store.appendMessage(message(chat.id, 'Here is the try-on.', 'bot'));
    await store.appendMessage(message(sms.id, 'where is order A-1?', 'customer', 'twilio'));
    await store.saveDialogState(sms.id, { stack: [{ id: 'order-status', values: { order: 'A-1' } }] });
    await store.linkConversation({ channel: 'twilio', key: '+15550001111', conversationId: sms.id, ref: { to: '+15550001111' } });
    await store.appendMessage(message(bob.id, 'hello'));
    for (const [conversationId, names] of [[chat.id, ['upl_b.png', 'upl_a.jpg']], [bob.id, ['upl_c.png']]] as const) {
      await mkdir(join(home, 'uploads', conversationId), { recursive: true });
      for (const name of names) await writeFile(join(home, 'uploads', conversationId, name), 'image');
    }
    return { chat, sms, bob };
  }

  it('exports every conversation of the customer with channel links, transcript, dialog state and photo names', async () => {
    const { chat, sms } = await seed();
    const exported = await exportCustomer(parley(), 'ann@example.com');
    expect(exported.userId).toBe('ann@example.com');
    expect(Number.isNaN(Date.parse(exported.exportedAt))).toBe(false);
    expect(exported.conversations.map((c) => c.id).sort()).toEqual([chat.id, sms.id].sort());

    const webchat = exported.conversations.find((c) => c.id === chat.id);
    const twilio = exported.conversations.find((c) => c.id === sms.id);
    expect(webchat).toMatchObject({ channel: 'webchat', status: 'open', metadata: { locale: 'en' }, channelLinks: [], dialogState: null, uploads: ['upl_a.jpg', 'upl_b.png'] });
    expect(webchat?.messages.map((m) => [m.role, m.text])).toEqual([
      ['customer', 'how would this look on me?'],
      ['bot', 'Here is the try-on.'],
    ]);
    expect(twilio).toMatchObject({
      channelLinks: [{ channel: 'twilio', key: '+15550001111', conversationId: sms.id, ref: { to: '+15550001111' } }],
      dialogState: { stack: [{ id: 'order-status', values: { order: 'A-1' } }] },
      uploads: [],
    });
    expect(twilio?.messages.map((m) => m.text)).toEqual(['where is order A-1?']);
    expect(webchat).toMatchObject({ handoffs: [], score: null, csat: null, labels: [], notes: [] });
    // Plain data: it survives a JSON round trip unchanged.
    expect(JSON.parse(JSON.stringify(exported))).toEqual(exported);
  });

  it('exports the escalations, rating, score, labels and notes of a conversation', async () => {
    const { chat } = await seed();
    await store.handoffs.createHandoff({ conversationId: chat.id, reason: 'customer_request' });
    await store.evaluations.recordCsat(chat.id, 4);
    const reviewer = await store.evaluations.createUser({ email: 'lead@example.com', role: 'cx_lead', passwordHash: 'x' });
    await store.evaluations.addLabel({ conversationId: chat.id, label: 'good answer', userId: reviewer.id });
    await store.evaluations.addNote({ conversationId: chat.id, text: 'fine', userId: reviewer.id });
    const webchat = (await exportCustomer(parley(), 'ann@example.com')).conversations.find((c) => c.id === chat.id)!;
    expect(webchat.handoffs.map((h) => h.reason)).toEqual(['customer_request']);
    expect(webchat.csat?.rating).toBe(4);
    expect(webchat.labels.map((l) => l.label)).toEqual(['good answer']);
    expect(webchat.notes.map((n) => n.text)).toEqual(['fine']);
  });

  it('exports nothing for an unknown customer', async () => {
    await seed();
    expect((await exportCustomer(parley(), 'nobody')).conversations).toEqual([]);
  });

  it('erases the customer\'s conversations and photos, counts them, and leaves other customers alone', async () => {
    const { chat, sms, bob } = await seed();
    // Ann's engagement profile (linked to her phone too), with an event and consent, goes as well.
    const profile = await store.engagement.upsertCustomer({ identities: [{ kind: 'email', value: 'ann@example.com' }, { kind: 'phone', value: '+15550001111' }], name: 'Ann' });
    await store.engagement.addEvents([{ id: 'evt-ann-1', customerId: profile.id, type: 'order', at: '2026-01-01T00:00:00.000Z', data: { orderId: 'A-1' } }]);
    await store.engagement.setConsent({ customerId: profile.id, channel: 'email', status: 'opted_in', source: 'import' });
    expect((await exportCustomer(parley(), 'ann@example.com')).profile).toMatchObject({ id: profile.id, name: 'Ann', events: [{ id: 'evt-ann-1' }], consents: [{ channel: 'email' }] });
    expect(await eraseCustomer(parley(), 'ann@example.com')).toEqual({ userId: 'ann@example.com', conversations: 2, messages: 3, uploads: 2, profiles: 1 });
    expect(await store.engagement.findCustomer({ kind: 'phone', value: '+15550001111' })).toBeUndefined();
    expect(await store.engagement.listEvents(profile.id)).toEqual([]);

    expect(await store.getConversation(chat.id)).toBeUndefined();
    expect(await store.getConversation(sms.id)).toBeUndefined();
    expect(await store.listMessages(chat.id)).toEqual([]);
    expect(await store.getDialogState(sms.id)).toBeUndefined();
    expect(await store.findConversationRef('twilio', '+15550001111')).toBeUndefined();
    expect(existsSync(join(home, 'uploads', chat.id))).toBe(false);
    expect((await exportCustomer(parley(), 'ann@example.com')).conversations).toEqual([]);

    expect(await store.getConversation(bob.id)).toBeDefined();
    expect(await store.listMessages(bob.id)).toHaveLength(1);
    expect(existsSync(join(home, 'uploads', bob.id, 'upl_c.png'))).toBe(true);

    // Erasing again is a no-op.
    expect(await eraseCustomer(parley(), 'ann@example.com')).toEqual({ userId: 'ann@example.com', conversations: 0, messages: 0, uploads: 0, profiles: 0 });
  });
});
