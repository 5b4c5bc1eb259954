import type { App } from '@slack/bolt';
import { newId, type Logger, type Store } from '../../../bot/core/index.js';
import { draftCorrection, type Corrections, type HandoffService } from '../../../dialogs/index.js';
import type { KnowledgeBase } from '../../../knowledge/index.js';
import { conversationKey, plainText, SLACK_CHANNEL } from '../parse.js';
import { CORRECT_SHORTCUT, CORRECTION_INPUT, CORRECTION_VIEW, decodeTarget, DESK_ACTIONS, encodeTarget } from './blocks.js';
import { locationOf, slackDeskThread, type SlackDesk } from './desk.js';

/** What the desk's listeners work with. */
export interface DeskListenerDeps {
  desk: SlackDesk;
  service: HandoffService;
  corrections: Corrections;
  store: Store;
  knowledge: KnowledgeBase;
  logger: Logger;
}

type Json = Record<string, unknown>;
const rec = (value: unknown): Json => (typeof value === 'object' && value !== null ? (value as Json) : {});
const str = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);

const REFUSALS: Record<string, string> = {
  claimed_by_other: 'Another agent has already claimed this conversation.',
  not_claimer: 'Only the agent who claimed this conversation can do that.',
  finished: 'This conversation is no longer handed off.',
  unknown: 'This escalation no longer exists.',
};

/**
 * The desk's Bolt listeners: Claim / Resolve / Return to bot buttons, Correct / Edit answer buttons and the "Correct
 * this answer" message shortcut (both open the correction modal), the modal's submission, and agents' replies in
 * escalation threads. Each acks first; failures are logged and the agent is told.
 */
export function attachDeskListeners(app: App, deps: DeskListenerDeps): void {
  const { desk, service, logger } = deps;
  const safely = (what: string, work: () => Promise<void>) =>
    work().catch((error: unknown) => logger.error({ err: error }, `Slack desk: ${what} failed`));

  const where = (body: Json) => {
    const container = rec(body.container);
    return { channel: str(rec(body.channel).id) ?? str(container.channel_id) ?? desk.channel, threadTs: str(container.thread_ts) ?? str(container.message_ts) };
  };

  const deskAction = (actionId: string, run: (handoffId: string, agentId: string) => Promise<{ ok: boolean; reason?: string }>) => {
    app.action({ type: 'block_actions', action_id: actionId }, async ({ ack, body, action }) => {
      await ack();
      await safely(actionId, async () => {
        const user = str(rec(rec(body).user).id);
        const handoffId = str(rec(action).value);
        if (!user || !handoffId) return;
        const result = await run(handoffId, user);
        if (!result.ok) {
          const { channel, threadTs } = where(rec(body));
          await desk.ephemeral(channel, user, REFUSALS[result.reason ?? ''] ?? `Not done: ${result.reason ?? 'refused'}.`, threadTs);
        }
      });
    });
  };
  deskAction(DESK_ACTIONS.claim, async (id, user) => service.claim(id, await desk.agent(user)));
  deskAction(DESK_ACTIONS.resolve, async (id, user) => service.resolve(id, await desk.agent(user)));
  deskAction(DESK_ACTIONS.return, async (id, user) => service.returnToBot(id, await desk.agent(user)));

  const openModal = async (triggerId: string, user: string, channel: string, threadTs: string | undefined, target: { handoffId: string | null; conversationId: string | null; messageId: string | null; messageText?: string | null }) => {
    const draft = target.conversationId ? await draftCorrection(deps.store, deps.knowledge, { conversationId: target.conversationId, messageId: target.messageId, messageText: target.messageText ?? null }) : undefined;
    if (!draft) {
      await desk.ephemeral(channel, user, 'There is no bot answer to correct here.', threadTs);
      return;
    }
    await desk.openCorrection(triggerId, {
      target: { handoffId: target.handoffId, conversationId: draft.conversationId, messageId: draft.messageId, channel, threadTs },
      question: draft.question,
      original: draft.original,
      ticketId: draft.ticketId,
    });
  };

  app.action({ type: 'block_actions', action_id: new RegExp(`^${DESK_ACTIONS.correct}`) }, async ({ ack, body, action }) => {
    await ack();
    await safely('open the correction modal', async () => {
      const payload = rec(body);
      const user = str(rec(payload.user).id);
      const trigger = str(payload.trigger_id);
      const target = decodeTarget(rec(action).value);
      const { channel, threadTs } = where(payload);
      if (user && trigger && target) await openModal(trigger, user, channel, threadTs, target);
    });
  });

  app.shortcut({ type: 'message_action', callback_id: CORRECT_SHORTCUT }, async ({ ack, body }) => {
    await ack();
    await safely('the correction shortcut', async () => {
      const payload = rec(body);
      const user = str(rec(payload.user).id) ?? '';
      const trigger = str(payload.trigger_id);
      const channel = str(rec(payload.channel).id) ?? '';
      const message = rec(payload.message);
      const threadTs = str(message.thread_ts) ?? str(message.ts);
      if (!trigger || !channel || !threadTs) return;
      const handoff = await deps.store.handoffs.findHandoffByThread(slackDeskThread(channel, threadTs));
      const team = str(rec(payload.team).id) ?? '';
      // A desk thread names its conversation; elsewhere the thread or DM is a Slack customer conversation.
      const ref = handoff ? undefined : (await deps.store.findConversationRef(SLACK_CHANNEL, conversationKey(team, channel, threadTs))) ?? (await deps.store.findConversationRef(SLACK_CHANNEL, conversationKey(team, channel)));
      const conversationId = handoff?.conversationId ?? ref?.conversationId ?? null;
      await openModal(trigger, user, channel, threadTs, { handoffId: handoff?.id ?? null, conversationId, messageId: null, messageText: plainText(str(message.text) ?? '') });
    });
  });

  app.view(CORRECTION_VIEW, async ({ ack, body, view }) => {
    await ack();
    await safely('save a correction', async () => {
      const user = str(rec(rec(body).user).id) ?? '';
      const target = decodeTarget(view.private_metadata);
      const value = str(rec(rec(rec(view.state.values)[CORRECTION_INPUT.block])[CORRECTION_INPUT.action]).value);
      if (!target?.conversationId || !value) return;
      const draft = await draftCorrection(deps.store, deps.knowledge, { conversationId: target.conversationId, messageId: target.messageId });
      if (!draft) return;
      const agent = await desk.agent(user);
      const record = await deps.corrections.correct({
        question: draft.question,
        original: draft.original,
        corrected: value,
        correctsTicketId: draft.ticketId,
        agent: user,
        agentName: agent.name ?? null,
        conversationId: draft.conversationId,
        messageId: draft.messageId,
      });
      const handoff = target.handoffId ? await deps.store.handoffs.getHandoff(target.handoffId) : undefined;
      const location = handoff ? locationOf(handoff) : undefined;
      const outcome = record.quarantine
        ? `it is held for review and not used (${record.quarantine.map((r) => r.message).join('; ')}; see parley tickets quarantine)`
        : 'the bot uses it from now on';
      const note = `${agent.name ?? user} corrected the answer to “${draft.question}”${draft.ticketId ? ` (ticket ${draft.ticketId})` : ''}; ${outcome}. Correction ${record.id}.`;
      if (location) await desk.postInThread(location.channel, location.threadTs, note);
      else if (target.channel) await desk.ephemeral(target.channel, user, note, target.threadTs);
      logger.info({ correctionId: record.id, agent: user, ticket: draft.ticketId, target: encodeTarget(target) }, 'answer corrected');
    });
  });

  app.event('message', async ({ body, event }) => {
    await safely('relay an agent reply', async () => {
      const e = rec(event);
      const channel = str(e.channel);
      const threadTs = str(e.thread_ts);
      const user = str(e.user);
      if (channel !== desk.channel || !threadTs || threadTs === str(e.ts) || !user || e.subtype || e.bot_id) return;
      const text = plainText(str(e.text) ?? '');
      if (!text) return;
      // Slack redelivers events it thinks were missed: the inbox keeps each agent message to one delivery.
      const eventId = str(rec(body).event_id) ?? newId('ev');
      const receipt = await deps.store.receiveInbound({
        id: newId('act'),
        type: 'message',
        channel: 'slack-desk',
        channelMessageId: eventId,
        conversationId: slackDeskThread(channel, threadTs),
        from: { id: user, role: 'agent' },
        text,
        timestamp: new Date().toISOString(),
      });
      if (receipt.duplicate) return;
      await service.agentMessage(slackDeskThread(channel, threadTs), await desk.agent(user), text);
      await deps.store.completeInbound(receipt.inboxId, 'done');
    });
  });
}
