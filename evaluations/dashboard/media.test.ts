import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { createParley, type Parley } from '../../bot/app/parley.js';
import { startServer, type RunningServer } from '../../bot/app/server.js';
import { loadConfig } from '../../bot/config/index.js';
import { newId, silentLogger, type Activity, type MessageRecord } from '../../bot/core/index.js';
import { messageImages, transcriptImage } from './media.js';
import { DashboardClient } from './testing.js';
import { createDashboardUser } from './users.js';

const TRYON = 'tro_AAAAAAAAAAAAAAAAAAAAAAAA';

function record(conversationId: string, activity: Partial<Activity> & { role: 'customer' | 'bot' }): MessageRecord {
  const id = newId('act');
  const full: Activity = { id, type: 'message', channel: 'webchat', conversationId, from: { id: 'u', role: activity.role }, text: '', timestamp: '2026-03-02T10:00:00.000Z', ...activity };
  return { id, conversationId, role: activity.role, text: full.text, channel: 'webchat', createdAt: full.timestamp, activity: full };
}

describe('transcript images', () => {
  it('points try-on results, product photos and this conversation’s uploads at the dashboard; links other pictures', () => {
    expect(transcriptImage('conv_1', `https://bot.example/media/tryon/${TRYON}`, 'you in the tee')).toEqual({ kind: 'tryon', src: `/dashboard/api/conversations/conv_1/media/${TRYON}`, alt: 'you in the tee' });
    expect(transcriptImage('conv_1', `/media/tryon/${TRYON}`, 'a')).toMatchObject({ kind: 'tryon' });
    expect(transcriptImage('conv_1', '/media/catalogue/nw-tee%20navy', 'tee')).toMatchObject({ kind: 'external', src: null });
    expect(transcriptImage('conv_1', 'https://bot.example/media/catalogue/nw-tee-navy', 'tee')).toEqual({ kind: 'product', src: '/dashboard/api/products/nw-tee-navy/image', alt: 'tee' });
    expect(transcriptImage('conv_1', '/api/conversations/conv_1/uploads/upl_abc', 'me')).toEqual({ kind: 'upload', src: '/dashboard/api/conversations/conv_1/media/upl_abc', alt: 'me' });
    // Another conversation's upload, a foreign picture, a script URL: never loaded by the page.
    expect(transcriptImage('conv_1', '/api/conversations/conv_2/uploads/upl_abc', 'me')).toEqual({ kind: 'external', src: null, alt: 'me' });
    expect(transcriptImage('conv_1', 'https://cdn.example/label.png', 'label')).toEqual({ kind: 'external', src: null, alt: 'label', href: 'https://cdn.example/label.png' });
    expect(transcriptImage('conv_1', 'javascript:alert(1)', 'x')).toEqual({ kind: 'external', src: null, alt: 'x' });
    expect(transcriptImage('conv_1', '/media/tryon/../../etc/passwd', 'x')).toMatchObject({ kind: 'external', src: null });
  });

  it('lists a bot reply’s images and a customer’s image attachments (files kept elsewhere are named, not shown)', () => {
    const bot = record('conv_1', { role: 'bot', images: [{ url: `/media/tryon/${TRYON}`, alt: 'you' }] });
    const customer = record('conv_1', {
      role: 'customer',
      attachments: [
        { contentType: 'image/png', name: 'me.png', url: '/api/conversations/conv_1/uploads/upl_1' },
        { contentType: 'image/jpeg', url: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1' },
        { contentType: 'application/pdf', name: 'invoice.pdf', url: '/api/conversations/conv_1/uploads/upl_2' },
        { contentType: 'image/gif' },
      ],
    });
    expect(messageImages('conv_1', bot)).toEqual([{ kind: 'tryon', src: `/dashboard/api/conversations/conv_1/media/${TRYON}`, alt: 'you' }]);
    expect(messageImages('conv_1', customer)).toEqual([
      { kind: 'upload', src: '/dashboard/api/conversations/conv_1/media/upl_1', alt: "Customer's photo (me.png)" },
      { kind: 'external', src: null, alt: "Customer's photo", href: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1' },
      { kind: 'upload', src: null, alt: "Customer's photo" },
    ]);
  });
});

describe('transcript images served by the dashboard', () => {
  let home: string;
  let parley: Parley;
  let server: RunningServer;
  let lead: DashboardClient;
  let agent: DashboardClient;
  let png: Buffer;
  let jpeg: Buffer;
  let conversation: string;
  let other: string;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-dashboard-media-'));
    parley = await createParley(loadConfig({ PARLEY_HOME: home, PARLEY_PHOTO_RETENTION_HOURS: '1' }), { logger: silentLogger });
    server = await startServer(parley, { port: 0, host: '127.0.0.1', maintenanceIntervalMs: 3_600_000 });
    await createDashboardUser(parley.store, { email: 'lead@example.com', password: 'lead password 1', role: 'cx_lead' });
    await createDashboardUser(parley.store, { email: 'agent@example.com', password: 'agent password 1', role: 'agent' });
    png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#203060' } }).png().toBuffer();
    jpeg = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#602030' } }).jpeg().toBuffer();
    conversation = (await parley.store.createConversation({ userId: newId('web'), channel: 'webchat' })).id;
    other = (await parley.store.createConversation({ userId: newId('web'), channel: 'webchat' })).id;
    // Stored as JPEG, but the bytes are PNG: the type sent is the sniffed one.
    await parley.store.tryon.saveMedia({ id: TRYON, conversationId: conversation, contentType: 'image/jpeg', data: png });
    await parley.store.tryon.saveMedia({ id: 'tro_OLDOLDOLDOLDOLDOLDOLDOLD', conversationId: conversation, contentType: 'image/png', data: png, createdAt: new Date(Date.now() - 2 * 3_600_000).toISOString() });
    await parley.store.tryon.saveMedia({ id: 'tro_NOTANIMAGENOTANIMAGE123', conversationId: conversation, contentType: 'image/png', data: new TextEncoder().encode('<script>alert(1)</script>') });
    await parley.store.tryon.saveMedia({ id: 'tro_OTHEROTHEROTHEROTHER123', conversationId: other, contentType: 'image/png', data: png });
    await parley.store.tryon.upsertProducts([{ id: 'nw-tee-navy', name: 'Navy Tee', description: 'A tee', price: '$24.00', imageType: 'image/png', image: jpeg }]);
    await mkdir(join(home, 'uploads', conversation), { recursive: true });
    await writeFile(join(home, 'uploads', conversation, 'upl_photo1.jpg'), jpeg);
    await parley.store.appendMessage({ ...record(conversation, { role: 'customer', attachments: [{ contentType: 'image/jpeg', name: 'me.jpg', url: `/api/conversations/${conversation}/uploads/upl_photo1` }] }).activity });
    await parley.store.appendMessage({ ...record(conversation, { role: 'bot', text: "Here's the Navy Tee on you.", action: 'answer', sources: [], images: [{ url: `http://localhost/media/tryon/${TRYON}`, alt: 'You wearing the Navy Tee' }] }).activity });
    lead = new DashboardClient(server.url);
    expect((await lead.login('lead@example.com', 'lead password 1')).status).toBe(200);
    agent = new DashboardClient(server.url);
    expect((await agent.login('agent@example.com', 'agent password 1')).status).toBe(200);
  });
  afterAll(async () => {
    await server?.close();
    await parley?.close();
    await rm(home, { recursive: true, force: true });
  });

  const media = (id: string, conversationId = conversation) => `/dashboard/api/conversations/${conversationId}/media/${id}`;

  it('shows the transcript’s images with dashboard URLs', async () => {
    const detail = (await (await lead.request('GET', `/dashboard/api/conversations/${conversation}`)).json()) as { messages: { role: string; images: unknown[] }[] };
    expect(detail.messages.map((m) => [m.role, m.images])).toEqual([
      ['customer', [{ kind: 'upload', src: media('upl_photo1'), alt: "Customer's photo (me.jpg)" }]],
      ['bot', [{ kind: 'tryon', src: media(TRYON), alt: 'You wearing the Navy Tee' }]],
    ]);
  });

  it('serves a try-on result, an upload and a product photo with the sniffed type, nosniff and no caching of customers’ photos', async () => {
    for (const [path, type, bytes] of [
      [media(TRYON), 'image/png', png],
      [media('upl_photo1'), 'image/jpeg', jpeg],
      ['/dashboard/api/products/nw-tee-navy/image', 'image/jpeg', jpeg],
    ] as const) {
      const response = await lead.request('GET', path);
      expect([path, response.status, response.headers.get('content-type')]).toEqual([path, 200, type]);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
      expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
    }
    expect((await lead.request('GET', media(TRYON))).headers.get('cache-control')).toBe('private, no-store');
  });

  it('answers 404 for another conversation’s image, an expired one, a non-image, a made-up or traversing id; 401 without a session', async () => {
    for (const path of [
      media('tro_OTHEROTHEROTHEROTHER123'),
      media(TRYON, other),
      media('tro_OLDOLDOLDOLDOLDOLDOLDOLD'),
      media('tro_NOTANIMAGENOTANIMAGE123'),
      media('upl_missing'),
      media('upl_..%2F..%2Fparley.db'),
      media('..%2F..%2Fparley.db'),
      media(`upl_photo1.jpg`),
      '/dashboard/api/products/..%2Fparley.db/image',
      '/dashboard/api/products/no-such-product/image',
    ]) {
      const response = await lead.request('GET', path);
      expect([path, response.status]).toEqual([path, 404]);
    }
    expect((await new DashboardClient(server.url).request('GET', media(TRYON))).status).toBe(401);
  });

  it('hides an image from an agent without a grant on its conversation, and shows it once granted', async () => {
    expect((await agent.request('GET', media(TRYON))).status).toBe(404);
    const user = await parley.store.evaluations.getUserByEmail('agent@example.com');
    await parley.store.evaluations.addGrant({ userId: user!.id, kind: 'conversation', value: conversation });
    expect((await agent.request('GET', media(TRYON))).status).toBe(200);
  });
});
