import type { RawData } from 'ws';
import { decodeUtf8, ParleyError } from '../../bot/core/index.js';

/** The frames a web chat client sends. */
export type ClientFrame =
  | { type: 'hello'; conversationId?: unknown; token?: unknown; userId?: unknown; userHash?: unknown; scope?: unknown }
  | { type: 'message'; clientMessageId?: unknown; text?: unknown; uploads?: unknown };

/** `value` when it is a string of 1–`max` characters. */
export const shortString = (value: unknown, max = 200): string | undefined =>
  typeof value === 'string' && value.length > 0 && value.length <= max ? value : undefined;

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

/** The `clientMessageId` of a frame refused unread (so the widget can match the error to its message), if it has one. */
export function clientMessageIdOfFrame(data: RawData, isBinary: boolean): { clientMessageId?: string } {
  if (isBinary || !Buffer.isBuffer(data) || data.length > 4096) return {};
  try {
    const id = shortString((JSON.parse(data.toString('utf8')) as { clientMessageId?: unknown }).clientMessageId);
    return id ? { clientMessageId: id } : {};
  } catch {
    return {};
  }
}

/** Decodes a client frame: UTF-8 text (strict), JSON, an object with a string `type`. */
export function parseFrame(data: RawData, isBinary: boolean): ClientFrame {
  if (isBinary) throw new ParleyError('bad_request', 'binary frames are not supported; send JSON text');
  const text = decodeUtf8(data as Buffer, 'frame');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ParleyError('invalid_json', 'frame is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || typeof (parsed as { type?: unknown }).type !== 'string') {
    throw new ParleyError('bad_request', 'a frame must be a JSON object with a "type"');
  }
  return parsed as ClientFrame;
}
