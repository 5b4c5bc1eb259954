import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildOutputFile, packageFile, ParleyError, parseInput, readBuildOutput, type RequestLimiter } from '../../bot/core/index.js';
import { LoginBody } from './bodies.js';
import { escapeHtml } from '../report/charts.js';
import { LOGIN_CSRF_COOKIE, readCookie, sameToken, SESSION_COOKIE, type Sessions } from './sessions.js';

const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.html': 'text/html; charset=utf-8' };
const PUBLIC_DIR = packageFile('evaluations', 'dashboard', 'public');
/** The page's assets: its script is the bundle `npm run build` makes of `evaluations/dashboard/ui/`. */
const ASSETS: Record<string, () => Promise<Buffer>> = {
  'app.js': () => readBuildOutput(buildOutputFile('evaluations', 'dashboard', 'public', 'app.js')),
  'app.css': () => readFile(join(PUBLIC_DIR, 'app.css')),
};

/** Security headers of every dashboard page: nothing loads from elsewhere, nothing frames it. */
export const PAGE_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};

/** The login page (self-contained: inline styles, no script), with the double-submit CSRF token in a hidden field. */
export function loginPage(csrf: string, error?: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Parley dashboard — sign in</title>
<style>body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;background:#f4f6f8;display:flex;justify-content:center;padding-top:12vh;color:#1d2430}
form{background:#fff;border:1px solid #e3e6ea;border-radius:10px;padding:28px;width:320px;display:flex;flex-direction:column;gap:12px}
input{padding:9px;border:1px solid #c8ced6;border-radius:6px;font-size:15px}button{padding:10px;border:0;border-radius:6px;background:#2f6fde;color:#fff;font-size:15px;cursor:pointer}
.error{color:#b3261e}h1{font-size:20px;margin:0}</style></head><body>
<form method="post" action="/dashboard/login" data-testid="login-form"><h1>Parley CX dashboard</h1>
${error ? `<div class="error" role="alert">${escapeHtml(error)}</div>` : ''}
<label>E-mail<br><input name="email" type="email" autocomplete="username" required data-testid="login-email"></label>
<label>Password<br><input name="password" type="password" autocomplete="current-password" required data-testid="login-password"></label>
<input type="hidden" name="csrf" value="${escapeHtml(csrf)}"><button type="submit" data-testid="login-submit">Sign in</button></form></body></html>`;
}

/** Registers the login and logout routes, the app page and its assets. */
export function registerPages(app: FastifyInstance, sessions: Sessions, limits?: RequestLimiter): void {
  app.get('/dashboard/login', async (_request, reply) => {
    const csrf = sessions.loginCsrfToken();
    return reply.headers(PAGE_HEADERS).header('set-cookie', sessions.cookie(LOGIN_CSRF_COOKIE, csrf, 3600)).type(TYPES['.html'] as string).send(loginPage(csrf));
  });

  app.post('/dashboard/login', async (request, reply) => {
    const body = parseInput(LoginBody, request.body);
    const form = !String(request.headers['content-type'] ?? '').includes('application/json');
    const csrf = body.csrf ?? (request.headers['x-csrf-token'] as string | undefined);
    const fresh = sessions.loginCsrfToken();
    const again = (status: number, message: string) =>
      form
        ? reply.status(status).headers(PAGE_HEADERS).header('set-cookie', sessions.cookie(LOGIN_CSRF_COOKIE, fresh, 3600)).type(TYPES['.html'] as string).send(loginPage(fresh, message))
        : reply.status(status).send({ error: { code: status === 403 ? 'forbidden' : status === 429 ? 'rate_limited' : 'unauthorized', message } });
    if (!sameToken(csrf, readCookie(request, LOGIN_CSRF_COOKIE))) return again(403, 'The sign-in form expired; please try again.');
    try {
      await limits?.take('login', request.ip);
    } catch (error) {
      if (!(error instanceof ParleyError) || error.code !== 'rate_limited') throw error;
      reply.header('retry-after', String(error.details?.retryAfterSeconds ?? 60));
      return again(429, 'Too many sign-in attempts from this address; please wait a minute.');
    }
    const wait = await sessions.waitMs(body.email, request.ip);
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      reply.header('retry-after', String(seconds));
      return again(429, `Too many failed sign-ins; try again in ${seconds < 120 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`}.`);
    }
    try {
      const { token, viewer } = await sessions.login(body.email, body.password, request.ip);
      reply.header('set-cookie', [sessions.cookie(SESSION_COOKIE, token, sessions.maxAgeSeconds), sessions.cookie(LOGIN_CSRF_COOKIE, '', 0)]);
      if (form) return reply.redirect('/dashboard', 303);
      return reply.send({ user: { id: viewer.user.id, email: viewer.user.email, role: viewer.user.role }, csrfToken: viewer.session.csrfToken });
    } catch (error) {
      if (error instanceof ParleyError && error.code === 'unauthorized') return again(401, error.message);
      throw error;
    }
  });

  app.get('/dashboard/', async (_request, reply) => reply.redirect('/dashboard', 302));
  app.get('/dashboard', async (_request, reply) => reply.headers(PAGE_HEADERS).type(TYPES['.html'] as string).send(await readFile(join(PUBLIC_DIR, 'index.html'))));
  for (const [asset, read] of Object.entries(ASSETS)) {
    app.get(`/dashboard/assets/${asset}`, async (_request, reply) => reply.headers(PAGE_HEADERS).type(TYPES[extname(asset)] as string).send(await read()));
  }
}
