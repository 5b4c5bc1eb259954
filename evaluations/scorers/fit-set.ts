import { readFile } from 'node:fs/promises';
import { answerFit, type CitedTicket } from './fit.js';

/** One labelled answer: the question, the answer the bot gave, the ticket it cited, and whether the answer is right. */
export interface LabelledAnswer {
  id: string;
  question: string;
  answer: string;
  source: CitedTicket;
  label: 'right' | 'wrong';
  /** Why a wrong answer is wrong (`entity`, `off-topic`, `look-alike`, `unsupported`); `right` otherwise. */
  kind?: string;
}

/** Reads a JSONL file of {@link LabelledAnswer} rows (blank lines skipped). */
export async function readLabelledAnswers(path: string): Promise<LabelledAnswer[]> {
  const text = await readFile(path, 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as LabelledAnswer);
}

/**
 * Area under the ROC curve of `scores` (higher = more likely positive) for the `positive` flags: the probability that
 * a random positive scores above a random negative, ties counting half. `null` without both classes. Pure.
 */
export function auroc(scores: readonly number[], positive: readonly boolean[]): number | null {
  let above = 0;
  let pairs = 0;
  scores.forEach((score, i) => {
    if (!positive[i]) return;
    scores.forEach((other, j) => {
      if (positive[j]) return;
      pairs++;
      above += score > other ? 1 : score === other ? 0.5 : 0;
    });
  });
  return pairs ? above / pairs : null;
}

/** The answer-fit figures of a labelled set: `{ n, right, wrong, auroc, byKind }` (`byKind`: AUROC of right vs each kind of wrong). */
export function measureAnswerFit(rows: readonly LabelledAnswer[]): { n: number; right: number; wrong: number; auroc: number | null; byKind: Record<string, number | null> } {
  const fits = rows.map((row) => answerFit(row.question, row.answer, [row.source]).fit);
  const right = rows.map((row) => row.label === 'right');
  const kinds = [...new Set(rows.filter((row) => row.label === 'wrong').map((row) => row.kind ?? 'wrong'))].sort();
  const byKind = Object.fromEntries(
    kinds.map((kind) => {
      const keep = rows.map((row) => row.label === 'right' || (row.kind ?? 'wrong') === kind);
      const round = (x: number | null) => (x === null ? null : Math.round(x * 1e4) / 1e4);
      return [kind, round(auroc(fits.filter((_, i) => keep[i]), right.filter((_, i) => keep[i])))];
    }),
  );
  const overall = auroc(fits, right);
  return {
    n: rows.length,
    right: right.filter(Boolean).length,
    wrong: right.filter((r) => !r).length,
    auroc: overall === null ? null : Math.round(overall * 1e4) / 1e4,
    byKind,
  };
}
