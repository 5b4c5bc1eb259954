import type { Me, Role } from './types.js';

let me: Me | null = null;

/** The signed-in user, once {@link signIn} has run. */
export function currentUser(): Me | null {
  return me;
}

/** Whether the user sees everything a CX lead does (corrections, scoring again). */
export function isLead(): boolean {
  return !!me && me.user.role !== 'agent';
}

/** Whether the user has `role`. */
export function hasRole(role: Role): boolean {
  return !!me && me.user.role === role;
}

/**
 * Calls `/dashboard/api/<path>` with the session cookie (and the CSRF token on changes). A 401 sends the browser to
 * the sign-in page; other failures throw with the server's message.
 */
export async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (method !== 'GET') headers['x-csrf-token'] = me ? me.csrfToken : '';
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`/dashboard/api/${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  if (response.status === 401) {
    location.href = '/dashboard/login';
    throw new Error('signed out');
  }
  const data = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
  if (!response.ok) throw new Error((data.error && data.error.message) || `HTTP ${response.status}`);
  return data as T;
}

/** Loads the signed-in user (`GET me`). */
export async function signIn(): Promise<Me> {
  me = await api<Me>('GET', 'me');
  return me;
}
