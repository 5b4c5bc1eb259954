import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { channelHost, createParley, type Parley } from '../../bot/app/parley.js';
import { buildServer } from '../../bot/app/server.js';
import { loadConfig } from '../../bot/config/index.js';
import { silentLogger } from '../../bot/core/index.js';
import { EmulatorServiceGuard, isLoopbackAddress, registerBotFrameworkChannel, type BotFrameworkChannelOptions, type HostResolver } from './index.js';
import { startFakeBotFrameworkService, type FakeBotFrameworkService } from './testing/index.js';

/** A resolver over a fixed table (no DNS): each name maps to the address lists of successive look-ups (the last repeats). */
function tableResolver(table: Record<string, string[][]>): HostResolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (hostname: string) => {
    calls.push(hostname);
    const answers = table[hostname];
    if (!answers) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    const n = calls.filter((name) => name === hostname).length;
    const addresses = answers[Math.min(n, answers.length) - 1]!;
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { calls });
}

describe('emulator mode: loopback is decided on resolved addresses', () => {
  it('recognises loopback addresses only', () => {
    for (const address of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) expect([address, isLoopbackAddress(address)]).toEqual([address, true]);
    for (const address of ['10.0.0.1', '0.0.0.0', '::', '169.254.169.254', '::ffff:10.0.0.1', '127.attacker.example', 'localhost']) {
      expect([address, isLoopbackAddress(address)]).toEqual([address, false]);
    }
  });

  it('refuses names that look local but resolve elsewhere (the finding), and names with any non-loopback address', async () => {
    const resolve = tableResolver({
      '127.attacker.example': [['203.0.113.7']],
      '127.0.0.1.nip.io': [['198.51.100.4']],
      'half.example': [['127.0.0.1', '203.0.113.7']],
      localhost: [['127.0.0.1', '::1']],
    });
    const guard = new EmulatorServiceGuard({ resolve });
    await expect(guard.check('http://127.attacker.example:3312/')).rejects.toMatchObject({ code: 'forbidden', message: expect.stringMatching(/203\.0\.113\.7/) });
    await expect(guard.check('http://127.0.0.1.nip.io/')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(guard.check('http://half.example/')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(guard.check('http://unknown.example/')).rejects.toMatchObject({ code: 'forbidden', message: expect.stringMatching(/does not resolve/) });
    await expect(guard.check('https://localhost/')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(guard.check('http://localhost:3978/')).resolves.toHaveLength(2);
    await expect(guard.check('http://[::1]:3978/')).resolves.toEqual([{ address: '::1', family: 6 }]);
  });

  it('allows only the configured emulator port when one is set', async () => {
    const guard = new EmulatorServiceGuard({ port: 3312, resolve: tableResolver({}) });
    await expect(guard.check('http://127.0.0.1:3312/')).resolves.toHaveLength(1);
    await expect(guard.check('http://127.0.0.1:5432/')).rejects.toMatchObject({ code: 'forbidden', message: expect.stringMatching(/3312/) });
    await expect(guard.check('http://127.0.0.1/')).rejects.toMatchObject({ code: 'forbidden' });
  });
});

describe('emulator mode: the channel end to end', () => {
  let fake: FakeBotFrameworkService;
  let home: string;
  const closers: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    fake = await startFakeBotFrameworkService();
    home = await mkdtemp(join(tmpdir(), 'parley-bf-emu-'));
  });
  afterAll(async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await fake.close();
    await rm(home, { recursive: true, force: true });
  });

  async function start(options: BotFrameworkChannelOptions): Promise<{ url: string; parley: Parley; idle: () => Promise<void> }> {
    const parley = await createParley(loadConfig({ PARLEY_HOME: home }), { logger: silentLogger });
    const app: FastifyInstance = Fastify({ logger: false });
    const channel = await registerBotFrameworkChannel(app, channelHost(parley), options);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    closers.push(async () => {
      await channel.close();
      await app.close();
      await parley.close();
    });
    return { url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, parley, idle: () => channel.close() };
  }

  const fakePort = () => new URL(fake.url).port;
  const message = (serviceUrl: string, conversationId = `emu-${randomUUID()}`) => ({
    type: 'message',
    id: `${conversationId}|1`,
    serviceUrl,
    channelId: 'emulator',
    from: { id: 'user-1' },
    conversation: { id: conversationId },
    recipient: { id: 'bot' },
    text: 'how long do refunds take?',
  });
  const post = (url: string, body: object) => fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('is off unless configured: no app id and no emulator setting refuses to mount, and the server has no /api/messages', async () => {
    await expect(registerBotFrameworkChannel(Fastify(), { logger: silentLogger } as never, {})).rejects.toMatchObject({ code: 'config_invalid' });
    const parley = await createParley(loadConfig({ PARLEY_HOME: home }), { logger: silentLogger });
    const { app } = await buildServer(parley);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    const res = await post(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, message(fake.serviceUrl));
    expect(res.status).toBe(404);
    await app.close();
    await parley.close();
  });

  it('refuses the finding\'s service URLs (resolved elsewhere) and posts nothing there', async () => {
    const resolve = tableResolver({ '127.attacker.example': [['203.0.113.7']], '127.0.0.1.nip.io': [['198.51.100.4']] });
    const bot = await start({ emulator: true, resolve });
    for (const serviceUrl of ['http://127.attacker.example:3312/', 'http://127.0.0.1.nip.io/']) {
      const activity = message(serviceUrl);
      const res = await post(bot.url, activity);
      expect(res.status).toBe(403);
      expect(await bot.parley.store.findConversationRef('botframework', activity.conversation.id)).toBeUndefined();
    }
  });

  it('replies to a loopback emulator through the address it checked (the name exists only in the injected resolver)', async () => {
    const resolve = tableResolver({ 'bf-emulator.test': [['127.0.0.1']] });
    const bot = await start({ emulator: true, emulatorPort: Number(fakePort()), resolve });
    const activity = message(`http://bf-emulator.test:${fakePort()}/amer/`);
    expect((await post(bot.url, activity)).status).toBe(200);
    const [reply] = await fake.waitForRequests(1, (r) => r.conversationId === activity.conversation.id && (r.body as { type?: string }).type === 'message');
    expect((reply!.body as { text?: string }).text).toMatch(/refund/i);
    // Checked on arrival and again by the connection of each reply.
    expect(resolve.calls.filter((name) => name === 'bf-emulator.test').length).toBeGreaterThanOrEqual(2);
    // Another local port is refused when the emulator port is set.
    expect((await post(bot.url, message('http://127.0.0.1:5432/'))).status).toBe(403);
  });

  it('sends nothing when the name re-resolves elsewhere after the check (DNS rebinding)', async () => {
    const resolve = tableResolver({ 'rebind.test': [['127.0.0.1'], ['203.0.113.7']] });
    const bot = await start({ emulator: true, resolve });
    const activity = message(`http://rebind.test:${fakePort()}/amer/`);
    expect((await post(bot.url, activity)).status).toBe(200);
    await bot.idle();
    expect(resolve.calls.filter((name) => name === 'rebind.test').length).toBeGreaterThanOrEqual(2);
    expect(fake.requests.filter((r) => r.conversationId === activity.conversation.id)).toEqual([]);
  });
});
