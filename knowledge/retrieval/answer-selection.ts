import type { TicketRecord } from '../../bot/core/index.js';
import { SignalCalibration, type AnswerSignals } from './agreement.js';
import { leaveOneOutOutcomes } from './held-out-outcomes.js';
import { selectAnswerThreshold, type ScoredOutcome, type ThresholdSelection } from './threshold-selection.js';

/** Held-out outcomes of selective answering, the answer threshold selected on them, and the signal calibration. */
export interface AnswerSelection extends ThresholdSelection {
  /** Held-out confidences (calibrated) and whether each answer was right. */
  outcomes: readonly ScoredOutcome[];
  /** Weights of the {@link SignalCalibration} the confidences come from (absent when labels give the confidence). */
  calibration?: readonly number[];
}

/** What an operator is shown of a version's selection (see `Retriever.answerSelection`). */
export interface AnswerSelectionStatus {
  targetPrecision: number;
  /** Answer at or above this confidence (above 1: no threshold reached the target on the held-out questions, answer nothing). */
  threshold: number;
  /** Precision and coverage of the held-out questions at the threshold. */
  heldOutPrecision: number;
  heldOutCoverage: number;
  /** Held-out questions the threshold was selected on. */
  heldOutQuestions: number;
}

/** Fewest held-out outcomes a threshold is selected on; with fewer the configured thresholds apply. */
export const MIN_SELECTION_OUTCOMES = 30;
/** Least share of held-out questions that the rest of the tickets can answer for leave-one-out to say anything. */
export const MIN_ANSWERABLE_SHARE = 0.25;

/** What {@link learnAnswerSelection} needs from a retriever. */
export interface SelectionSource {
  /** Precision target (0–1). */
  target: number;
  /** The label model's calibrated held-out predictions when labels name answers (then they give the confidence). */
  labelOutcomes?: readonly ScoredOutcome[];
  tickets: readonly TicketRecord[];
  /** Uncalibrated retrieval for a ticket's question, the ticket itself left out, in its scope. */
  ask: (ticket: TicketRecord) => Promise<{ ranked: readonly TicketRecord[]; signals: AnswerSignals }>;
  /** True when two tickets' answers say the same thing. */
  same: (a: TicketRecord, b: TicketRecord) => boolean;
}

/**
 * Learns how to answer selectively from the operator's own tickets: with labels that name answers, the label
 * model's held-out predictions; otherwise leave-one-out retrieval over the tickets, a calibration of similarity and
 * neighbour agreement fitted on it, and the threshold for the target on the calibrated confidences. Undefined when
 * fewer than {@link MIN_SELECTION_OUTCOMES} outcomes were measurable, or answers rarely repeat (under
 * {@link MIN_ANSWERABLE_SHARE} of the questions could be answered by other tickets).
 */
export async function learnAnswerSelection(source: SelectionSource): Promise<AnswerSelection | undefined> {
  if (source.labelOutcomes) {
    if (source.labelOutcomes.length < MIN_SELECTION_OUTCOMES) return undefined;
    return { outcomes: source.labelOutcomes, ...selectAnswerThreshold(source.labelOutcomes, source.target) };
  }
  const { outcomes: records, answerable } = await leaveOneOutOutcomes(source.tickets, { ask: source.ask, same: source.same, minAnswerable: MIN_ANSWERABLE_SHARE });
  if (records.length < MIN_SELECTION_OUTCOMES || answerable < MIN_ANSWERABLE_SHARE) return undefined;
  const calibration = SignalCalibration.fit(records);
  const outcomes = records.map((r) => ({ confidence: calibration ? calibration.apply(r) : r.similarity, correct: r.correct }));
  return { outcomes, ...selectAnswerThreshold(outcomes, source.target), ...(calibration ? { calibration: calibration.weights } : {}) };
}

/** The selection for another precision target, on the same outcomes (a pure, fast step). */
export function reselect(selection: AnswerSelection, target: number): AnswerSelection {
  return { ...selection, ...selectAnswerThreshold(selection.outcomes, target) };
}

/** What an operator is shown of a selection. Pure. */
export function selectionStatus(selection: AnswerSelection): AnswerSelectionStatus {
  return { targetPrecision: selection.target, threshold: selection.threshold, heldOutPrecision: selection.precision, heldOutCoverage: selection.coverage, heldOutQuestions: selection.support };
}
