import { coverageAtPrecision } from '../../knowledge/index.js';

/** What happened to one bench question. */
export interface QuestionOutcome {
  action: 'answer' | 'clarify' | 'handoff';
  /** An answer whose first source has the expected value. */
  right: boolean;
  /** A clarifying question whose options include a ticket with the expected value. */
  clarifyHit: boolean;
  /** An answer citing a ticket of another scope than the conversation's (shared tickets are fine). */
  crossScope: boolean;
  /** A reply showed an unfilled `{{slot}}` or a `[NAME]`-style redaction token. */
  placeholderLeak: boolean;
  /** The confidence of the turn's retrieval (0 when none ran). */
  confidence: number;
  /** The retrieval's best ticket has the expected value: what answering at this confidence would give. */
  topRight: boolean;
}

/** The answer-quality figures of `parley bench answers` (fractions 0–1; `crossScope` and `placeholderLeaks` count replies). */
export interface AnswerFigures {
  n: number;
  /** Share of questions answered. */
  coverage: number;
  /** Share of answers whose first source has the expected value (0 when none). */
  precision: number;
  clarifyRate: number;
  /** Share of clarifying questions whose options include the expected value (`null` without any). */
  clarifyHit: number | null;
  handoffRate: number;
  crossScope: number;
  placeholderLeaks: number;
  /** Best coverage at precision 0.8, 0.9 and 0.95 on the risk–coverage curve of the confidence. */
  coverageAt: { '0.8': number; '0.9': number; '0.95': number };
}

/** Precisions `coverageAt` reports. */
export const COVERAGE_PRECISIONS = ['0.8', '0.9', '0.95'] as const;

/** Rounds a figure for JSON output. */
export const round = (x: number): number => Number(x.toFixed(4));

/** An unfilled `{{Placeholder}}` slot or a redaction token such as `[NAME]`, `[EMAIL]`, `[ORDER NUMBER]`. */
const PLACEHOLDER = /\{\{|\}\}|\[[A-Z][A-Z0-9_]*(?: [A-Z0-9_]+)*\]/;

/** True when a reply shows a customer an unfilled slot or a redaction token. Pure. */
export function leaksPlaceholder(text: string): boolean {
  return PLACEHOLDER.test(text);
}

/** The figures of a set of outcomes. Pure. */
export function figuresOf(outcomes: readonly QuestionOutcome[]): AnswerFigures {
  const n = outcomes.length;
  const answered = outcomes.filter((o) => o.action === 'answer');
  const clarified = outcomes.filter((o) => o.action === 'clarify');
  const curve = outcomes.map((o) => ({ confidence: o.confidence, correct: o.topRight }));
  const share = (count: number, of: number) => round(count / Math.max(1, of));
  return {
    n,
    coverage: share(answered.length, n),
    precision: share(answered.filter((o) => o.right).length, answered.length),
    clarifyRate: share(clarified.length, n),
    clarifyHit: clarified.length ? share(clarified.filter((o) => o.clarifyHit).length, clarified.length) : null,
    handoffRate: share(outcomes.filter((o) => o.action === 'handoff').length, n),
    crossScope: outcomes.filter((o) => o.crossScope).length,
    placeholderLeaks: outcomes.filter((o) => o.placeholderLeak).length,
    coverageAt: {
      '0.8': round(coverageAtPrecision(curve, 0.8)),
      '0.9': round(coverageAtPrecision(curve, 0.9)),
      '0.95': round(coverageAtPrecision(curve, 0.95)),
    },
  };
}

const words = (text: string): string[] => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/** ROUGE-L F1 (longest common subsequence of words) of a candidate against a reference. Pure. */
export function rougeL(candidate: string, reference: string): number {
  const a = words(candidate);
  const b = words(reference);
  if (!a.length || !b.length) return 0;
  let previous = new Array<number>(b.length + 1).fill(0);
  for (const word of a) {
    const row = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) row[j] = word === b[j - 1] ? (previous[j - 1] as number) + 1 : Math.max(previous[j] as number, row[j - 1] as number);
    previous = row;
  }
  const lcs = previous[b.length] as number;
  if (lcs === 0) return 0;
  const precision = lcs / a.length;
  const recall = lcs / b.length;
  return (2 * precision * recall) / (precision + recall);
}
