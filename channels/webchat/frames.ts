import type { RawData } from 'ws';
import { z } from 'zod';
import { decodeUtf8, ParleyError, parseInput } from '../../bot/core/index.js';

/** Most uploads one message may carry. */
export const MAX_UPLOADS_PER_MESSAGE = 4;

/** A text of at most `max` characters; blank is allowed (and read as absent), `null` too. */
const optionalText = (max: number) => z.string().max(max, `must be at most ${max} characters`).nullish();

/** Any frame: a JSON object with a string `type`. */
const FrameEnvelope = z.looseObject({ type: z.string('a frame must have a string "type"') }, 'a frame must be a JSON object with a "type"');

/**
 * `hello`: the conversation to resume (`conversationId` with its `token`), who is chatting (`userId`, and `userHash` when
 * the site signed it) and the page's knowledge `scope` (checked by the scope rules, which name it).
 */
const HelloFrameSchema = z.looseObject({
  type: z.literal('hello'),
  conversationId: optionalText(200),
  token: optionalText(400),
  userId: optionalText(200),
  userHash: optionalText(200),
  scope: z.unknown().optional(),
});

const UPLOADS = '"uploads" must be an array of upload ids';
/**
 * `message`: the client's id of the message (`clientMessageId`, 1–200 characters), its `text` (checked by the customer
 * text rules, which give `text_too_long` over the limit) and the ids of photos uploaded for it.
 */
const ClientMessageId = z.string('must be a string of 1–200 characters').min(1, 'must be a string of 1–200 characters').max(200, 'must be a string of 1–200 characters');
const MessageFrameSchema = z.looseObject({
  type: z.literal('message'),
  clientMessageId: ClientMessageId,
  text: z.string().nullish(),
  uploads: z
    .array(z.string(UPLOADS).min(1, UPLOADS).max(200, UPLOADS), UPLOADS)
    .max(MAX_UPLOADS_PER_MESSAGE, `a message can carry at most ${MAX_UPLOADS_PER_MESSAGE} uploads`)
    .optional(),
});

/** The frames a web chat client sends, as their schemas read them. */
export type ClientFrame = z.output<typeof HelloFrameSchema> | z.output<typeof MessageFrameSchema>;

/**
 * A token bucket per connection: `perMinute` frames at once, refilled continuously. Refused frames are answered with
 * an error frame (the socket stays open, so a client that slows down carries on; no reconnect storm).
 */
export class FrameBudget {
  private tokens: number;
  private at = Date.now();

  constructor(private readonly perMinute: number) {
    this.tokens = perMinute;
  }

  /** Takes one frame's token; returns 0, or the seconds until one is available. */
  take(): number {
    const now = Date.now();
    this.tokens = Math.min(this.perMinute, this.tokens + ((now - this.at) * this.perMinute) / 60_000);
    this.at = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) * 60) / this.perMinute);
  }
}

/** The valid `clientMessageId` of a decoded frame, if it has one. */
function clientMessageIdOf(value: unknown): { clientMessageId?: string } {
  const read = z.looseObject({ clientMessageId: ClientMessageId }).safeParse(value);
  return read.success ? { clientMessageId: read.data.clientMessageId } : {};
}

/** The `clientMessageId` of a frame refused unread (so the widget can match the error to its message), if it has one. */
export function clientMessageIdOfFrame(data: RawData, isBinary: boolean): { clientMessageId?: string } {
  if (isBinary || !Buffer.isBuffer(data) || data.length > 4096) return {};
  try {
    return clientMessageIdOf(JSON.parse(data.toString('utf8')));
  } catch {
    return {};
  }
}

/**
 * Decodes a client frame: UTF-8 text (strict), JSON, an object with a string `type`, then the fields of a `hello` or
 * `message` frame with zod. Throws `invalid_utf8`, `invalid_json` or `bad_request` naming the field (an unknown type
 * names `type`; a bad message frame's error has its `clientMessageId`, when valid, in `details`); the socket stays open.
 */
export function parseFrame(data: RawData, isBinary: boolean): ClientFrame {
  if (isBinary) throw new ParleyError('bad_request', 'binary frames are not supported; send JSON text');
  const text = decodeUtf8(data as Buffer, 'frame');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ParleyError('invalid_json', 'frame is not valid JSON');
  }
  const { type } = parseInput(FrameEnvelope, parsed, 'frame');
  if (type === 'hello') return parseInput(HelloFrameSchema, parsed, 'hello frame');
  if (type === 'message') {
    try {
      return parseInput(MessageFrameSchema, parsed, 'message frame');
    } catch (error) {
      const id = clientMessageIdOf(parsed);
      throw error instanceof ParleyError && id.clientMessageId ? new ParleyError(error.code, error.message, { details: { ...error.details, ...id } }) : error;
    }
  }
  throw new ParleyError('bad_request', `unknown frame type "${type.slice(0, 100)}"`, { details: { field: 'type' } });
}
