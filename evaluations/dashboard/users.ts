import { DASHBOARD_ROLES, normalizeLoginName } from '../store.js';
import { ParleyError, type DashboardRole, type DashboardUser, type Store } from '../../bot/core/index.js';
import { hashPassword, passwordProblem } from './passwords.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A user as shown to others (never the password hash). */
export type PublicUser = Omit<DashboardUser, 'passwordHash'>;

/** Strips the password hash. */
export function publicUser(user: DashboardUser): PublicUser {
  const { passwordHash: _hash, ...rest } = user;
  return rest;
}

/** Checks a role name; `bad_request` naming `field` otherwise. */
export function parseRole(role: unknown, field = 'role'): DashboardRole {
  if (typeof role !== 'string' || !DASHBOARD_ROLES.includes(role as DashboardRole)) {
    throw new ParleyError('bad_request', `${field}: ${JSON.stringify(role)} is not one of ${DASHBOARD_ROLES.join(', ')}`);
  }
  return role as DashboardRole;
}

/** Creates a dashboard user with a scrypt-hashed password; `bad_request` naming the bad field (email, password, role). */
export async function createDashboardUser(store: Store, input: { email: unknown; password: unknown; role: unknown }, fields = { email: 'email', password: 'password', role: 'role' }): Promise<PublicUser> {
  const { password } = input;
  // Normalized as sign-in normalizes it (NFKC, trimmed, lower case), so the stored name is the one looked up and throttled.
  const email = typeof input.email === 'string' ? normalizeLoginName(input.email) : input.email;
  if (typeof email !== 'string' || !EMAIL.test(email) || email.length > 254) throw new ParleyError('bad_request', `${fields.email}: ${JSON.stringify(input.email)} is not an e-mail address`);
  if (typeof password !== 'string') throw new ParleyError('bad_request', `${fields.password}: is required`);
  const problem = passwordProblem(password);
  if (problem) throw new ParleyError('bad_request', `${fields.password}: ${problem}`);
  const role = parseRole(input.role, fields.role);
  const user = await store.evaluations.createUser({ email, role, passwordHash: await hashPassword(password) });
  return publicUser(user);
}
