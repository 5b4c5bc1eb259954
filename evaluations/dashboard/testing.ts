import { newId, type Activity, type Bot } from '../../bot/core/index.js';

/** A signed-in dashboard client over `fetch`, keeping its cookies and CSRF token (for tests and scripts). */
export class DashboardClient {
  private cookies = new Map<string, string>();
  csrfToken = '';

  constructor(readonly baseUrl: string) {}

  /** The `Cookie` header this client sends. */
  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...value] = (pair ?? '').split('=');
      if (!name) continue;
      if (/Max-Age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value.join('='));
    }
  }

  /** A request with this client's cookies; `csrf: false` leaves the CSRF header out. */
  async request(method: string, path: string, options: { body?: unknown; csrf?: boolean | string; headers?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookies.size) headers.cookie = this.cookieHeader;
    if (options.csrf !== false && method !== 'GET') headers['x-csrf-token'] = typeof options.csrf === 'string' ? options.csrf : this.csrfToken;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, redirect: 'manual', ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) });
    this.keep(response);
    return response;
  }

  /** Signs in (fetching the login form's CSRF cookie first); resolves to the response of the sign-in. */
  async login(email: string, password: string): Promise<Response> {
    await this.request('GET', '/dashboard/login');
    const loginCsrf = this.cookies.get('parley_login_csrf') ?? '';
    const response = await this.request('POST', '/dashboard/login', { body: { email, password }, csrf: decodeURIComponent(loginCsrf) });
    if (response.ok) this.csrfToken = ((await response.clone().json()) as { csrfToken: string }).csrfToken;
    return response;
  }
}

/** Runs customer messages through `bot` in a new conversation on `channel`; resolves to the conversation id. */
export async function converse(bot: Bot, store: { createConversation(input: { userId: string; channel: string }): Promise<{ id: string }> }, channel: string, texts: string[]): Promise<string> {
  const userId = newId('cust');
  const { id } = await store.createConversation({ userId, channel });
  for (const text of texts) {
    const activity: Activity = { id: newId('act'), type: 'message', channel, conversationId: id, from: { id: userId, role: 'customer' }, text, timestamp: new Date().toISOString() };
    await bot.processActivity(activity, { send: async () => undefined });
  }
  return id;
}
