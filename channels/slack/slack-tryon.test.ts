import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { channelHost, createParley, type Parley } from '../../bot/app/parley.js';
import { loadConfig } from '../../bot/config/index.js';
import { Bot, silentLogger } from '../../bot/core/index.js';
import { createSupportBot } from '../../dialogs/index.js';
import { KnowledgeBase } from '../../knowledge/index.js';
import { FakeTryOnRunner } from '../../vision/index.js';
import { dmEvent, DM_CHANNEL, fileShareEvent, slackFile } from './testing/payloads.js';
import { startSlackHarness, waitFor, type SlackHarness } from './testing/harness.js';

/** A shopper asks for a try-on in a Slack DM and sends the photo as a Slack file: the try-on gets its bytes. */
describe('Slack virtual try-on', () => {
  const photo = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1, 42, 42, 0xff, 0xd9]);
  const runner = new FakeTryOnRunner();
  let home: string;
  let parley: Parley;
  let h: SlackHarness;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-slack-tryon-'));
    parley = await createParley(loadConfig({ PARLEY_HOME: home, PARLEY_VISION: 'false' }), { logger: silentLogger });
    await parley.store.tryon.upsertProducts([
      { id: 'nw-tee-navy', name: 'Classic Tee in Navy', description: '', price: '$24.00', imageType: 'image/png', image: new Uint8Array([137, 80, 1]) },
    ]);
    const tryOn = {
      runner,
      retentionHours: 24,
      mediaUrl: (id: string) => `https://bot.example.com/media/tryon/${id}`,
      productImageUrl: (id: string) => `https://bot.example.com/media/catalogue/${id}`,
      readAttachment: async (_conversationId: string, attachment: { data?: Uint8Array }) => attachment.data,
    };
    const handler = createSupportBot({ knowledge: new KnowledgeBase(parley.store), thresholds: { answer: 0.3, clarify: 0.2 }, tryOn }).handler;
    const bot = new Bot({ store: parley.store, handler });
    h = await startSlackHarness({ ...channelHost(parley), bot }, { fake: { files: { '/files-pri/T0PARLEY01-F0SELFIE/me.jpg': { contentType: 'image/jpeg', data: photo } } } });
  });

  afterAll(async () => {
    await h.close();
    await parley.close();
    await rm(home, { recursive: true, force: true });
  });

  const nextPost = async (count: number) => {
    await h.settle();
    return waitFor(() => h.fake.posts()[count], 10_000, `post #${count + 1}`);
  };

  it('asks for a photo, then tries the tee on the photo the shopper shared', async () => {
    await h.deliverEvent(dmEvent('can I try the Classic Tee in Navy on?'));
    expect(String((await nextPost(0)).params.text)).toMatch(/send a photo/i);
    const file = slackFile({ id: 'F0SELFIE', name: 'me.jpg', mimetype: 'image/jpeg', size: photo.length, url: h.fake.fileUrl('/files-pri/T0PARLEY01-F0SELFIE/me.jpg') });
    await h.deliverEvent(fileShareEvent('', [file]));
    const reply = await nextPost(1);
    expect(reply.params.channel).toBe(DM_CHANNEL);
    expect(String(reply.params.text)).toMatch(/Classic Tee in Navy on you/);
    expect(String(reply.params.blocks)).toMatch(/https:\/\/bot\.example\.com\/media\/tryon\/tro_/);
    expect(Array.from(runner.calls.at(-1)!.person)).toEqual(Array.from(photo));
    expect(h.fake.fileRequests.map((r) => r.authorization)).toEqual(['Bearer xoxb-test-token']);
  });
});
