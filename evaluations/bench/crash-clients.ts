/**
 * Web chat clients for crash benchmarks, and the checks on what they saw. Each client chats in one conversation,
 * sends numbered messages (each with its own clientMessageId, a few in flight at once), reconnects with its
 * conversation id and token whenever the socket drops, and then re-sends every message it has no reply to (same
 * clientMessageId). At the end {@link checkClients} compares what each client received with the conversation's
 * transcript (`GET /api/conversations/:id/messages`). Used by `bench:crash` and the database-cut variant.
 */
import { randomUUID } from 'node:crypto';
import WebSocket, { type RawData } from 'ws';
import { sleep } from './server-process.js';

/** Questions the clients ask (apparel store, answered from the bundled sample tickets). */
const QUESTIONS = [
  'How do I return a sweater that does not fit?',
  'How long does standard shipping take?',
  'Do you ship to Canada, and how much does it cost?',
  'Can I change the delivery address on my order?',
  'How should I wash a wool sweater?',
  'Which payment methods do you accept?',
  'Do you offer gift cards?',
  'How do I use a discount code at checkout?',
  'Can I exchange a jacket for a different colour?',
  'Do your jeans run small?',
];

/** One numbered message of a client, and what came back for it. */
export interface ClientMessage {
  n: number;
  clientMessageId: string;
  text: string;
  /** How many times it was sent (re-sends after a reconnect or an error frame included). */
  sends: number;
  /** Reply message ids received for it, with how many times each arrived. */
  replies: Map<string, number>;
  /** Error frames received for it. */
  errors: number;
  /** The server's `ack`: it holds the message (durable inbox, or its spool) and promises an answer. */
  acked?: boolean;
  /** "Kept while the database is unavailable" notices (`reply.pending`) received for it: not its answer. */
  notices?: number;
  /** When it was first sent and when its first reply arrived (epoch ms). */
  sentAt?: number;
  answeredAt?: number;
}

/** Options of {@link CrashClient}. */
export interface CrashClientOptions {
  /** `ws://host:port/ws/chat`. */
  wsUrl: string;
  index: number;
  messages: number;
  /** Messages sent but not yet answered, at most; default 2 (so that reply order is tested). */
  window?: number;
  /** Longest pause before sending the next message (ms); default 300. */
  maxThinkMs?: number;
}

/** A web chat customer that survives server restarts: reconnects, resumes its conversation and re-sends. */
export class CrashClient {
  readonly messages: ClientMessage[];
  conversationId: string | undefined;
  token: string | undefined;
  /** Message numbers in the order their first reply arrived. */
  readonly replyOrder: number[] = [];
  /** Error frames not tied to a message (e.g. a refused hello). */
  otherErrors = 0;
  reconnects = 0;

  private socket: WebSocket | undefined;
  private ready = false;
  private next = 0;
  private readonly inFlight = new Set<number>();
  private sendTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private finished: (() => void) | undefined;
  private readonly window: number;
  private backoffMs = 100;
  /** Messages this client sends at most ({@link stopSending} lowers it to those already sent). */
  private limit: number;

  constructor(private readonly options: CrashClientOptions) {
    this.window = options.window ?? 2;
    this.limit = options.messages;
    this.messages = Array.from({ length: options.messages }, (_, n) => ({
      n,
      clientMessageId: randomUUID(),
      text: `${QUESTIONS[(options.index + n) % QUESTIONS.length] ?? 'Hello'} (message ${n + 1} of client ${options.index})`,
      sends: 0,
      replies: new Map(),
      errors: 0,
    }));
  }

  /** Messages with at least one reply. */
  get answered(): number {
    return this.messages.filter((m) => m.replies.size > 0).length;
  }

  /** Chats until every message has a reply or `deadline` (epoch ms) passes. */
  async run(deadline: number): Promise<void> {
    const done = new Promise<void>((resolve) => (this.finished = resolve));
    this.connect();
    // A timer, not a sleep: it must not keep the process alive once every message is answered.
    const timer = setTimeout(() => this.finished?.(), Math.max(0, deadline - Date.now()));
    await done;
    clearTimeout(timer);
    this.stop();
  }

  /** Sends no new message; `run` ends once every message already sent has its reply. */
  stopSending(): void {
    this.limit = this.next;
    if (this.allAnswered) this.finished?.();
  }

  /** Every message this client is to send has a reply. */
  private get allAnswered(): boolean {
    return this.messages.slice(0, this.limit).every((m) => m.replies.size > 0);
  }

  /** Messages sent at least once. */
  get sent(): ClientMessage[] {
    return this.messages.slice(0, this.next);
  }

  /** Stops chatting and closes the socket. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.sendTimer);
    this.socket?.terminate();
    this.finished?.();
  }

  private connect(): void {
    if (this.stopped) return;
    const socket = new WebSocket(this.options.wsUrl, { handshakeTimeout: 5_000 });
    this.socket = socket;
    this.ready = false;
    socket.on('open', () => {
      const hello = this.conversationId && this.token ? { conversationId: this.conversationId, token: this.token } : { userId: `crash-${this.options.index}-${randomUUID()}` };
      socket.send(JSON.stringify({ type: 'hello', ...hello }));
    });
    socket.on('message', (data) => this.onFrame(socket, data));
    socket.on('error', () => undefined); // followed by 'close'
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.ready = false;
      this.inFlight.clear();
      clearTimeout(this.sendTimer);
      this.sendTimer = undefined;
      if (this.stopped) return;
      this.reconnects++;
      // Back off while the server is down (200 ms, doubling up to 1 s); a successful `ready` resets it.
      this.backoffMs = Math.min(1_000, this.backoffMs * 2);
      setTimeout(() => this.connect(), this.backoffMs);
    });
  }

  private onFrame(socket: WebSocket, data: RawData): void {
    let frame: Record<string, unknown>;
    try {
      frame = JSON.parse(frameText(data)) as Record<string, unknown>;
    } catch {
      this.otherErrors++;
      return;
    }
    if (frame.type === 'ready') return this.onReady(socket, frame);
    const message = this.messages.find((m) => m.clientMessageId === frame.clientMessageId);
    if (frame.type === 'error') {
      if (!message) {
        this.otherErrors++;
        return;
      }
      message.errors++;
      // Not silence, but not an answer either: ask again a little later on the same connection.
      setTimeout(() => {
        if (this.socket === socket && this.ready && message.replies.size === 0) this.send(message);
      }, 500);
      return;
    }
    if (frame.type === 'ack' && message) {
      message.acked = true;
      return;
    }
    if (frame.type !== 'reply' || !message || typeof frame.messageId !== 'string') return;
    // The server kept the message while its database was unavailable; the answer follows.
    if ((frame.reply as { pending?: boolean } | undefined)?.pending) {
      message.notices = (message.notices ?? 0) + 1;
      return;
    }
    const first = message.replies.size === 0;
    message.replies.set(frame.messageId, (message.replies.get(frame.messageId) ?? 0) + 1);
    if (!first) return;
    message.answeredAt = Date.now();
    this.replyOrder.push(message.n);
    this.inFlight.delete(message.n);
    if (this.allAnswered) {
      this.finished?.();
      return;
    }
    this.schedule();
  }

  private onReady(socket: WebSocket, frame: Record<string, unknown>): void {
    if (this.socket !== socket) return;
    this.conversationId = String(frame.conversationId);
    this.token = String(frame.token);
    this.ready = true;
    this.backoffMs = 100;
    this.answeredInHistory(frame.messages);
    // Re-send, in order, everything sent before that has no reply yet (same clientMessageId).
    for (const message of this.messages.slice(0, this.next)) {
      if (message.replies.size === 0) this.send(message);
    }
    this.schedule();
  }

  /**
   * Replies in the history of `ready` to messages still waiting for one count as received, as the widget shows them
   * (a reply recorded before a crash is in the transcript and may never be sent live again).
   */
  private answeredInHistory(history: unknown): void {
    if (!Array.isArray(history)) return;
    const mine = new Map<string, ClientMessage>();
    for (const entry of history as { id?: unknown; role?: unknown; clientMessageId?: unknown; replyToId?: unknown }[]) {
      const message = this.messages.find((m) => m.clientMessageId === entry.clientMessageId);
      if (entry.role === 'customer' && typeof entry.id === 'string' && message) mine.set(entry.id, message);
      const answered = entry.role === 'bot' && typeof entry.replyToId === 'string' ? mine.get(entry.replyToId) : undefined;
      if (!answered || typeof entry.id !== 'string' || answered.replies.has(entry.id)) continue;
      answered.replies.set(entry.id, 1);
      if (answered.replies.size > 1) continue;
      answered.answeredAt = Date.now();
      this.replyOrder.push(answered.n);
    }
    if (this.allAnswered) this.finished?.();
  }

  /** Sends the next new message after a short pause, while fewer than `window` wait for replies. */
  private schedule(): void {
    if (this.sendTimer || !this.ready || this.next >= this.limit || this.inFlight.size >= this.window) return;
    this.sendTimer = setTimeout(() => {
      this.sendTimer = undefined;
      if (!this.ready || this.next >= this.limit || this.inFlight.size >= this.window) return;
      const message = this.messages[this.next++] as ClientMessage;
      this.send(message);
      this.schedule();
    }, Math.random() * (this.options.maxThinkMs ?? 300));
  }

  private send(message: ClientMessage): void {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    message.sends++;
    message.sentAt ??= Date.now();
    this.inFlight.add(message.n);
    socket.send(JSON.stringify({ type: 'message', clientMessageId: message.clientMessageId, text: message.text }));
  }
}

function frameText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

/** What the clients saw, checked against the transcripts; every count but `messages` must be zero. */
export interface CrashCounters {
  messages: number;
  /**
   * Messages the server took (acknowledged or answered) that are absent from their conversation's transcript; without
   * `sentOnly`, also the messages never sent.
   */
  lost: number;
  /**
   * Informational: messages sent but never acknowledged, answered or stored — the run ended before the server took
   * them (a timed run's clients stop re-sending at its end). Not lost: nothing was promised.
   */
  unacknowledged: number;
  /** Messages stored, but no reply reached the client by the end of the run. */
  silent: number;
  /** Messages that received two (or more) different replies (distinct reply message ids). */
  duplicated: number;
  /** Messages whose first reply arrived after the first reply to a later message of the same client. */
  outOfOrder: number;
  /** Messages and replies that reached the client but are absent from `GET /api/conversations/:id/messages`. */
  missingFromTranscript: number;
  /** Informational: messages for which one reply (same message id) arrived more than once (a client shows it once). */
  redelivered: number;
  /** Informational: re-sends (reconnects and error frames), error frames, reconnects. */
  resends: number;
  errorFrames: number;
  reconnects: number;
}

/** Reads each client's transcript and counts what was lost, silent, duplicated, out of order or missing (of the messages sent, with `sentOnly`). */
export async function checkClients(baseUrl: string, clients: readonly CrashClient[], options: { sentOnly?: boolean } = {}): Promise<CrashCounters> {
  const counters: CrashCounters = {
    messages: 0,
    lost: 0,
    unacknowledged: 0,
    silent: 0,
    duplicated: 0,
    outOfOrder: 0,
    missingFromTranscript: 0,
    redelivered: 0,
    resends: 0,
    errorFrames: 0,
    reconnects: 0,
  };
  for (const client of clients) {
    const transcript = await readTranscript(baseUrl, client);
    const customerTexts = new Set(transcript.filter((m) => m.role === 'customer').map((m) => m.text));
    const ids = new Set(transcript.map((m) => m.id));
    counters.reconnects += client.reconnects;
    counters.errorFrames += client.otherErrors;
    // A timed run stops sending at its end: messages never sent are not counted (`sentOnly`).
    for (const message of options.sentOnly ? client.sent : client.messages) {
      counters.messages++;
      counters.resends += Math.max(0, message.sends - 1);
      counters.errorFrames += message.errors;
      const stored = customerTexts.has(message.text);
      if (!stored && options.sentOnly && !message.acked && message.replies.size === 0) counters.unacknowledged++;
      else if (!stored) counters.lost++;
      else if (message.replies.size === 0) counters.silent++;
      if (message.replies.size > 1) counters.duplicated++;
      if ([...message.replies.values()].some((times) => times > 1)) counters.redelivered++;
      if (message.replies.size > 0 && !stored) counters.missingFromTranscript++;
      for (const replyId of message.replies.keys()) if (!ids.has(replyId)) counters.missingFromTranscript++;
    }
    let latest = -1;
    for (const n of client.replyOrder) {
      if (n < latest) counters.outOfOrder++;
      latest = Math.max(latest, n);
    }
  }
  return counters;
}

async function readTranscript(baseUrl: string, client: CrashClient): Promise<{ id: string; role: string; text: string }[]> {
  if (!client.conversationId || !client.token) return [];
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetch(`${baseUrl}/api/conversations/${client.conversationId}/messages`, {
        headers: { authorization: `Bearer ${client.token}` },
        signal: AbortSignal.timeout(10_000),
      });
      if (res.status !== 200) throw new Error(`GET transcript: HTTP ${res.status}`);
      const body = (await res.json()) as { messages: { id: string; role: string; text: string }[] };
      return body.messages;
    } catch (error) {
      if (attempt >= 5) throw error;
      await sleep(500);
    }
  }
}
