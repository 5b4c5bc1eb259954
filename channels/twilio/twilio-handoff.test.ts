import { startDeskTestbed, type DeskTestbed } from '../../bot/app/testing/desk-testbed.js';
import { DESK_ACTIONS } from '../slack/desk/index.js';
import { AGENT, buttonClick, ESCALATION_CHANNEL } from '../slack/desk/testing/desk-payloads.js';
import { waitFor } from '../slack/testing/harness.js';
import { channelMessageEvent } from '../slack/testing/payloads.js';
import { MESSAGE_WEBHOOK_PATH } from './adapter.js';
import { inboundMessageParams, signedFormPost, startFakeTwilio, type FakeTwilio } from './testing/fake-twilio.js';

const accountSid = `AC${'0123456789abcdef'.repeat(2)}`;
const authToken = 'parley-test-auth-token';
const FROM = '+14155238886';
const CUSTOMER = '+15557654321';

let twilio: FakeTwilio;
let bed: DeskTestbed;

beforeAll(async () => {
  twilio = await startFakeTwilio({ accountSid, authToken });
  bed = await startDeskTestbed({ TWILIO_ACCOUNT_SID: accountSid, TWILIO_AUTH_TOKEN: authToken, TWILIO_FROM: FROM, TWILIO_API_URL: twilio.url });
});

afterAll(async () => {
  await bed.close();
  await twilio.close();
});

test("an SMS customer's escalation is worked in Slack and the claimer's reply goes out as an SMS", async () => {
  const params = inboundMessageParams({ accountSid, from: CUSTOMER, to: FROM, body: 'I want to talk to a human about my order' });
  expect((await signedFormPost(`${bed.url}${MESSAGE_WEBHOOK_PATH}`, params, authToken)).status).toBe(200);
  const conversationId = await waitFor(async () => (await bed.parley.store.findConversationRef('twilio', CUSTOMER))?.conversationId, 10_000, 'the SMS conversation');
  const escalation = await bed.escalation(conversationId);
  const threadTs = String((escalation.desk as { threadTs: string }).threadTs);
  const card = bed.fake.posts().find((p) => p.params.channel === ESCALATION_CHANNEL && p.response.ts === threadTs)!;
  expect(String(card.params.blocks)).toContain('twilio');

  await bed.interact(buttonClick({ user: AGENT, actionId: DESK_ACTIONS.claim, value: escalation.id, messageTs: threadTs }));
  await waitFor(() => twilio.sent().find((m) => String(m.Body).includes('Alex from our team has joined')), 10_000, 'the claim notice by SMS');
  await bed.event(channelMessageEvent('Hi, this is Alex. What is your order number?', { channel: ESCALATION_CHANNEL, threadTs, user: AGENT }));
  const sms = await waitFor(() => twilio.sent().find((m) => m.Body === 'Hi, this is Alex. What is your order number?'), 10_000, 'the agent reply by SMS');
  expect(sms).toMatchObject({ To: CUSTOMER, From: FROM });

  const answer = inboundMessageParams({ accountSid, from: CUSTOMER, to: FROM, body: 'It is 42-1234' });
  await signedFormPost(`${bed.url}${MESSAGE_WEBHOOK_PATH}`, answer, authToken);
  await waitFor(() => bed.threadPosts(threadTs).find((p) => p.text.includes('42-1234')), 10_000, 'the SMS in the thread');
});
