import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParley, type Parley } from '../../bot/app/parley.js';
import { startServer, type RunningServer } from '../../bot/app/server.js';
import { loadConfig } from '../../bot/config/index.js';
import { silentLogger, type AnswerClusterRecord, type Reply } from '../../bot/core/index.js';
import { createDashboardUser } from './users.js';
import { DashboardClient } from './testing.js';

type Listed = AnswerClusterRecord & { answerText: string; sampleQuestions: string[] };

describe('answer clusters in the CX dashboard and in replies', () => {
  let home: string;
  let parley: Parley;
  let server: RunningServer;
  let lead: DashboardClient;
  let agent: DashboardClient;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-clusters-dash-'));
    parley = await createParley(loadConfig({ PARLEY_HOME: home }), { logger: silentLogger });
    await parley.knowledge.clusters?.settled();
    server = await startServer(parley, { port: 0, host: '127.0.0.1', maintenanceIntervalMs: 3_600_000 });
    await createDashboardUser(parley.store, { email: 'lead@example.com', password: 'lead password 1', role: 'cx_lead' });
    await createDashboardUser(parley.store, { email: 'agent@example.com', password: 'agent password 1', role: 'agent' });
    lead = new DashboardClient(server.url);
    agent = new DashboardClient(server.url);
    expect((await lead.login('lead@example.com', 'lead password 1')).status).toBe(200);
    expect((await agent.login('agent@example.com', 'agent password 1')).status).toBe(200);
  });
  afterAll(async () => {
    await server?.close();
    await parley?.close();
    await rm(home, { recursive: true, force: true });
  });

  const chat = async (text: string): Promise<Reply> => {
    const response = await fetch(`${server.url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'cluster-test', text }) });
    expect(response.status).toBe(200);
    return ((await response.json()) as { replies: Reply[] }).replies.at(-1) as Reply;
  };
  const listed = async (): Promise<Listed[]> => ((await (await lead.request('GET', '/dashboard/api/clusters')).json()) as { clusters: Listed[] }).clusters;

  it('needs a session, and a CX lead or admin: agents get 403', async () => {
    expect((await new DashboardClient(server.url).request('GET', '/dashboard/api/clusters')).status).toBe(401);
    expect((await agent.request('GET', '/dashboard/api/clusters')).status).toBe(403);
    const first = (await listed())[0] as Listed;
    expect((await agent.request('POST', `/dashboard/api/clusters/${first.id}/approve`)).status).toBe(403);
    expect((await lead.request('POST', `/dashboard/api/clusters/${first.id}/approve`, { csrf: false })).status).toBe(403);
  });

  it('lists the sample store as clusters with size, sample questions and the text the bot says', async () => {
    const clusters = await listed();
    expect(clusters.length).toBeGreaterThan(10);
    expect(clusters.reduce((n, c) => n + c.size, 0)).toBe(parley.knowledge.size);
    for (const cluster of clusters) {
      expect(cluster.sampleQuestions.length).toBeGreaterThan(0);
      expect(cluster.sampleQuestions.length).toBeLessThanOrEqual(3);
      expect(cluster.status).toBe('draft');
    }
  });

  it('says the approved text of the answer cluster, citing the ticket, through POST /api/chat', async () => {
    const before = await chat('how long do refunds take?');
    expect(before.action).toBe('answer');
    const ticketId = before.sources[0]?.id as string;
    const shown = await Promise.all((await listed()).map(async (c) => (await (await lead.request('GET', `/dashboard/api/clusters/${c.id}`)).json()) as { cluster: AnswerClusterRecord; members: { ticketId: string }[] }));
    const cluster = shown.find((s) => s.members.some((m) => m.ticketId === ticketId))?.cluster as AnswerClusterRecord;
    const text = 'Refunds are back on your card within 5 to 7 business days once your return reaches our warehouse.';
    expect((await lead.request('POST', `/dashboard/api/clusters/${cluster.id}/text`, { body: { text } })).status).toBe(200);
    // Edited but not approved: the bot does not say it yet.
    expect((await chat('how long do refunds take?')).text).not.toContain('back on your card');
    const approved = (await (await lead.request('POST', `/dashboard/api/clusters/${cluster.id}/approve`)).json()) as AnswerClusterRecord;
    expect(approved).toMatchObject({ status: 'approved', reviewedText: text, reviewedBy: 'lead@example.com' });
    const after = await chat('how long do refunds take?');
    expect(after.action).toBe('answer');
    expect(after.text).toContain(text);
    expect(after.sources[0]?.id).toBe(ticketId);
  });

  it('renames, merges and splits, and names bad input with 400 and unknown clusters with 404', async () => {
    const [a, b] = (await listed()).filter((c) => c.status === 'draft') as [Listed, Listed];
    const renamed = await lead.request('POST', `/dashboard/api/clusters/${a.id}/rename`, { body: { name: 'Renamed by the lead' } });
    expect(((await renamed.json()) as AnswerClusterRecord).name).toBe('Renamed by the lead');
    const merged = (await (await lead.request('POST', `/dashboard/api/clusters/${a.id}/merge`, { body: { ids: [b.id] } })).json()) as AnswerClusterRecord;
    expect(merged.size).toBe(a.size + b.size);
    const members = ((await (await lead.request('GET', `/dashboard/api/clusters/${a.id}`)).json()) as { members: { ticketId: string }[] }).members;
    const split = await lead.request('POST', `/dashboard/api/clusters/${a.id}/split`, { body: { tickets: [members[0]?.ticketId] } });
    expect(split.status).toBe(201);
    expect(((await split.json()) as AnswerClusterRecord).size).toBe(1);
    const blank = await lead.request('POST', `/dashboard/api/clusters/${a.id}/rename`, { body: { name: ' ' } });
    expect(blank.status).toBe(400);
    expect(((await blank.json()) as { error: { message: string } }).error.message).toMatch(/^invalid request body: "name": /);
    expect((await lead.request('POST', `/dashboard/api/clusters/${a.id}/merge`, { body: { ids: 'nope' } })).status).toBe(400);
    expect((await lead.request('GET', '/dashboard/api/clusters?limit=0')).status).toBe(400);
    expect((await lead.request('GET', '/dashboard/api/clusters/clu_missing')).status).toBe(404);
  });
});
