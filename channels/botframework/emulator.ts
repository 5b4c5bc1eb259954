import { lookup as dnsLookup } from 'node:dns/promises';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import type { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { ParleyError } from '../../bot/core/index.js';

/** Resolves a host name to every address it has (`dns.lookup` with `all: true`); injectable so tests need no DNS. */
export type HostResolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

/** The system resolver (`dns.lookup`, all addresses, in the order the system gives them). */
export const systemResolver: HostResolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** True for a loopback address (127.0.0.0/8, ::1, and IPv4-mapped ::ffff:127.x.y.z). Pure. */
export function isLoopbackAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return LOOPBACK.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/** Options of {@link EmulatorServiceGuard}. */
export interface EmulatorGuardOptions {
  /** The only port replies may go to (`BOTFRAMEWORK_EMULATOR_PORT`); default any. */
  port?: number | undefined;
  /** Default {@link systemResolver}. */
  resolve?: HostResolver;
}

/**
 * Decides where an unauthenticated (emulator mode) Bot Framework activity may make Parley send replies: an `http:`
 * service URL whose host resolves only to loopback addresses (a name is resolved, never judged by its text, so
 * `127.attacker.example` or `127.0.0.1.nip.io` pointing elsewhere are refused), on the configured emulator port if one
 * is set. The same check runs again when a reply is sent, and the connection goes to the address that was checked
 * ({@link lookup}), so a name that re-resolves elsewhere between the two (DNS rebinding) gets nothing.
 */
export class EmulatorServiceGuard {
  private readonly resolve: HostResolver;

  constructor(private readonly options: EmulatorGuardOptions = {}) {
    this.resolve = options.resolve ?? systemResolver;
  }

  /** Checks an activity's `serviceUrl`; throws `forbidden` naming why. Resolves to the loopback addresses checked. */
  async check(serviceUrl: string): Promise<{ address: string; family: number }[]> {
    let url: URL;
    try {
      url = new URL(serviceUrl);
    } catch {
      throw new ParleyError('bad_request', 'invalid activity: "serviceUrl" must be an absolute URL');
    }
    // The emulator listens on plain HTTP; https would need a certificate for a loopback name anyway.
    if (url.protocol !== 'http:') throw forbidden(`an emulator's serviceUrl must be http://, not ${url.protocol}`);
    this.checkPort(url);
    return this.addresses(url.hostname);
  }

  /** A `lookup` for HTTP agents: resolves with the injected resolver and fails unless every address is loopback. */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    this.addresses(hostname).then(
      (addresses) => {
        if (options.all) return callback(null, addresses);
        const first = addresses[0]!;
        callback(null, first.address, first.family);
      },
      (error: unknown) => callback(error as NodeJS.ErrnoException, '', 0),
    );
  };

  /** Throws `forbidden` when a port is configured and `url` is not on it. */
  checkPort(url: URL): void {
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    if (this.options.port !== undefined && port !== this.options.port) {
      throw forbidden(`the emulator's serviceUrl must be on port ${this.options.port} (BOTFRAMEWORK_EMULATOR_PORT), not ${port}`);
    }
  }

  private async addresses(hostname: string): Promise<{ address: string; family: number }[]> {
    const host = hostname.replace(/^\[|\]$/g, '');
    let addresses: { address: string; family: number }[];
    try {
      addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await this.resolve(host);
    } catch (error) {
      throw forbidden(`the serviceUrl host ${JSON.stringify(host.slice(0, 100))} does not resolve`, error);
    }
    if (addresses.length === 0 || !addresses.every((a) => isLoopbackAddress(a.address))) {
      throw forbidden(`the serviceUrl host ${JSON.stringify(host.slice(0, 100))} is not on this machine (it resolves to ${addresses.map((a) => a.address).join(', ') || 'nothing'})`);
    }
    return addresses;
  }
}

const forbidden = (why: string, cause?: unknown) =>
  new ParleyError('forbidden', `${why}; emulator mode only talks to a Bot Framework Emulator on this machine (set MICROSOFT_APP_ID for Bot Framework channels)`, cause === undefined ? {} : { cause });

// ---- The connector's HTTP client in emulator mode (botbuilder's `ConnectorClientOptions.httpClient`).
type ConnectorClientOptions = NonNullable<ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[4]>;
type CompatHttpClient = NonNullable<ConnectorClientOptions['httpClient']>;
type WebResource = Parameters<CompatHttpClient['sendRequest']>[0];
type CompatResponse = Awaited<ReturnType<CompatHttpClient['sendRequest']>>;

/** Longest wait for an emulator's answer (ms). */
const EMULATOR_TIMEOUT_MS = 30_000;

/**
 * The HTTP client the Bot Framework connector uses in emulator mode: every request (replies, proactive messages) is
 * checked by `guard` (scheme, port, resolved addresses) and connects through an agent whose `lookup` is the guard's,
 * so the socket goes to an address that was just checked to be loopback.
 */
export function emulatorHttpClient(guard: EmulatorServiceGuard): CompatHttpClient {
  const agent = new HttpAgent({ keepAlive: true, lookup: guard.lookup });
  return {
    async sendRequest(request: WebResource): Promise<CompatResponse> {
      const url = new URL(request.url);
      if (url.protocol !== 'http:') throw forbidden(`refusing to send to ${url.protocol} in emulator mode`);
      guard.checkPort(url);
      const body = typeof request.body === 'string' || Buffer.isBuffer(request.body) ? request.body : request.body === undefined || request.body === null ? undefined : JSON.stringify(request.body);
      const response = await new Promise<{ message: IncomingMessage; text: string }>((resolve, reject) => {
        const req = httpRequest(url, { method: request.method, headers: request.headers.rawHeaders(), agent, timeout: request.timeout || EMULATOR_TIMEOUT_MS }, (message) => {
          const chunks: Buffer[] = [];
          message.on('data', (chunk: Buffer) => chunks.push(chunk));
          message.on('end', () => resolve({ message, text: Buffer.concat(chunks).toString('utf8') }));
          message.on('error', reject);
        });
        req.on('timeout', () => req.destroy(new Error(`the emulator did not answer within ${request.timeout || EMULATOR_TIMEOUT_MS} ms`)));
        req.on('error', reject);
        req.end(body);
      });
      const headers = Object.fromEntries(Object.entries(response.message.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : (value ?? '')]));
      // The connector only reads the status, the body text and the headers as JSON (core-http-compat's toPipelineResponse).
      const headersLike = {
        get: (name: string) => headers[name.toLowerCase()],
        contains: (name: string) => name.toLowerCase() in headers,
        rawHeaders: () => ({ ...headers }),
        toJson: () => ({ ...headers }),
      };
      return { request, status: response.message.statusCode ?? 0, headers: headersLike as unknown as CompatResponse['headers'], bodyAsText: response.text };
    },
  };
}
