import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  asParleyError,
  decodeUtf8,
  checkCustomerText,
  newId,
  ParleyError,
  toPublicMessage,
  toReply,
  type Activity,
  type Attachment,
  type ChannelCapabilities,
  type ChannelHost,
  type TurnSink,
} from '../../bot/core/index.js';
import type { StoredUpload } from './uploads.js';

/** Path of the web chat WebSocket endpoint. */
export const WEBCHAT_PATH = '/ws/chat';

/** Largest frame a client may send (bytes); larger frames close the socket with code 1009. */
const MAX_FRAME_BYTES = 64 * 1024;

/** Most uploads one message may carry. */
export const MAX_UPLOADS_PER_MESSAGE = 4;

/** What the web chat can show: typing, quick replies, images, replies streamed as they are generated, agent messages. */
export const WEBCHAT_CAPABILITIES: ChannelCapabilities = { typing: true, quickReplies: true, images: true, streaming: true, proactive: true };

/** Finds a conversation's uploads (see `registerWebchatUploads`). */
export interface UploadLookup {
  find(conversationId: string, uploadId: string): Promise<StoredUpload | undefined>;
}

/** Options of {@link WebchatSockets}. */
export interface WebchatSocketsOptions {
  /** Where `uploads` of a message frame are looked up; without it, frames with uploads are refused. */
  uploads?: UploadLookup;
}

/** Ping interval that keeps idle sockets open through proxies and detects dead peers (ms). */
const KEEPALIVE_MS = 30_000;

interface Session {
  conversationId?: string;
  userId?: string;
}

type ClientFrame =
  | { type: 'hello'; conversationId?: unknown; token?: unknown; userId?: unknown }
  | { type: 'message'; clientMessageId?: unknown; text?: unknown; uploads?: unknown };

const shortString = (value: unknown, max = 200): string | undefined =>
  typeof value === 'string' && value.length > 0 && value.length <= max ? value : undefined;

/**
 * The web chat channel's WebSocket side: `hello` resumes or starts a conversation (history + token in `ready`),
 * `message` (text and/or `uploads`, ids from the upload endpoint) runs a turn and answers with `typing`, `ack`,
 * `partial` (while a reply is streamed) and `reply` frames carrying the client's message id.
 */
export class WebchatSockets {
  readonly channel = 'webchat';
  readonly capabilities = WEBCHAT_CAPABILITIES;

  // `ws` would close the socket (1007) on a text frame that is not UTF-8; parseFrame answers it with an error instead.
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, skipUTF8Validation: true });
  private readonly byConversation = new Map<string, Set<WebSocket>>();

  private readonly alive = new WeakSet<WebSocket>();
  private readonly keepalive: NodeJS.Timeout;

  constructor(
    private readonly host: ChannelHost,
    private readonly options: WebchatSocketsOptions = {},
  ) {
    this.wss.on('connection', (socket) => this.accept(socket));
    this.keepalive = setInterval(() => {
      for (const socket of this.wss.clients) {
        if (!this.alive.has(socket)) {
          socket.terminate();
          continue;
        }
        this.alive.delete(socket);
        socket.ping();
      }
    }, KEEPALIVE_MS);
    this.keepalive.unref();
  }

  /** Handles an HTTP upgrade request; returns false when it is not for the web chat path. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== WEBCHAT_PATH) return false;
    this.wss.handleUpgrade(request, socket, head, (ws) => this.wss.emit('connection', ws, request));
    return true;
  }

  /** Sends a frame to every open socket of a conversation (e.g. an agent's message); returns how many got it. */
  push(conversationId: string, frame: Record<string, unknown>): number {
    const sockets = this.byConversation.get(conversationId);
    if (!sockets) return 0;
    for (const socket of sockets) send(socket, frame);
    return sockets.size;
  }

  /**
   * Where the replies of a turn run later go (a message kept while the store was unavailable): `reply` frames with
   * the message's `clientMessageId` to the conversation's open sockets. Sending throws when none is open; the reply
   * is in the transcript the widget shows on resume. A new sink on each call.
   */
  laterSink(activity: Activity): TurnSink {
    const { clientMessageId } = clientMessageIdOf(activity);
    return {
      send: async (reply) => {
        if (!this.push(activity.conversationId, { type: 'reply', clientMessageId, messageId: reply.id, reply: toReply(reply) })) {
          throw new Error('no open web chat socket for this conversation');
        }
      },
    };
  }

  /** Closes every socket. */
  async close(): Promise<void> {
    clearInterval(this.keepalive);
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private accept(socket: WebSocket): void {
    const session: Session = {};
    this.alive.add(socket);
    socket.on('pong', () => this.alive.add(socket));
    // Frames of one socket are handled in order, so a reply never overtakes an earlier one.
    let queue = Promise.resolve();
    socket.on('message', (data: RawData, isBinary: boolean) => {
      queue = queue.then(() => this.onFrame(socket, session, data, isBinary)).catch((error: unknown) => {
        this.host.logger.error({ err: error }, 'web chat frame failed');
      });
    });
    socket.on('close', () => this.detach(socket, session));
    socket.on('error', (error) => this.host.logger.warn({ err: error }, 'web chat socket error'));
  }

  private async onFrame(socket: WebSocket, session: Session, data: RawData, isBinary: boolean): Promise<void> {
    let frame: ClientFrame;
    try {
      frame = parseFrame(data, isBinary);
    } catch (error) {
      const err = asParleyError(error);
      send(socket, { type: 'error', code: err.code, message: err.message });
      return;
    }
    if (frame.type === 'hello') {
      return this.onHello(socket, session, frame).catch((error: unknown) => {
        // The client waits for `ready`: tell it why there is none (e.g. the database is unavailable) rather than nothing.
        const err = asParleyError(error);
        if (!err.isClientError) this.host.logger.error({ err }, 'web chat hello failed');
        send(socket, { type: 'error', code: err.code, message: err.isClientError ? err.message : 'the service is temporarily unavailable; try again' });
      });
    }
    if (frame.type === 'message') return this.onMessage(socket, session, frame);
    send(socket, { type: 'error', code: 'bad_request', message: `unknown frame type "${String((frame as { type: string }).type)}"` });
  }

  private async onHello(socket: WebSocket, session: Session, frame: Extract<ClientFrame, { type: 'hello' }>): Promise<void> {
    const requested = shortString(frame.conversationId);
    const token = shortString(frame.token, 400);
    let conversation = requested && token && this.host.tokens.verify(requested, token) ? await this.host.store.getConversation(requested) : undefined;
    if (!conversation) {
      const userId = shortString(frame.userId) ?? newId('visitor');
      conversation = await this.host.store.createConversation({ userId, channel: 'webchat' });
    }
    this.detach(socket, session);
    session.conversationId = conversation.id;
    session.userId = conversation.userId;
    let sockets = this.byConversation.get(conversation.id);
    if (!sockets) this.byConversation.set(conversation.id, (sockets = new Set()));
    sockets.add(socket);
    const messages = await this.host.store.listMessages(conversation.id);
    send(socket, {
      type: 'ready',
      conversationId: conversation.id,
      token: this.host.tokens.sign(conversation.id),
      userId: conversation.userId,
      messages: messages.map((message) => ({ ...toPublicMessage(message), ...clientMessageIdOf(message.activity) })),
    });
  }

  private async onMessage(socket: WebSocket, session: Session, frame: Extract<ClientFrame, { type: 'message' }>): Promise<void> {
    const clientMessageId = shortString(frame.clientMessageId);
    try {
      if (!session.conversationId || !session.userId) throw new ParleyError('bad_request', 'send "hello" before messages');
      if (!clientMessageId) throw new ParleyError('bad_request', '"clientMessageId" must be a string of 1–200 characters');
      const attachments = await this.attachments(session.conversationId, frame.uploads);
      // A photo may come alone; text, when there is some, follows the usual rules.
      const text = attachments.length ? optionalText(frame.text) : checkCustomerText(frame.text);
      const activity: Activity = {
        id: newId('act'),
        type: 'message',
        channel: 'webchat',
        channelMessageId: `${session.conversationId}:${clientMessageId}`,
        conversationId: session.conversationId,
        from: { id: session.userId, role: 'customer' },
        text,
        timestamp: new Date().toISOString(),
      };
      if (attachments.length) activity.attachments = attachments;
      send(socket, { type: 'ack', clientMessageId });
      const sendReply = (reply: Activity) => send(socket, { type: 'reply', clientMessageId, messageId: reply.id, reply: toReply(reply) });
      const result = await this.host.bot.processActivity(activity, {
        send: async (reply) => {
          if (socket.readyState !== socket.OPEN) throw new Error('web chat socket closed before the reply');
          sendReply(reply);
        },
        typing: async (on) => send(socket, { type: 'typing', on }),
        // Partials are best effort: a socket that closed mid-stream still gets the stored reply on resume.
        stream: async ({ id, delta, text: sofar }) => send(socket, { type: 'partial', clientMessageId, messageId: id, delta, text: sofar }),
      });
      // A retried message (same clientMessageId) gets the replies of its first delivery again.
      if (result.duplicate) result.replies.forEach(sendReply);
    } catch (error) {
      const err = asParleyError(error);
      if (!err.isClientError) this.host.logger.error({ err }, 'web chat turn failed');
      send(socket, { type: 'error', code: err.code, message: err.isClientError ? err.message : 'internal error', ...(clientMessageId ? { clientMessageId } : {}) });
    }
  }

  /** The attachments of a message's `uploads`: at most four ids, each an upload of this conversation. */
  private async attachments(conversationId: string, uploads: unknown): Promise<Attachment[]> {
    if (uploads === undefined || (Array.isArray(uploads) && uploads.length === 0)) return [];
    if (!Array.isArray(uploads) || !uploads.every((id) => typeof id === 'string')) throw new ParleyError('bad_request', '"uploads" must be an array of upload ids');
    if (uploads.length > MAX_UPLOADS_PER_MESSAGE) throw new ParleyError('bad_request', `a message can carry at most ${MAX_UPLOADS_PER_MESSAGE} uploads`);
    if (!this.options.uploads) throw new ParleyError('bad_request', 'uploads are not enabled on this server');
    const out: Attachment[] = [];
    for (const id of new Set(uploads as string[])) {
      const upload = await this.options.uploads.find(conversationId, id);
      if (!upload) throw new ParleyError('bad_request', `upload "${id.slice(0, 100)}" does not exist in this conversation (or has expired)`);
      out.push({ contentType: upload.contentType, name: upload.name, url: upload.url });
    }
    return out;
  }

  private detach(socket: WebSocket, session: Session): void {
    if (!session.conversationId) return;
    const sockets = this.byConversation.get(session.conversationId);
    sockets?.delete(socket);
    if (sockets?.size === 0) this.byConversation.delete(session.conversationId);
  }
}

/** The widget's own id of a customer message (lets it match history against messages it is still sending). */
function clientMessageIdOf(activity: Activity): { clientMessageId?: string } {
  const prefix = `${activity.conversationId}:`;
  const id = activity.from.role === 'customer' ? activity.channelMessageId : undefined;
  return id?.startsWith(prefix) ? { clientMessageId: id.slice(prefix.length) } : {};
}

/** The text of a message that carries uploads: may be missing or blank, else checked as usual. */
function optionalText(text: unknown): string {
  if (text === undefined || text === null || (typeof text === 'string' && !text.trim())) return '';
  return checkCustomerText(text);
}

/** Decodes a client frame: UTF-8 text (strict), JSON, an object with a string `type`. */
function parseFrame(data: RawData, isBinary: boolean): ClientFrame {
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

function send(socket: WebSocket, frame: Record<string, unknown>): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
}
