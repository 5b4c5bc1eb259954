import type { TicketRecord } from '../../bot/core/index.js';
import type { SparseVec } from '../indexes/vector-index.js';
import type { CalibrationRecord } from './calibration.js';
import { LabelModel, type LabelModelOptions } from './label-model.js';

/** Held-out folds of the label model's calibration records. */
const FOLDS = 3;

/** True when most labelled tickets sit in labels whose tickets have few distinct answers. */
export function answersFollowLabels(byLabel: Map<string, TicketRecord[]>): boolean {
  let labelled = 0;
  let answerLevel = 0;
  for (const tickets of byLabel.values()) {
    labelled += tickets.length;
    const answers = new Set(tickets.map((t) => t.answer.trim().toLowerCase())).size;
    if (answers <= Math.max(1, tickets.length / 5)) answerLevel += tickets.length;
  }
  return labelled > 0 && answerLevel / labelled >= 0.8;
}

/** Predictions on held-out folds (each fold predicted by a model trained on the others), with nearest-ticket similarity. */
export async function heldOutRecords(
  examples: readonly { features: SparseVec; label: string; id: string; question: string }[],
  options: { labelModel?: LabelModelOptions; outOfScopeLabel?: string },
  nearestSimilarity: (id: string, question: string) => Promise<number>,
): Promise<CalibrationRecord[]> {
  const records: CalibrationRecord[] = [];
  const oos = options.outOfScopeLabel ?? 'oos';
  for (let fold = 0; fold < FOLDS; fold++) {
    const train = examples.filter((_, i) => i % FOLDS !== fold);
    const test = examples.filter((_, i) => i % FOLDS === fold);
    if (new Set(train.map((e) => e.label)).size < 2) continue;
    const model = await LabelModel.trainInBackground(train, options.labelModel);
    const oosIndex = model.labels.indexOf(oos);
    for (const example of test) {
      const probs = model.predict(example.features);
      const order = [...probs.keys()].sort((a, b) => (probs[b] as number) - (probs[a] as number));
      const top = probs[order[0] as number] as number;
      const second = order.length > 1 ? (probs[order[1] as number] as number) : 0;
      records.push({
        top,
        margin: top - second,
        similarity: await nearestSimilarity(example.id, example.question),
        correct: model.labels[order[0] as number] === example.label,
        outOfScope: example.label === oos,
        outOfScopeProbability: oosIndex < 0 ? 0 : (probs[oosIndex] as number),
      });
    }
  }
  return records;
}
