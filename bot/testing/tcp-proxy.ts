import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';

/** What a {@link TcpProxy} does with traffic: forward it, refuse it, or swallow it silently. */
export type TcpProxyMode = 'open' | 'cut' | 'blackhole';

/** Options of {@link startTcpProxy}. */
export interface TcpProxyOptions {
  /** Where connections are forwarded. */
  targetHost: string;
  targetPort: number;
  /** Local port to listen on; default 0 (a free one). */
  port?: number;
  /** Local interface; default `127.0.0.1`. */
  host?: string;
}

/**
 * A controllable local TCP proxy for tests and benches that need a dependency (PostgreSQL, Redis) to fail the way
 * networks fail. Point the client at {@link TcpProxy.url}-style `host:port`; then:
 * - {@link TcpProxy.cut}: every open connection is destroyed (the client sees a reset) and new ones are refused
 *   (accepted and destroyed at once), as when the database host goes down;
 * - {@link TcpProxy.blackhole}: sockets stay open but nothing passes either way, and new connections hang without
 *   reaching the target, as with a dropped route or a firewall that drops packets;
 * - {@link TcpProxy.restore}: forwarding resumes for new connections (black-holed ones stay dead, as their peer has
 *   long given up on them).
 */
export interface TcpProxy {
  readonly host: string;
  readonly port: number;
  readonly mode: TcpProxyMode;
  /** Connections currently open through the proxy (client side). */
  readonly connections: number;
  cut(): void;
  blackhole(): void;
  restore(): void;
  /** Rewrites a connection URL's host and port to the proxy's (e.g. a `postgres://` URL). */
  proxiedUrl(url: string): string;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream: Socket | undefined;
  /** Set once this pair was black-holed: it never forwards again. */
  dead: boolean;
}

/** Starts a {@link TcpProxy} forwarding to `targetHost:targetPort`; resolves once it listens. */
export async function startTcpProxy(options: TcpProxyOptions): Promise<TcpProxy> {
  let mode: TcpProxyMode = 'open';
  const pairs = new Set<Pair>();

  const drop = (pair: Pair) => {
    pair.client.destroy();
    pair.upstream?.destroy();
    pairs.delete(pair);
  };

  const server: Server = createServer((client) => {
    client.on('error', () => undefined);
    if (mode === 'cut') {
      client.destroy();
      return;
    }
    const pair: Pair = { client, upstream: undefined, dead: mode === 'blackhole' };
    pairs.add(pair);
    client.on('close', () => drop(pair));
    // A black-holed connection is accepted and then ignored: its handshake never gets an answer.
    if (pair.dead) return;
    const upstream = connect({ host: options.targetHost, port: options.targetPort });
    pair.upstream = upstream;
    upstream.on('error', () => drop(pair));
    upstream.on('close', () => drop(pair));
    client.on('data', (chunk: Buffer) => {
      if (!pair.dead) upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!pair.dead) client.write(chunk);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;

  return {
    host: address.address,
    port: address.port,
    get mode() {
      return mode;
    },
    get connections() {
      return pairs.size;
    },
    cut() {
      mode = 'cut';
      for (const pair of [...pairs]) drop(pair);
    },
    blackhole() {
      mode = 'blackhole';
      for (const pair of pairs) pair.dead = true;
    },
    restore() {
      mode = 'open';
    },
    proxiedUrl(url: string) {
      const parsed = new URL(url);
      parsed.hostname = address.address;
      parsed.port = String(address.port);
      return parsed.toString();
    },
    async close() {
      for (const pair of [...pairs]) drop(pair);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
