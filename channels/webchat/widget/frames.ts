/**
 * The web chat WebSocket protocol as the widget speaks it (JSON frames with a `type`). Frames from the server are
 * read defensively: every field is `unknown` until checked, and unknown frame types are ignored so the server can
 * add new ones.
 */

/** A frame from the server (`ready`, `typing`, `ack`, `partial`, `reply`, `message`, `error`, …). */
export type ServerFrame = Record<string, unknown>;

/** A message of the conversation as the server sends it (history items, unsolicited messages, replies). */
export interface ChatMessage {
  id?: unknown;
  role?: unknown;
  text?: unknown;
  action?: unknown;
  sources?: unknown;
  quickReplies?: unknown;
  images?: unknown;
  handoff?: unknown;
  createdAt?: unknown;
  authorName?: unknown;
  clientMessageId?: unknown;
  attachments?: unknown;
}

/** The first frame on a socket: who is chatting, in which scope, and the conversation to resume. */
export interface HelloFrame {
  type: 'hello';
  userId: string;
  userHash?: string;
  scope?: string;
  conversationId?: string;
  token?: string;
}

/** A customer message; `uploads` are the ids of photos uploaded for it. */
export interface MessageFrame {
  type: 'message';
  clientMessageId: string;
  text: string;
  uploads?: string[];
}

/** Parses a frame; null when it is not a JSON object. */
export function parseFrame(data: unknown): ServerFrame | null {
  let msg: unknown;
  try {
    msg = JSON.parse(typeof data === 'string' ? data : String(data));
  } catch {
    return null;
  }
  return msg && typeof msg === 'object' ? (msg as ServerFrame) : null;
}

/** `v` when it is an object (a server message to render), else null. */
export function asMessage(v: unknown): ChatMessage | null {
  return v && typeof v === 'object' ? (v as ChatMessage) : null;
}
