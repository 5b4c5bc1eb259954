import { connect, createServer, type Server, type Socket } from 'node:net';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';
import { waitFor } from './wait.js';

/** Connects through the proxy; resolves with the socket and what it receives. */
function client(proxy: TcpProxy): Promise<{ socket: Socket; received: () => string; closed: () => boolean }> {
  return new Promise((resolve, reject) => {
    let data = '';
    let closed = false;
    const socket = connect({ host: proxy.host, port: proxy.port });
    socket.on('data', (chunk) => (data += String(chunk)));
    socket.on('close', () => (closed = true));
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve({ socket, received: () => data, closed: () => closed }));
    socket.once('error', reject);
  });
}


describe('startTcpProxy', () => {
  let echo: Server;
  let proxy: TcpProxy;
  /** What reached the echo server, on any connection. */
  let reached = '';

  beforeEach(async () => {
    reached = '';
    echo = createServer((socket) => {
      socket.on('data', (chunk) => (reached += String(chunk)));
      socket.pipe(socket);
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const { port } = echo.address() as { port: number };
    proxy = await startTcpProxy({ targetHost: '127.0.0.1', targetPort: port });
  });

  afterEach(async () => {
    await proxy.close();
    await new Promise((resolve) => echo.close(resolve));
  });

  it('forwards both ways, and rewrites a URL to point at itself', async () => {
    const c = await client(proxy);
    c.socket.write('ping');
    await waitFor(() => c.received() === 'ping', 2_000, 'the echo');
    expect(proxy.connections).toBe(1);
    expect(proxy.proxiedUrl('postgres://me@db.example:5432/test')).toBe(`postgres://me@${proxy.host}:${proxy.port}/test`);
    c.socket.destroy();
  });

  it('cut() drops open connections and refuses new ones until restore()', async () => {
    const open = await client(proxy);
    proxy.cut();
    await waitFor(() => open.closed(), 2_000, 'the open connection to drop');
    const refused = await client(proxy);
    refused.socket.write('anyone?');
    await waitFor(() => refused.closed(), 2_000, 'the new connection to be refused');
    expect(refused.received()).toBe('');
    proxy.restore();
    const again = await client(proxy);
    again.socket.write('back');
    await waitFor(() => again.received() === 'back', 2_000, 'the echo after restore()');
    again.socket.destroy();
  });

  it('blackhole() keeps sockets open but passes nothing, old or new', async () => {
    const open = await client(proxy);
    proxy.blackhole();
    open.socket.write('lost');
    const fresh = await client(proxy);
    fresh.socket.write('lost too');
    proxy.restore();
    open.socket.write('still lost');
    const after = await client(proxy);
    after.socket.write('fine');
    await waitFor(() => after.received() === 'fine', 2_000, 'the echo of a new connection after restore()');
    // That echo went through the proxy and back after every write above reached it (loopback, one event loop): had
    // the black hole let any of them through, its echo would be here already.
    expect([open.received(), fresh.received(), reached]).toEqual(['', '', 'fine']);
    expect([open.closed(), fresh.closed()]).toEqual([false, false]);
    for (const c of [open, fresh, after]) c.socket.destroy();
  });
});
