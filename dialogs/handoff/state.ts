import type { HandoffStatus } from '../../bot/core/index.js';

/** What an agent (or a helpdesk) does to an escalation. */
export type HandoffAction = 'claim' | 'resolve' | 'return';

/** The outcome of an action: the next status, nothing to do, or why it is refused. */
export type Transition =
  | { ok: true; status: HandoffStatus; changed: boolean }
  | { ok: false; reason: 'claimed_by_other' | 'finished' | 'not_claimer' };

/** What an agent's message in the escalation thread becomes: a reply to the customer, or an internal note. */
export type AgentMessageRoute = { to: 'customer' } | { to: 'note'; why: 'unclaimed' | 'claimed_by_other' | 'finished' };

const FINISHED: readonly HandoffStatus[] = ['resolved', 'returned'];

/** True when an escalation is over (resolved or returned to the bot). */
export function isFinished(status: HandoffStatus): boolean {
  return FINISHED.includes(status);
}

/**
 * The handoff state machine. `waiting` → `claimed` (claim) → `resolved` (resolve) or `returned` (return to bot); a
 * waiting escalation may also be resolved or returned directly. Once claimed, only the claimer resolves or returns
 * it (a helpdesk — `actor` undefined — always may); a second claim by the claimer is a no-op, by anyone else refused.
 * Finished escalations accept nothing. Pure.
 */
export function transition(current: { status: HandoffStatus; claimedBy: string | null }, action: HandoffAction, actor: string | undefined): Transition {
  if (isFinished(current.status)) return { ok: false, reason: 'finished' };
  if (action === 'claim') {
    if (current.status === 'claimed') return current.claimedBy === actor ? { ok: true, status: 'claimed', changed: false } : { ok: false, reason: 'claimed_by_other' };
    return { ok: true, status: 'claimed', changed: true };
  }
  if (current.status === 'claimed' && actor !== undefined && current.claimedBy !== actor) return { ok: false, reason: 'not_claimer' };
  return { ok: true, status: action === 'resolve' ? 'resolved' : 'returned', changed: true };
}

/** Where an agent's thread message goes: to the customer only from the agent who claimed the escalation. Pure. */
export function routeAgentMessage(current: { status: HandoffStatus; claimedBy: string | null }, agent: string): AgentMessageRoute {
  if (isFinished(current.status)) return { to: 'note', why: 'finished' };
  if (current.status !== 'claimed') return { to: 'note', why: 'unclaimed' };
  return current.claimedBy === agent ? { to: 'customer' } : { to: 'note', why: 'claimed_by_other' };
}
