import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { channelHost, createParley, type Parley } from '../../bot/app/parley.js';
import { loadConfig } from '../../bot/config/index.js';
import { silentLogger, type ChannelHost } from '../../bot/core/index.js';
import type { FakeSlackRequest } from './testing/fake-slack.js';
import {
  blockActionsPayload,
  channelMessageEvent,
  dmEvent,
  interactivityForm,
  mentionEvent,
  SUPPORT_CHANNEL,
  TEAM,
  urlVerification,
} from './testing/payloads.js';
import { startSlackHarness, waitFor, type SlackHarness } from './testing/harness.js';
import { eventErrors, slackSpecsAvailable, SLACK_SPECS_DIR, webApiViolations } from './testing/specs.js';

if (!slackSpecsAvailable) console.warn(`${SLACK_SPECS_DIR} is missing: skipping the checks against Slack's Web API and Events API documents`);

let home: string;
let parley: Parley;
let host: ChannelHost;
let h: SlackHarness;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'parley-slack-'));
  parley = await createParley(loadConfig({ PARLEY_HOME: home }), { logger: silentLogger });
  host = channelHost(parley);
  h = await startSlackHarness(host);
});

afterEach(async () => {
  await h.settle();
  h.fake.options.postDelayMs = 0;
});

afterAll(async () => {
  await h.close();
  // What the adapter sent and what the fake answered, against Slack's Web API document.
  expect(webApiViolations(h.fake.requests)).toEqual([]);
  await parley.close();
  await rm(home, { recursive: true, force: true });
});

const postsTo = (channel: string): FakeSlackRequest[] => h.fake.posts().filter((p) => p.params.channel === channel);
const postsInThread = (thread: string): FakeSlackRequest[] => h.fake.posts().filter((p) => p.params.thread_ts === thread);
const blocksOf = (post: FakeSlackRequest): Record<string, unknown>[] => JSON.parse(String(post.params.blocks)) as Record<string, unknown>[];
const conversationOf = async (key: string): Promise<string> => (await parley.store.findConversationRef('slack', key))!.conversationId;

async function deliverChecked(event: Record<string, unknown>, extra: Record<string, string> = {}) {
  expect(eventErrors(event, event.event && (event.event as { type: string }).type === 'app_mention' ? 'app.mention' : undefined)).toEqual([]);
  const response = await h.deliverEvent(event, extra);
  expect(response.statusCode).toBe(200);
  return response;
}

test('answers url_verification with the challenge', async () => {
  const response = await h.deliver(JSON.stringify(urlVerification('3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P')), 'application/json');
  expect(response.statusCode).toBe(200);
  expect(response.json()).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
});

test('a signed direct message gets exactly one answer in that DM, with its sources', async () => {
  const channel = 'D0REFUNDS01';
  const event = dmEvent('how long do refunds take?', { channel });
  await deliverChecked(event);
  await h.settle();
  const posts = postsTo(channel);
  expect(posts).toHaveLength(1);
  const [post] = posts;
  expect(post!.token).toBe('xoxb-test-token');
  expect(post!.params.thread_ts).toBeUndefined();
  expect(String(post!.params.text)).toMatch(/refund/i);
  const context = blocksOf(post!).find((b) => b.type === 'context');
  // Title and link only (a sample ticket's title is its category as words), numbered as the markers; never the past question.
  expect(JSON.stringify(context)).toMatch(/\[1\] Returns/);

  const conversationId = await conversationOf(`${TEAM}:${channel}`);
  const messages = await parley.store.listMessages(conversationId);
  expect(messages.map((m) => [m.role, m.channel])).toEqual([
    ['customer', 'slack'],
    ['bot', 'slack'],
  ]);
  expect(messages[0]!.activity.channelMessageId).toBe(event.event_id);
  // The raw envelope rides on the activity through the turn (see parse.test.ts); the store keeps it out by design.
  expect(messages[0]!.activity).not.toHaveProperty('raw');
});

test('a mention starts a thread answered in that thread; replies in the thread continue it', async () => {
  const mention = mentionEvent('where is my order?');
  const thread = String((mention.event as { ts: string }).ts);
  await deliverChecked(mention);
  await h.settle();
  expect(postsInThread(thread)).toHaveLength(1);
  expect(postsInThread(thread)[0]!.params.channel).toBe(SUPPORT_CHANNEL);
  const conversationId = await conversationOf(`${TEAM}:${SUPPORT_CHANNEL}:${thread}`);

  await deliverChecked(channelMessageEvent('how long do refunds take?', { threadTs: thread }));
  await h.settle();
  expect(postsInThread(thread)).toHaveLength(2);
  expect(await conversationOf(`${TEAM}:${SUPPORT_CHANNEL}:${thread}`)).toBe(conversationId);
  expect((await parley.store.listMessages(conversationId)).filter((m) => m.role === 'customer')).toHaveLength(2);

  // A reply in a thread the app was never part of is not the app's business.
  const foreign = `${Math.floor(Date.now() / 1000)}.000777`;
  await deliverChecked(channelMessageEvent('how long do refunds take?', { threadTs: foreign }));
  await h.settle();
  expect(postsInThread(foreign)).toHaveLength(0);
  expect(await parley.store.findConversationRef('slack', `${TEAM}:${SUPPORT_CHANNEL}:${foreign}`)).toBeUndefined();
});

test('three deliveries of the same event_id (Slack retries) produce one reply', async () => {
  const channel = 'D0RETRIES01';
  const event = dmEvent('how long do refunds take?', { channel });
  const first = await deliverChecked(event);
  const retries = await Promise.all([
    h.deliverEvent(event, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' }),
    h.deliverEvent(event, { 'x-slack-retry-num': '2', 'x-slack-retry-reason': 'http_timeout' }),
  ]);
  expect([first, ...retries].map((r) => r.statusCode)).toEqual([200, 200, 200]);
  await h.settle();
  expect(postsTo(channel)).toHaveLength(1);
  const messages = await parley.store.listMessages(await conversationOf(`${TEAM}:${channel}`));
  expect(messages.filter((m) => m.role === 'customer')).toHaveLength(1);
});

test('acks before the bot turn completes (the reply is posted after the 200)', async () => {
  h.fake.options.postDelayMs = 1500;
  const channel = 'D0SLOWPOST1';
  const started = performance.now();
  const response = await deliverChecked(dmEvent('how long do refunds take?', { channel }));
  expect(response.at - started).toBeLessThan(1000);
  const post = await waitFor(() => postsTo(channel)[0], 10_000, 'the reply');
  expect(response.at).toBeLessThan(post.respondedAt);
  expect(response.at).toBeLessThan(post.receivedAt + 1500);
});

test('a quick-reply button click is processed as the customer’s message and answered', async () => {
  const channel = 'D0BUTTONS01';
  await deliverChecked(dmEvent('hi', { channel }));
  await h.settle();
  const [greeting] = postsTo(channel);
  const actions = blocksOf(greeting!).find((b) => b.type === 'actions') as { block_id: string; elements: { action_id: string; value: string }[] };
  expect(actions.block_id).toBe(`parley_qr:${TEAM}:${channel}`);
  const button = actions.elements.find((e) => e.value === 'How do I return something?')!;
  expect(button).toBeDefined();

  const payload = blockActionsPayload({ value: button.value, actionId: button.action_id, blockId: actions.block_id, channel, messageTs: String(greeting!.response.ts) });
  const response = await h.deliver(interactivityForm(payload), 'application/x-www-form-urlencoded');
  expect(response.statusCode).toBe(200);
  await h.settle();
  const posts = postsTo(channel);
  expect(posts).toHaveLength(2);
  expect(String(posts[1]!.params.text)).toMatch(/return/i);
  const messages = await parley.store.listMessages(await conversationOf(`${TEAM}:${channel}`));
  expect(messages.filter((m) => m.role === 'customer').map((m) => m.text)).toEqual(['hi', 'How do I return something?']);
});

test('images in replies are sent with absolute URLs', async () => {
  const channel = 'D0SIZECHART';
  await deliverChecked(dmEvent('Where can I find your size chart?', { channel }));
  await h.settle();
  const [post] = postsTo(channel);
  // The sample's chart is an SVG, which Slack's image blocks do not render: it is linked with its absolute URL.
  expect(JSON.stringify(blocksOf(post!))).toContain('https://bot.example.com/assets/size-chart.svg');
});

test('the adapter sends proactively to the conversation’s Slack thread', async () => {
  const thread = String((mentionEvent('x').event as { ts: string }).ts);
  await deliverChecked(mentionEvent('where is my order?', { ts: thread }));
  await h.settle();
  const conversationId = await conversationOf(`${TEAM}:${SUPPORT_CHANNEL}:${thread}`);
  const activity = { id: 'act_agent', type: 'message' as const, channel: 'slack', conversationId, from: { id: 'agent-1', role: 'agent' as const }, text: 'Hi, this is Sam from the team.', timestamp: new Date().toISOString() };
  await h.channel.adapter.send(activity);
  const last = postsInThread(thread).at(-1)!;
  expect(last.params).toMatchObject({ channel: SUPPORT_CHANNEL, thread_ts: thread, text: 'Hi, this is Sam from the team.' });
  await expect(h.channel.adapter.send({ ...activity, conversationId: 'conv_unknown' })).rejects.toMatchObject({ code: 'not_found' });
});

test('a message longer than Parley processes gets a notice, not a turn', async () => {
  const channel = 'D0TOOLONG01';
  await deliverChecked(dmEvent(`refund ${'x'.repeat(4000)}`, { channel }));
  await h.settle();
  expect(postsTo(channel).map((p) => p.params.text)).toEqual([expect.stringMatching(/longer than 4,000 characters/)]);
  // Kept for the team (its first 4,000 characters) with the notice, but no turn ran.
  const ref = await parley.store.findConversationRef('slack', `${TEAM}:${channel}`);
  const messages = await parley.store.listMessages(ref!.conversationId);
  expect(messages.map((m) => [m.role, m.text.length])).toEqual([['customer', 4000], ['bot', expect.any(Number)]]);
  expect(messages[1]!.text).toMatch(/longer than 4,000 characters/);
});

test('a failed post is logged and kept in the outbox; the server keeps serving', async () => {
  h.fake.options.failPost = (params) => (params.channel === 'D0NOTINCHAN' ? 'channel_not_found' : undefined);
  try {
    await deliverChecked(dmEvent('how long do refunds take?', { channel: 'D0NOTINCHAN' }));
    await h.settle();
    const failed = (await parley.store.listPendingOutbound(1000)).filter((o) => o.status === 'failed');
    expect(failed.map((o) => o.conversationId)).toContain(await conversationOf(`${TEAM}:D0NOTINCHAN`));
  } finally {
    delete h.fake.options.failPost;
  }
  const ok = await h.deliver(JSON.stringify(urlVerification('still-up')), 'application/json');
  expect(ok.json()).toEqual({ challenge: 'still-up' });
});
