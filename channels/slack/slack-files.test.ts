import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { channelHost, createParley, type Parley } from '../../bot/app/parley.js';
import { loadConfig } from '../../bot/config/index.js';
import { MAX_TEXT_CHARS, silentLogger, type Activity, type ChannelHost } from '../../bot/core/index.js';
import { imageTypeOf, isSlackFileUrl } from './files.js';
import { FILE_REFUSED_NOTICE, TOO_LONG_NOTICE } from './listener.js';
import { BOT_TOKEN, dmEvent, DM_CHANNEL, TEAM, fileShareEvent, slackFile } from './testing/payloads.js';
import { startSlackHarness, waitFor, type SlackHarness } from './testing/harness.js';
import { eventErrors, slackSpecsAvailable, webApiErrors } from './testing/specs.js';

const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 7, 7, 7, 0xff, 0xd9]);
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
const NOT_AN_IMAGE = new TextEncoder().encode('#!/bin/sh\necho this is not a photo\n');
const SIX_MB = new Uint8Array(6 * 1024 * 1024);
SIX_MB.set(JPEG);

let home: string;
let parley: Parley;
let host: ChannelHost;
let h: SlackHarness;
const turns: Activity[] = [];

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'parley-slack-files-'));
  parley = await createParley(loadConfig({ PARLEY_HOME: home }), { logger: silentLogger });
  host = channelHost(parley);
  // The real bot, with each activity it is given recorded.
  const processActivity = host.bot.processActivity.bind(host.bot);
  host.bot.processActivity = async (activity, sink) => {
    turns.push(activity);
    return processActivity(activity, sink);
  };
  h = await startSlackHarness(host, {
    fake: {
      files: {
        '/files-pri/T0PARLEY01-F0PHOTO1/me.jpg': { contentType: 'image/jpeg', data: JPEG },
        '/files-pri/T0PARLEY01-F0PHOTO2/me.png': { contentType: 'image/png', data: PNG },
        '/files-pri/T0PARLEY01-F0SCRIPT/me.jpg': { contentType: 'image/jpeg', data: NOT_AN_IMAGE },
        '/files-pri/T0PARLEY01-F0HUGE01/big.jpg': { contentType: 'image/jpeg', data: SIX_MB },
        '/files-pri/T0PARLEY01-F0AWAY01/me.jpg': { location: 'https://attacker.example.com/steal' },
      },
    },
  });
});

afterAll(async () => {
  await h.close();
  if (slackSpecsAvailable) expect(h.fake.requests.flatMap(webApiErrors)).toEqual([]);
  await parley.close();
  await rm(home, { recursive: true, force: true });
});

beforeEach(() => {
  turns.length = 0;
  h.fake.fileRequests.length = 0;
});

const fileOf = (id: string, path: string, mimetype = 'image/jpeg', size = 1024) =>
  slackFile({ id, name: path.split('/').pop()!, mimetype, size, url: h.fake.fileUrl(path), downloadUrl: undefined });

async function deliver(event: Record<string, unknown>): Promise<Activity> {
  if (slackSpecsAvailable) expect(eventErrors(event)).toEqual([]); // the AsyncAPI 'message' topic is the deletion's shape
  const before = h.fake.posts().length;
  const response = await h.deliverEvent(event);
  expect(response.statusCode).toBe(200);
  await h.settle();
  await waitFor(() => h.fake.posts().length > before, 10_000, 'a reply');
  return turns.at(-1)!;
}

describe('Slack shared files', () => {
  it('gives the turn the bytes of a shared photo, downloaded with the bot token', async () => {
    const turn = await deliver(fileShareEvent('', [fileOf('F0PHOTO1', '/files-pri/T0PARLEY01-F0PHOTO1/me.jpg')]));
    expect(turn.attachments).toHaveLength(1);
    expect(turn.attachments![0]!.contentType).toBe('image/jpeg');
    expect(turn.attachments![0]!.name).toBe('me.jpg');
    expect(Array.from(turn.attachments![0]!.data!)).toEqual(Array.from(JPEG));
    expect(h.fake.fileRequests).toEqual([{ path: '/files-pri/T0PARLEY01-F0PHOTO1/me.jpg', authorization: `Bearer ${BOT_TOKEN}`, status: 200 }]);
    // The photo-only message is answered (the bot acknowledges the photo) in the direct message.
    expect(h.fake.posts().at(-1)!.params.channel).toBe(DM_CHANNEL);
  });

  it('keeps text and every image of a message, falling back to url_private', async () => {
    const png = slackFile({ id: 'F0PHOTO2', name: 'me.png', mimetype: 'image/png', size: PNG.length, url: h.fake.fileUrl('/files-pri/T0PARLEY01-F0PHOTO2/me.png'), downloadUrl: null });
    const turn = await deliver(fileShareEvent('hello, here are two photos', [fileOf('F0PHOTO1', '/files-pri/T0PARLEY01-F0PHOTO1/me.jpg'), png]));
    expect(turn.text).toBe('hello, here are two photos');
    expect(turn.attachments?.map((a) => [a.contentType, a.data?.length])).toEqual([
      ['image/jpeg', JPEG.length],
      ['image/png', PNG.length],
    ]);
  });

  it.each([
    ['an oversized file (declared size)', () => fileOf('F0HUGE01', '/files-pri/T0PARLEY01-F0HUGE01/big.jpg', 'image/jpeg', SIX_MB.length), 0],
    ['an oversized file (size understated)', () => fileOf('F0HUGE01', '/files-pri/T0PARLEY01-F0HUGE01/big.jpg', 'image/jpeg', 2048), 1],
    ['a non-image claiming image/jpeg (magic bytes)', () => fileOf('F0SCRIPT', '/files-pri/T0PARLEY01-F0SCRIPT/me.jpg'), 1],
    ['a non-image mimetype', () => fileOf('F0SCRIPT', '/files-pri/T0PARLEY01-F0SCRIPT/me.jpg', 'application/x-sh'), 0],
    ['a file on a foreign host', () => slackFile({ id: 'F0AWAY00', name: 'me.jpg', mimetype: 'image/jpeg', size: 10, url: 'https://attacker.example.com/me.jpg' }), 0],
    ['a redirect to a foreign host', () => fileOf('F0AWAY01', '/files-pri/T0PARLEY01-F0AWAY01/me.jpg'), 1],
  ])('leaves out %s and still answers the text', async (_what, file, downloads) => {
    const turn = await deliver(fileShareEvent('what sizes does the navy tee come in?', [file()]));
    expect(turn.text).toBe('what sizes does the navy tee come in?');
    expect(turn.attachments).toBeUndefined();
    expect(h.fake.fileRequests).toHaveLength(downloads);
  });

  it('tells the customer when a files-only message has nothing it can open', async () => {
    const before = h.fake.posts().length;
    await h.deliverEvent(fileShareEvent('', [fileOf('F0SCRIPT', '/files-pri/T0PARLEY01-F0SCRIPT/me.jpg')]));
    await h.settle();
    await waitFor(() => h.fake.posts().length > before, 10_000, 'the notice');
    expect(turns).toHaveLength(0);
    expect(h.fake.posts().at(-1)!.params.text).toBe(FILE_REFUSED_NOTICE.replace(/&/g, '&amp;'));
  });

  it.each([
    ['"file refused"', () => fileShareEvent('', [fileOf('F0SCRIPT', '/files-pri/T0PARLEY01-F0SCRIPT/me.jpg')]), FILE_REFUSED_NOTICE],
    ['"message too long"', () => dmEvent('x'.repeat(MAX_TEXT_CHARS + 1)), TOO_LONG_NOTICE],
  ])('posts the %s notice once, however often Slack retries the event', async (_what, event, notice) => {
    const payload = event();
    const before = h.fake.posts().length;
    await h.deliverEvent(payload);
    await h.settle();
    await waitFor(() => h.fake.posts().length > before, 10_000, 'the notice');
    for (const [retryNum, reason] of [['1', 'http_timeout'], ['2', 'http_error'], ['3', 'http_timeout']] as const) {
      expect((await h.deliverEvent(payload, { 'x-slack-retry-num': retryNum, 'x-slack-retry-reason': reason })).statusCode).toBe(200);
      await h.settle();
    }
    expect(h.fake.posts().slice(before).map((p) => p.params.text)).toEqual([notice.replace(/&/g, '&amp;')]);
    expect(turns).toHaveLength(0);
    // The customer's message and the notice are in the transcript, once.
    const ref = await parley.store.findConversationRef('slack', `${TEAM}:${DM_CHANNEL}`);
    const messages = await parley.store.listMessages(ref!.conversationId);
    expect(messages.filter((m) => m.activity.channelMessageId === payload.event_id)).toHaveLength(1);
    expect(messages.at(-1)).toMatchObject({ role: 'bot', text: notice });
  });
});

describe('Slack file checks', () => {
  it('recognises images by their magic bytes', () => {
    expect(imageTypeOf(JPEG)).toBe('image/jpeg');
    expect(imageTypeOf(PNG)).toBe('image/png');
    expect(imageTypeOf(new TextEncoder().encode('GIF89a'))).toBe('image/gif');
    expect(imageTypeOf(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    expect(imageTypeOf(NOT_AN_IMAGE)).toBeUndefined();
  });

  it('trusts files.slack.com over HTTPS and the configured API origin only', () => {
    const api = 'http://127.0.0.1:9/api/';
    expect(isSlackFileUrl('https://files.slack.com/files-pri/T1-F1/a.jpg', api)).toBe(true);
    expect(isSlackFileUrl('http://127.0.0.1:9/files-pri/T1-F1/a.jpg', api)).toBe(true);
    expect(isSlackFileUrl('http://files.slack.com/files-pri/T1-F1/a.jpg', api)).toBe(false);
    expect(isSlackFileUrl('https://files.slack.com.evil.com/a.jpg', api)).toBe(false);
    expect(isSlackFileUrl('https://user:pw@files.slack.com/a.jpg', api)).toBe(false);
    expect(isSlackFileUrl('not a url', api)).toBe(false);
  });
});
