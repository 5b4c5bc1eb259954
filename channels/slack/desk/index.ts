/** The Slack agent desk: escalation cards and threads in `SLACK_ESCALATION_CHANNEL`, on the Slack channel's Bolt app. */
import type { Logger, Store } from '../../../bot/core/index.js';
import type { Corrections, HandoffService } from '../../../dialogs/index.js';
import type { KnowledgeBase } from '../../../knowledge/index.js';
import type { SlackChannel } from '../index.js';
import { SlackDesk } from './desk.js';
import { attachDeskListeners } from './listeners.js';

export { CORRECT_SHORTCUT, CORRECTION_INPUT, CORRECTION_VIEW, correctionView, decodeTarget, DESK_ACTIONS, encodeTarget, escalationBlocks, type CorrectionTarget } from './blocks.js';
export { locationOf, SlackDesk, slackDeskThread, type SlackDeskLocation, type SlackDeskOptions } from './desk.js';
export { attachDeskListeners, type DeskListenerDeps } from './listeners.js';

/** Options of {@link registerSlackDesk}. */
export interface SlackDeskRegistration {
  /** The escalation channel's id; `SLACK_ESCALATION_CHANNEL`. */
  channel: string;
  service: HandoffService;
  corrections: Corrections;
  store: Store;
  knowledge: KnowledgeBase;
  logger: Logger;
}

/** Adds the agent desk to a registered Slack channel (same app, token and Request URL) and attaches it to the service. */
export function registerSlackDesk(slack: SlackChannel, options: SlackDeskRegistration): SlackDesk {
  const desk = new SlackDesk({ client: slack.client, channel: options.channel, logger: options.logger });
  attachDeskListeners(slack.app, { desk, ...options });
  options.service.attachDesk(desk);
  return desk;
}
