/**
 * Interactivity payloads an agent desk receives from Slack, shaped like Slack's published examples: `block_actions`
 * (a button on a message), `message_action` (a message shortcut) and `view_submission` (a modal submitted).
 */
import { APP, TEAM } from '../../testing/payloads.js';

let sequence = 100;
const next = (): number => (sequence += 1);

/** An agent of the workspace. */
export const AGENT = 'U0AGENT0001';
/** Another agent. */
export const OTHER_AGENT = 'U0AGENT0002';
/** The escalation channel of the tests. */
export const ESCALATION_CHANNEL = 'C0ESCALATE1';

const user = (id: string) => ({ id, username: id.toLowerCase(), name: id.toLowerCase(), team_id: TEAM });

/** A click on a button of a message in `channel` (the card, ts `messageTs`). */
export function buttonClick(options: { user: string; actionId: string; value: string; messageTs: string; channel?: string; blockId?: string; threadTs?: string }): Record<string, unknown> {
  const n = next();
  const channel = options.channel ?? ESCALATION_CHANNEL;
  return {
    type: 'block_actions',
    user: user(options.user),
    api_app_id: APP,
    token: 'XXYYZZ',
    container: { type: 'message', message_ts: options.messageTs, channel_id: channel, is_ephemeral: false, ...(options.threadTs ? { thread_ts: options.threadTs } : {}) },
    trigger_id: `${n}.1234567890.fedcba9876543210fedcba9876543210`,
    team: { id: TEAM, domain: 'parley-test' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channel, name: 'escalations' },
    message: { type: 'message', user: 'U0PARLEYBOT', ts: options.messageTs, bot_id: 'B0PARLEYBOT', text: 'Escalation' },
    state: { values: {} },
    response_url: `https://hooks.slack.com/actions/${TEAM}/${n}/abcdef`,
    actions: [
      {
        action_id: options.actionId,
        block_id: options.blockId ?? 'parley_desk',
        text: { type: 'plain_text', text: 'Button', emoji: true },
        value: options.value,
        type: 'button',
        action_ts: `${1_710_000_000 + n}.${String(n).padStart(6, '0')}`,
      },
    ],
  };
}

/** A message shortcut (`message_action`) on a message in `channel`. */
export function messageShortcut(options: { user: string; callbackId: string; channel?: string; message: { ts: string; text: string; threadTs?: string } }): Record<string, unknown> {
  const n = next();
  const channel = options.channel ?? ESCALATION_CHANNEL;
  return {
    type: 'message_action',
    token: 'XXYYZZ',
    action_ts: `${1_710_000_000 + n}.${String(n).padStart(6, '0')}`,
    team: { id: TEAM, domain: 'parley-test' },
    user: user(options.user),
    channel: { id: channel, name: 'escalations' },
    is_enterprise_install: false,
    enterprise: null,
    callback_id: options.callbackId,
    trigger_id: `${n}.1234567890.0123456789abcdef0123456789abcdef`,
    response_url: `https://hooks.slack.com/app/${TEAM}/${n}/xyz`,
    message_ts: options.message.ts,
    message: { type: 'message', user: 'U0PARLEYBOT', bot_id: 'B0PARLEYBOT', text: options.message.text, ts: options.message.ts, ...(options.message.threadTs ? { thread_ts: options.message.threadTs } : {}) },
  };
}

/** A `view_submission` of a modal the app opened: `view` as views.open received it, with the input's value. */
export function viewSubmission(options: { user: string; view: Record<string, unknown>; values: Record<string, Record<string, string>> }): Record<string, unknown> {
  const n = next();
  const values = Object.fromEntries(
    Object.entries(options.values).map(([block, actions]) => [block, Object.fromEntries(Object.entries(actions).map(([action, value]) => [action, { type: 'plain_text_input', value }]))]),
  );
  return {
    type: 'view_submission',
    team: { id: TEAM, domain: 'parley-test' },
    user: user(options.user),
    api_app_id: APP,
    token: 'XXYYZZ',
    trigger_id: `${n}.1234567890.00112233445566778899aabbccddeeff`,
    view: { id: `V0VIEW${n}`, team_id: TEAM, app_id: APP, hash: `${n}.abcdef`, ...options.view, state: { values } },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}
