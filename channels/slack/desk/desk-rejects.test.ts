import { startDeskTestbed, type DeskTestbed } from '../../../bot/app/testing/desk-testbed.js';
import { waitFor } from '../testing/harness.js';
import { webApiViolations } from '../testing/specs.js';
import { channelMessageEvent, interactivityForm, signedHeaders } from '../testing/payloads.js';
import { DESK_ACTIONS } from './blocks.js';
import { AGENT, buttonClick, ESCALATION_CHANNEL, OTHER_AGENT } from './testing/desk-payloads.js';

let bed: DeskTestbed;

beforeAll(async () => {
  bed = await startDeskTestbed();
});

afterAll(async () => {
  await bed.close();
  expect(webApiViolations(bed.fake.requests)).toEqual([]);
});

async function escalate(userId: string) {
  const response = await fetch(`${bed.url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId, text: 'let me speak to a person' }) });
  const { conversationId } = (await response.json()) as { conversationId: string };
  const escalation = await bed.escalation(conversationId);
  return { conversationId, escalation, threadTs: String((escalation.desk as { threadTs: string }).threadTs) };
}

const ephemeralsTo = (user: string) => bed.fake.calls('chat.postEphemeral').filter((c) => c.params.user === user).map((c) => String(c.params.text));
const status = async (id: string) => (await bed.parley.store.handoffs.getHandoff(id))?.status;

test('forged, tampered and replayed Slack interactions are rejected with 401 and change nothing', async () => {
  const { escalation, threadTs } = await escalate('forgery-target');
  const payload = buttonClick({ user: AGENT, actionId: DESK_ACTIONS.claim, value: escalation.id, messageTs: threadTs });
  const body = interactivityForm(payload);
  const contentType = 'application/x-www-form-urlencoded';

  const forged = await bed.interact(payload, signedHeaders(body, contentType, { secret: 'not-the-signing-secret' }));
  expect(forged.statusCode).toBe(401);
  expect(forged.json()).toMatchObject({ error: { code: 'unauthorized' } });

  // The signature of the original body, on a body changed to claim as someone else.
  const tampered = await bed.interact({ ...payload, user: { id: OTHER_AGENT } }, signedHeaders(body, contentType));
  expect(tampered.statusCode).toBe(401);

  // A captured request sent again ten minutes later: its signature is valid, its timestamp is not.
  const replay = await bed.interact(payload, signedHeaders(body, contentType, { nowSeconds: Math.floor(Date.now() / 1000) - 600 }));
  expect(replay.statusCode).toBe(401);
  expect(replay.json<{ error: { message: string } }>().error.message).toMatch(/5 minutes/);

  const unsigned = await bed.interact(payload, { 'content-type': contentType });
  expect(unsigned.statusCode).toBe(401);
  expect(await status(escalation.id)).toBe('waiting');

  // The genuine request, after them, is the one that claims: none of the refused ones (the tampered one claimed as
  // someone else) took the escalation first.
  expect((await bed.interact(payload, signedHeaders(body, contentType))).statusCode).toBe(200);
  const claimed = await waitFor(async () => {
    const handoff = await bed.parley.store.handoffs.getHandoff(escalation.id);
    return handoff?.status === 'claimed' ? handoff : undefined;
  }, 10_000, 'the genuine claim');
  expect(claimed.claimedBy).toBe(AGENT);
  expect(ephemeralsTo(OTHER_AGENT)).toEqual([]);
});

test('an agent who did not claim cannot reply as the claimer: the message stays an internal note and they are told', async () => {
  const { conversationId, escalation, threadTs } = await escalate('note-target');
  const agentMessages = async () => (await bed.parley.store.listMessages(conversationId)).filter((m) => m.role === 'agent');

  // Before anyone claims, a reply is a note too.
  await bed.event(channelMessageEvent('Looking into it (note before claiming)', { channel: ESCALATION_CHANNEL, threadTs, user: AGENT }));
  await waitFor(() => ephemeralsTo(AGENT).find((t) => /internal note/.test(t) && /Claim first/.test(t)), 10_000, 'the unclaimed-note notice');

  await bed.interact(buttonClick({ user: AGENT, actionId: DESK_ACTIONS.claim, value: escalation.id, messageTs: threadTs }));
  await waitFor(async () => ((await status(escalation.id)) === 'claimed' ? true : undefined));

  // Another agent replies in the thread: not sent, and only they are told.
  await bed.event(channelMessageEvent('I can take over from here', { channel: ESCALATION_CHANNEL, threadTs, user: OTHER_AGENT }));
  const notice = await waitFor(() => ephemeralsTo(OTHER_AGENT).find((t) => /internal note/.test(t)), 10_000, 'the internal-note notice');
  expect(notice).toMatch(/Alex has claimed/);
  const ephemeral = bed.fake.calls('chat.postEphemeral').find((c) => c.params.user === OTHER_AGENT)!;
  expect(ephemeral.params).toMatchObject({ channel: ESCALATION_CHANNEL, thread_ts: threadTs });

  // Nor can they claim, resolve or return it.
  for (const actionId of [DESK_ACTIONS.claim, DESK_ACTIONS.resolve, DESK_ACTIONS.return]) {
    await bed.interact(buttonClick({ user: OTHER_AGENT, actionId, value: escalation.id, messageTs: threadTs }));
  }
  await waitFor(() => (ephemeralsTo(OTHER_AGENT).length >= 4 ? true : undefined), 10_000, 'three refusals');
  expect(ephemeralsTo(OTHER_AGENT).slice(1)).toEqual([
    'Another agent has already claimed this conversation.',
    'Only the agent who claimed this conversation can do that.',
    'Only the agent who claimed this conversation can do that.',
  ]);
  expect(await status(escalation.id)).toBe('claimed');

  // The claimer's reply is delivered once, even when Slack redelivers the event.
  const reply = channelMessageEvent('Hi, Alex here — your refund is on its way.', { channel: ESCALATION_CHANNEL, threadTs, user: AGENT });
  await bed.event(reply);
  await bed.event(reply);
  // A next message of the thread, after the redelivery, is relayed after it: by then the redelivery was handled.
  await bed.event(channelMessageEvent('Anything else I can help with?', { channel: ESCALATION_CHANNEL, threadTs, user: AGENT }));
  await waitFor(async () => ((await agentMessages()).some((m) => m.text === 'Anything else I can help with?') ? true : undefined), 10_000, 'the next message');
  expect((await agentMessages()).map((m) => [m.text, m.activity.from.id])).toEqual([
    ['Hi, Alex here — your refund is on its way.', AGENT],
    ['Anything else I can help with?', AGENT],
  ]);

  // Resolve by the claimer closes the conversation.
  await bed.interact(buttonClick({ user: AGENT, actionId: DESK_ACTIONS.resolve, value: escalation.id, messageTs: threadTs }));
  await waitFor(async () => ((await bed.parley.store.getConversation(conversationId))?.status === 'closed' ? true : undefined), 10_000, 'the closed conversation');
  expect(await status(escalation.id)).toBe('resolved');
});
