/** A frame for the sockets of one conversation. */
export interface FanoutFrame {
  conversationId: string;
  frame: Record<string, unknown>;
}

/**
 * Carries web chat frames between the server instances behind one load balancer: a customer's socket lives on one
 * instance while an agent's reply or a proactive message may be sent from another. Live delivery only (at most
 * once): what is pushed is already in the transcript, which a widget reloads when it reconnects.
 */
export interface SocketFanout {
  /**
   * Sends `frame` to the other instances (this one delivers to its own sockets itself); resolves to how many other
   * instances received it (0 while the fanout is unreachable).
   */
  publish(message: FanoutFrame): Promise<number>;
  /** Starts receiving the frames other instances publish. */
  subscribe(deliver: (message: FanoutFrame) => void): void;
  close(): Promise<void>;
}
