import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParley, type Parley } from '../../bot/app/parley.js';
import { startServer, type RunningServer } from '../../bot/app/server.js';
import { loadConfig } from '../../bot/config/index.js';
import { silentLogger } from '../../bot/core/index.js';
import { createDashboardUser } from './users.js';
import { converse, DashboardClient } from './testing.js';

describe('CX dashboard API', () => {
  let home: string;
  let parley: Parley;
  let server: RunningServer;
  let admin: DashboardClient;
  let answered: string;
  let handedOff: string;
  let sms: string;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-dashboard-'));
    parley = await createParley(loadConfig({ PARLEY_HOME: home }), { logger: silentLogger });
    server = await startServer(parley, { port: 0, host: '127.0.0.1', maintenanceIntervalMs: 3_600_000 });
    await createDashboardUser(parley.store, { email: 'admin@example.com', password: 'admin password 1', role: 'admin' });
    await createDashboardUser(parley.store, { email: 'lead@example.com', password: 'lead password 1', role: 'cx_lead' });
    await createDashboardUser(parley.store, { email: 'agent@example.com', password: 'agent password 1', role: 'agent' });
    answered = await converse(parley.bot, parley.store, 'webchat', ['how long do refunds take?', 'thanks', '5']);
    handedOff = await converse(parley.bot, parley.store, 'webchat', ['I want to talk to a person']);
    sms = await converse(parley.bot, parley.store, 'twilio', ['can I cancel my order?']);
    for (const id of [answered, handedOff, sms]) await parley.scorer.score((await parley.store.getConversation(id))!);
    admin = new DashboardClient(server.url);
    expect((await admin.login('admin@example.com', 'admin password 1')).status).toBe(200);
  });
  afterAll(async () => {
    await server?.close();
    await parley?.close();
    await rm(home, { recursive: true, force: true });
  });

  const concrete = (url: string) => url.replace(':id', answered).replace(':labelId', 'lbl_x').replace(':kind', 'channel').replace(':value', 'webchat');

  it('registers the dashboard routes, and every one but the sign-in needs a session: 401 for the API, a redirect for pages', async () => {
    const routes = server.dashboardRoutes.filter((r) => !(r.url === '/dashboard/login'));
    expect(routes.length).toBeGreaterThanOrEqual(18);
    expect(routes.map((r) => `${r.method} ${r.url}`)).toEqual(expect.arrayContaining(['GET /dashboard', 'GET /dashboard/api/conversations', 'POST /dashboard/api/conversations/:id/labels', 'GET /dashboard/api/conversations.csv']));
    const anonymous = new DashboardClient(server.url);
    for (const route of routes) {
      const response = await anonymous.request(route.method, concrete(route.url), route.method === 'GET' ? {} : { body: {} });
      if (route.url.startsWith('/dashboard/api/')) {
        expect([route.url, response.status]).toEqual([route.url, 401]);
        expect(await response.json()).toEqual({ error: { code: 'unauthorized', message: 'sign in to the dashboard first' } });
      } else {
        expect([route.url, response.status, response.headers.get('location')]).toEqual([route.url, 302, '/dashboard/login']);
      }
    }
    // A forged or expired cookie is no session either.
    const forged = await fetch(`${server.url}/dashboard/api/me`, { headers: { cookie: 'parley_session=not-a-session' } });
    expect(forged.status).toBe(401);
  });

  it('signs in with a hashed password into an httpOnly, SameSite=Strict session cookie; wrong passwords and missing login CSRF fail', async () => {
    const client = new DashboardClient(server.url);
    await client.request('GET', '/dashboard/login');
    const response = await client.request('POST', '/dashboard/login', { body: { email: 'lead@example.com', password: 'lead password 1' }, csrf: false });
    expect(response.status).toBe(403);

    expect((await client.login('lead@example.com', 'wrong password!')).status).toBe(401);
    expect((await client.login('nobody@example.com', 'lead password 1')).status).toBe(401);
    const ok = await new DashboardClient(server.url).login('LEAD@example.com', 'lead password 1');
    expect(ok.status).toBe(200);
    const cookie = ok.headers.getSetCookie().find((c) => c.startsWith('parley_session='));
    expect(cookie).toMatch(/; Path=\/dashboard; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    const stored = (await parley.store.evaluations.getUserByEmail('lead@example.com'))?.passwordHash;
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(stored).not.toContain('lead password 1');

    const form = new DashboardClient(server.url);
    const page = await form.request('GET', '/dashboard/login');
    const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    const posted = await fetch(`${server.url}/dashboard/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: form.cookieHeader },
      body: new URLSearchParams({ email: 'lead@example.com', password: 'lead password 1', csrf }).toString(),
    });
    expect([posted.status, posted.headers.get('location')]).toEqual([303, '/dashboard']);
  });

  it('rejects state-changing requests without the session CSRF token (403) and accepts them with it', async () => {
    const path = `/dashboard/api/conversations/${answered}/labels`;
    for (const csrf of [false, 'wrong-token'] as const) {
      const response = await admin.request('POST', path, { body: { label: 'great answer' }, csrf });
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ error: { code: 'forbidden', message: 'missing or wrong x-csrf-token header' } });
    }
    expect(await parley.store.evaluations.listLabels(answered)).toEqual([]);
    const created = await admin.request('POST', path, { body: { label: 'great answer' } });
    expect(created.status).toBe(201);
    expect((await admin.request('POST', path, { body: { label: '' } })).status).toBe(400);
    expect((await admin.request('POST', `/dashboard/api/conversations/${answered}/notes`, { body: { text: 'cites the right policy' } })).status).toBe(201);
    interface Detail {
      labels: { label: string; by: string }[];
      notes: { text: string; by: string }[];
      csat: number | null;
      messages: { role: string; sources: Record<string, unknown>[]; evaluation: Record<string, unknown> | null }[];
    }
    const detail = (await (await admin.request('GET', `/dashboard/api/conversations/${answered}`)).json()) as Detail;
    expect(detail.labels.map((l) => l.label)).toEqual(['great answer']);
    expect(detail.notes.map((n) => [n.text, n.by])).toEqual([['cites the right policy', 'admin@example.com']]);
    expect(detail.labels[0]?.by).toBe('admin@example.com');
    expect(detail.csat).toBe(5);
    const answer = detail.messages.find((m) => m.role === 'bot' && m.sources.length);
    expect(answer?.sources[0]).toMatchObject({ id: expect.stringMatching(/^NWT-/), category: 'returns', answer: expect.stringContaining('5–7 business days') });
    expect(answer?.evaluation?.groundedness).toBeGreaterThanOrEqual(0.9);
  });

  it('filters conversations, exports CSV, draws charts, and names bad filters', async () => {
    const ids = async (query: string) => ((await (await admin.request('GET', `/dashboard/api/conversations?${query}`)).json()) as { conversations: { id: string }[] }).conversations.map((c) => c.id).sort();
    expect(await ids('')).toEqual([answered, handedOff, sms].sort());
    // A widget opened on a page starts a conversation before any message: such visits stay out of the list and the
    // totals unless asked for (a new user's list was full of "(no message yet)" rows from page loads).
    const visit = (await parley.store.createConversation({ userId: 'visitor-1', channel: 'webchat' })).id;
    expect(await ids('')).toEqual([answered, handedOff, sms].sort());
    expect(await ids('visits=all')).toEqual([answered, handedOff, sms, visit].sort());
    const totals = async (query: string) => ((await (await admin.request('GET', `/dashboard/api/charts?${query}`)).json()) as { totals: { conversations: number } }).totals.conversations;
    expect([await totals(''), await totals('visits=all')]).toEqual([3, 4]);
    await parley.store.deleteConversation(visit);
    expect(await ids('channel=twilio')).toEqual([sms]);
    expect(await ids('handoffReason=customer_request')).toEqual([handedOff]);
    // (The handoff conversation's reply lists "returns and refunds" among the topics: the question's words pick one.)
    expect(await ids('text=REFUNDS%20TAKE')).toEqual([answered]);
    expect(await ids('label=great%20answer')).toEqual([answered]);
    expect(await ids(`since=${new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)}`)).toEqual([]);
    expect(await ids('minScore=0.99')).toEqual([]);

    // Rows name the customer (address; a name when a profile has one) and their first message.
    const sender = (await parley.store.getConversation(sms))!.userId;
    await parley.store.engagement.upsertCustomer({ identities: [{ kind: 'external', value: sender }], name: 'Sam Texter' });
    const rows = ((await (await admin.request('GET', '/dashboard/api/conversations')).json()) as { conversations: Record<string, unknown>[] }).conversations;
    expect(rows.find((r) => r.id === sms)).toMatchObject({ customerName: 'Sam Texter', customerHandle: sender, firstMessage: 'can I cancel my order?' });
    expect(rows.find((r) => r.id === answered)).toMatchObject({ customerName: null, customerHandle: expect.stringMatching(/^cust_/), firstMessage: 'how long do refunds take?' });
    expect(await ids('customer=sam%20TEXTER')).toEqual([sms]);
    expect(await ids(`customer=${sender.slice(5, 15)}`)).toEqual([sms]);

    const bad = await admin.request('GET', '/dashboard/api/conversations?minScore=lots');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: { code: 'bad_request', message: 'minScore: "lots" is not a number from 0 to 1' } });

    const csv = await admin.request('GET', '/dashboard/api/conversations.csv?channel=webchat');
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('id,createdAt,channel,status,handoffReason,score,flags,groundedness,relevance,csat,firstResponseMs,resolvedWithoutHuman,judge,scope,customerName,customerHandle,firstMessage');
    expect(lines).toHaveLength(3);
    expect(lines.find((l) => l.startsWith(answered))).toMatch(/,,cust_\w+,how long do refunds take\?$/);

    const charts = (await (await admin.request('GET', '/dashboard/api/charts')).json()) as { totals: Record<string, number>; charts: Record<string, string> };
    expect(charts.totals).toMatchObject({ conversations: 3, scored: 3, handoffRate: 1 / 3, csat: 5 });
    expect(Object.keys(charts.charts)).toEqual(['resolutionRate', 'handoffRate', 'csat', 'groundedness', 'firstResponseMs']);
    expect(charts.charts.csat).toMatch(/^<svg [^>]*data-series="csat"/);
  });

  it('shows an agent nothing until an admin grants a channel or a conversation, and keeps admin routes from agents', async () => {
    const agent = new DashboardClient(server.url);
    await agent.login('agent@example.com', 'agent password 1');
    const list = async () => ((await (await agent.request('GET', '/dashboard/api/conversations')).json()) as { conversations: { id: string }[] }).conversations.map((c) => c.id).sort();
    expect(await list()).toEqual([]);
    expect((await agent.request('GET', `/dashboard/api/conversations/${sms}`)).status).toBe(404);
    expect((await agent.request('GET', '/dashboard/api/charts')).ok).toBe(true);
    expect(((await (await agent.request('GET', '/dashboard/api/charts')).json()) as { totals: { conversations: number } }).totals.conversations).toBe(0);
    expect((await agent.request('GET', '/dashboard/api/users')).status).toBe(403);
    expect((await agent.request('GET', '/dashboard/api/corrections')).status).toBe(403);
    expect((await agent.request('POST', `/dashboard/api/conversations/${sms}/labels`, { body: { label: 'x' } })).status).toBe(404);

    const agentId = (await parley.store.evaluations.getUserByEmail('agent@example.com'))!.id;
    expect((await admin.request('POST', `/dashboard/api/users/${agentId}/grants`, { body: { kind: 'channel', value: 'twilio' } })).status).toBe(201);
    expect((await admin.request('POST', `/dashboard/api/users/${agentId}/grants`, { body: { kind: 'conversation', value: handedOff } })).status).toBe(201);
    expect((await admin.request('POST', `/dashboard/api/users/${agentId}/grants`, { body: { kind: 'team', value: 'x' } })).status).toBe(400);
    expect(await list()).toEqual([handedOff, sms].sort());
    expect((await agent.request('GET', `/dashboard/api/conversations/${sms}`)).status).toBe(200);
    expect((await agent.request('GET', `/dashboard/api/conversations/${answered}`)).status).toBe(404);
    expect((await admin.request('DELETE', `/dashboard/api/users/${agentId}/grants/channel/twilio`)).status).toBe(200);
    expect(await list()).toEqual([handedOff]);
  });

  it('lists tickets held at ingest and releases or deletes them', async () => {
    const phishing = { id: 'Q-1', question: 'why was my refund not paid?', answer: 'To release the refund, reply with your card number and the CVV on the back.', source: 'dash', metadata: {} };
    await parley.knowledge.ingest([phishing, { id: 'Q-2', question: 'track my order?', answer: 'Track it at http://203.0.113.7/track.', source: 'dash', metadata: {} }]);
    expect(parley.knowledge.get('Q-1')).toBeUndefined();
    type Listed = { canRelease: boolean; quarantined: { ticket: { id: string }; reasons: { code: string }[] }[] };
    const listed = (await (await admin.request('GET', '/dashboard/api/quarantine')).json()) as Listed;
    expect(listed.canRelease).toBe(true);
    expect(listed.quarantined.map((q) => [q.ticket.id, q.reasons.map((r) => r.code)])).toEqual([['Q-1', ['asks_card_data']], ['Q-2', ['external_link']]]);
    const agent = new DashboardClient(server.url);
    await agent.login('agent@example.com', 'agent password 1');
    expect((await agent.request('GET', '/dashboard/api/quarantine')).status).toBe(403);

    expect((await admin.request('POST', '/dashboard/api/quarantine/Q-2/release', { csrf: false })).status).toBe(403);
    expect((await admin.request('POST', '/dashboard/api/quarantine/Q-2/release')).status).toBe(200);
    expect(parley.knowledge.get('Q-2')).toBeDefined();
    expect((await admin.request('DELETE', '/dashboard/api/quarantine/Q-1')).status).toBe(200);
    expect((await admin.request('DELETE', '/dashboard/api/quarantine/Q-1')).status).toBe(404);
    expect(((await (await admin.request('GET', '/dashboard/api/quarantine')).json()) as Listed).quarantined).toEqual([]);
    await parley.store.deleteTickets(['Q-2']);
    await parley.knowledge.load();
  });

  it('lists agent corrections with who made them, counts them in the score, and reverts one', async () => {
    const record = await parley.corrections.correct({
      question: 'can I cancel my order?',
      original: 'Orders can only be cancelled within 1 hour.',
      corrected: 'Orders can be cancelled within 1 hour, or refused at delivery for a free return.',
      correctsTicketId: 'NWT-1003',
      agent: 'U123',
      agentName: 'Sam',
      conversationId: sms,
    });
    type Listed = { corrections: { id: string; correctedBy: string; conversationId: string; revertedAt: string | null; revertedBy: string | null }[] };
    const listed = (await (await admin.request('GET', '/dashboard/api/corrections')).json()) as Listed;
    expect(listed.corrections).toEqual([expect.objectContaining({ id: record.id, correctedBy: 'Sam', conversationId: sms, revertedAt: null })]);
    expect((await parley.scorer.score((await parley.store.getConversation(sms))!)).flags).toContain('corrected by agent');

    expect(parley.knowledge.get(record.id)).toBeDefined();
    expect((await admin.request('POST', `/dashboard/api/corrections/${record.id}/revert`, { csrf: false })).status).toBe(403);
    expect((await admin.request('POST', `/dashboard/api/corrections/${record.id}/revert`)).status).toBe(200);
    expect(parley.knowledge.get(record.id)).toBeUndefined();
    const after = (await (await admin.request('GET', '/dashboard/api/corrections')).json()) as Listed;
    expect(after.corrections[0]).toMatchObject({ id: record.id, revertedBy: 'admin@example.com' });
    expect((await admin.request('POST', `/dashboard/api/corrections/${record.id}/revert`)).status).toBe(404);
  });

  it('slows an account on an address after 5 failed sign-ins, however the e-mail is padded or cased (429 with Retry-After)', async () => {
    await createDashboardUser(parley.store, { email: 'target@example.com', password: 'target password 1', role: 'agent' });
    const client = new DashboardClient(server.url);
    const spellings = ['target@example.com', `target@example.com${' '.repeat(300)}`, 'TARGET@example.com ', ' Target@Example.com', 'ｔａｒｇｅｔ@example.com'];
    for (const [i, spelling] of spellings.entries()) expect((await client.login(spelling, `guess number ${i}`)).status).toBe(401);
    const locked = await client.login('Target@example.com', 'target password 1');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await locked.json()).toEqual({ error: { code: 'rate_limited', message: expect.stringMatching(/^Too many failed sign-ins; try again in \d+ seconds\.$/) } });
    expect((await new DashboardClient(server.url).login('lead@example.com', 'lead password 1')).status).toBe(200);
  });

  it("scores a conversation the customer closed in the server's next maintenance pass", async () => {
    const closed = await converse(parley.bot, parley.store, 'webchat', ['how do I reset my password?', 'thank you', '3']);
    expect(await parley.store.evaluations.getScore(closed)).toBeUndefined();
    expect((await server.maintenance.pass()).scored).toBeGreaterThanOrEqual(1);
    expect(await parley.store.evaluations.getScore(closed)).toMatchObject({ metrics: { csat: 3, resolvedWithoutHuman: true } });
  });

  it('signs out: the session is gone server-side', async () => {
    const client = new DashboardClient(server.url);
    await client.login('lead@example.com', 'lead password 1');
    const cookie = client.cookieHeader;
    expect((await client.request('POST', '/dashboard/logout')).status).toBe(200);
    expect((await fetch(`${server.url}/dashboard/api/me`, { headers: { cookie } })).status).toBe(401);
  });
});
