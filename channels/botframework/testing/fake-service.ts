import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { startFakeServer, VendorRejection, type FakeRequest } from '../../../bot/core/testing/fake-server.js';

/**
 * The Connector API's `Activity` as Parley sends it (Bot Framework REST API reference, "Activity object"): a known
 * `type`; `text` a string; `attachments` each with a `contentType` and its `content` or `contentUrl`; channel
 * accounts with an `id`.
 */
const ChannelAccount = z.looseObject({ id: z.string().min(1), name: z.string().optional() });
const Activity = z.looseObject({
  type: z.enum(['message', 'contactRelationUpdate', 'conversationUpdate', 'typing', 'endOfConversation', 'event', 'invoke', 'deleteUserData', 'messageUpdate', 'messageDelete', 'installationUpdate', 'messageReaction', 'suggestion', 'trace', 'handoff']),
  text: z.string().optional(),
  textFormat: z.enum(['markdown', 'plain', 'xml']).optional(),
  from: ChannelAccount.optional(),
  recipient: ChannelAccount.optional(),
  replyToId: z.string().optional(),
  attachments: z.array(z.looseObject({ contentType: z.string().min(1), contentUrl: z.string().optional(), content: z.unknown().optional() }).refine((a) => a.content !== undefined || a.contentUrl !== undefined, 'an attachment needs content or contentUrl')).optional(),
  suggestedActions: z.looseObject({ actions: z.array(z.looseObject({ type: z.string(), title: z.string().optional(), value: z.unknown().optional() })) }).optional(),
});

/** The client-credentials token request of the Microsoft identity platform, for the Bot Framework's scope. */
const TokenRequest = z.object({
  grant_type: z.literal('client_credentials', 'unsupported_grant_type: expected client_credentials'),
  client_id: z.string().min(1),
  client_secret: z.string().min(1),
  scope: z.literal('https://api.botframework.com/.default', 'invalid_scope: expected https://api.botframework.com/.default'),
});

/** The answer to a rejected request: the token endpoint's OAuth error, or the Connector's `BadArgument`. */
function rejection(rejected: VendorRejection): { status: number; body: unknown } {
  if (rejected.message.includes('/oauth2/')) {
    const [error, description] = (rejected.issues[0]?.message ?? '').split(': ');
    return { status: 400, body: { error: description ? error : 'invalid_request', error_description: description ?? rejected.message } };
  }
  return { status: 400, body: { error: { code: 'BadArgument', message: rejected.message } } };
}

/** One request the fake Bot Connector service received, with what it answered. */
export interface FakeConnectorRequest {
  method: string;
  /** Path without the service URL's prefix, e.g. `/v3/conversations/c1/activities/a1`. */
  path: string;
  conversationId: string;
  /** Set for ReplyToActivity (`…/activities/{activityId}`), unset for SendToConversation. */
  activityId?: string;
  authorization: string | undefined;
  body: unknown;
  status: number;
  response: unknown;
}

/** Options of {@link startFakeBotFrameworkService}. */
export interface FakeServiceOptions {
  /** The bot's app id and password: the token endpoint issues tokens for them and the connector requires one. */
  appId?: string;
  appPassword?: string;
  /** Channel ids the signing key is endorsed for; default `msteams`, `directline`, `webchat`, `emulator`. */
  endorsements?: string[];
}

/** Options of {@link FakeBotFrameworkService.signChannelToken}. */
export interface SignOptions {
  /** `untrusted` signs with a key the published key set does not hold, under the trusted key's id (a forgery). */
  key?: 'trusted' | 'untrusted';
  /** Token lifetime from now, seconds (negative: already expired); default 3600. */
  expiresIn?: number;
  kid?: string;
  alg?: string;
}

/**
 * A local stand-in for the Bot Framework services a bot talks to, following their published documents: the channel
 * OpenID metadata and its JWKS (with `endorsements`), the client-credentials token endpoint, and the Connector API's
 * SendToConversation / ReplyToActivity. It signs channel tokens with a test RSA key and records every connector request.
 */
export interface FakeBotFrameworkService {
  /** Origin, e.g. `http://127.0.0.1:50123`. */
  url: string;
  /** Service URL to put on activities (`<url>/amer/`, like Teams' regional service URLs). */
  serviceUrl: string;
  openIdMetadataUrl: string;
  tokenEndpoint: string;
  /** Connector API requests, in order. */
  requests: FakeConnectorRequest[];
  /** Form bodies the token endpoint received. */
  tokenRequests: Record<string, string>[];
  /** Access tokens the token endpoint issued. */
  issuedTokens: string[];
  /** Answers OpenID metadata / JWKS / token / connector requests so far (for schema checks). */
  documents: { openIdMetadata: unknown; keys: unknown; tokenResponses: unknown[] };
  /** A channel token (`iss` https://api.botframework.com) with `claims` on top of `aud` = app id and `serviceurl`. */
  signChannelToken(claims?: Record<string, unknown>, options?: SignOptions): string;
  /** Answers connector requests with `status` (an ErrorResponse) until reset with undefined. */
  failWith(status: number | undefined): void;
  /** Holds connector answers until the returned function is called. */
  hold(): () => void;
  /** Resolves when at least `count` connector requests matching `filter` arrived. */
  waitForRequests(count: number, filter?: (r: FakeConnectorRequest) => boolean, timeoutMs?: number): Promise<FakeConnectorRequest[]>;
  close(): Promise<void>;
}

const ACTIVITY_PATH = /\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/;

function json(res: ServerResponse, status: number, body: unknown): unknown {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
  return body;
}

/** Starts the fake on 127.0.0.1 on a free port. */
export async function startFakeBotFrameworkService(options: FakeServiceOptions = {}): Promise<FakeBotFrameworkService> {
  const trusted = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const untrusted = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = `test-key-${randomUUID().slice(0, 8)}`;
  const endorsements = options.endorsements ?? ['msteams', 'directline', 'webchat', 'emulator'];
  const requests: FakeConnectorRequest[] = [];
  const tokenRequests: Record<string, string>[] = [];
  const issuedTokens: string[] = [];
  const documents: FakeBotFrameworkService['documents'] = { openIdMetadata: undefined, keys: undefined, tokenResponses: [] };
  const waiters = new Set<() => void>();
  let failStatus: number | undefined;
  let gate: Promise<void> | undefined;
  let url = '';

  const connector = async (req: FakeRequest, res: ServerResponse, path: string, text: string): Promise<void> => {
    const match = ACTIVITY_PATH.exec(path);
    const record: FakeConnectorRequest = {
      method: req.method,
      path: match ? match[0] : path,
      conversationId: match?.[1] ? decodeURIComponent(match[1]) : '',
      ...(match?.[2] ? { activityId: decodeURIComponent(match[2]) } : {}),
      authorization: req.headers.authorization,
      body: undefined,
      status: 0,
      response: undefined,
    };
    record.body = req.json ?? (text || undefined);
    if (gate) await gate;
    const error = (status: number, code: string, message: string) => {
      record.status = status;
      record.response = json(res, status, { error: { code, message } });
    };
    const valid = (): boolean => {
      try {
        req.valid(Activity);
        return true;
      } catch (rejected) {
        if (!(rejected instanceof VendorRejection)) throw rejected;
        Object.assign(record, { status: 400, response: rejection(rejected).body });
        requests.push(record);
        for (const wake of [...waiters]) wake();
        throw rejected;
      }
    };
    if (!match || req.method !== 'POST') error(404, 'NotFound', `no operation ${req.method} ${path}`);
    else if (options.appId && !issuedTokens.some((token) => req.headers.authorization === `Bearer ${token}`)) error(401, 'Unauthorized', 'missing or unknown bot token');
    else if (failStatus) error(failStatus, 'ServiceError', 'failure injected by the test');
    else if (valid()) {
      record.status = 200;
      record.response = json(res, 200, { id: `${Date.now()}${requests.length}` });
    }
    requests.push(record);
    for (const wake of [...waiters]) wake();
  };

  const token = (req: FakeRequest, res: ServerResponse): void => {
    tokenRequests.push(Object.fromEntries(Object.entries(req.form ?? {}).map(([name, value]) => [name, String(value)])));
    const fail = (status: number, error: string, description: string) => json(res, status, { error, error_description: description });
    const form = req.valid(TokenRequest, 'form');
    if (!options.appId || form.client_id !== options.appId || form.client_secret !== options.appPassword) return void fail(401, 'invalid_client', 'bad client id or secret');
    const accessToken = `fake-bot-token-${randomUUID()}`;
    issuedTokens.push(accessToken);
    documents.tokenResponses.push(json(res, 200, { token_type: 'Bearer', expires_in: 3600, ext_expires_in: 3600, access_token: accessToken }));
  };

  const server = await startFakeServer(async (req, res) => {
    const { path, text } = req;
    if (req.method === 'GET' && path === '/v1/.well-known/openidconfiguration') {
      documents.openIdMetadata = json(res, 200, {
        issuer: 'https://api.botframework.com',
        authorization_endpoint: 'https://invalid.botframework.com',
        jwks_uri: `${url}/v1/.well-known/keys`,
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['private_key_jwt'],
      });
    } else if (req.method === 'GET' && path === '/v1/.well-known/keys') {
      const jwk = trusted.publicKey.export({ format: 'jwk' });
      documents.keys = json(res, 200, { keys: [{ kty: 'RSA', use: 'sig', kid, x5t: kid, n: jwk.n, e: jwk.e, endorsements }] });
    } else if (req.method === 'POST' && path === '/botframework.com/oauth2/v2.0/token') {
      token(req, res);
    } else {
      await connector(req, res, path, text);
    }
  }, { vendor: 'the Bot Framework', rejection });
  url = server.url;

  const signChannelToken = (claims: Record<string, unknown> = {}, opts: SignOptions = {}): string => {
    const now = Math.floor(Date.now() / 1000);
    const expiresIn = opts.expiresIn ?? 3600;
    const header = { typ: 'JWT', alg: opts.alg ?? 'RS256', kid: opts.kid ?? kid, x5t: opts.kid ?? kid };
    const payload = {
      iss: 'https://api.botframework.com',
      aud: options.appId,
      serviceurl: `${url}/amer/`,
      nbf: Math.min(now, now + expiresIn) - 600,
      exp: now + expiresIn,
      ...claims,
    };
    const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
    const input = `${encode(header)}.${encode(payload)}`;
    const key: KeyObject = (opts.key === 'untrusted' ? untrusted : trusted).privateKey;
    return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
  };

  return {
    url,
    serviceUrl: `${url}/amer/`,
    openIdMetadataUrl: `${url}/v1/.well-known/openidconfiguration`,
    tokenEndpoint: `${url}/botframework.com/oauth2/v2.0/token`,
    requests,
    tokenRequests,
    issuedTokens,
    documents,
    signChannelToken,
    failWith: (status) => {
      failStatus = status;
    },
    hold: () => {
      let release!: () => void;
      gate = new Promise((resolve) => (release = resolve));
      return () => {
        gate = undefined;
        release();
      };
    },
    waitForRequests: (count, filter = () => true, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const check = (): boolean => {
          const matching = requests.filter(filter);
          if (matching.length < count) return false;
          waiters.delete(wake);
          clearTimeout(timer);
          resolve(matching);
          return true;
        };
        const wake = () => void check();
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`timed out waiting for ${count} connector request(s); got ${requests.filter(filter).length}`));
        }, timeoutMs);
        waiters.add(wake);
        check();
      }),
    close: () => server.close(),
  };
}
