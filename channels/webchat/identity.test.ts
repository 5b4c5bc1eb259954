import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SocketTestClient, type Frame } from './testing/socket-client.js';
import { createParley, type Parley } from '../../bot/app/parley.js';
import { startServer, type RunningServer } from '../../bot/app/server.js';
import { loadConfig } from '../../bot/config/index.js';
import { identityHash, silentLogger } from '../../bot/core/index.js';
import { isVip } from '../../dialogs/index.js';

const IDENTITY_SECRET = 'the-operator-site-identity-secret-0123456789';

/** Opens a web chat socket, sends `frames` one after the other, and resolves to the frames received until `until`. */
async function exchange(url: string, frames: object[], until: (f: Frame) => boolean): Promise<Frame[]> {
  const client = await SocketTestClient.open(`${url.replace(/^http/, 'ws')}/ws/chat`);
  try {
    frames.forEach((frame) => client.send(frame));
    return await client.until(until);
  } finally {
    client.close();
  }
}

describe('verified identities (PARLEY_IDENTITY_SECRET) and renewed tokens on web chat and REST', () => {
  let home: string;
  let parley: Parley;
  let server: RunningServer;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-identity-'));
    parley = await createParley(loadConfig({ PARLEY_HOME: home, PARLEY_IDENTITY_SECRET: IDENTITY_SECRET, PARLEY_VIP_USERS: 'ceo-1' }), { logger: silentLogger });
    server = await startServer(parley, { port: 0, host: '127.0.0.1', maintenanceIntervalMs: 3_600_000 });
  });
  afterAll(async () => {
    await server.close();
    await parley.close();
    await rm(home, { recursive: true, force: true });
  });

  const conversationOf = async (frames: Frame[]) => (await parley.store.getConversation(String(frames.find((f) => f.type === 'ready')?.conversationId)))!;
  const vipUsers = () => parley.config.handoff.vipUsers;

  it('a widget visitor claiming a VIP user id is not a VIP; the same id signed by the site is', async () => {
    const claimed = await exchange(server.url, [{ type: 'hello', userId: 'ceo-1' }], (f) => f.type === 'ready');
    const unverified = await conversationOf(claimed);
    expect(unverified.userId).toBe('ceo-1');
    expect(unverified.metadata.verifiedUserId).toBeUndefined();
    expect(isVip(unverified, vipUsers())).toBe(false);

    const forged = await exchange(server.url, [{ type: 'hello', userId: 'ceo-1', userHash: identityHash('not-the-secret-000000000000000000000', 'ceo-1') }], (f) => f.type === 'ready');
    expect(isVip(await conversationOf(forged), vipUsers())).toBe(false);

    const signed = await exchange(server.url, [{ type: 'hello', userId: 'ceo-1', userHash: identityHash(IDENTITY_SECRET, 'ceo-1') }], (f) => f.type === 'ready');
    const verified = await conversationOf(signed);
    expect(verified.metadata.verifiedUserId).toBe('ceo-1');
    expect(isVip(verified, vipUsers())).toBe(true);
  });

  it('every web chat reply carries a renewed token for the conversation', async () => {
    const frames = await exchange(
      server.url,
      [{ type: 'hello' }, { type: 'message', clientMessageId: 'm1', text: 'how long do refunds take?' }],
      (f) => f.type === 'reply',
    );
    const ready = frames.find((f) => f.type === 'ready')!;
    const reply = frames.find((f) => f.type === 'reply')!;
    expect(typeof reply.token).toBe('string');
    expect(parley.tokens.verify(String(ready.conversationId), String(reply.token))).toBe(true);
  });

  it('REST: a userHash that does not match is refused (401); a matching one makes the id verified', async () => {
    const post = (body: object) => fetch(`${server.url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const bad = await post({ userId: 'ceo-1', text: 'hello there', userHash: 'ab'.repeat(32) });
    expect(bad.status).toBe(401);
    const good = await post({ userId: 'ceo-1', text: 'hello there', userHash: identityHash(IDENTITY_SECRET, 'ceo-1') });
    expect(good.status).toBe(200);
    const conversation = (await parley.store.getConversation(((await good.json()) as { conversationId: string }).conversationId))!;
    expect(isVip(conversation, vipUsers())).toBe(true);
    const plain = await post({ userId: 'ceo-1', text: 'hello there' });
    expect(isVip((await parley.store.getConversation(((await plain.json()) as { conversationId: string }).conversationId))!, vipUsers())).toBe(false);
  });
});
