import type { Activity } from '../../bot/core/index.js';
import type { Decision, TurnAssessment } from '../../dialogs/index.js';
import type { Retrieval } from '../../knowledge/index.js';

/** What the router decided on for a turn, captured by a middleware (the `POST /api/chat` path itself is unchanged). */
export interface TurnTrace {
  retrieval?: Retrieval;
  decision?: Decision;
  /** The handoff policy's assessment of the message, made before any step or retrieval. */
  assessment?: TurnAssessment;
}

/**
 * Which stage of the turn decided it: `trigger:REASON` (a handoff trigger before retrieval), `complaint` (a complaint
 * with no question), `step:ACTION[:REASON]` (a router step before retrieval: small talk, injection screen, language),
 * `retrieval:ACTION` (the policy's decision stood) or `after:ACTION[:REASON]` (retrieval ran, then the generator's
 * checks or a decision trigger changed the outcome). Pure.
 */
export function decidedByOf(trace: TurnTrace, last: Activity | undefined): string {
  const action = last?.action ?? 'handoff';
  const reason = action === 'handoff' && last?.handoff ? `:${last.handoff.reason}` : '';
  if (trace.assessment?.trigger) return `trigger:${trace.assessment.trigger.reason}`;
  if (trace.assessment?.complaintOnly) return 'complaint';
  if (!trace.decision) return `step:${action}${reason}`;
  return trace.decision.action === action ? `retrieval:${action}` : `after:${action}${reason}`;
}

/** How many questions a stage decided, and how many of them retrieval alone would have answered right (its first hit). */
export interface StageFigures {
  n: number;
  retrievalRight: number;
}

/** Questions by deciding stage, most frequent first. Pure. */
export function stagesOf(asked: readonly { decidedBy: string; retrievalRight: boolean }[]): Record<string, StageFigures> {
  const stages = new Map<string, StageFigures>();
  for (const o of asked) {
    const stage = stages.get(o.decidedBy) ?? { n: 0, retrievalRight: 0 };
    stage.n++;
    if (o.retrievalRight) stage.retrievalRight++;
    stages.set(o.decidedBy, stage);
  }
  return Object.fromEntries([...stages].sort((a, b) => b[1].n - a[1].n));
}
