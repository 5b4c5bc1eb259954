import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../bot/storage/index.js';
import { Bot, ConversationTokens, silentLogger, type Store, type TurnContext } from '../../bot/core/index.js';
import { WebchatSockets } from './socket.js';
import { byType, SocketTestClient as Client } from './testing/socket-client.js';

let home: string;
let store: Store;
const clients: Client[] = [];

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'parley-webchat-stream-'));
  store = await openStore({ home });
});

afterAll(async () => {
  for (const client of clients) client.ws.terminate();
  await store.close();
  await rm(home, { recursive: true, force: true });
});

describe('web chat socket — streamed replies', () => {
  const PIECES = ['Refunds ', 'take ', '5–7 business ', 'days.'];
  let http: Server;
  let sockets: WebchatSockets;
  let url: string;

  beforeAll(async () => {
    async function* generate(): AsyncGenerator<string> {
      // A hop through the event loop before each piece, as a model's tokens arrive (no wait: the order is the point).
      for (const piece of PIECES) {
        await new Promise((resolve) => setImmediate(resolve));
        yield piece;
      }
    }
    const bot = new Bot({
      store: store,
      handler: async (ctx: TurnContext) => {
        await ctx.typing(true);
        await ctx.sendStream(generate(), { action: 'answer' });
      },
    });
    sockets = new WebchatSockets({ bot, store: store, tokens: new ConversationTokens('a-webchat-streaming-test-secret-0123456789'), apiKey: undefined, logger: silentLogger });
    http = createServer((_req, res) => res.writeHead(404).end());
    http.on('upgrade', (request, socket, head) => {
      if (!sockets.handleUpgrade(request, socket, head)) socket.destroy();
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const address = http.address();
    url = `ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/ws/chat`;
  });
  afterAll(async () => {
    await sockets?.close();
    await new Promise((resolve) => http?.close(resolve));
  });

  it('declares streaming among its capabilities', () => {
    expect(sockets.capabilities).toMatchObject({ streaming: true, typing: true, images: true });
  });

  it('sends partial frames in order, then one reply with the same messageId; the transcript has the text once', async () => {
    const client = await Client.open(url);
    clients.push(client);
    const ready = await client.hello({ userId: 'streamer' });
    client.send({ type: 'message', clientMessageId: 's-1', text: 'How long does a refund take?' });
    const frames = await client.until((f) => f.type === 'typing' && f.on === false);
    expect(frames.map((f) => f.type)).toEqual(['ack', 'typing', 'partial', 'partial', 'partial', 'partial', 'reply', 'typing']);
    const partials = frames.filter(byType('partial'));
    const messageId = partials[0]!.messageId;
    expect(typeof messageId).toBe('string');
    let sofar = '';
    partials.forEach((frame, i) => {
      sofar += PIECES[i];
      expect(frame).toEqual({ type: 'partial', clientMessageId: 's-1', messageId, delta: PIECES[i], text: sofar });
    });
    const reply = frames.find(byType('reply'))!;
    expect(reply).toMatchObject({ clientMessageId: 's-1', messageId, reply: { text: PIECES.join(''), action: 'answer' } });
    expect(frames.filter(byType('reply'))).toHaveLength(1);

    const messages = await store.listMessages(ready.conversationId!);
    const bot = messages.filter((m) => m.role === 'bot');
    expect(bot).toHaveLength(1);
    expect(bot[0]).toMatchObject({ id: messageId, text: PIECES.join('') });

    // A retry of the same message gets the stored reply again, not a second stream.
    client.send({ type: 'message', clientMessageId: 's-1', text: 'How long does a refund take?' });
    const again = await client.next(byType('reply'));
    expect(again).toMatchObject({ messageId, reply: { text: PIECES.join('') } });
    expect((await store.listMessages(ready.conversationId!)).filter((m) => m.role === 'bot')).toHaveLength(1);
    client.close();
  });
});
