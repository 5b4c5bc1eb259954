import { startFakeServer, type FakeRequest } from '../../../bot/core/testing/fake-server.js';

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

/** A file the fake serves under `/files-pri/…`: bytes with a content type, or a redirect (HTTP 302) to `location`. */
export type FakeSlackFile = { contentType: string; data: Uint8Array } | { location: string };

/** One download of a served file, with the `Authorization` header it carried. */
export interface FakeSlackFileRequest {
  path: string;
  authorization: string | undefined;
  status: number;
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
  /** Workspace members users.info knows (id → names); others are `user_not_found`. */
  users?: Record<string, { name: string; realName?: string; displayName?: string }>;
  /** Files served at their path (e.g. `/files-pri/T0PARLEY01-F0PHOTO/photo.jpg`), as `files.slack.com` serves `url_private`. */
  files?: Record<string, FakeSlackFile>;
}

/** A running fake of Slack's Web API (`{url}chat.postMessage`, `auth.test`, …) with every call recorded. */
export interface FakeSlack {
  /** Base URL to use as `slackApiUrl`, ending in `/api/`. */
  url: string;
  requests: FakeSlackRequest[];
  /** Downloads of files (`options.files`), apart from the Web API calls. */
  fileRequests: FakeSlackFileRequest[];
  /** The absolute URL of a served file path. */
  fileUrl(path: string): string;
  /** The chat.postMessage calls that succeeded. */
  posts(): FakeSlackRequest[];
  /** The successful calls of one Web API method (e.g. `chat.update`, `views.open`). */
  calls(method: string): FakeSlackRequest[];
  options: FakeSlackOptions;
  close(): Promise<void>;
}

const SLACK_MAX_TEXT = 40_000;


/** A Web API request's arguments as Slack reads them: a JSON object, or a form's fields (a repeated name: its last value). */
function decode(request: FakeRequest): Record<string, unknown> | 'invalid_form_data' | 'invalid_json' {
  if (!request.text) return {};
  if (request.contentType === 'application/json') {
    const parsed = request.json;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : 'invalid_json';
  }
  if (request.contentType === 'application/x-www-form-urlencoded') return Object.fromEntries(Object.entries(request.form ?? {}).map(([name, value]) => [name, Array.isArray(value) ? value.at(-1) : value]));
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
 * auth.test, chat.update (`message_not_found`), chat.postEphemeral, views.open (modal checks, `invalid_arguments`),
 * users.info (`user_not_found`) and `unknown_method`; files of `options.files` are served at their `/files-pri/…` path. It has no Socket Mode server: apps.connections.open answers `invalid_auth`.
 */
export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const botToken = options.botToken ?? 'xoxb-test-token';
  const teamId = options.teamId ?? 'T0PARLEY01';
  const botUserId = options.botUserId ?? 'U0PARLEYBOT';
  const botId = options.botId ?? 'B0PARLEYBOT';
  const requests: FakeSlackRequest[] = [];
  const fileRequests: FakeSlackFileRequest[] = [];
  let tsCounter = 0;

  const posted = new Set<string>();
  const nextTs = (): string => {
    tsCounter += 1;
    return `${1_700_000_000 + tsCounter}.${String(tsCounter).padStart(6, '0')}`;
  };
  const string = (value: unknown): string => (typeof value === 'string' ? value : '');
  const usersInfo = (params: Record<string, unknown>): Record<string, unknown> => {
    const id = string(params.user);
    const user = options.users?.[id];
    if (!user) return { ok: false, error: 'user_not_found' };
    const profile = { real_name: user.realName ?? user.name, display_name: user.displayName ?? '' };
    return { ok: true, user: { id, team_id: teamId, name: user.name, real_name: user.realName ?? user.name, deleted: false, is_bot: false, profile } };
  };
  const chatUpdate = (params: Record<string, unknown>): Record<string, unknown> => {
    const channel = string(params.channel);
    const ts = string(params.ts);
    if (!/^[CGD][A-Z0-9]{8,}$/.test(channel)) return { ok: false, error: 'channel_not_found' };
    if (!posted.has(`${channel}:${ts}`)) return { ok: false, error: 'message_not_found' };
    if (params.blocks !== undefined && !blocksOf(params.blocks)) return { ok: false, error: 'invalid_blocks' };
    const text = string(params.text);
    if (!text.trim() && params.blocks === undefined) return { ok: false, error: 'no_text' };
    // Slack's answer carries the message's blocks too; the document types them as an object, so they are left out.
    return { ok: true, channel, ts, text, message: { text } };
  };
  const postEphemeral = (params: Record<string, unknown>): Record<string, unknown> => {
    if (!/^[CGD][A-Z0-9]{8,}$/.test(string(params.channel))) return { ok: false, error: 'channel_not_found' };
    if (!/^[UW][A-Z0-9]{2,}$/.test(string(params.user))) return { ok: false, error: 'user_not_in_channel' };
    if (!string(params.text).trim() && params.blocks === undefined) return { ok: false, error: 'no_text' };
    return { ok: true, message_ts: nextTs() };
  };
  const viewsOpen = (params: Record<string, unknown>): Record<string, unknown> => {
    if (!string(params.trigger_id)) return { ok: false, error: 'invalid_trigger_id' };
    let view: unknown = params.view;
    if (typeof view === 'string') {
      try {
        view = JSON.parse(view);
      } catch {
        return { ok: false, error: 'invalid_arguments' };
      }
    }
    const v = (typeof view === 'object' && view !== null ? view : {}) as Record<string, unknown>;
    const title = (v.title ?? {}) as { text?: unknown };
    if (v.type !== 'modal' || typeof title.text !== 'string' || title.text.length > 24 || !Array.isArray(v.blocks) || v.blocks.length > 100) {
      return { ok: false, error: 'invalid_arguments' };
    }
    if (typeof v.private_metadata === 'string' && v.private_metadata.length > 3000) return { ok: false, error: 'invalid_arguments' };
    tsCounter += 1;
    return { ok: true, view: { id: `V0FAKE${String(tsCounter).padStart(5, '0')}`, team_id: teamId, ...v, state: { values: {} } } };
  };

  // conversations.open (web-api-openapi-v2.json: `users` a comma-separated list, answers `channel.id`): one D… channel
  // per user, the same on every call; users.info's unknown users are `user_not_found` when `users` is configured.
  const directChannels = new Map<string, string>();
  const conversationsOpen = (params: Record<string, unknown>): Record<string, unknown> => {
    const users = typeof params.users === 'string' ? params.users.split(',').map((u) => u.trim()).filter(Boolean) : [];
    if (users.length !== 1) return { ok: false, error: users.length ? 'not_implemented' : 'users_list_not_supplied' };
    const user = users[0]!;
    if (!/^[UW][A-Z0-9]{2,}$/.test(user) || (options.users && !options.users[user])) return { ok: false, error: 'user_not_found' };
    let channel = directChannels.get(user);
    if (!channel) directChannels.set(user, (channel = `D${user.slice(1).padEnd(10, '0').slice(0, 10)}`));
    return { ok: true, channel: { id: channel } };
  };

  const answer = async (method: string, token: string | undefined, params: Record<string, unknown>): Promise<Record<string, unknown>> => {
    if (method === 'apps.connections.open') return { ok: false, error: 'invalid_auth' };
    if (!token) return { ok: false, error: 'not_authed' };
    if (token !== botToken) return { ok: false, error: 'invalid_auth' };
    if (method === 'auth.test') {
      return { ok: true, url: 'https://parley-test.slack.com/', team: 'Parley Test', user: 'parley', team_id: teamId, user_id: botUserId, bot_id: botId };
    }
    if (method === 'users.info') return usersInfo(params);
    if (method === 'chat.update') return chatUpdate(params);
    if (method === 'chat.postEphemeral') return postEphemeral(params);
    if (method === 'views.open') return viewsOpen(params);
    if (method === 'conversations.open') return conversationsOpen(params);
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
    const ts = nextTs();
    posted.add(`${channel}:${ts}`);
    const threadTs = typeof params.thread_ts === 'string' && /^\d{10}\.\d{6}$/.test(params.thread_ts) ? params.thread_ts : undefined;
    const message: Record<string, unknown> = { type: 'message', text, ts, user: botUserId, bot_id: botId, team: teamId };
    if (blocks?.length) message.blocks = blocks;
    if (threadTs) message.thread_ts = threadTs;
    return { ok: true, channel, ts, message };
  };

  const server = await startFakeServer(async (request, response) => {
    const receivedAt = performance.now();
    const { url } = request;
    const file = options.files?.[url.pathname];
    if (file && url.pathname.startsWith('/files-pri/')) {
      // Like files.slack.com: the bytes with the bot token; without it Slack answers its sign-in page (HTML, 200).
      const authorization = request.headers.authorization;
      const authorized = authorization === `Bearer ${botToken}`;
      const status = 'location' in file ? 302 : 200;
      fileRequests.push({ path: url.pathname, authorization, status });
      if ('location' in file) response.writeHead(302, { location: file.location }).end();
      else if (!authorized) response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!DOCTYPE html><html><body>Sign in to Slack</body></html>');
      else response.writeHead(200, { 'content-type': file.contentType, 'content-length': String(file.data.length) }).end(file.data);
      return;
    }
    const match = /^\/api\/([\w.]+)$/.exec(url.pathname);
    const contentType = (request.headers['content-type'] ?? '').toLowerCase();
    const decoded = request.method === 'GET' ? Object.fromEntries(url.searchParams) : decode(request);
    const params = typeof decoded === 'string' ? {} : decoded;
    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const token = bearer ?? (typeof params.token === 'string' ? params.token : undefined);
    const method = match?.[1] ?? '';
    const status = match ? 200 : 404;
    const result = !match ? { ok: false, error: 'unknown_method' } : typeof decoded === 'string' ? { ok: false, error: decoded } : await answer(method, token, params);
    requests.push({ httpMethod: request.method ?? '', method, contentType, token, params, status, response: result, receivedAt, respondedAt: performance.now() });
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    response.end(JSON.stringify(result));
  });
  return {
    url: `${server.url}/api/`,
    requests,
    fileRequests,
    fileUrl: (path) => `${server.url}${path}`,
    posts: () => requests.filter((r) => r.method === 'chat.postMessage' && r.response.ok === true),
    calls: (method) => requests.filter((r) => r.method === method && r.response.ok === true),
    options,
    close: () => server.close(),
  };
}
