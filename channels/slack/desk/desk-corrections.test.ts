import { runCli } from '../../../bot/app/cli.js';
import { startDeskTestbed, type DeskTestbed } from '../../../bot/app/testing/desk-testbed.js';
import { waitFor } from '../testing/harness.js';
import { dmEvent } from '../testing/payloads.js';
import { webApiViolations } from '../testing/specs.js';
import { CORRECT_SHORTCUT, CORRECTION_INPUT, DESK_ACTIONS } from './blocks.js';
import { AGENT, buttonClick, ESCALATION_CHANNEL, messageShortcut, viewSubmission } from './testing/desk-payloads.js';

let bed: DeskTestbed;

beforeAll(async () => {
  bed = await startDeskTestbed();
});

afterAll(async () => {
  await bed.close();
  expect(webApiViolations(bed.fake.requests)).toEqual([]);
});

type Frame = Record<string, unknown>;
interface ChatAnswer {
  conversationId: string;
  token: string;
  replies: { text: string; action: string; sources: { id: string }[] }[];
}

async function ask(text: string, conversation?: { id: string; token: string }): Promise<ChatAnswer> {
  const response = await fetch(`${bed.url}/api/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(conversation ? { authorization: `Bearer ${conversation.token}` } : {}) },
    body: JSON.stringify({ userId: 'corrections-user', text, ...(conversation ? { conversationId: conversation.id } : {}) }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as ChatAnswer;
}

const QUESTION = 'how long do refunds take?';
const CORRECTED = 'Refunds reach your card within 3 business days of our warehouse scanning the return. Store credit is instant.';

test('a wrong answer corrected in the modal is stored, re-indexed at once and wins for the same question; reverting restores the ticket', async () => {
  // The bot answers from a ticket; the customer then asks for a person.
  const first = await ask(QUESTION);
  const [answer] = first.replies;
  expect(answer!.action).toBe('answer');
  const ticketId = answer!.sources[0]!.id;
  const conversation = { id: first.conversationId, token: first.token };
  await ask('that is not what I asked, let me talk to a person', conversation);
  const escalation = await bed.escalation(first.conversationId);
  const threadTs = String((escalation.desk as { threadTs: string }).threadTs);

  // The card shows the bot answer with a Correct button.
  const card = bed.fake.posts().find((p) => p.params.channel === ESCALATION_CHANNEL && p.response.ts === threadTs)!;
  const blocks = JSON.parse(String(card.params.blocks)) as { accessory?: { action_id: string; value: string }; text?: { text: string } }[];
  const correct = blocks.find((b) => b.accessory?.action_id.startsWith(`${DESK_ACTIONS.correct}_act_`) && b.text?.text.includes(answer!.text.slice(0, 30)))!.accessory!;

  // Correct → views.open with the modal prefilled with the question and the bot's answer.
  const before = bed.fake.calls('views.open').length;
  expect((await bed.interact(buttonClick({ user: AGENT, actionId: correct.action_id, value: correct.value, messageTs: threadTs }))).statusCode).toBe(200);
  const opened = await waitFor(() => bed.fake.calls('views.open')[before], 10_000, 'views.open');
  const view = JSON.parse(String(opened.params.view)) as Record<string, unknown> & { blocks: Frame[] };
  expect(String(opened.params.trigger_id)).toMatch(/^\d+\./);
  expect(view).toMatchObject({ type: 'modal', callback_id: 'parley_correction' });
  expect(JSON.stringify(view.blocks)).toContain(QUESTION);
  expect(JSON.stringify(view.blocks)).toContain(`Corrects ticket ${ticketId}`);
  const input = view.blocks.find((b) => b.block_id === CORRECTION_INPUT.block) as { element: { initial_value: string } };
  expect(input.element.initial_value).toBe(answer!.text);

  // The agent submits the corrected answer.
  const submitted = await bed.interact(viewSubmission({ user: AGENT, view, values: { [CORRECTION_INPUT.block]: { [CORRECTION_INPUT.action]: CORRECTED } } }));
  expect(submitted.statusCode).toBe(200);
  const [record] = await waitFor(async () => {
    const list = await bed.parley.corrections.list();
    return list.length ? list : undefined;
  }, 10_000, 'the correction');
  expect(record).toMatchObject({ question: QUESTION, original: answer!.text, corrected: CORRECTED, correctsTicketId: ticketId, agent: AGENT, agentName: 'Alex', conversationId: first.conversationId, revertedAt: null });
  expect(Date.parse(record!.createdAt)).not.toBeNaN();

  // Shared convention with the fine-tuning dataset: the correction is also a ticket of source "corrections".
  const [ticket] = await bed.parley.store.listTickets({ source: 'corrections' });
  expect(ticket).toMatchObject({ id: record!.id, question: QUESTION, answer: CORRECTED, source: 'corrections', metadata: { corrects: ticketId, correctionId: record!.id, agent: 'Alex' } });
  await waitFor(() => bed.threadPosts(threadTs).find((p) => p.text.includes(record!.id)), 10_000, 'the correction note in the thread');

  // The same question, asked anew through the real bot, gets the correction — not the corrected ticket.
  const again = await ask(QUESTION);
  expect(again.replies[0]).toMatchObject({ action: 'answer', text: `${CORRECTED} [1]` });
  expect(again.replies[0]!.sources[0]!.id).toBe(record!.id);
  expect(again.replies[0]!.sources.map((s) => s.id)).not.toContain(ticketId);

  // Listed by the CLI with who and what; reverting brings the ticket's answer back.
  const lines: string[] = [];
  expect(await runCli(['corrections', 'list', '--json'], { out: (l) => lines.push(l), err: () => undefined }, { PARLEY_HOME: bed.parley.config.home })).toBe(0);
  expect(JSON.parse(lines.at(-1)!)).toMatchObject({ corrections: [{ id: record!.id, agent: AGENT, corrected: CORRECTED, correctsTicketId: ticketId }] });
  // Reverted from the CLI (another process): the running server stops using it at once.
  lines.length = 0;
  expect(await runCli(['corrections', 'revert', '--id', record!.id, '--by', 'lead@example.com', '--json'], { out: (l) => lines.push(l), err: () => undefined }, { PARLEY_HOME: bed.parley.config.home })).toBe(0);
  expect(JSON.parse(lines.at(-1)!)).toMatchObject({ id: record!.id, revertedBy: 'lead@example.com' });
  expect(await bed.parley.store.listTickets({ source: 'corrections' })).toEqual([]);
  const reverted = await ask(QUESTION);
  expect(reverted.replies[0]!.sources[0]!.id).toBe(ticketId);
  expect(reverted.replies[0]!.text).toBe(answer!.text);
  await expect(bed.parley.corrections.revert(record!.id, 'again')).rejects.toMatchObject({ code: 'not_found' });
});

test('the "Correct this answer" message shortcut opens the modal for the thread\'s conversation', async () => {
  const first = await ask('I need a human agent about my parcel please');
  const escalation = await bed.escalation(first.conversationId);
  const threadTs = String((escalation.desk as { threadTs: string }).threadTs);
  const before = bed.fake.calls('views.open').length;
  const shortcut = messageShortcut({ user: AGENT, callbackId: CORRECT_SHORTCUT, message: { ts: threadTs, text: 'Escalation card' } });
  expect((await bed.interact(shortcut)).statusCode).toBe(200);
  const opened = await waitFor(() => bed.fake.calls('views.open')[before], 10_000, 'views.open from the shortcut');
  const view = JSON.parse(String(opened.params.view)) as { private_metadata: string; blocks: Frame[] };
  expect(JSON.parse(view.private_metadata)).toMatchObject({ h: escalation.id, c: first.conversationId });
  expect(JSON.stringify(view.blocks)).toContain('parcel');
});

test('the shortcut on a bot reply in a Slack customer conversation corrects it, confirms to the agent, and the bot answers with it', async () => {
  const channel = 'D0SHORTCUT1';
  expect((await bed.event(dmEvent('Which size should I take?', { channel }))).statusCode).toBe(200);
  const answer = await waitFor(() => bed.fake.posts().find((p) => p.params.channel === channel), 10_000, 'the bot answer in the DM');
  const before = bed.fake.calls('views.open').length;
  const text = String(answer.params.text);
  await bed.interact(messageShortcut({ user: AGENT, callbackId: CORRECT_SHORTCUT, channel, message: { ts: String(answer.response.ts), text } }));
  const opened = await waitFor(() => bed.fake.calls('views.open')[before], 10_000, 'views.open from the DM shortcut');
  const view = JSON.parse(String(opened.params.view)) as Record<string, unknown> & { blocks: Frame[] };
  expect(JSON.stringify(view.blocks)).toContain('Which size should I take?');
  await bed.interact(viewSubmission({ user: AGENT, view, values: { [CORRECTION_INPUT.block]: { [CORRECTION_INPUT.action]: 'Take your usual size; our fits run true to size.' } } }));
  const confirmation = await waitFor(() => bed.fake.calls('chat.postEphemeral').find((c) => c.params.channel === channel && c.params.user === AGENT), 10_000, 'the confirmation');
  expect(String(confirmation.params.text)).toMatch(/corrected the answer to “Which size should I take\?”/);
  const [latest] = await bed.parley.corrections.list();
  expect(latest).toMatchObject({ question: 'Which size should I take?', corrected: 'Take your usual size; our fits run true to size.', agent: AGENT });
  expect(latest!.original.replace(/\s+/g, ' ')).toBe(text.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/\s+/g, ' '));
  const again = await ask('Which size should I take?');
  expect(again.replies[0]).toMatchObject({ action: 'answer', text: 'Take your usual size; our fits run true to size. [1]' });
});

test('CLI: reverting an unknown or malformed correction id exits 2 naming the problem', async () => {
  const run = async (args: string[]) => {
    const out: string[] = [];
    const code = await runCli(args, { out: (l) => out.push(l), err: () => undefined }, { PARLEY_HOME: bed.parley.config.home });
    return { code, last: JSON.parse(out.at(-1) ?? '{}') as { error?: { code: string; message: string } } };
  };
  const malformed = await run(['corrections', 'revert', '--id', 'nope', '--json']);
  expect(malformed.code).toBe(2);
  expect(malformed.last.error?.message).toContain('--id');
  const unknown = await run(['corrections', 'revert', '--id', `corr_${'0'.repeat(32)}`, '--json']);
  expect(unknown).toMatchObject({ code: 2, last: { error: { code: 'not_found' } } });
});
