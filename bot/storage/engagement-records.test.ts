import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '../core/index.js';
import { postgresForTests } from '../testing/postgres.js';
import { openStore, PostgresDriver } from './index.js';

// The engagement tables (migrations 21–22) behave the same on SQLite and PostgreSQL.
const pg = await postgresForTests('the engagement store tests on PostgreSQL');
const targets = [{ name: 'SQLite', postgres: false }, ...(pg.available ? [{ name: 'PostgreSQL', postgres: true }] : [])];

describe.each(targets)('engagement store on $name', ({ postgres }) => {
  let store: Store;
  let home: string;
  const schema = `parley_engage_${randomBytes(5).toString('hex')}`;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-engage-store-'));
    store = await openStore({ home, ...(postgres ? { databaseUrl: pg.connectionString, schema } : {}) });
  });

  afterAll(async () => {
    await store.close();
    if (postgres) {
      const driver = new PostgresDriver({ connectionString: pg.connectionString, schema });
      await driver.dropSchema(schema);
      await driver.close();
    }
    await rm(home, { recursive: true, force: true });
  });

  it('links identities into one customer, merging two records of the same person', async () => {
    const byEmail = await store.engagement.upsertCustomer({ identities: [{ kind: 'email', value: 'ann@example.com' }], name: 'Ann', attributes: { tier: 'gold' } });
    const byPhone = await store.engagement.upsertCustomer({ identities: [{ kind: 'phone', value: '+15550001111' }], timezone: 'Europe/Paris' });
    expect(byPhone.id).not.toBe(byEmail.id);
    await store.engagement.addEvents([{ id: 'e-phone', customerId: byPhone.id, type: 'order', at: '2026-01-02T00:00:00.000Z', data: { orderId: 'O-1' } }]);
    await store.engagement.setConsent({ customerId: byPhone.id, channel: 'sms', status: 'opted_in', source: 'import' });
    const merged = await store.engagement.upsertCustomer({ identities: [{ kind: 'email', value: 'ann@example.com' }, { kind: 'phone', value: '+15550001111' }], attributes: { tier: null, city: 'Lyon' } });
    expect(merged.id).toBe(byEmail.id);
    expect(merged).toMatchObject({ name: 'Ann', attributes: { city: 'Lyon' }, identities: [{ kind: 'email' }, { kind: 'phone' }] });
    expect(merged.attributes.tier).toBeUndefined();
    expect(await store.engagement.getCustomer(byPhone.id)).toBeUndefined();
    expect((await store.engagement.listEvents(merged.id)).map((e) => e.id)).toEqual(['e-phone']);
    expect((await store.engagement.listConsents(merged.id)).map((c) => `${c.channel}:${c.status}`)).toEqual(['sms:opted_in']);
  });

  it('stores events once by id, and product events without a customer', async () => {
    const ann = (await store.engagement.findCustomer({ kind: 'email', value: 'ann@example.com' }))!;
    const events = [
      { id: 'e-cart', customerId: ann.id, type: 'cart', at: '2026-01-03T00:00:00.000Z', data: { cartId: 'K-1' } },
      { id: 'e-restock', customerId: null, type: 'restock', at: '2026-01-04T00:00:00.000Z', data: { productId: 'p-1' } },
    ];
    expect(await store.engagement.addEvents(events)).toBe(2);
    expect(await store.engagement.addEvents(events)).toBe(0);
    expect((await store.engagement.listProductEvents('restock')).map((e) => e.id)).toEqual(['e-restock']);
    expect((await store.engagement.listEventsOfType('order')).map((e) => e.id)).toEqual(['e-phone']);
  });

  it('schedules each send once, leases due ones to one process, and takes back a dead one’s', async () => {
    const ann = (await store.engagement.findCustomer({ kind: 'email', value: 'ann@example.com' }))!;
    const send = { id: 'snd_1', campaign: 'c', customerId: ann.id, triggerKey: 'cart:K-1', variant: 'A', channel: null, status: 'due' as const, dueAt: '2026-01-05T00:00:00.000Z', reason: null, subject: null, text: null, payload: {} };
    expect(await store.engagement.scheduleSend(send)).toBe(true);
    expect(await store.engagement.scheduleSend(send)).toBe(false);
    expect(await store.engagement.scheduleSend({ ...send, id: 'snd_other', campaign: 'd' })).toBe(true);
    const now = '2026-01-05T00:00:01.000Z';
    const first = await store.engagement.claimDueSends({ now, owner: 'p1', leaseMs: 60_000, limit: 10, campaign: 'c' });
    expect(first.map((s) => s.id)).toEqual(['snd_1']);
    expect(await store.engagement.claimDueSends({ now, owner: 'p2', leaseMs: 60_000, limit: 10, campaign: 'c' })).toEqual([]);
    const later = '2026-01-05T00:02:00.000Z';
    expect((await store.engagement.claimDueSends({ now: later, owner: 'p2', leaseMs: 60_000, limit: 10, campaign: 'c' })).map((s) => s.id)).toEqual(['snd_1']);
    await store.engagement.updateSend('snd_1', { status: 'queued', sentAt: later, text: 'Hi Ann', payload: { links: ['https://x.example'] } });
    expect(await store.engagement.getSend('snd_1')).toMatchObject({ status: 'queued', text: 'Hi Ann', payload: { links: ['https://x.example'] } });
    expect(await store.engagement.countSentSince(ann.id, '2026-01-01T00:00:00.000Z')).toBe(1);
    await store.engagement.recordSignal('snd_1', 'clicked');
    await store.engagement.recordSignal('snd_1', 'clicked');
    expect(await store.engagement.listSignals(['snd_1'])).toEqual([expect.objectContaining({ kind: 'clicked', count: 2 })]);
    expect(await store.engagement.deleteCustomer(ann.id)).toBe(true);
    expect(await store.engagement.listSends({ customerId: ann.id })).toEqual([]);
    expect(await store.engagement.listSignals(['snd_1'])).toEqual([]);
  });
});
