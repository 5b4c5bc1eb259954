import { ChatClient, startDeskTestbed, type DeskTestbed } from '../../../bot/app/testing/desk-testbed.js';
import { waitFor } from '../testing/harness.js';
import { channelMessageEvent } from '../testing/payloads.js';
import { eventErrors, slackSpecsAvailable, SLACK_SPECS_DIR, webApiViolations } from '../testing/specs.js';
import { DESK_ACTIONS } from './blocks.js';
import { AGENT, buttonClick, ESCALATION_CHANNEL } from './testing/desk-payloads.js';

if (!slackSpecsAvailable) console.warn(`${SLACK_SPECS_DIR} is missing: skipping the checks against Slack's Web API document`);

let bed: DeskTestbed;

beforeAll(async () => {
  bed = await startDeskTestbed();
});

afterAll(async () => {
  await bed.close();
  expect(webApiViolations(bed.fake.requests)).toEqual([]);
});

type Frame = Record<string, unknown>;
const blocksOf = (params: Record<string, unknown>): Frame[] => JSON.parse(String(params.blocks)) as Frame[];
const cardOf = (threadTs: string) => bed.fake.posts().find((p) => p.params.channel === ESCALATION_CHANNEL && p.response.ts === threadTs);

test('web chat customer → card → Claim → agent reply reaches the customer → customer answer in the thread → Return to bot → the bot answers again', async () => {
  const { client, ready } = await ChatClient.connect(bed.url, { userId: 'shopper-42' });
  const conversationId = String(ready.conversationId);
  try {
    // The customer asks something, then asks for a person.
    client.say('how long do refunds take?', 'q1');
    const firstAnswer = await client.next((f) => f.type === 'reply' && f.clientMessageId === 'q1');
    expect((firstAnswer.reply as Frame).action).toBe('answer');
    client.say('can I talk to a human please', 'q2');
    const handoff = await client.next((f) => f.type === 'reply' && f.clientMessageId === 'q2');
    expect((handoff.reply as Frame).action).toBe('handoff');

    // One card in the escalation channel: customer, channel, reason, summary, last messages, suggestion with sources, buttons.
    const escalation = await bed.escalation(conversationId);
    expect(escalation.status).toBe('waiting');
    const threadTs = String((escalation.desk as { threadTs: string }).threadTs);
    const card = cardOf(threadTs)!;
    expect(card.params.thread_ts).toBeUndefined();
    const cardText = JSON.stringify(blocksOf(card.params));
    expect(cardText).toContain('shopper-42');
    expect(cardText).toContain('webchat');
    expect(cardText).toContain('customer_request');
    expect(cardText).toContain('Summary');
    expect(cardText).toContain('how long do refunds take?');
    expect(cardText).toMatch(/Suggested answer/);
    expect(cardText).toMatch(/Source: NWT-\d+/);
    const actions = blocksOf(card.params).find((b) => b.type === 'actions') as { elements: { action_id: string; value: string }[] };
    expect(actions.elements.map((e) => e.action_id)).toEqual([DESK_ACTIONS.claim, DESK_ACTIONS.resolve, DESK_ACTIONS.return]);
    expect(actions.elements.every((e) => e.value === escalation.id)).toBe(true);

    // Claim (a signed block_actions request): the card is updated and the customer is told who joined.
    const claim = await bed.interact(buttonClick({ user: AGENT, actionId: DESK_ACTIONS.claim, value: escalation.id, messageTs: threadTs }));
    expect(claim.statusCode).toBe(200);
    const joined = await client.next((f) => f.type === 'message' && /Alex from our team has joined/.test(String((f.message as Frame).text)));
    expect((joined.message as Frame).role).toBe('system');
    const claimed = await waitFor(async () => ((await bed.parley.store.handoffs.getHandoff(escalation.id))?.status === 'claimed' ? true : undefined));
    expect(claimed).toBe(true);
    await waitFor(() => bed.fake.calls('chat.update').find((u) => u.params.ts === threadTs && JSON.stringify(u.params.blocks).includes(`Claimed by <@${AGENT}>`)), 10_000, 'the updated card');

    // The agent replies in the thread (a signed Events API message): the customer receives it, as the agent.
    const reply = channelMessageEvent('Hi, I am Alex. Could you tell me your order number?', { channel: ESCALATION_CHANNEL, threadTs, user: AGENT });
    if (slackSpecsAvailable) expect(eventErrors(reply)).toEqual([]);
    expect((await bed.event(reply)).statusCode).toBe(200);
    const agentMessage = await client.next((f) => f.type === 'message' && (f.message as Frame).role === 'agent');
    expect(agentMessage.message).toMatchObject({ role: 'agent', text: 'Hi, I am Alex. Could you tell me your order number?', authorName: 'Alex', channel: 'webchat' });

    // The customer answers: it appears in the thread, and the bot does not answer it.
    client.say('It is order 55123, thanks', 'q3');
    await client.next((f) => f.type === 'ack' && f.clientMessageId === 'q3');
    await waitFor(() => bed.threadPosts(threadTs).find((p) => p.text.includes('It is order 55123')), 10_000, 'the customer message in the thread');
    expect(bed.threadPosts(threadTs).find((p) => p.text.includes('55123'))!.text).toMatch(/^\*Customer:\*/);
    expect(client.frames.some((f) => f.type === 'reply' && f.clientMessageId === 'q3')).toBe(false);

    // Return to bot: the customer is told, and the bot answers the next question itself.
    expect((await bed.interact(buttonClick({ user: AGENT, actionId: DESK_ACTIONS.return, value: escalation.id, messageTs: threadTs }))).statusCode).toBe(200);
    await client.next((f) => f.type === 'message' && /back with our assistant/.test(String((f.message as Frame).text)));
    const conversation = await bed.parley.store.getConversation(conversationId);
    expect(conversation).toMatchObject({ status: 'open', handoffReason: null });
    expect(conversation!.metadata.handoffFailures).toBe(0);
    client.say('how long do refunds take?', 'q4');
    const botAgain = await client.next((f) => f.type === 'reply' && f.clientMessageId === 'q4');
    expect(botAgain.reply).toMatchObject({ action: 'answer' });
    expect(((botAgain.reply as Frame).sources as Frame[])[0]!.id).toMatch(/^NWT-/);
    expect((await bed.parley.store.handoffs.getHandoff(escalation.id))?.status).toBe('returned');

    // The transcript keeps the agent's message with role agent, in order.
    const roles = (await bed.parley.store.listMessages(conversationId)).map((m) => `${m.role}:${m.text.slice(0, 12)}`);
    expect(roles.indexOf('agent:Hi, I am Ale')).toBeGreaterThan(roles.indexOf('customer:can I talk t'));
  } finally {
    client.close();
  }
});

test("REST: during a handoff the agent's messages are listed with role agent, and the customer gets a receipt", async () => {
  const post = async (body: Frame, token?: string) => {
    const response = await fetch(`${bed.url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
    return (await response.json()) as { conversationId: string; token: string; replies: Frame[] };
  };
  const first = await post({ userId: 'api-user-7', text: 'I want to speak to an agent' });
  expect(first.replies[0]).toMatchObject({ action: 'handoff', handoff: { reason: 'customer_request' } });
  const escalation = await bed.escalation(first.conversationId);
  const threadTs = String((escalation.desk as { threadTs: string }).threadTs);
  await bed.interact(buttonClick({ user: AGENT, actionId: DESK_ACTIONS.claim, value: escalation.id, messageTs: threadTs }));
  await waitFor(async () => ((await bed.parley.store.handoffs.getHandoff(escalation.id))?.status === 'claimed' ? true : undefined));
  await bed.event(channelMessageEvent('Hello from the support team', { channel: ESCALATION_CHANNEL, threadTs, user: AGENT }));
  const read = async () => {
    const response = await fetch(`${bed.url}/api/conversations/${first.conversationId}/messages`, { headers: { authorization: `Bearer ${first.token}` } });
    return ((await response.json()) as { messages: Frame[] }).messages;
  };
  const messages = await waitFor(async () => ((await read()).some((m) => m.role === 'agent') ? read() : undefined), 10_000, 'the agent message');
  expect(messages.find((m) => m.role === 'agent')).toMatchObject({ role: 'agent', text: 'Hello from the support team', channel: 'rest' });
  const next = await post({ userId: 'api-user-7', text: 'my order is 88001', conversationId: first.conversationId }, first.token);
  expect(next.replies).toEqual([expect.objectContaining({ action: 'handoff', text: expect.stringContaining('Alex') })]);
  await waitFor(() => bed.threadPosts(threadTs).find((p) => p.text.includes('88001')), 10_000, 'the REST message in the thread');
});
