import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One call the fake answered, as received (`params` decoded from the form or JSON body) and as answered. */
export interface FakeSlackRequest {
  httpMethod: string;
  /** Web API method, e.g. `chat.postMessage`. */
  method: string;
  contentType: string;
  /** The token used: `Authorization: Bearer …` or the `token` parameter. */
  token: string | undefined;
  params: Record<string, unknown>;
  /** Slack answers 200 with `ok: false` for API errors. */
  status: number;
  response: Record<string, unknown>;
  /** `performance.now()` when the request arrived and when it was answered. */
  receivedAt: number;
  respondedAt: number;
}

/** Options of {@link startFakeSlack}. */
export interface FakeSlackOptions {
  /** The bot token the fake accepts; default `xoxb-test-token`. */
  botToken?: string;
  teamId?: string;
  botUserId?: string;
  botId?: string;
  /** Delay before chat.postMessage answers (ms), e.g. to show that the ack does not wait for replies. */
  postDelayMs?: number;
  /** An error code chat.postMessage answers with when this returns one (e.g. `channel_not_found`). */
  failPost?: (params: Record<string, unknown>) => string | undefined;
}

/** A running fake of Slack's Web API (`{url}chat.postMessage`, `auth.test`, …) with every call recorded. */
export interface FakeSlack {
  /** Base URL to use as `slackApiUrl`, ending in `/api/`. */
  url: string;
  requests: FakeSlackRequest[];
  /** The chat.postMessage calls that succeeded. */
  posts(): FakeSlackRequest[];
  options: FakeSlackOptions;
  close(): Promise<void>;
}

const SLACK_MAX_TEXT = 40_000;

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Decodes a Web API request body as Slack does: form-urlencoded (values as strings) or a JSON object. */
function decode(contentType: string, body: string): Record<string, unknown> | 'invalid_form_data' | 'invalid_json' {
  if (!body) return {};
  if (contentType.startsWith('application/json')) {
    try {
      const parsed: unknown = JSON.parse(body);
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : 'invalid_json';
    } catch {
      return 'invalid_json';
    }
  }
  if (contentType.startsWith('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(body));
  return 'invalid_form_data';
}

/** `blocks` as sent: a JSON-encoded string in a form, an array in JSON; undefined when invalid. */
function blocksOf(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (typeof value !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts a local fake of Slack's Web API on 127.0.0.1 (a free port), following Slack's method documentation and
 * published OpenAPI document: bearer-token auth (`not_authed` / `invalid_auth`), form or JSON bodies, `ok: false`
 * errors with HTTP 200, chat.postMessage (`channel_not_found`, `no_text`, `invalid_blocks`, `msg_too_long`),
 * auth.test and `unknown_method`. It has no Socket Mode server: apps.connections.open answers `invalid_auth`.
 */
export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const botToken = options.botToken ?? 'xoxb-test-token';
  const teamId = options.teamId ?? 'T0PARLEY01';
  const botUserId = options.botUserId ?? 'U0PARLEYBOT';
  const botId = options.botId ?? 'B0PARLEYBOT';
  const requests: FakeSlackRequest[] = [];
  let tsCounter = 0;

  const answer = async (method: string, token: string | undefined, params: Record<string, unknown>): Promise<Record<string, unknown>> => {
    if (method === 'apps.connections.open') return { ok: false, error: 'invalid_auth' };
    if (!token) return { ok: false, error: 'not_authed' };
    if (token !== botToken) return { ok: false, error: 'invalid_auth' };
    if (method === 'auth.test') {
      return { ok: true, url: 'https://parley-test.slack.com/', team: 'Parley Test', user: 'parley', team_id: teamId, user_id: botUserId, bot_id: botId };
    }
    if (method !== 'chat.postMessage') return { ok: false, error: 'unknown_method' };
    if (options.postDelayMs) await new Promise((resolve) => setTimeout(resolve, options.postDelayMs));
    const channel = typeof params.channel === 'string' ? params.channel : '';
    const text = typeof params.text === 'string' ? params.text : '';
    const blocks = params.blocks === undefined ? undefined : blocksOf(params.blocks);
    if (!/^[CGD][A-Z0-9]{8,}$/.test(channel)) return { ok: false, error: 'channel_not_found' };
    if (params.blocks !== undefined && !blocks?.every((b) => typeof b === 'object' && b !== null && typeof (b as { type?: unknown }).type === 'string')) {
      return { ok: false, error: 'invalid_blocks' };
    }
    if (!text.trim() && !blocks?.length) return { ok: false, error: 'no_text' };
    if (text.length > SLACK_MAX_TEXT) return { ok: false, error: 'msg_too_long' };
    const failure = options.failPost?.(params);
    if (failure) return { ok: false, error: failure };
    tsCounter += 1;
    const ts = `${1_700_000_000 + tsCounter}.${String(tsCounter).padStart(6, '0')}`;
    const threadTs = typeof params.thread_ts === 'string' && /^\d{10}\.\d{6}$/.test(params.thread_ts) ? params.thread_ts : undefined;
    const message: Record<string, unknown> = { type: 'message', text, ts, user: botUserId, bot_id: botId, team: teamId };
    if (blocks?.length) message.blocks = blocks;
    if (threadTs) message.thread_ts = threadTs;
    return { ok: true, channel, ts, message };
  };

  const server: Server = createServer((request, response) => {
    void (async () => {
      const receivedAt = performance.now();
      const url = new URL(request.url ?? '/', 'http://fake');
      const match = /^\/api\/([\w.]+)$/.exec(url.pathname);
      const contentType = (request.headers['content-type'] ?? '').toLowerCase();
      const body = await readBody(request);
      const decoded = request.method === 'GET' ? Object.fromEntries(url.searchParams) : decode(contentType, body);
      const params = typeof decoded === 'string' ? {} : decoded;
      const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
      const token = bearer ?? (typeof params.token === 'string' ? params.token : undefined);
      const method = match?.[1] ?? '';
      const status = match ? 200 : 404;
      const result = !match ? { ok: false, error: 'unknown_method' } : typeof decoded === 'string' ? { ok: false, error: decoded } : await answer(method, token, params);
      requests.push({ httpMethod: request.method ?? '', method, contentType, token, params, status, response: result, receivedAt, respondedAt: performance.now() });
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify(result));
    })().catch(() => {
      response.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/`,
    requests,
    posts: () => requests.filter((r) => r.method === 'chat.postMessage' && r.response.ok === true),
    options,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
