import { BACKOFF_BASE_MS, BACKOFF_MAX_MS, READY_TIMEOUT_MS } from './config.js';
import type { HelloFrame, MessageFrame } from './frames.js';
import type { ConnState } from './panel.js';

/** What the connection reports to the rest of the widget. */
export interface ConnectionEvents {
  /** The hello frame to open a socket with (who is chatting and which conversation to resume). */
  hello(): HelloFrame;
  /** A frame arrived on the current socket. */
  onFrame(socket: WebSocket, data: unknown): void;
  /** The current socket closed (a reconnection is scheduled next). */
  onClose(): void;
  /** The connection indicator should change. */
  onState(state: ConnState): void;
}

/**
 * The WebSocket to the server: connects once there is a reason to (the panel opened, a conversation exists, or a
 * message waits), says hello, drops a socket that never says `ready`, and reconnects with jittered exponential
 * backoff.
 */
export class Connection {
  private ws: WebSocket | null = null;
  private isReady = false;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private readyTimer: ReturnType<typeof setTimeout> | undefined;
  private wanted = false;

  constructor(
    private readonly url: string,
    private readonly events: ConnectionEvents,
  ) {}

  /** Whether a frame can be sent now: the socket is open and the server has said `ready`. */
  canSend(): boolean {
    return this.isReady && !!this.ws && this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends a customer message frame (throws when the socket refuses it). */
  send(frame: MessageFrame): void {
    if (!this.ws) throw new Error('not connected');
    this.ws.send(JSON.stringify(frame));
  }

  /** Whether the server has said `ready` on the current socket. */
  get ready(): boolean {
    return this.isReady;
  }

  /** The server said `ready`: the socket is usable and the backoff starts over. */
  markReady(): void {
    this.isReady = true;
    this.attempt = 0;
    clearTimeout(this.readyTimer);
  }

  /** Closes `socket` to start over at once (e.g. with a new conversation after the saved one was refused). */
  restart(socket: WebSocket): void {
    this.attempt = 0;
    socket.close(4001, 'restart');
  }

  /** Opens a socket unless one is open or a reconnection is scheduled; from now on the widget stays connected. */
  connect(): void {
    this.wanted = true;
    if (this.ws || this.reconnectTimer) return;
    let sock: WebSocket;
    try {
      sock = new WebSocket(this.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = sock;
    this.isReady = false;
    this.events.onState(this.attempt ? 'offline' : 'connecting');
    sock.onopen = () => {
      if (this.ws !== sock) return;
      sock.send(JSON.stringify(this.events.hello()));
      clearTimeout(this.readyTimer);
      this.readyTimer = setTimeout(() => {
        if (this.ws === sock && !this.isReady) sock.close(4000, 'ready timeout');
      }, READY_TIMEOUT_MS);
    };
    sock.onmessage = (ev) => {
      if (this.ws === sock) this.events.onFrame(sock, ev.data);
    };
    sock.onclose = () => {
      if (this.ws !== sock) return;
      this.ws = null;
      this.isReady = false;
      clearTimeout(this.readyTimer);
      this.events.onClose();
      this.events.onState('offline');
      this.scheduleReconnect();
    };
    sock.onerror = () => {
      /* a close event follows */
    };
  }

  /** Reconnects without waiting out the backoff (the browser came online, the tab became visible). */
  reconnectNow(): void {
    if (!this.wanted || this.ws) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.connect();
  }

  private scheduleReconnect(): void {
    if (this.reconnectTimer || !this.wanted) return;
    const cap = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * Math.pow(2, this.attempt));
    this.attempt++;
    const delay = cap / 2 + Math.random() * (cap / 2); // jitter, so a restarted server is not hit by every tab at once
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connect();
    }, delay);
  }
}
