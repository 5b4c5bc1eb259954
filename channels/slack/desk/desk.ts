import type { WebClient } from '@slack/web-api';
import type { HandoffRecord, Logger } from '../../../bot/core/index.js';
import type { Agent, AgentDesk, DeskThread, EscalationCard } from '../../../dialogs/index.js';
import { escapeSlack } from '../format.js';
import { correctionView, escalationBlocks, type CorrectionTarget } from './blocks.js';

/** Where a handoff lives in Slack (`HandoffRecord.desk`). */
export interface SlackDeskLocation {
  desk: 'slack';
  channel: string;
  threadTs: string;
}

/** The desk thread key of a Slack thread: `slack:<channel>:<thread_ts>`. */
export function slackDeskThread(channel: string, threadTs: string): string {
  return `slack:${channel}:${threadTs}`;
}

/** The Slack location of a handoff, when it was posted to Slack. */
export function locationOf(handoff: HandoffRecord): SlackDeskLocation | undefined {
  const desk = handoff.desk as Partial<SlackDeskLocation> | null;
  return desk?.desk === 'slack' && typeof desk.channel === 'string' && typeof desk.threadTs === 'string' ? (desk as SlackDeskLocation) : undefined;
}

/** Options of {@link SlackDesk}. */
export interface SlackDeskOptions {
  /** A Web API client with the bot token (the Slack channel's). */
  client: WebClient;
  /** The escalation channel's id (`SLACK_ESCALATION_CHANNEL`), e.g. `C0ESCALATE`. */
  channel: string;
  logger: Logger;
}

/**
 * The Slack agent desk: each escalation is a Block Kit card posted in the escalation channel, whose thread is where
 * the customer's messages appear and agents reply; the card is updated on claim / resolve / return (chat.update),
 * agents get ephemeral notices (chat.postEphemeral), corrections open a modal (views.open). Agent names come from
 * users.info (cached).
 */
export class SlackDesk implements AgentDesk {
  readonly name = 'slack';
  private readonly names = new Map<string, Promise<string | undefined>>();

  constructor(private readonly options: SlackDeskOptions) {}

  /** The escalation channel's id. */
  get channel(): string {
    return this.options.channel;
  }

  async open(card: EscalationCard): Promise<DeskThread> {
    const { text, blocks } = escalationBlocks(card);
    const result = await this.options.client.chat.postMessage({ channel: this.options.channel, text, blocks, unfurl_links: false, unfurl_media: false });
    const ts = result.ts ?? '';
    const location: SlackDeskLocation = { desk: 'slack', channel: result.channel ?? this.options.channel, threadTs: ts };
    return { desk: { ...location }, deskThread: slackDeskThread(location.channel, ts) };
  }

  async update(card: EscalationCard): Promise<void> {
    const location = locationOf(card.handoff);
    if (!location) return;
    const { text, blocks } = escalationBlocks(card);
    await this.options.client.chat.update({ channel: location.channel, ts: location.threadTs, text, blocks });
  }

  async post(handoff: HandoffRecord, message: { kind: 'customer' | 'notice' | 'reminder'; text: string }): Promise<void> {
    const location = locationOf(handoff);
    if (!location) return;
    const body = escapeSlack(message.text);
    const text = message.kind === 'customer' ? `*Customer:* ${body}` : message.kind === 'reminder' ? `<!here> :alarm_clock: ${body}` : `_${body}_`;
    await this.options.client.chat.postMessage({ channel: location.channel, thread_ts: location.threadTs, text, unfurl_links: false, unfurl_media: false });
  }

  async notify(handoff: HandoffRecord, agent: Agent, text: string): Promise<void> {
    const location = locationOf(handoff);
    await this.ephemeral(location?.channel ?? this.options.channel, agent.id, text, location?.threadTs);
  }

  /** An ephemeral message to one user in a channel (thread). */
  async ephemeral(channel: string, user: string, text: string, threadTs?: string): Promise<void> {
    await this.options.client.chat.postEphemeral({ channel, user, text: escapeSlack(text), ...(threadTs ? { thread_ts: threadTs } : {}) });
  }

  /** A plain notice in a thread (e.g. a saved correction). */
  async postInThread(channel: string, threadTs: string, text: string): Promise<void> {
    await this.options.client.chat.postMessage({ channel, thread_ts: threadTs, text: escapeSlack(text), unfurl_links: false, unfurl_media: false });
  }

  /** Opens the correction modal for a click or shortcut (`trigger_id`). */
  async openCorrection(triggerId: string, input: { target: CorrectionTarget; question: string; original: string; ticketId: string | null }): Promise<void> {
    await this.options.client.views.open({ trigger_id: triggerId, view: correctionView(input) as never });
  }

  /** An agent with their display name (users.info: display name, real name or handle), cached per user. */
  async agent(userId: string): Promise<Agent> {
    let name = this.names.get(userId);
    if (!name) {
      name = this.options.client.users.info({ user: userId }).then(
        (result) => {
          const user = result.user;
          return user?.profile?.display_name || user?.real_name || user?.profile?.real_name || user?.name || undefined;
        },
        (error: unknown) => {
          this.options.logger.warn({ err: error, user: userId }, 'Slack users.info failed; using the user id');
          this.names.delete(userId);
          return undefined;
        },
      );
      this.names.set(userId, name);
    }
    const resolved = await name;
    return { id: userId, ...(resolved ? { name: resolved } : {}) };
  }
}
