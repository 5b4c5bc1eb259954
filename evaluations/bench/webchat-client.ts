/** One simulated web chat customer of `bench:webchat`, and the counts all clients add to. */
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import type { RawData } from 'ws';
import { sleep } from './server-process.js';

/** No reply within this long means the message is lost (CONTRACTS.md). */
const REPLY_TIMEOUT_MS = 10_000;
/** How long each client keeps listening after its last message, to catch late duplicates. */
export const LINGER_MS = 1_000;
const CONNECT_TIMEOUT_MS = 30_000;

/** Realistic apparel-store questions the clients pick from. */
export const QUESTIONS = [
  'How do I return a sweater that does not fit?',
  'How long does standard shipping take?',
  'Do you ship to Canada, and how much does it cost?',
  'My order has not arrived yet, where is it?',
  'Can I change the delivery address on my order?',
  'What size should I get if I am usually between a medium and a large?',
  'Do your jeans run small?',
  'How should I wash a wool sweater?',
  'Can I put the organic cotton tee in the dryer?',
  'Which payment methods do you accept?',
  'Can I pay with PayPal or Apple Pay?',
  'I was charged twice for the same order, what should I do?',
  'How long does a refund take to show up on my card?',
  'Can I exchange a jacket for a different colour?',
  'Is the waxed field jacket waterproof?',
  'Do you offer gift cards?',
  'How do I use a discount code at checkout?',
  'Can I cancel my order? I placed it an hour ago.',
  'The seam on my cardigan came apart after two weeks, can I get a replacement?',
  'Do you have a store where I can try things on?',
];

/** What the clients of one run counted. */
export interface Stats {
  sent: number;
  replies: number;
  lost: number;
  late: number;
  duplicated: number;
  errors: number;
  connectFailures: number;
  latencies: number[];
}

/** A progress line on stderr. */
export function log(message: string): void {
  process.stderr.write(`[bench:webchat] ${message}\n`);
}

function frameText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

interface Pending {
  sentAt: number;
  replies: number;
  /** Ends the wait for the reply; null once it ended (reply, timeout or closed socket). */
  settle: (() => void) | null;
}

/** One simulated customer: connects, waits for `ready`, then chats. */
export class BenchClient {
  private socket: WebSocket | null = null;
  private closing = false;
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly index: number,
    private readonly url: string,
    private readonly stats: Stats,
  ) {}

  /** Resolves true once `ready` arrived, false when the client could not connect (counted as an error). */
  connect(): Promise<boolean> {
    return new Promise((resolve) => {
      let done = false;
      const finish = (ok: boolean, problem?: string): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (!ok) {
          this.stats.errors++;
          this.stats.connectFailures++;
          if (this.stats.connectFailures <= 5) log(`client ${this.index} could not connect: ${problem ?? 'unknown'}`);
          this.closing = true;
          this.socket?.terminate();
        }
        resolve(ok);
      };
      const timer = setTimeout(() => finish(false, `no ready within ${CONNECT_TIMEOUT_MS / 1000} s`), CONNECT_TIMEOUT_MS);
      const socket = new WebSocket(this.url, { handshakeTimeout: CONNECT_TIMEOUT_MS });
      this.socket = socket;
      socket.on('open', () => {
        socket.send(JSON.stringify({ type: 'hello', userId: `bench-${this.index}-${randomUUID()}` }));
      });
      socket.on('message', (data) => {
        let frame: unknown;
        try {
          frame = JSON.parse(frameText(data));
        } catch {
          this.problem('a frame that is not JSON');
          return;
        }
        if (typeof frame !== 'object' || frame === null) return;
        const f = frame as Record<string, unknown>;
        if (f.type === 'ready') finish(true);
        else if (!done && f.type === 'error') finish(false, `error frame ${JSON.stringify(f)}`);
        else this.onFrame(f);
      });
      socket.on('error', (err) => {
        if (!done) finish(false, err.message);
        else this.problem(`socket error: ${err.message}`);
      });
      socket.on('close', (code) => {
        if (!done) finish(false, `closed with ${code} before ready`);
        else if (!this.closing) {
          this.problem(`unexpected close (code ${code})`);
          this.abandonPending();
        }
      });
    });
  }

  /** Sends the messages one after another, each waiting for its reply or the reply timeout. */
  async chat(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      if (!this.socket || this.socket.readyState !== WebSocket.OPEN) {
        // the socket is gone: the remaining messages cannot be sent, so they count as lost
        this.stats.sent += count - i;
        this.stats.lost += count - i;
        break;
      }
      await this.sendOne(QUESTIONS[(this.index + i) % QUESTIONS.length] ?? 'Hello');
    }
    await sleep(LINGER_MS);
    this.closing = true;
    this.socket?.close(1000, 'bench done');
  }

  /** Sends one message without waiting for earlier replies (open loop); resolves when its reply came or it was lost. */
  send(text: string): Promise<void> {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) {
      this.stats.sent++;
      this.stats.lost++;
      return Promise.resolve();
    }
    return this.sendOne(text);
  }

  /** Stops listening and closes the socket. */
  finish(): void {
    this.closing = true;
    this.socket?.close(1000, 'bench done');
  }

  private sendOne(text: string): Promise<void> {
    return new Promise((resolve) => {
      const id = randomUUID();
      const entry: Pending = { sentAt: performance.now(), replies: 0, settle: null };
      const timer = setTimeout(() => {
        entry.settle = null;
        this.stats.lost++;
        resolve();
      }, REPLY_TIMEOUT_MS);
      entry.settle = () => {
        clearTimeout(timer);
        entry.settle = null;
        resolve();
      };
      this.pending.set(id, entry);
      this.stats.sent++;
      this.socket?.send(JSON.stringify({ type: 'message', clientMessageId: id, text }), (err) => {
        if (err) this.problem(`send failed: ${err.message}`);
      });
    });
  }

  /** The socket is gone, so no reply can come: waiting messages are lost now rather than after the timeout. */
  private abandonPending(): void {
    for (const entry of this.pending.values()) {
      if (!entry.settle) continue;
      this.stats.lost++;
      entry.settle();
    }
  }

  private onFrame(f: Record<string, unknown>): void {
    if (f.type === 'error') {
      this.problem(`error frame ${JSON.stringify(f)}`);
      return;
    }
    if (f.type !== 'reply') return; // ack, typing, message: not measured
    const id = typeof f.clientMessageId === 'string' ? f.clientMessageId : '';
    const entry = this.pending.get(id);
    if (!entry) {
      this.problem(`reply for a clientMessageId this client never sent: ${id || '(none)'}`);
      return;
    }
    entry.replies++;
    if (entry.replies === 2) this.stats.duplicated++;
    if (entry.replies > 1) return;
    if (entry.settle) {
      this.stats.replies++;
      this.stats.latencies.push(performance.now() - entry.sentAt);
      entry.settle();
    } else {
      this.stats.late++; // after the timeout: already counted as lost
    }
  }

  private problem(message: string): void {
    this.stats.errors++;
    if (this.stats.errors <= 20) log(`client ${this.index}: ${message}`);
  }

  terminate(): void {
    this.closing = true;
    this.socket?.terminate();
  }
}
