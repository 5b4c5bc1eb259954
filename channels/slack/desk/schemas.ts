/**
 * The zod schemas of what Slack sends the agent desk: clicks on the escalation card's buttons (`block_actions`), the
 * "Correct this answer" message shortcut (`message_action`), the correction modal's submission (`view_submission`) and
 * agents' messages in escalation threads (`message` events). Each names only the fields the desk reads and lets every
 * other field through (`looseObject`): Slack adds fields. {@link readDeskPayload} reads one, logging a malformed one.
 */
import { z } from 'zod';
import { ParleyError, parseInput, type Logger } from '../../../bot/core/index.js';

const NonEmpty = z.string('must be a string').min(1, 'must be a non-empty string');
const OptionalText = z.string('must be a string').nullish();
const WithId = z.looseObject({ id: NonEmpty }, 'must be an object');

/** What a correction button or modal refers to (`CorrectionTarget` of `blocks.ts`), as its encoded fields. */
const EncodedTarget = z.looseObject({ h: OptionalText, c: OptionalText, m: OptionalText, ch: OptionalText, t: OptionalText }, 'must be a JSON object');

/**
 * A correction target encoded by `encodeTarget` (a button's `value`, a modal's `private_metadata`): a JSON object whose
 * ids are strings or null; empty strings read as absent.
 */
export const CorrectionTargetSchema = z
  .string('must be a string')
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be JSON' });
      return z.NEVER;
    }
  })
  .pipe(EncodedTarget)
  .transform((t) => ({
    handoffId: t.h || null,
    conversationId: t.c || null,
    messageId: t.m || null,
    ...(t.ch ? { channel: t.ch } : {}),
    ...(t.t ? { threadTs: t.t } : {}),
  }));

/** Where a click happened: the channel, and the card's (or thread's) message. */
const ClickBase = z.looseObject({
  type: z.literal('block_actions'),
  user: WithId,
  channel: z.looseObject({ id: OptionalText }, 'must be an object').nullish(),
  container: z.looseObject({ channel_id: OptionalText, thread_ts: OptionalText, message_ts: OptionalText }, 'must be an object').nullish(),
});

/** Where a click happened, as {@link DeskButtonClickSchema} and {@link CorrectClickSchema} read it. */
export type DeskClickPlace = Pick<z.output<typeof ClickBase>, 'channel' | 'container'>;

/** A click on Claim, Resolve or Return to bot: the button's `value` is the handoff's id. */
export const DeskButtonClickSchema = ClickBase.extend({
  actions: z.array(z.looseObject({ action_id: NonEmpty, value: NonEmpty }, 'must be an object'), 'must be an array').min(1, 'must name the clicked button'),
});

/** A click on Correct or Edit answer: the button's `value` is an encoded correction target; the modal needs `trigger_id`. */
export const CorrectClickSchema = ClickBase.extend({
  trigger_id: NonEmpty,
  actions: z.array(z.looseObject({ action_id: NonEmpty, value: CorrectionTargetSchema }, 'must be an object'), 'must be an array').min(1, 'must name the clicked button'),
});

/** The "Correct this answer" message shortcut on a message (in a desk thread or a customer conversation). */
export const CorrectionShortcutSchema = z.looseObject({
  type: z.literal('message_action'),
  trigger_id: NonEmpty,
  user: WithId,
  channel: WithId,
  team: z.looseObject({ id: OptionalText }, 'must be an object').nullish(),
  message: z.looseObject({ ts: NonEmpty, thread_ts: OptionalText, text: OptionalText }, 'must be an object'),
});

/** One input's state in a submitted view (`state.values[block][action]`). */
const InputState = z.looseObject({ value: OptionalText }, 'must be an object');

/** The correction modal submitted: who, what it corrects (`private_metadata`) and the inputs' values. */
export const CorrectionSubmissionSchema = z.looseObject({
  type: z.literal('view_submission'),
  user: WithId,
  view: z.looseObject(
    {
      private_metadata: CorrectionTargetSchema,
      state: z.looseObject({ values: z.record(z.string(), z.record(z.string(), InputState, 'must be an object'), 'must be an object') }, 'must be an object'),
    },
    'must be an object',
  ),
});

/** A `message` event's channel: what tells whether it is for the desk (its escalation channel) at all. */
export const MessageChannelSchema = z.looseObject({ event: z.looseObject({ channel: z.string() }) });

/** A message in the escalation channel (Events API envelope): an agent's reply when it is a plain message in a thread. */
export const AgentReplySchema = z.looseObject({
  event_id: OptionalText,
  event: z.looseObject({
    channel: NonEmpty,
    user: OptionalText,
    text: OptionalText,
    ts: OptionalText,
    thread_ts: OptionalText,
    subtype: OptionalText,
    bot_id: OptionalText,
  }),
});

/**
 * Reads a payload meant for the desk with its zod `schema`: the parsed value, or undefined after a warning naming the
 * first bad field (`field`, and `reason`: `invalid Slack correction submission: "view.private_metadata": must be JSON`).
 * A malformed payload is never thrown: the listener acks it and does nothing.
 */
export function readDeskPayload<S extends z.ZodType>(schema: S, value: unknown, what: string, logger: Logger): z.output<S> | undefined {
  try {
    return parseInput(schema, value, what);
  } catch (error) {
    if (!(error instanceof ParleyError) || error.code !== 'bad_request') throw error;
    logger.warn({ field: error.details?.field, reason: error.message }, `Slack desk: malformed ${what} ignored`);
    return undefined;
  }
}
