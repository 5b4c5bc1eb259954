import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParley, type Parley } from '../../bot/app/parley.js';
import { startServer, type RunningServer } from '../../bot/app/server.js';
import { loadConfig } from '../../bot/config/index.js';
import { silentLogger, type Reply } from '../../bot/core/index.js';

// Replays the probe: a past customer's name that redaction missed ("Quillon Vantreska") sat in the ticket's question,
// and the REST answer's sources carried that question to another customer.
const MISSED_NAME = 'Quillon Vantreska';
const TICKETS = [
  {
    id: 'T-1',
    question: `Hi, ${MISSED_NAME} here, my parcel to the cottage never arrived, where is my parcel?`,
    answer: 'Parcels that have not arrived after 10 working days are traced by the carrier; we resend or refund within 2 days.',
    source: 'helpdesk',
    metadata: { category: 'lost_parcel', agent: 'Dana (internal)', priority: 'high', subject: `${MISSED_NAME} – lost parcel` },
  },
  {
    id: 'T-2',
    question: 'How do I return a jacket that does not fit?',
    answer: 'Start a return from Account > Orders within 30 days; the label is free.',
    source: 'helpdesk',
    metadata: { title: 'Returning an item', url: 'https://help.example.com/returns' },
  },
];

describe('what customers see of sources (REST and transcripts)', () => {
  let home: string;
  let parley: Parley;
  let server: RunningServer;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-sources-'));
    parley = await createParley(loadConfig({ PARLEY_HOME: home, PARLEY_SAMPLE_DATA: 'false' }), { logger: silentLogger });
    // No redaction: stands in for a name the redaction did not recognise.
    await parley.knowledge.ingest(TICKETS, { redact: false, dedupe: false });
    server = await startServer(parley, { port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await server.close();
    await parley.close();
    await rm(home, { recursive: true, force: true });
  });

  const chat = async (text: string): Promise<{ conversationId: string; token: string; replies: Reply[] }> => {
    const response = await fetch(`${server.url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'other-customer', text }) });
    expect(response.status).toBe(200);
    return (await response.json()) as { conversationId: string; token: string; replies: Reply[] };
  };

  it("carries id, score, title and link only: never the past ticket's question, answer or metadata", async () => {
    const body = await chat('my parcel never arrived, where is my parcel?');
    const answer = body.replies.find((r) => r.action === 'answer');
    expect(answer?.sources[0]).toEqual({ id: 'T-1', score: expect.any(Number), title: 'Lost parcel' });
    const raw = JSON.stringify(body.replies.map((r) => r.sources));
    expect(raw).not.toContain(MISSED_NAME);
    expect(raw).not.toMatch(/cottage|Dana|priority|subject/);

    const returns = await chat('how do I return a jacket that does not fit?');
    expect(returns.replies.find((r) => r.action === 'answer')?.sources[0]).toEqual({ id: 'T-2', score: expect.any(Number), title: 'Returning an item', url: 'https://help.example.com/returns' });
  });

  it('keeps the transcript a customer reads free of it too, while the store keeps everything for agents', async () => {
    const { conversationId, token } = await chat('my parcel never arrived, where is my parcel?');
    const response = await fetch(`${server.url}/api/conversations/${conversationId}/messages`, { headers: { authorization: `Bearer ${token}` } });
    const transcript = (await response.json()) as { messages: { role: string; sources?: unknown[] }[] };
    const bot = transcript.messages.find((m) => m.role === 'bot' && m.sources?.length);
    expect(bot?.sources).toEqual([{ id: 'T-1', score: expect.any(Number), title: 'Lost parcel' }]);
    expect(JSON.stringify(transcript)).not.toContain(MISSED_NAME);
    // Agents and the dashboard read the stored activity, which keeps the ticket's question.
    const stored = await parley.store.listMessages(conversationId);
    expect(JSON.stringify(stored.map((m) => m.activity.sources))).toContain(MISSED_NAME);
  });
});
