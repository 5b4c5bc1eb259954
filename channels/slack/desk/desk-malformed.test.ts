import type { App } from '@slack/bolt';
import { silentLogger, type Logger, type Store } from '../../../bot/core/index.js';
import type { Corrections, HandoffService } from '../../../dialogs/index.js';
import type { KnowledgeBase } from '../../../knowledge/index.js';
import { channelMessageEvent } from '../testing/payloads.js';
import { CORRECT_SHORTCUT, CORRECTION_INPUT, CORRECTION_VIEW, DESK_ACTIONS, encodeTarget } from './blocks.js';
import type { SlackDesk } from './desk.js';
import { attachDeskListeners } from './listeners.js';
import { AGENT, buttonClick, ESCALATION_CHANNEL, messageShortcut, viewSubmission } from './testing/desk-payloads.js';

type Handler = (args: Record<string, unknown>) => Promise<void>;

/** The desk's listeners on a stand-in Bolt app: each payload goes to the listener Bolt would route it to. */
function attach() {
  const handlers: { kind: string; match: unknown; handler: Handler }[] = [];
  const register = (kind: string) => (match: unknown, handler: Handler) => void handlers.push({ kind, match, handler });
  const app = { action: register('action'), shortcut: register('shortcut'), view: register('view'), event: register('event') } as unknown as App;
  const calls: string[] = [];
  const warnings: Record<string, unknown>[] = [];
  const errors: Record<string, unknown>[] = [];
  const logger: Logger = { ...silentLogger, warn: (obj) => void warnings.push(obj), error: (obj) => void errors.push(obj) };
  const record = (name: string, answer: unknown = undefined) => async (...args: unknown[]) => (calls.push(`${name} ${JSON.stringify(args)}`), answer);
  const desk = { channel: ESCALATION_CHANNEL, ephemeral: record('ephemeral'), agent: async (id: string) => ({ id }), openCorrection: record('openCorrection'), postInThread: record('postInThread') } as unknown as SlackDesk;
  const service = { claim: record('claim', { ok: true }), resolve: record('resolve', { ok: true }), returnToBot: record('returnToBot', { ok: true }), agentMessage: record('agentMessage') } as unknown as HandoffService;
  const store = {
    handoffs: { findHandoffByThread: record('findHandoffByThread'), getHandoff: record('getHandoff') },
    findConversationRef: record('findConversationRef'),
    receiveInbound: async (...args: unknown[]) => (calls.push(`receiveInbound ${JSON.stringify(args)}`), { duplicate: false, inboxId: 'in_1' }),
    completeInbound: record('completeInbound'),
    // draftCorrection reads the conversation's messages: none here, so a correction stops after its payload is read.
    listMessages: async (...args: unknown[]) => (calls.push(`listMessages ${JSON.stringify(args)}`), []),
  } as unknown as Store;
  attachDeskListeners(app, { desk, service, corrections: { correct: record('correct') } as unknown as Corrections, store, knowledge: {} as KnowledgeBase, logger });

  const route = (kind: string, key: string) => handlers.find((h) => {
    if (h.kind !== kind) return false;
    const match = h.match as string | { action_id?: string | RegExp; callback_id?: string };
    if (typeof match === 'string') return match === key;
    const id = match.action_id ?? match.callback_id;
    return id instanceof RegExp ? id.test(key) : id === key;
  })!.handler;
  let acks = 0;
  const ack = async () => void (acks += 1);
  return {
    calls,
    warnings,
    errors,
    acks: () => acks,
    click: (body: Record<string, unknown>) => route('action', String((body.actions as { action_id: string }[])[0]!.action_id))({ ack, body }),
    shortcut: (body: Record<string, unknown>) => route('shortcut', String(body.callback_id))({ ack, body }),
    submit: (body: Record<string, unknown>) => route('view', CORRECTION_VIEW)({ ack, body, view: body.view }),
    message: (body: Record<string, unknown>) => route('event', 'message')({ body, event: body.event }),
  };
}

const claim = buttonClick({ user: AGENT, actionId: DESK_ACTIONS.claim, value: 'hof_1', messageTs: '1710000000.000100' });
const correct = buttonClick({ user: AGENT, actionId: `${DESK_ACTIONS.correct}_act_1`, value: encodeTarget({ handoffId: 'hof_1', conversationId: 'conv_1', messageId: 'act_1' }), messageTs: '1710000000.000100' });
const view = { callback_id: CORRECTION_VIEW, private_metadata: encodeTarget({ handoffId: 'hof_1', conversationId: 'conv_1', messageId: 'act_1' }) };
const submission = viewSubmission({ user: AGENT, view, values: { [CORRECTION_INPUT.block]: { [CORRECTION_INPUT.action]: 'The corrected answer.' } } });
const shortcut = messageShortcut({ user: AGENT, callbackId: CORRECT_SHORTCUT, message: { ts: '1710000000.000100', text: 'Escalation card' } });
const reply = channelMessageEvent('Hi, Alex here.', { channel: ESCALATION_CHANNEL, threadTs: '1710000000.000100', user: AGENT });

const withField = (body: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> => {
  const copy = structuredClone(body);
  let at = copy as Record<string, unknown>;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>;
  at[path.at(-1)!] = value;
  return copy;
};

describe('desk listeners read each payload with its zod schema', () => {
  it('act on well-formed payloads (the stand-in app routes them)', async () => {
    const bed = attach();
    await bed.click(claim);
    await bed.click(correct);
    await bed.shortcut(shortcut);
    await bed.submit(submission);
    await bed.message(reply);
    expect(bed.calls.filter((c) => /^(claim|listMessages|findHandoffByThread|receiveInbound|agentMessage) /.test(c)).map((c) => c.split(' ')[0])).toEqual([
      'claim', 'listMessages', 'findHandoffByThread', 'listMessages', 'receiveInbound', 'agentMessage',
    ]);
    expect(bed.calls.find((c) => c.startsWith('claim '))).toContain('"hof_1"');
    expect([bed.warnings, bed.errors, bed.acks()]).toEqual([[], [], 4]);
  });

  it.each([
    ['a click without the button value', () => ({ send: 'click' as const, body: withField(claim, ['actions', '0', 'value'], undefined) }), 'actions.0.value'],
    ['a click whose user has no id', () => ({ send: 'click' as const, body: withField(claim, ['user'], { name: 'alex' }) }), 'user.id'],
    ['a Correct click whose value is not JSON', () => ({ send: 'click' as const, body: withField(correct, ['actions', '0', 'value'], 'hof_1') }), 'actions.0.value'],
    ['a Correct click whose target ids are numbers', () => ({ send: 'click' as const, body: withField(correct, ['actions', '0', 'value'], JSON.stringify({ h: 1, c: 2, m: null })) }), 'actions.0.value.h'],
    ['a Correct click without trigger_id', () => ({ send: 'click' as const, body: withField(correct, ['trigger_id'], null) }), 'trigger_id'],
    ['a shortcut on a message without ts', () => ({ send: 'shortcut' as const, body: withField(shortcut, ['message', 'ts'], 17) }), 'message.ts'],
    ['a shortcut without a channel', () => ({ send: 'shortcut' as const, body: withField(shortcut, ['channel'], 'C0ESCALATE1') }), 'channel'],
    ['a submission with broken private_metadata', () => ({ send: 'submit' as const, body: withField(submission, ['view', 'private_metadata'], '{"h":') }), 'view.private_metadata'],
    ['a submission whose input value is a number', () => ({ send: 'submit' as const, body: withField(submission, ['view', 'state', 'values', CORRECTION_INPUT.block, CORRECTION_INPUT.action, 'value'], 42) }), `view.state.values.${CORRECTION_INPUT.block}.${CORRECTION_INPUT.action}.value`],
    ['a desk thread message whose text is an object', () => ({ send: 'message' as const, body: withField(reply, ['event', 'text'], { text: 'hi' }) }), 'event.text'],
    ['a desk thread message whose user is a number', () => ({ send: 'message' as const, body: withField(reply, ['event', 'user'], 7) }), 'event.user'],
  ] as const)('%s: a warning naming the field, nothing done, no error', async (_name, make, field) => {
    const bed = attach();
    const { send, body } = make();
    await expect(bed[send](body)).resolves.toBeUndefined();
    expect(bed.warnings).toEqual([{ field, reason: expect.stringContaining(`"${field}"`) }]);
    expect(bed.calls).toEqual([]);
    expect(bed.errors).toEqual([]);
    if (send !== 'message') expect(bed.acks()).toBe(1);
  });

  it('ignores messages that are not the desk\'s without a word, however malformed', async () => {
    const bed = attach();
    await bed.message(withField(channelMessageEvent('elsewhere', { channel: 'C0OTHER0001', threadTs: '1.2', user: AGENT }), ['event', 'text'], 5));
    await bed.message(withField(reply, ['event', 'channel'], 12));
    await bed.message(withField(reply, ['event'], 'not an event'));
    // In the desk channel but no agent reply: a top-level message, the bot's own post, an edit.
    await bed.message(withField(reply, ['event', 'thread_ts'], undefined));
    await bed.message(withField(reply, ['event', 'bot_id'], 'B0PARLEYBOT'));
    await bed.message(withField(reply, ['event', 'subtype'], 'message_changed'));
    expect([bed.warnings, bed.errors, bed.calls]).toEqual([[], [], []]);
  });
});
