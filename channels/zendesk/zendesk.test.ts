import { startDeskTestbed, type DeskTestbed } from '../../bot/app/testing/desk-testbed.js';
import { AGENT, buttonClick, ESCALATION_CHANNEL } from '../slack/desk/testing/desk-payloads.js';
import { DESK_ACTIONS } from '../slack/desk/index.js';
import { waitFor } from '../slack/testing/harness.js';
import { channelMessageEvent } from '../slack/testing/payloads.js';
import { ZendeskTicketing } from './adapter.js';
import { startFakeZendesk, type FakeZendesk } from './testing/fake-zendesk.js';
import { computeZendeskSignature, ZENDESK_SIGNATURE_HEADER, ZENDESK_TIMESTAMP_HEADER } from './verify.js';

const EMAIL = 'support-bot@acme.example';
const TOKEN = 'zd-api-token-123';
const SECRET = 'zd-webhook-signing-secret';

let zendesk: FakeZendesk;
let bed: DeskTestbed;

beforeAll(async () => {
  zendesk = await startFakeZendesk({ email: EMAIL, apiToken: TOKEN });
  bed = await startDeskTestbed({ ZENDESK_URL: zendesk.url, ZENDESK_EMAIL: EMAIL, ZENDESK_API_TOKEN: TOKEN, ZENDESK_WEBHOOK_SECRET: SECRET });
});

afterAll(async () => {
  await bed.close();
  await zendesk.close();
});

async function chat(body: Record<string, unknown>, token?: string) {
  const response = await fetch(`${bed.url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  return (await response.json()) as { conversationId: string; token: string };
}

const webhook = (body: string, headers: Record<string, string>) =>
  fetch(`${bed.url}/webhooks/zendesk`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

test('an escalation gets a Zendesk ticket with the transcript, messages become comments, and solving it closes the conversation', async () => {
  const { conversationId, token } = await chat({ userId: 'zd-customer', text: 'where is my parcel? I want to talk to a person' });
  const handoff = await waitFor(async () => {
    const h = (await bed.parley.store.handoffs.listHandoffs(conversationId)).at(-1);
    return h?.ticket && h.deskThread ? h : undefined;
  }, 10_000, 'the ticket');
  expect(handoff.ticket?.system).toBe('zendesk');
  const ticket = zendesk.tickets.get(Number(handoff.ticket!.id))!;
  expect(ticket).toMatchObject({ status: 'new', external_id: conversationId, tags: ['parley', 'handoff_customer_request'], requester: null });
  expect(ticket.subject).toMatch(/^Parley handoff \(asked for a person\)/);
  expect(ticket.comments[0]).toMatchObject({ public: false });
  expect(ticket.comments[0]!.body).toContain('customer: where is my parcel? I want to talk to a person');
  expect(ticket.comments[0]!.body).toContain('Transcript:');
  const create = zendesk.requests.find((r) => r.method === 'POST')!;
  expect(create).toMatchObject({ path: '/api/v2/tickets.json', status: 201 });

  // The customer's next message and the agent's reply are added as comments (PUT with ticket.comment).
  await chat({ userId: 'zd-customer', text: 'order 99812, thanks', conversationId }, token);
  await waitFor(() => ticket.comments.find((c) => c.body === 'Customer: order 99812, thanks'), 10_000, 'the customer comment');
  const threadTs = String((handoff.desk as { threadTs: string }).threadTs);
  await bed.interact(buttonClick({ user: AGENT, actionId: DESK_ACTIONS.claim, value: handoff.id, messageTs: threadTs }));
  await waitFor(async () => ((await bed.parley.store.handoffs.getHandoff(handoff.id))?.status === 'claimed' ? true : undefined));
  await bed.event(channelMessageEvent('It ships tomorrow.', { channel: ESCALATION_CHANNEL, threadTs, user: AGENT }));
  const agentComment = await waitFor(() => ticket.comments.find((c) => c.body.includes('It ships tomorrow.')), 10_000, 'the agent comment');
  expect(agentComment).toMatchObject({ body: 'Alex (agent): It ships tomorrow.', public: true });
  expect(zendesk.requests.filter((r) => r.method === 'PUT').every((r) => r.path === `/api/v2/tickets/${ticket.id}.json` && r.status === 200)).toBe(true);

  // A forged or stale webhook changes nothing; the signed one from the solved trigger closes the conversation.
  const body = JSON.stringify({ ticket_id: String(ticket.id), status: 'Solved' });
  const now = new Date().toISOString();
  expect((await webhook(body, { [ZENDESK_SIGNATURE_HEADER]: computeZendeskSignature('wrong-secret', now, body), [ZENDESK_TIMESTAMP_HEADER]: now })).status).toBe(401);
  const old = new Date(Date.now() - 10 * 60_000).toISOString();
  expect((await webhook(body, { [ZENDESK_SIGNATURE_HEADER]: computeZendeskSignature(SECRET, old, body), [ZENDESK_TIMESTAMP_HEADER]: old })).status).toBe(401);
  const bad = '{"status": "Solved"}';
  const badResponse = await webhook(bad, { [ZENDESK_SIGNATURE_HEADER]: computeZendeskSignature(SECRET, now, bad), [ZENDESK_TIMESTAMP_HEADER]: now });
  expect(badResponse.status).toBe(400);
  expect(((await badResponse.json()) as { error: { code: string; message: string } }).error).toEqual({ code: 'bad_request', message: expect.stringContaining('"ticket_id"') });
  const wrongType = JSON.stringify({ ticket_id: String(ticket.id), status: ['solved'] });
  const wrongTypeResponse = await webhook(wrongType, { [ZENDESK_SIGNATURE_HEADER]: computeZendeskSignature(SECRET, now, wrongType), [ZENDESK_TIMESTAMP_HEADER]: now });
  expect(wrongTypeResponse.status).toBe(400);
  expect(((await wrongTypeResponse.json()) as { error: { message: string } }).error.message).toMatch(/^invalid Zendesk webhook body: "status": /);
  expect((await bed.parley.store.getConversation(conversationId))?.status).toBe('needs_human');

  expect(await zendesk.solve(ticket.id, { url: `${bed.url}/webhooks/zendesk`, secret: SECRET })).toBe(200);
  expect(await bed.parley.store.getConversation(conversationId)).toMatchObject({ status: 'closed' });
  expect((await bed.parley.store.handoffs.getHandoff(handoff.id))?.status).toBe('resolved');
  const messages = await bed.parley.store.listMessages(conversationId);
  expect(messages.at(-1)?.text).toMatch(/marked this conversation as resolved/);
});

test('the adapter reports Zendesk errors with their status; a follow-up e-mail becomes the requester', async () => {
  const wrong = new ZendeskTicketing({ url: zendesk.url, email: EMAIL, apiToken: 'nope' });
  await expect(wrong.createTicket({ subject: 's', body: 'b', requester: { name: 'n' }, tags: [], externalId: 'x' })).rejects.toThrow(/answered 401: Couldn't authenticate you/);
  const right = new ZendeskTicketing({ url: `${zendesk.url}/`, email: EMAIL, apiToken: TOKEN });
  const id = await right.createTicket({ subject: 'Help', body: 'transcript', requester: { name: 'Jo', email: 'jo@example.com' }, tags: ['parley'], externalId: 'conv_1' });
  expect(zendesk.tickets.get(Number(id))?.requester).toEqual({ name: 'Jo', email: 'jo@example.com' });
  await expect(right.addComment('999999', { body: 'x', public: false })).rejects.toThrow(/answered 404: RecordNotFound/);
  await expect(right.addComment(id, { body: '   ', public: false })).rejects.toThrow(/422/);
  // A blank comment is a request Zendesk rejects: the fake keeps it, and its close() would fail on it.
  expect(zendesk.takeViolations()).toEqual([expect.stringMatching(/^Zendesk would reject PUT \/api\/v2\/tickets\/\d+\.json: ticket\.comment\.body: Comment: cannot be blank/)]);
  await expect(right.addComment('../x', { body: 'x', public: false })).rejects.toMatchObject({ code: 'bad_request' });
});
