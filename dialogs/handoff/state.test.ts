import { isFinished, routeAgentMessage, transition } from './state.js';

const waiting = { status: 'waiting' as const, claimedBy: null };
const claimed = { status: 'claimed' as const, claimedBy: 'U1' };

describe('handoff state machine', () => {
  it('claims a waiting escalation, treats a second claim by the claimer as a no-op and refuses anyone else', () => {
    expect(transition(waiting, 'claim', 'U1')).toEqual({ ok: true, status: 'claimed', changed: true });
    expect(transition(claimed, 'claim', 'U1')).toEqual({ ok: true, status: 'claimed', changed: false });
    expect(transition(claimed, 'claim', 'U2')).toEqual({ ok: false, reason: 'claimed_by_other' });
  });

  it('resolves or returns a waiting escalation for anyone, a claimed one only for its claimer or the helpdesk', () => {
    expect(transition(waiting, 'resolve', 'U2')).toEqual({ ok: true, status: 'resolved', changed: true });
    expect(transition(waiting, 'return', 'U2')).toEqual({ ok: true, status: 'returned', changed: true });
    expect(transition(claimed, 'resolve', 'U1')).toEqual({ ok: true, status: 'resolved', changed: true });
    expect(transition(claimed, 'return', 'U1')).toEqual({ ok: true, status: 'returned', changed: true });
    expect(transition(claimed, 'resolve', 'U2')).toEqual({ ok: false, reason: 'not_claimer' });
    expect(transition(claimed, 'return', 'U2')).toEqual({ ok: false, reason: 'not_claimer' });
    expect(transition(claimed, 'resolve', undefined)).toEqual({ ok: true, status: 'resolved', changed: true });
  });

  it('accepts nothing once finished', () => {
    for (const status of ['resolved', 'returned'] as const) {
      expect(isFinished(status)).toBe(true);
      for (const action of ['claim', 'resolve', 'return'] as const) expect(transition({ status, claimedBy: 'U1' }, action, 'U1')).toEqual({ ok: false, reason: 'finished' });
    }
    expect(isFinished('waiting')).toBe(false);
    expect(isFinished('claimed')).toBe(false);
  });

  it('sends an agent message to the customer only from the claimer; everything else is a note with the reason', () => {
    expect(routeAgentMessage(claimed, 'U1')).toEqual({ to: 'customer' });
    expect(routeAgentMessage(claimed, 'U2')).toEqual({ to: 'note', why: 'claimed_by_other' });
    expect(routeAgentMessage(waiting, 'U1')).toEqual({ to: 'note', why: 'unclaimed' });
    expect(routeAgentMessage({ status: 'resolved', claimedBy: 'U1' }, 'U1')).toEqual({ to: 'note', why: 'finished' });
  });
});
