import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ParleyError, silentLogger, type Store } from '../../bot/core/index.js';
import { openStore } from '../../bot/storage/index.js';
import { contactToRow, HUBSPOT_CURSOR_SETTING, HubSpotContacts, hubspotTimeZone, SEARCH_OVERLAP_MS, syncHubSpotContacts } from './index.js';
import { startFakeHubSpot, type FakeHubSpot } from './testing.js';

const TOKEN = 'pat-na1-11111111-2222-3333-4444-555555555555';
const T0 = new Date('2026-03-01T10:00:00Z');
const minutesAfter = (m: number) => new Date(T0.getTime() + m * 60_000);

describe('the HubSpot contacts connector', () => {
  let home: string;
  let store: Store;
  let fake: FakeHubSpot;
  const waits: number[] = [];
  const client = (token = TOKEN, properties: string[] = ['parley_channels_in']) =>
    new HubSpotContacts({ accessToken: token, apiUrl: fake.url, properties, sleep: async (ms) => void waits.push(ms) });
  const sync = (since?: Date) => syncHubSpotContacts({ client: client(), store, logger: silentLogger, scope: 'northwind', optInProperty: 'parley_channels_in', since });

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-hubspot-'));
    store = await openStore({ home });
    fake = await startFakeHubSpot({ accessToken: TOKEN });
    waits.length = 0;
  });

  afterEach(async () => {
    await fake.close();
    await store.close();
    await rm(home, { recursive: true, force: true });
  });

  it('imports every contact the first time, with identities, name, lifecycle stage, time zone and consent', async () => {
    fake.upsert('101', { email: 'Ada@Example.com', firstname: 'Ada', lastname: 'Lovelace', phone: '+44 20 7946 0958', lifecyclestage: 'customer', hs_timezone: 'europe_slash_london', parley_channels_in: 'email;sms' }, minutesAfter(1));
    fake.upsert('102', { email: 'bob@example.com', firstname: 'Bob', hs_email_optout: 'true', parley_channels_in: 'email', phone: '555-0100' }, minutesAfter(2));
    fake.upsert('103', { firstname: 'Nobody' }, minutesAfter(3));
    const result = await sync();
    expect(result).toMatchObject({ mode: 'full', contacts: 3, skipped: 0, cursor: minutesAfter(3).toISOString() });
    // Bob's phone is not in international format: imported without it, and said so.
    expect(result.errors).toEqual([expect.objectContaining({ field: 'phone', message: expect.stringContaining('HubSpot contact 102') })]);
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /crm/v3/objects/contacts']);
    expect(fake.requests[0]!.query.properties!.split(',')).toEqual(expect.arrayContaining(['email', 'phone', 'hs_timezone', 'hs_email_optout', 'lifecyclestage', 'parley_channels_in']));

    const ada = await store.engagement.findCustomer({ kind: 'external', value: 'hubspot:101' });
    expect(ada).toMatchObject({ name: 'Ada Lovelace', scope: 'northwind', timezone: 'Europe/London', attributes: { firstName: 'Ada', lastName: 'Lovelace', lifecycleStage: 'customer', hubspotId: '101' } });
    expect(ada!.identities).toEqual(expect.arrayContaining([{ kind: 'email', value: 'ada@example.com' }, { kind: 'phone', value: '+442079460958' }]));
    expect((await store.engagement.listConsents(ada!.id)).map((c) => `${c.channel}:${c.status}`).sort()).toEqual(['email:opted_in', 'sms:opted_in']);
    const bob = await store.engagement.findCustomer({ kind: 'email', value: 'bob@example.com' });
    // hs_email_optout wins over the opt-in property.
    expect((await store.engagement.listConsents(bob!.id)).map((c) => `${c.channel}:${c.status}`)).toEqual(['email:opted_out']);
    expect(await store.getSetting(HUBSPOT_CURSOR_SETTING)).toBe(String(minutesAfter(3).getTime()));
  });

  it('later syncs search contacts modified since the cursor, page by page, and merge them into the same profiles', async () => {
    for (let i = 1; i <= 3; i++) fake.upsert(String(i), { email: `c${i}@example.com`, firstname: `C${i}` }, minutesAfter(i));
    await sync();
    const before = await store.engagement.findCustomer({ kind: 'email', value: 'c2@example.com' });
    // 250 changed contacts (three pages of 100) and one renamed.
    for (let i = 10; i < 260; i++) fake.upsert(String(i), { email: `n${i}@example.com` }, minutesAfter(100 + i));
    fake.upsert('2', { firstname: 'Cecilia', lifecyclestage: 'lead' }, minutesAfter(500));
    fake.requests.length = 0;
    const result = await sync();
    expect(result).toMatchObject({ mode: 'incremental', since: new Date(minutesAfter(3).getTime() - SEARCH_OVERLAP_MS).toISOString(), cursor: minutesAfter(500).toISOString() });
    // The 250 new ones, and the overlap brings the three of the previous sync again (harmless; C2 is among them).
    expect(result.contacts).toBe(250 + 3);
    const searches = fake.requests.filter((r) => r.path === '/crm/v3/objects/contacts/search');
    expect(searches.map((r) => (r.body as { after?: string }).after)).toEqual([undefined, '100', '200']);
    expect(searches[0]!.body).toMatchObject({
      filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: String(minutesAfter(3).getTime() - SEARCH_OVERLAP_MS) }] }],
      sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
      limit: 100,
    });
    const after = await store.engagement.findCustomer({ kind: 'external', value: 'hubspot:2' });
    expect(after!.id).toBe(before!.id);
    expect(after).toMatchObject({ name: 'Cecilia', attributes: { lifecycleStage: 'lead' } });
    // Nothing changed since: one search, nothing new beyond the overlap.
    fake.requests.length = 0;
    expect((await sync()).cursor).toBe(minutesAfter(500).toISOString());
    expect(fake.requests).toHaveLength(1);
  });

  it('--since starts from the given time instead of the cursor', async () => {
    fake.upsert('1', { email: 'old@example.com' }, minutesAfter(1));
    fake.upsert('2', { email: 'new@example.com' }, minutesAfter(60));
    const result = await sync(minutesAfter(30));
    expect(result).toMatchObject({ mode: 'incremental', contacts: 1 });
    expect(await store.engagement.findCustomer({ kind: 'email', value: 'old@example.com' })).toBeUndefined();
  });

  it('never turns a Parley opt-out back into an opt-in, but follows HubSpot changing its own', async () => {
    fake.upsert('1', { email: 'ann@example.com', parley_channels_in: 'email;sms' }, minutesAfter(1));
    await sync();
    const ann = (await store.engagement.findCustomer({ kind: 'email', value: 'ann@example.com' }))!;
    await store.engagement.setConsent({ customerId: ann.id, channel: 'sms', status: 'opted_out', source: 'sms_stop' });
    fake.upsert('1', { hs_email_optout: 'true' }, minutesAfter(2));
    await sync();
    expect((await store.engagement.listConsents(ann.id)).map((c) => `${c.channel}:${c.status}:${c.source}`).sort()).toEqual(['email:opted_out:hubspot', 'sms:opted_out:sms_stop']);
    fake.upsert('1', { hs_email_optout: 'false' }, minutesAfter(3));
    await sync();
    expect((await store.engagement.listConsents(ann.id)).map((c) => `${c.channel}:${c.status}`).sort()).toEqual(['email:opted_in', 'sms:opted_out']);
  });

  it('waits as Retry-After says on 429 and goes on', async () => {
    fake.upsert('1', { email: 'a@example.com' }, minutesAfter(1));
    fake.rateLimitNext(2, 3);
    const result = await sync();
    expect(result.contacts).toBe(1);
    expect(waits).toEqual([3000, 3000]);
    expect(fake.requests.map((r) => r.status)).toEqual([429, 429, 200]);
  });

  it('gives up with rate_limited when HubSpot keeps answering 429, keeping the cursor', async () => {
    fake.upsert('1', { email: 'a@example.com' }, minutesAfter(1));
    await sync();
    fake.rateLimitNext(10, 1);
    await expect(sync()).rejects.toMatchObject({ code: 'rate_limited' });
    expect(fake.requests.filter((r) => r.status === 429)).toHaveLength(5);
    expect(await store.getSetting(HUBSPOT_CURSOR_SETTING)).toBe(String(minutesAfter(1).getTime()));
  });

  it('a refused token is config_invalid naming HUBSPOT_ACCESS_TOKEN, and nothing is retried', async () => {
    const error = await syncHubSpotContacts({ client: client('pat-na1-wrong-token'), store, logger: silentLogger }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParleyError);
    expect(error).toMatchObject({ code: 'config_invalid', message: expect.stringContaining('HUBSPOT_ACCESS_TOKEN') });
    expect(fake.requests.map((r) => r.status)).toEqual([401]);
  });

  it('reads HubSpot time zones and leaves unknown ones out', () => {
    expect(hubspotTimeZone('america_slash_new_york')).toBe('America/New_York');
    expect(hubspotTimeZone('america_slash_port_of_spain')).toBe('America/Port_of_Spain');
    expect(hubspotTimeZone('Europe/Paris')).toBe('Europe/Paris');
    expect(hubspotTimeZone('mars_slash_olympus')).toBeUndefined();
    const errors: never[] = [];
    expect(contactToRow({ id: '9', properties: { email: 'x@example.com', hs_timezone: 'mars_slash_olympus' } }, {}, 0, errors)).not.toHaveProperty('timezone');
  });
});
