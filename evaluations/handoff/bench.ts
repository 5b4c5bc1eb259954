import { performance } from 'node:perf_hooks';
import type { HandoffRow } from './sets.js';

/** Recall and false-positive rate of a group of rows. */
export interface HandoffFigures {
  n: number;
  /** Rows that ask for a person. */
  requests: number;
  /** Share of requests recognised; null without requests. */
  recall: number | null;
  /** Share of non-requests taken for requests; null without non-requests. */
  falsePositiveRate: number | null;
}

/** What `parley bench handoff` prints. */
export interface HandoffBenchResult extends HandoffFigures {
  /** Figures per set (`bitext`, `banking77`, `clinc150`, written sets by file name). */
  perSource: Record<string, HandoffFigures>;
  /** Figures per language of the message. */
  perLanguage: Record<string, HandoffFigures>;
  /** Figures on each of the K held-out folds (a detector that learns is trained on the other folds). */
  folds: HandoffFigures[];
  /** Up to 20 missed requests and 20 false alarms, for reading. */
  misses: string[];
  falseAlarms: string[];
  /** Mean detection time per message, in milliseconds. */
  meanMs: number;
}

/** Builds a detector from training rows; a rule-based detector ignores them. */
export type DetectorFactory = (training: readonly HandoffRow[]) => (text: string) => boolean;

const round = (value: number) => Number(value.toFixed(4));

/** Recall and false-positive rate of predictions. Pure. */
export function figuresOf(rows: readonly { row: HandoffRow; predicted: boolean }[]): HandoffFigures {
  const positives = rows.filter(({ row }) => row.request);
  const negatives = rows.filter(({ row }) => !row.request);
  return {
    n: rows.length,
    requests: positives.length,
    recall: positives.length ? round(positives.filter((r) => r.predicted).length / positives.length) : null,
    falsePositiveRate: negatives.length ? round(negatives.filter((r) => r.predicted).length / negatives.length) : null,
  };
}

/** The fold (0…k−1) of a text: a stable hash, so that reruns and duplicates agree. Pure. */
export function foldOf(text: string, k: number): number {
  let hash = 2166136261;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619) >>> 0;
  return hash % k;
}

function grouped(predictions: { row: HandoffRow; predicted: boolean }[], by: (row: HandoffRow) => string): Record<string, HandoffFigures> {
  const groups = new Map<string, { row: HandoffRow; predicted: boolean }[]>();
  for (const p of predictions) {
    const name = by(p.row);
    const group = groups.get(name) ?? [];
    group.push(p);
    groups.set(name, group);
  }
  return Object.fromEntries([...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, rows]) => [name, figuresOf(rows)]));
}

/**
 * K-fold evaluation of a handoff-request detector: each row is predicted by a detector built from the other folds'
 * rows, so nothing is reported on rows it learned from; totals, per source, per language and per fold.
 */
export function runHandoffBench(rows: readonly HandoffRow[], factory: DetectorFactory, k = 5): HandoffBenchResult {
  const predictions: { row: HandoffRow; predicted: boolean; fold: number }[] = [];
  let ms = 0;
  for (let fold = 0; fold < k; fold++) {
    const held = rows.filter((row) => foldOf(row.text, k) === fold);
    const detect = factory(rows.filter((row) => foldOf(row.text, k) !== fold));
    const started = performance.now();
    for (const row of held) predictions.push({ row, predicted: detect(row.text), fold });
    ms += performance.now() - started;
  }
  return {
    ...figuresOf(predictions),
    perSource: grouped(predictions, (row) => row.source),
    perLanguage: grouped(predictions, (row) => row.lang),
    folds: Array.from({ length: k }, (_, fold) => figuresOf(predictions.filter((p) => p.fold === fold))),
    misses: predictions.filter((p) => p.row.request && !p.predicted).slice(0, 20).map((p) => p.row.text),
    falseAlarms: predictions.filter((p) => !p.row.request && p.predicted).slice(0, 20).map((p) => p.row.text),
    meanMs: rows.length ? round(ms / rows.length) : 0,
  };
}
