import type { LoginThrottleRecord } from '../../bot/core/index.js';

/** How failed dashboard sign-ins slow further attempts (README "Dashboard sign-in"). */
export interface LoginThrottlePolicy {
  /** Failures of one account from one address before each further try waits; then `pairDelayMs`, doubling. */
  pairFreeFailures: number;
  pairDelayMs: number;
  /** Failures from one address across all accounts (credential stuffing) before each further try waits. */
  addressFreeFailures: number;
  addressDelayMs: number;
  /** Longest wait for an address, or an account on one address. */
  maxDelayMs: number;
  /** Failures of one account across all addresses before each try from a new address waits (doubling from `accountDelayMs`). */
  accountFreeFailures: number;
  accountDelayMs: number;
  /**
   * Longest account-wide wait: short on purpose, it slows a distributed guesser but never locks the owner out; an
   * address the account signed in from before is not slowed by the account-wide counter at all.
   */
  accountMaxDelayMs: number;
  /** A counter starts again when its last failure is older than this. */
  windowMs: number;
  /** How long an address that signed in to an account stays exempt from the account-wide wait. */
  trustedAddressMs: number;
}

/** Defaults: 5 free tries per account and address, then 30 s, 1 min … 15 min; 30 s at most account-wide. */
export const DEFAULT_LOGIN_THROTTLE: LoginThrottlePolicy = {
  pairFreeFailures: 5,
  pairDelayMs: 30_000,
  addressFreeFailures: 20,
  addressDelayMs: 30_000,
  maxDelayMs: 15 * 60_000,
  accountFreeFailures: 10,
  accountDelayMs: 1_000,
  accountMaxDelayMs: 30_000,
  windowMs: 60 * 60_000,
  trustedAddressMs: 30 * 24 * 3_600_000,
};

/** The throttle keys of a sign-in: the account, the address, and the two together. */
export function throttleKeys(account: string, address: string): { account: string; address: string; pair: string } {
  return { account: `account:${account}`, address: `address:${address}`, pair: `pair:${address} ${account}` };
}

/** Milliseconds the next try of a counter must wait after its last failure. */
function delayFor(record: LoginThrottleRecord | undefined, free: number, base: number, max: number, now: number, windowMs: number): number {
  if (!record?.lastFailureAt || record.failures < free) return 0;
  const last = Date.parse(record.lastFailureAt);
  if (last < now - windowMs) return 0;
  const delay = Math.min(max, base * 2 ** Math.min(30, record.failures - free));
  return Math.max(0, last + delay - now);
}

/**
 * How long a sign-in to `account` from `address` must wait (ms; 0: it may try now), from the stored counters. The
 * per (account, address) counter slows one guesser on one account; the per-address counter slows one address trying
 * many accounts; the account-wide counter slows guessers spread over many addresses, capped low, and skipped for an
 * address that signed in to the account before, so that nobody else can lock a user out. Pure.
 */
export function loginWaitMs(records: readonly LoginThrottleRecord[], keys: ReturnType<typeof throttleKeys>, now: number, policy: LoginThrottlePolicy = DEFAULT_LOGIN_THROTTLE): number {
  const of = (key: string) => records.find((record) => record.key === key);
  const pair = of(keys.pair);
  const trusted = pair?.lastSuccessAt !== null && pair?.lastSuccessAt !== undefined && Date.parse(pair.lastSuccessAt) > now - policy.trustedAddressMs;
  return Math.max(
    delayFor(pair, policy.pairFreeFailures, policy.pairDelayMs, policy.maxDelayMs, now, policy.windowMs),
    delayFor(of(keys.address), policy.addressFreeFailures, policy.addressDelayMs, policy.maxDelayMs, now, policy.windowMs),
    trusted ? 0 : delayFor(of(keys.account), policy.accountFreeFailures, policy.accountDelayMs, policy.accountMaxDelayMs, now, policy.windowMs),
  );
}
