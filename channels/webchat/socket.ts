import type { SocketFanout } from './fanout.js';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  asParleyError,
  checkCustomerText,
  checkKnownScope,
  checkScope,
  newId,
  ParleyError,
  toPublicMessage,
  toReply,
  type Activity,
  type Attachment,
  type ChannelAdapter,
  type ChannelHost,
  type InboxReceipt,
  VERIFIED_USER_ID,
  verifyIdentity,
  type TurnSink,
} from '../../bot/core/index.js';
import type { StoredUpload } from './uploads.js';
import { WEBCHAT_CAPABILITIES, WEBCHAT_CHANNEL } from './capabilities.js';
import { conversationHolding, markHeldAsShown } from './held-messages.js';
import { clientMessageIdOfFrame, FrameBudget, parseFrame, type ClientFrame } from './frames.js';

/** Path of the web chat WebSocket endpoint. */
export const WEBCHAT_PATH = '/ws/chat';

/** Largest frame a client may send (bytes); larger frames close the socket with code 1009. */
const MAX_FRAME_BYTES = 64 * 1024;

/** Why a reply could not be delivered live; it stays in the outbox and the transcript until the customer is back. */
const NO_SOCKET = 'no open web chat socket for this conversation';

export { MAX_UPLOADS_PER_MESSAGE } from './frames.js';

/** Finds a conversation's uploads (see `registerWebchatUploads`). */
export interface UploadLookup {
  find(conversationId: string, uploadId: string): Promise<StoredUpload | undefined>;
}

/** Options of {@link WebchatSockets}. */
export interface WebchatSocketsOptions {
  /** Where `uploads` of a message frame are looked up; without it, frames with uploads are refused. */
  uploads?: UploadLookup;
  /** Frames one connection may send per minute (a burst of that many, then one per 60/n s); default 60. */
  framesPerMinute?: number;
  /** The client address of an upgrade request (behind a trusted proxy); default the socket's peer address. */
  clientAddress?: (request: IncomingMessage) => string;
  /** Carries {@link WebchatSockets.push} frames to the sockets on other instances (Redis with `REDIS_URL`); default none. */
  fanout?: SocketFanout;
}

/** Default frames per connection per minute (`PARLEY_RATE_LIMIT_SOCKET_MESSAGES`). */
export const DEFAULT_FRAMES_PER_MINUTE = 60;

/** At most one protocol-error log line per this many ms; the ones in between are counted in the next line. */
const PROTOCOL_LOG_INTERVAL_MS = 10_000;

/** Ping interval that keeps idle sockets open through proxies and detects dead peers (ms). */
const KEEPALIVE_MS = 30_000;

interface Session {
  conversationId?: string;
  userId?: string;
  /** The client's address, for the per-address limits. */
  address: string;
  budget: FrameBudget;
}

/**
 * The web chat channel's WebSocket side: `hello` resumes or starts a conversation (history + token in `ready`),
 * `message` (text and/or `uploads`, ids from the upload endpoint) runs a turn and answers with `typing`, `ack`,
 * `partial` (while a reply is streamed) and `reply` frames carrying the client's message id.
 */
export class WebchatSockets implements ChannelAdapter {
  readonly channel = WEBCHAT_CHANNEL;
  readonly capabilities = WEBCHAT_CAPABILITIES;

  // `ws` would close the socket (1007) on a text frame that is not UTF-8; parseFrame answers it with an error instead.
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, skipUTF8Validation: true });
  private readonly byConversation = new Map<string, Set<WebSocket>>();

  private readonly alive = new WeakSet<WebSocket>();
  private readonly keepalive: NodeJS.Timeout;
  private protocolErrors = { lastLoggedAt: 0, suppressed: 0 };

  constructor(
    private readonly host: ChannelHost,
    private readonly options: WebchatSocketsOptions = {},
  ) {
    this.wss.on('connection', (socket: WebSocket, request: IncomingMessage) => this.accept(socket, request));
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
    options.fanout?.subscribe(({ conversationId, frame }) => void this.pushLocal(conversationId, frame));
  }

  /** Handles an HTTP upgrade request; returns false when it is not for the web chat path. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== WEBCHAT_PATH) return false;
    this.wss.handleUpgrade(request, socket, head, (ws) => this.wss.emit('connection', ws, request));
    return true;
  }

  /**
   * Sends a frame to every open socket of a conversation (e.g. an agent's message), on this instance and, with a
   * fanout, on the others; returns how many sockets of this instance got it.
   */
  push(conversationId: string, frame: Record<string, unknown>): number {
    const fanout = this.options.fanout;
    if (fanout) {
      fanout.publish({ conversationId, frame }).catch((error: unknown) => this.host.logger.warn({ err: error }, 'web chat fanout failed'));
    }
    return this.pushLocal(conversationId, frame);
  }

  /** Sends a frame to the conversation's sockets on this instance; returns how many got it. */
  private pushLocal(conversationId: string, frame: Record<string, unknown>): number {
    const sockets = this.byConversation.get(conversationId);
    if (!sockets) return 0;
    for (const socket of sockets) send(socket, frame);
    return sockets.size;
  }

  /**
   * Delivers a stored bot reply to the open sockets of its conversation, as the `reply` frame of the customer
   * message it answers (the turn recovery loop and the outbox worker use it): on this instance, or through the fanout
   * on the instance that holds the customer's socket. Throws when no instance took it, so the reply stays in the
   * outbox until the customer is back.
   */
  async send(reply: Activity): Promise<void> {
    if (!this.byConversation.get(reply.conversationId)?.size && !this.options.fanout) throw new ParleyError('unsupported', NO_SOCKET);
    const messages = await this.host.store.listMessages(reply.conversationId);
    const question = messages.find((message) => message.id === reply.replyToId);
    const { clientMessageId } = question ? clientMessageIdOf(question.activity) : {};
    const frame = { type: 'reply', ...(clientMessageId ? { clientMessageId } : {}), messageId: reply.id, reply: toReply(reply) };
    if (!(await this.deliverAnywhere(reply.conversationId, frame))) throw new ParleyError('unsupported', NO_SOCKET);
  }

  /**
   * Delivers a frame to the conversation's sockets on this instance or, when it has none, to the other instances
   * through the fanout (the customer's socket may live on another one); false when neither took it.
   */
  private async deliverAnywhere(conversationId: string, frame: Record<string, unknown>): Promise<boolean> {
    if (this.pushLocal(conversationId, frame) > 0) return true;
    return ((await this.options.fanout?.publish({ conversationId, frame })) ?? 0) > 0;
  }

  /**
   * Delivers a message the customer did not ask for (a campaign message already in the outbox and the transcript):
   * a `reply` frame to the conversation's open sockets on this instance; false when none is open — the message is
   * held (its outbox row stays pending) and reaches the customer in the history of their next `hello`.
   */
  async deliverOrHold(activity: Activity): Promise<boolean> {
    return this.pushLocal(activity.conversationId, { type: 'reply', messageId: activity.id, reply: toReply(activity) }) > 0;
  }

    private async markDelivered(inboxId: string): Promise<void> {
    for (const record of await this.host.store.listOutboundFor(inboxId)) {
      if (record.status !== 'sent') await this.host.store.markOutbound(record.id, 'sent');
    }
  }

  /**
   * Where the replies of a turn run later go (a message kept while the store was unavailable): `reply` frames with
   * the message's `clientMessageId` to the conversation's open sockets, here or (through the fanout) on another
   * instance. Sending throws when none took it; the reply is in the transcript the widget shows on resume. A new sink
   * on each call.
   */
  laterSink(activity: Activity): TurnSink {
    const { clientMessageId } = clientMessageIdOf(activity);
    return {
      send: async (reply) => {
        if (!(await this.deliverAnywhere(activity.conversationId, { type: 'reply', clientMessageId, messageId: reply.id, reply: toReply(reply) }))) {
          throw new Error(NO_SOCKET);
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

  private accept(socket: WebSocket, request: IncomingMessage): void {
    const address = this.options.clientAddress?.(request) ?? request.socket.remoteAddress ?? 'unknown';
    const session: Session = { address, budget: new FrameBudget(this.options.framesPerMinute ?? DEFAULT_FRAMES_PER_MINUTE) };
    this.alive.add(socket);
    socket.on('pong', () => this.alive.add(socket));
    // Frames of one socket are handled in order, so a reply never overtakes an earlier one.
    let queue = Promise.resolve();
    socket.on('message', (data: RawData, isBinary: boolean) => {
      // Counted on arrival, before any work: a flood is refused frame by frame, in order, without closing the socket.
      const retryAfterSeconds = session.budget.take();
      if (retryAfterSeconds > 0) {
        send(socket, { type: 'error', code: 'rate_limited', message: `too many frames on this connection; wait ${retryAfterSeconds} s`, retryAfterSeconds, ...clientMessageIdOfFrame(data, isBinary) });
        return;
      }
      queue = queue.then(() => this.onFrame(socket, session, data, isBinary)).catch((error: unknown) => {
        this.host.logger.error({ err: error }, 'web chat frame failed');
      });
    });
    socket.on('close', () => this.detach(socket, session));
    socket.on('error', (error) => this.logProtocolError(error, address));
  }

  /**
   * A malformed frame (bad opcode, unmasked, over the size limit…) makes `ws` close the socket and emit an error: it
   * is the client's fault, so one warning line without a stack, at most one per 10 s with the count of the others.
   */
  private logProtocolError(error: Error, address: string): void {
    const now = Date.now();
    if (now - this.protocolErrors.lastLoggedAt < PROTOCOL_LOG_INTERVAL_MS) {
      this.protocolErrors.suppressed++;
      return;
    }
    const suppressed = this.protocolErrors.suppressed;
    this.protocolErrors = { lastLoggedAt: now, suppressed: 0 };
    const code = (error as { code?: unknown }).code;
    this.host.logger.warn({ code: typeof code === 'string' ? code : 'protocol_error', reason: error.message.slice(0, 200), address, ...(suppressed ? { suppressed } : {}) }, 'web chat socket error (a malformed frame or a broken connection)');
  }

  private async onFrame(socket: WebSocket, session: Session, data: RawData, isBinary: boolean): Promise<void> {
    let frame: ClientFrame;
    try {
      frame = parseFrame(data, isBinary);
    } catch (error) {
      // A message frame's error carries its clientMessageId, when it has one, for the widget to match.
      const err = asParleyError(error);
      const clientMessageId = typeof err.details?.clientMessageId === 'string' ? { clientMessageId: err.details.clientMessageId } : {};
      send(socket, { type: 'error', code: err.code, message: err.message, ...clientMessageId });
      return;
    }
    if (frame.type === 'hello') {
      try {
        return await this.onHello(socket, session, frame);
      } catch (error) {
        // The client waits for `ready`: tell it why there is none (a rate limit, the database unavailable) rather than nothing.
        const err = asParleyError(error);
        if (!err.isClientError) this.host.logger.error({ err }, 'web chat hello failed');
        const retry = typeof err.details?.retryAfterSeconds === 'number' ? { retryAfterSeconds: err.details.retryAfterSeconds } : {};
        send(socket, { type: 'error', code: err.code, message: err.isClientError ? err.message : 'the service is temporarily unavailable; try again', ...retry });
        return;
      }
    }
    return this.onMessage(socket, session, frame);
  }

  private async onHello(socket: WebSocket, session: Session, frame: Extract<ClientFrame, { type: 'hello' }>): Promise<void> {
    const requested = frame.conversationId || undefined;
    const token = frame.token || undefined;
    // The page's knowledge scope (data-parley-scope), validated before anything is looked up or started.
    const scope = frame.scope === undefined || frame.scope === null ? undefined : checkScope(frame.scope);
    let conversation = requested && token && this.host.tokens.verify(requested, token) ? await this.host.store.getConversation(requested) : undefined;
    const userId = frame.userId || undefined;
    // A user id the operator's site signed (data-parley-user-hash); any other id is the visitor's own claim.
    const verified = userId !== undefined && verifyIdentity(this.host.identitySecret, userId, frame.userHash) ? userId : undefined;
    // Another signed-in user on the same browser gets a conversation of their own.
    if (conversation && verified && conversation.metadata[VERIFIED_USER_ID] !== verified) conversation = undefined;
    // A conversation keeps its scope: a page of another brand (or store, locale…) starts a conversation of its own.
    if (conversation && (conversation.scope ?? undefined) !== scope) conversation = undefined;
    // A signed-in customer coming back without their conversation (another browser) gets the one holding messages
    // sent to them meanwhile (campaign messages), if any.
    if (!conversation && verified) conversation = await conversationHolding(this.host.store, verified, scope);
    if (!conversation) {
      if (scope) await checkKnownScope(this.host.knownScopes, scope);
      await this.host.limits?.take('conversation', session.address);
      conversation = await this.host.store.createConversation({
        userId: userId ?? newId('visitor'),
        channel: WEBCHAT_CHANNEL,
        ...(scope ? { scope } : {}),
        ...(verified ? { metadata: { [VERIFIED_USER_ID]: verified } } : {}),
      });
    }
    this.detach(socket, session);
    session.conversationId = conversation.id;
    session.userId = conversation.userId;
    let sockets = this.byConversation.get(conversation.id);
    if (!sockets) this.byConversation.set(conversation.id, (sockets = new Set()));
    sockets.add(socket);
    const undelivered = await this.host.store.listUndeliveredFor(conversation.id);
    const messages = await this.host.store.listMessages(conversation.id);
    send(socket, {
      type: 'ready',
      conversationId: conversation.id,
      token: this.host.tokens.sign(conversation.id),
      userId: conversation.userId,
      messages: messages.map((message) => ({ ...toPublicMessage(message), ...clientMessageIdOf(message.activity) })),
    });
    // Messages held for the customer (sent while no socket was open) are in the history just shown: delivered.
    await markHeldAsShown(this.host.store, undelivered, messages);
  }

  private async onMessage(socket: WebSocket, session: Session, frame: Extract<ClientFrame, { type: 'message' }>): Promise<void> {
    const { clientMessageId } = frame;
    try {
      if (!session.conversationId || !session.userId) throw new ParleyError('bad_request', 'send "hello" before messages');
      await this.host.limits?.take('message', session.address);
      const attachments = await this.attachments(session.conversationId, frame.uploads);
      // A photo may come alone; text, when there is some, follows the usual rules.
      const text = attachments.length ? optionalText(frame.text) : checkCustomerText(frame.text);
      const activity: Activity = {
        id: newId('act'),
        type: 'message',
        channel: WEBCHAT_CHANNEL,
        channelMessageId: `${session.conversationId}:${clientMessageId}`,
        conversationId: session.conversationId,
        from: { id: session.userId, role: 'customer' },
        text,
        timestamp: new Date().toISOString(),
      };
      if (attachments.length) activity.attachments = attachments;
      const conversationId = session.conversationId;
      // Each reply carries a renewed token (sliding expiry): a conversation in use never loses access.
      const sendReply = (reply: Activity) =>
        send(socket, { type: 'reply', clientMessageId, messageId: reply.id, reply: toReply(reply), token: this.host.tokens.sign(conversationId) });
      // The `ack` promises the message is kept: it goes out only once the durable inbox (or, while the database is
      // unavailable, the local spool) has it.
      let accepted: InboxReceipt;
      try {
        accepted = await this.host.bot.accept(activity, { claim: true });
      } catch (error) {
        const kept = await this.host.bot.keepWhileUnavailable(activity, undefined, error);
        send(socket, { type: 'ack', clientMessageId });
        kept.replies.forEach(sendReply);
        return;
      }
      send(socket, { type: 'ack', clientMessageId });
      // A re-sent message whose turn is still running (here or in a process that died) waits for its replies.
      const result = await this.host.bot.run(activity, {
        send: async (reply) => {
          if (socket.readyState !== socket.OPEN) throw new Error('web chat socket closed before the reply');
          sendReply(reply);
        },
        typing: async (on) => send(socket, { type: 'typing', on }),
        // Partials are best effort: a socket that closed mid-stream still gets the stored reply on resume.
        stream: async ({ id, delta, text: sofar }) => send(socket, { type: 'partial', clientMessageId, messageId: id, delta, text: sofar }),
      }, accepted).catch(async (error: unknown) => {
        // The database went away mid-turn: the message is stored; say so, and its answer follows once it is back.
        const kept = await this.host.bot.keepWhileUnavailable(activity, undefined, error);
        kept.replies.forEach(sendReply);
        return undefined;
      });
      if (!result) return;
      // A retried message (same clientMessageId) gets the replies of its first delivery again; they count as
      // delivered now, so the outbox worker does not push them a second time.
      if (result.duplicate && socket.readyState === socket.OPEN) {
        result.replies.forEach(sendReply);
        if (result.inboxId) await this.markDelivered(result.inboxId);
      }
    } catch (error) {
      const err = asParleyError(error);
      if (!err.isClientError) this.host.logger.error({ err }, 'web chat turn failed');
      send(socket, {
        type: 'error',
        code: err.code,
        message: err.isClientError ? err.message : 'internal error',
        ...(clientMessageId ? { clientMessageId } : {}),
        ...(typeof err.details?.retryAfterSeconds === 'number' ? { retryAfterSeconds: err.details.retryAfterSeconds } : {}),
      });
    }
  }

  /** The attachments of a message's `uploads` (at most four ids, checked by the frame's schema), each an upload of this conversation. */
  private async attachments(conversationId: string, uploads: readonly string[] | undefined): Promise<Attachment[]> {
    if (!uploads?.length) return [];
    if (!this.options.uploads) throw new ParleyError('bad_request', 'uploads are not enabled on this server');
    const out: Attachment[] = [];
    for (const id of new Set(uploads)) {
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

// Frames are written at once, not held to be merged with the next one (corking until the end of the loop turn): under
// load a loop turn runs many turns' work, and holding the reply for it raised the open loop's median by 13–20 ms.
function send(socket: WebSocket, frame: Record<string, unknown>): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
}
