import type { Duplex } from 'node:stream';

/**
 * Lets the frames written to a connection during one turn of the event loop leave in one write: the first frame corks
 * the connection, and every corked connection is uncorked at the end of the loop turn (`setImmediate`). A web chat
 * turn's frames mostly come in pairs (`ack` then `typing`, the `reply` then `typing` off): one system call each pair
 * instead of one per frame, for a delay well under a millisecond.
 */
export class WriteCoalescer {
  private readonly corked = new Set<Duplex>();
  private scheduled = false;

  /** Holds `stream`'s writes until the end of this loop turn (a no-op when it is held already). */
  hold(stream: Duplex): void {
    if (this.corked.has(stream) || stream.destroyed) return;
    stream.cork();
    this.corked.add(stream);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  /** Writes what every held connection was given. */
  readonly flush = (): void => {
    this.scheduled = false;
    // Copied first: an uncork may run callbacks that hold a connection again (for the next loop turn).
    const streams = [...this.corked];
    this.corked.clear();
    for (const stream of streams) stream.uncork();
  };
}
