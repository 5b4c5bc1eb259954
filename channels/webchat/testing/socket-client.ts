import WebSocket from 'ws';
import type { Reply } from '../../../bot/core/index.js';

/** A transcript entry as the `ready` frame lists it. */
export interface PublicMessage {
  id: string;
  role: string;
  text: string;
  createdAt: string;
  channel: string;
  clientMessageId?: string;
  attachments?: { contentType: string; name?: string; url?: string }[];
}
/** A server frame; fields depend on `type`. */
export interface Frame {
  type: string;
  conversationId?: string;
  token?: string;
  userId?: string;
  messages?: PublicMessage[];
  clientMessageId?: string;
  messageId?: string;
  reply?: Reply;
  on?: boolean;
  code?: string;
  message?: string;
  delta?: string;
  text?: string;
}

/** How long {@link SocketTestClient.next} waits by default (ms). */
const TIMEOUT_MS = 5000;

/**
 * The web chat client of the tests (the one client over a real WebSocket: other helpers build on it). It queues
 * every frame so tests can wait for the next one matching a condition, and keeps all of them in `received`.
 */
export class SocketTestClient {
  /** Every frame received, in arrival order (those `next` took included). */
  readonly received: Frame[] = [];
  private readonly frames: Frame[] = [];
  private readonly waiters: { match: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  /** Resolves with the close code and reason when the socket closes. */
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: WebSocket.RawData) => {
      const frame = JSON.parse(String(data)) as Frame;
      this.received.push(frame);
      const waiter = this.waiters.findIndex((w) => w.match(frame));
      if (waiter >= 0) this.waiters.splice(waiter, 1)[0]!.resolve(frame);
      else this.frames.push(frame);
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  /** Connects to a web chat WebSocket URL (`ws://…/ws/chat`). */
  static async open(url: string): Promise<SocketTestClient> {
    const ws = new WebSocket(url);
    const client = new SocketTestClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  /** Sends a JSON frame. */
  send(frame: unknown): void {
    this.ws.send(JSON.stringify(frame));
  }

  /** The first queued (or next arriving) frame matching `match`; frames before it stay queued. */
  next(match: (f: Frame) => boolean = () => true, timeoutMs = TIMEOUT_MS): Promise<Frame> {
    const queued = this.frames.findIndex(match);
    if (queued >= 0) return Promise.resolve(this.frames.splice(queued, 1)[0]!);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching frame within ${timeoutMs} ms; queued: ${JSON.stringify(this.frames)}`)), timeoutMs);
      this.waiters.push({
        match,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f);
        },
      });
    });
  }

  /** Every frame up to and including the first matching `until`, in arrival order. */
  async until(until: (f: Frame) => boolean): Promise<Frame[]> {
    const out: Frame[] = [];
    for (;;) {
      const frame = await this.next();
      out.push(frame);
      if (until(frame)) return out;
    }
  }

  /** Sends `hello` and returns the `ready` (or `error`) frame. */
  async hello(fields: Record<string, unknown> = {}): Promise<Frame> {
    this.send({ type: 'hello', ...fields });
    return this.next((f) => f.type === 'ready' || f.type === 'error');
  }

  /** Sends a message and returns the frames through `typing` off (or an error). */
  async ask(clientMessageId: string, text: string): Promise<Frame[]> {
    this.send({ type: 'message', clientMessageId, text });
    return this.until((f) => (f.type === 'typing' && f.on === false) || f.type === 'error');
  }

  /** Closes the socket. */
  close(): void {
    this.ws.close();
  }
}

/** A frame filter by `type`. */
export const byType = (type: string) => (f: Frame) => f.type === type;
