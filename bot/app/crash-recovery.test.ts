import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/index.js';
import { newId, silentLogger, type Activity } from '../core/index.js';
import { createParley, type Parley } from './parley.js';
import { startServer, type RunningServer } from './server.js';
import { waitFor } from '../testing/wait.js';
import { SocketTestClient } from '../../channels/webchat/testing/socket-client.js';

// Findings replayed: a process killed mid-turn left the inbox row "in progress" for ever, so a re-sent web chat
// message got `ack` and silence, and a re-sent REST message 200 with no replies.

let home: string;
let parley: Parley;
let server: RunningServer;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'parley-crash-recovery-'));
  parley = await createParley(loadConfig({ PARLEY_HOME: home, PARLEY_VISION: 'false' }), { logger: silentLogger });
  // Recovery passes are driven by the tests (`server.recovery.pass()`), not by the clock.
  server = await startServer(parley, { port: 0, host: '127.0.0.1', recoveryIntervalMs: 3_600_000 });
}, 60_000);

afterAll(async () => {
  await server.close();
  await parley.close();
  await rm(home, { recursive: true, force: true });
});

/** A web chat client on the server (the shared one). */
const connect = (): Promise<SocketTestClient> => SocketTestClient.open(`${server.url.replace(/^http/, 'ws')}/ws/chat`);

/** The activity the web chat makes of a message, accepted and leased by a process that then died. */
async function leftByDeadProcess(conversationId: string, clientMessageId: string, text: string, leaseMs: number): Promise<{ activity: Activity; inboxId: string }> {
  const activity: Activity = {
    id: newId('act'),
    type: 'message',
    channel: 'webchat',
    channelMessageId: `${conversationId}:${clientMessageId}`,
    conversationId,
    from: { id: 'visitor', role: 'customer' },
    text,
    timestamp: new Date().toISOString(),
  };
  const { inboxId } = await parley.store.acceptInbound(activity);
  await parley.store.claimInbound(inboxId, { owner: 'killed-process', ttlMs: leaseMs });
  return { activity, inboxId };
}

describe('web chat after a crash mid-turn', () => {
  it('answers a re-sent message whose turn died with its process (ack, then the reply)', async () => {
    const client = await connect();
    client.send({ type: 'hello' });
    const ready = await client.next((f) => f.type === 'ready');
    const conversationId = String(ready.conversationId);
    await leftByDeadProcess(conversationId, 'c-1', 'How long does standard shipping take?', 300);

    client.send({ type: 'message', clientMessageId: 'c-1', text: 'How long does standard shipping take?' });
    await client.next((f) => f.type === 'ack' && f.clientMessageId === 'c-1');
    const reply = await client.next((f) => f.type === 'reply' && f.clientMessageId === 'c-1');
    expect(reply.reply).toMatchObject({ text: expect.any(String) });
    client.close();
  });

  it('delivers the reply a dead run had stored but not sent, once, to the open socket', async () => {
    const client = await connect();
    client.send({ type: 'hello' });
    const conversationId = String((await client.next((f) => f.type === 'ready')).conversationId);
    const { activity, inboxId } = await leftByDeadProcess(conversationId, 'c-2', 'Do you offer gift cards?', 1);
    const stored: Activity = { id: newId('act'), type: 'message', channel: 'webchat', conversationId, from: { id: 'parley', role: 'bot' }, text: 'Yes, from $10.', timestamp: new Date().toISOString(), action: 'answer', sources: [], replyToId: activity.id };
    await parley.store.recordReply({ inboxId, index: 0, activity: stored });

    // The dead process's 1 ms lease expires: the recovery pass takes its turn.
    await waitFor(async () => (await server.recovery.pass()) >= 1, 5_000, 'the recovery pass to take the turn');

    await client.next((f) => f.type === 'reply');
    const replies = client.received.filter((f) => f.type === 'reply');
    expect(replies).toEqual([expect.objectContaining({ clientMessageId: 'c-2', messageId: stored.id })]);
    expect((await parley.store.listOutboundFor(inboxId)).map((o) => [o.activity.text, o.status])).toEqual([['Yes, from $10.', 'sent']]);
    // The customer re-sends anyway: the same reply again (shown once by id), and no new one is made.
    client.send({ type: 'message', clientMessageId: 'c-2', text: 'Do you offer gift cards?' });
    await client.next((f) => f.type === 'reply' && f !== replies[0]);
    expect(new Set(client.received.filter((f) => f.type === 'reply').map((f) => f.messageId))).toEqual(new Set([stored.id]));
    client.close();
  });

  it('makes a re-sent message wait for a turn still running in another process, then gives it the replies', async () => {
    const client = await connect();
    client.send({ type: 'hello' });
    const conversationId = String((await client.next((f) => f.type === 'ready')).conversationId);
    const { activity, inboxId } = await leftByDeadProcess(conversationId, 'c-3', 'Which payment methods do you accept?', 60_000);
    const looks = jest.spyOn(parley.store, 'getInbound');
    client.send({ type: 'message', clientMessageId: 'c-3', text: 'Which payment methods do you accept?' });
    await client.next((f) => f.type === 'ack');
    // The server found the turn leased by the other process, and waits for it (looking again), answering nothing.
    await waitFor(() => looks.mock.calls.filter(([id]) => id === inboxId).length >= 2, 5_000, 'the server to look twice at the running turn');
    looks.mockRestore();
    expect(client.received.filter((f) => f.type === 'reply')).toEqual([]);
    // The other process finishes its turn.
    const answer: Activity = { id: newId('act'), type: 'message', channel: 'webchat', conversationId, from: { id: 'parley', role: 'bot' }, text: 'Cards and PayPal.', timestamp: new Date().toISOString(), action: 'answer', sources: [], replyToId: activity.id };
    await parley.store.recordReply({ inboxId, index: 0, activity: answer });
    await parley.store.completeInbound(inboxId, 'done');
    const reply = await client.next((f) => f.type === 'reply');
    expect(reply).toMatchObject({ clientMessageId: 'c-3', messageId: answer.id, reply: { text: 'Cards and PayPal.' } });
    client.close();
  });
});

describe('REST after a crash mid-turn', () => {
  it('answers a re-sent message (same messageId) with replies, not an empty list', async () => {
    const first = await fetch(`${server.url}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'rest-user', text: 'hello' }),
    });
    const { conversationId, token } = (await first.json()) as { conversationId: string; token: string };
    const activity: Activity = { id: newId('act'), type: 'message', channel: 'rest', channelMessageId: `${conversationId}:m-1`, conversationId, from: { id: 'rest-user', role: 'customer' }, text: 'How do I return a sweater?', timestamp: new Date().toISOString() };
    const { inboxId } = await parley.store.acceptInbound(activity);
    await parley.store.claimInbound(inboxId, { owner: 'killed-process', ttlMs: 300 });

    const again = await fetch(`${server.url}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ userId: 'rest-user', conversationId, messageId: 'm-1', text: 'How do I return a sweater?' }),
    });
    expect(again.status).toBe(200);
    const body = (await again.json()) as { replies: unknown[] };
    expect(body.replies.length).toBeGreaterThan(0);
    expect(await parley.store.getInbound(inboxId)).toMatchObject({ status: 'done' });
  });
});
