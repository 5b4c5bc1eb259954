import type { HandoffRecord } from '../../../bot/core/index.js';
import type { Agent, AgentDesk, DeskThread, EscalationCard } from '../desk.js';

/** An {@link AgentDesk} that keeps everything in memory, for tests of the handoff service; `failOpen` simulates an outage. */
export class RecordingDesk implements AgentDesk {
  readonly name = 'recording';
  readonly cards: EscalationCard[] = [];
  readonly updates: EscalationCard[] = [];
  readonly posts: { handoffId: string; kind: string; text: string }[] = [];
  readonly notices: { handoffId: string; agent: string; text: string }[] = [];
  /** While true, `open` throws (the desk is down). */
  failOpen = false;
  private threads = 0;

  async open(card: EscalationCard): Promise<DeskThread> {
    if (this.failOpen) throw new Error('desk unavailable');
    this.cards.push(card);
    this.threads += 1;
    return { desk: { desk: 'recording', thread: this.threads }, deskThread: `recording:${this.threads}` };
  }

  async update(card: EscalationCard): Promise<void> {
    this.updates.push(card);
  }

  async post(handoff: HandoffRecord, message: { kind: 'customer' | 'notice' | 'reminder'; text: string }): Promise<void> {
    this.posts.push({ handoffId: handoff.id, ...message });
  }

  async notify(handoff: HandoffRecord, agent: Agent, text: string): Promise<void> {
    this.notices.push({ handoffId: handoff.id, agent: agent.id, text });
  }

  /** Posts of one kind. */
  of(kind: 'customer' | 'notice' | 'reminder'): { handoffId: string; kind: string; text: string }[] {
    return this.posts.filter((p) => p.kind === kind);
  }
}
