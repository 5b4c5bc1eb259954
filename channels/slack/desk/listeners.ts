import type { App } from '@slack/bolt';
import { newId, type Logger, type Store } from '../../../bot/core/index.js';
import { draftCorrection, type Corrections, type HandoffService } from '../../../dialogs/index.js';
import type { KnowledgeBase } from '../../../knowledge/index.js';
import { conversationKey, plainText, SLACK_CHANNEL } from '../parse.js';
import { CORRECT_SHORTCUT, CORRECTION_INPUT, CORRECTION_VIEW, DESK_ACTIONS, encodeTarget } from './blocks.js';
import { locationOf, slackDeskThread, type SlackDesk } from './desk.js';
import { AgentReplySchema, CorrectClickSchema, CorrectionShortcutSchema, CorrectionSubmissionSchema, DeskButtonClickSchema, MessageChannelSchema, readDeskPayload, type DeskClickPlace } from './schemas.js';

/** What the desk's listeners work with. */
export interface DeskListenerDeps {
  desk: SlackDesk;
  service: HandoffService;
  corrections: Corrections;
  store: Store;
  knowledge: KnowledgeBase;
  logger: Logger;
}

const REFUSALS: Record<string, string> = {
  claimed_by_other: 'Another agent has already claimed this conversation.',
  not_claimer: 'Only the agent who claimed this conversation can do that.',
  finished: 'This conversation is no longer handed off.',
  unknown: 'This escalation no longer exists.',
};

/**
 * The desk's Bolt listeners: Claim / Resolve / Return to bot buttons, Correct / Edit answer buttons and the "Correct
 * this answer" message shortcut (both open the correction modal), the modal's submission, and agents' replies in
 * escalation threads. Each acks first; failures are logged and the agent is told. Each payload is read with its zod
 * schema (`schemas.ts`): a malformed one for the desk is logged as a warning naming the field and otherwise ignored;
 * messages outside the escalation channel are not the desk's and are ignored without a word.
 */
export function attachDeskListeners(app: App, deps: DeskListenerDeps): void {
  const { desk, service, logger } = deps;
  const safely = (what: string, work: () => Promise<void>) =>
    work().catch((error: unknown) => logger.error({ err: error }, `Slack desk: ${what} failed`));

  const where = (click: DeskClickPlace) => ({
    channel: click.channel?.id || click.container?.channel_id || desk.channel,
    threadTs: click.container?.thread_ts || click.container?.message_ts || undefined,
  });

  const deskAction = (actionId: string, run: (handoffId: string, agentId: string) => Promise<{ ok: boolean; reason?: string }>) => {
    app.action({ type: 'block_actions', action_id: actionId }, async ({ ack, body }) => {
      await ack();
      await safely(actionId, async () => {
        const click = readDeskPayload(DeskButtonClickSchema, body, `Slack desk click (${actionId})`, logger);
        if (!click) return;
        const user = click.user.id;
        const result = await run(click.actions[0]!.value, user);
        if (!result.ok) {
          const { channel, threadTs } = where(click);
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

  app.action({ type: 'block_actions', action_id: new RegExp(`^${DESK_ACTIONS.correct}`) }, async ({ ack, body }) => {
    await ack();
    await safely('open the correction modal', async () => {
      const click = readDeskPayload(CorrectClickSchema, body, 'Slack desk click (correct)', logger);
      if (!click) return;
      const { channel, threadTs } = where(click);
      await openModal(click.trigger_id, click.user.id, channel, threadTs, click.actions[0]!.value);
    });
  });

  app.shortcut({ type: 'message_action', callback_id: CORRECT_SHORTCUT }, async ({ ack, body }) => {
    await ack();
    await safely('the correction shortcut', async () => {
      const shortcut = readDeskPayload(CorrectionShortcutSchema, body, 'Slack correction shortcut', logger);
      if (!shortcut) return;
      const { message, user } = shortcut;
      const channel = shortcut.channel.id;
      const threadTs = message.thread_ts || message.ts;
      const handoff = await deps.store.handoffs.findHandoffByThread(slackDeskThread(channel, threadTs));
      const team = shortcut.team?.id ?? '';
      // A desk thread names its conversation; elsewhere the thread or DM is a Slack customer conversation.
      const ref = handoff ? undefined : (await deps.store.findConversationRef(SLACK_CHANNEL, conversationKey(team, channel, threadTs))) ?? (await deps.store.findConversationRef(SLACK_CHANNEL, conversationKey(team, channel)));
      const conversationId = handoff?.conversationId ?? ref?.conversationId ?? null;
      await openModal(shortcut.trigger_id, user.id, channel, threadTs, { handoffId: handoff?.id ?? null, conversationId, messageId: null, messageText: plainText(message.text ?? '') });
    });
  });

  app.view(CORRECTION_VIEW, async ({ ack, body }) => {
    await ack();
    await safely('save a correction', async () => {
      const submission = readDeskPayload(CorrectionSubmissionSchema, body, 'Slack correction submission', logger);
      if (!submission) return;
      const user = submission.user.id;
      const target = submission.view.private_metadata;
      const value = submission.view.state.values[CORRECTION_INPUT.block]?.[CORRECTION_INPUT.action]?.value;
      if (!target.conversationId || !value) return;
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

  app.event('message', async ({ body }) => {
    await safely('relay an agent reply', async () => {
      // Messages elsewhere are not the desk's (the customer channel reads those): ignored, however they look.
      if (MessageChannelSchema.safeParse(body).data?.event.channel !== desk.channel) return;
      const reply = readDeskPayload(AgentReplySchema, body, 'Slack desk message', logger);
      if (!reply) return;
      const { event: e } = reply;
      const channel = e.channel;
      const threadTs = e.thread_ts;
      const user = e.user;
      if (!threadTs || threadTs === e.ts || !user || e.subtype || e.bot_id) return;
      const text = plainText(e.text ?? '');
      if (!text) return;
      // Slack redelivers events it thinks were missed: the inbox keeps each agent message to one delivery.
      const eventId = reply.event_id || newId('ev');
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
