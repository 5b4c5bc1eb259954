import type { TicketRecord } from '../../bot/core/index.js';
import { LabelModel, TicketEncoder } from '../../knowledge/index.js';
import type { DetectorFactory } from './bench.js';
import type { HandoffRow } from './sets.js';

/** What the learned baseline is, as the bench prints it. */
export const BASELINE_MODEL = 'tf-idf word 1-2-grams + char 3-5-grams, logistic (request vs not), trained on the other folds, p >= 0.5';

function toTickets(rows: readonly HandoffRow[]): TicketRecord[] {
  return rows.map((row, i) => ({ id: `row-${i + 1}`, question: row.text, answer: row.request ? 'request' : 'other', source: 'bench', metadata: {} }));
}

/**
 * A learned detector for comparison: the TF-IDF encoder and label model of the retrieval layer, trained on the
 * training folds' rows (requests vs everything else). It is what a classifier learns from these sets alone; the
 * product uses the word-role detector.
 */
export const learnedBaseline: DetectorFactory = (training) => {
  const encoder = TicketEncoder.fit(toTickets(training));
  const features = (text: string) => encoder.labelFeatures(encoder.encodeQuery(text));
  const model = LabelModel.train(training.map((row) => ({ features: features(row.text), label: row.request ? 'request' : 'other' })), { seed: 1, loss: 'logistic' });
  const request = model.labels.indexOf('request');
  return (text) => request >= 0 && (model.predict(features(text))[request] ?? 0) >= 0.5;
};
