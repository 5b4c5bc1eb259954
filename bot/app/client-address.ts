import type { IncomingMessage } from 'node:http';

/**
 * The client address of a WebSocket upgrade (Fastify computes `request.ip` for HTTP routes, not for upgrades):
 * the peer address, or with `PARLEY_TRUST_PROXY` the `X-Forwarded-For` entry the trusted proxies vouch for — the
 * first with `true`, the n-th from the right with a hop count, the right-most not in the list with addresses.
 */
export function clientAddress(request: IncomingMessage, trustProxy: boolean | number | string[]): string {
  const peer = request.socket.remoteAddress ?? 'unknown';
  if (trustProxy === false || trustProxy === 0) return peer;
  const header = request.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((a) => a.trim()).filter(Boolean);
  if (forwarded.length === 0) return peer;
  if (trustProxy === true) return forwarded[0]!;
  if (typeof trustProxy === 'number') return forwarded[Math.max(0, forwarded.length - trustProxy)]!;
  if (!trustProxy.includes(peer)) return peer;
  const chain = [...forwarded];
  while (chain.length > 1 && trustProxy.includes(chain.at(-1)!)) chain.pop();
  return chain.at(-1)!;
}
