/**
 * A round-robin TCP load balancer for benches: each new connection goes to the next backend that accepts it (a
 * backend that refuses, e.g. a killed instance, is skipped for that connection). HTTP keep-alive connections and
 * WebSockets stay on the backend they were opened to, as behind a layer-4 load balancer.
 */
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

/** A running {@link startRoundRobin} balancer. */
export interface RoundRobin {
  readonly port: number;
  /** Connections sent to each backend so far. */
  readonly counts: number[];
  close(): Promise<void>;
}

/** Balances connections on a free local port over `backends` (ports on 127.0.0.1). */
export async function startRoundRobin(backends: readonly number[]): Promise<RoundRobin> {
  let next = 0;
  const counts = backends.map(() => 0);
  const sockets = new Set<Socket>();
  const open = (client: Socket, tried: number): void => {
    if (tried >= backends.length) {
      client.destroy();
      return;
    }
    const index = next++ % backends.length;
    const upstream = connect({ host: '127.0.0.1', port: backends[index]! });
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      counts[index]!++;
      sockets.add(upstream);
      client.pipe(upstream);
      upstream.pipe(client);
      client.once('close', () => upstream.destroy());
      client.resume();
    });
    upstream.on('error', () => {
      if (!connected) open(client, tried + 1);
      else client.destroy();
    });
    upstream.on('close', () => {
      sockets.delete(upstream);
      if (connected) client.destroy();
    });
  };
  const server = createServer({ pauseOnConnect: true }, (client) => {
    sockets.add(client);
    client.on('error', () => undefined);
    client.on('close', () => sockets.delete(client));
    open(client, 0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    counts,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
