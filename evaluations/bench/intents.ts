import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParley, type Parley } from '../../bot/app/parley.js';
import { loadConfig } from '../../bot/config/index.js';
import { newId, silentLogger, toReply, type TicketRecord } from '../../bot/core/index.js';
import { coverageAtPrecision, expectedCalibrationError, LabelModel, selectAnswerThreshold, TicketEncoder, type RetrievalMode } from '../../knowledge/index.js';
import { OUT_OF_SCOPE, type LabelledText } from './datasets.js';
import { percentile, peakRssMb } from './measure.js';

/** Accuracy figures of one run over a test split. */
export interface IntentScores {
  n: number;
  accuracy: number;
  inScopeAccuracy: number;
  oosRecall: number | null;
  oosPrecision: number | null;
  handoffRate: number;
}

/** What `parley bench intents` prints. */
export interface IntentBenchResult extends IntentScores {
  indexBuildMs: number;
  queryP50Ms: number;
  queryP95Ms: number;
  rssMb: number;
  /** `outOfScope`: the confidence below which the knowledge version hands a question off as out of scope (null: none). */
  thresholds: { answer: number; clarify: number; outOfScope: number | null };
  /**
   * The same figures on the training tickets' held-out folds (the label model's calibration records) at the tuned
   * answer threshold and the version's out-of-scope threshold: what they were chosen on, beside the test split's figures.
   */
  heldOut: HeldOutScores;
  /** Expected calibration error of the answers' confidence against their correctness (10 bins). */
  ece: number;
  baseline: IntentScores & { model: string };
  ablation: Record<RetrievalMode, number>;
  /** Every test question answered (answer threshold 0): accuracy of the first answer. */
  answerAllAccuracy: number;
  /** Best coverage at precision 0.95 on the test's risk–coverage curve of the answer-all confidences (an upper bound). */
  coverageAt95: number;
  /**
   * Selective answering at precision target 0.95 with the threshold selected on held-out folds of the training tickets
   * only (as `PARLEY_TARGET_PRECISION=0.95` does): coverage and precision of the answer-all run's answers at or above it.
   */
  atTarget95: { threshold: number; coverage: number; precision: number };
}

/** In-scope accuracy and out-of-scope recall of held-out predictions at an answer threshold. */
export interface HeldOutScores {
  n: number;
  inScopeAccuracy: number;
  oosRecall: number | null;
}

/** Precision target of the bench's selective-answering figures. */
const SELECTIVE_TARGET = 0.95;

/** Scores predictions (`oos` = the bot clarified or handed off) against gold labels. */
export function scoreIntents(gold: readonly string[], predicted: readonly string[], handoffs: number): IntentScores {
  const n = gold.length;
  let correct = 0;
  let inScope = 0;
  let inScopeCorrect = 0;
  let oos = 0;
  let oosFound = 0;
  let predictedOos = 0;
  gold.forEach((label, i) => {
    const guess = predicted[i];
    if (guess === label) correct++;
    if (guess === OUT_OF_SCOPE) predictedOos++;
    if (label === OUT_OF_SCOPE) {
      oos++;
      if (guess === OUT_OF_SCOPE) oosFound++;
    } else {
      inScope++;
      if (guess === label) inScopeCorrect++;
    }
  });
  const round = (x: number) => Number(x.toFixed(4));
  return {
    n,
    accuracy: round(correct / Math.max(1, n)),
    inScopeAccuracy: round(inScopeCorrect / Math.max(1, inScope)),
    oosRecall: oos ? round(oosFound / oos) : null,
    oosPrecision: oos ? round(predictedOos ? oosFound / predictedOos : 0) : null,
    handoffRate: round(handoffs / Math.max(1, n)),
  };
}

/**
 * Picks the answer threshold on held-out folds of the training tickets by expected utility: a right answer gains 1,
 * a wrong answer (including answering an out-of-scope question) costs `wrongAnswerCost`, a handoff is 0. With
 * calibrated confidences this lands where a marginal answer is right with probability cost / (1 + cost).
 */
export function tuneThreshold(heldOut: readonly { confidence: number; correct: boolean; outOfScope: boolean }[], wrongAnswerCost = 1): number {
  // Out-of-scope examples whose top label is the out-of-scope label are handed off whatever the threshold.
  const answerable = heldOut.filter((r) => !(r.outOfScope && r.correct));
  let best = { threshold: 0, utility: -Infinity };
  for (let step = 0; step <= 100; step++) {
    const t = step / 100;
    const utility = answerable.reduce((sum, r) => (r.confidence < t ? sum : sum + (r.correct ? 1 : -wrongAnswerCost)), 0);
    if (utility > best.utility) best = { threshold: t, utility };
  }
  return best.threshold;
}

/**
 * Scores held-out predictions as {@link scoreIntents} scores the test's, when every prediction under `threshold` is
 * handed off: an in-scope example is right when its label was and its confidence reaches the threshold; an
 * out-of-scope one is found when its label was the out-of-scope label or its confidence falls short. Pure.
 */
export function heldOutScores(heldOut: readonly { confidence: number; correct: boolean; outOfScope: boolean }[], threshold: number): HeldOutScores {
  const inScope = heldOut.filter((r) => !r.outOfScope);
  const outOfScope = heldOut.filter((r) => r.outOfScope);
  const round = (x: number) => Number(x.toFixed(4));
  return {
    n: heldOut.length,
    inScopeAccuracy: round(inScope.filter((r) => r.correct && r.confidence >= threshold).length / Math.max(1, inScope.length)),
    oosRecall: outOfScope.length ? round(outOfScope.filter((r) => r.correct || r.confidence < threshold).length / outOfScope.length) : null,
  };
}

/** Tickets made from training rows: the text is the question, the label is kept as metadata and names the answer. */
function toTickets(rows: readonly LabelledText[]): TicketRecord[] {
  return rows.map((row, i) => ({
    id: `train-${i + 1}`,
    question: row.text,
    answer: row.label === OUT_OF_SCOPE ? 'Out-of-scope example: hand off to a person.' : `Answer for intent "${row.label}".`,
    source: 'bench',
    metadata: { label: row.label },
  }));
}

async function ask(parley: Parley, text: string): Promise<{ label: string; handoff: boolean; confidence: number | undefined }> {
  const conversation = await parley.store.createConversation({ userId: 'bench', channel: 'bench' });
  const { replies } = await parley.bot.processActivity(
    { id: newId('act'), type: 'message', channel: 'bench', conversationId: conversation.id, from: { id: 'bench', role: 'customer' }, text, timestamp: new Date().toISOString() },
    { send: async () => undefined },
  );
  const last = replies.at(-1);
  const reply = last && toReply(last);
  // The label is the cited ticket's metadata, which only the internal activity carries (customers see titles).
  const label = reply?.action === 'answer' ? String(last?.sources?.[0]?.metadata.label ?? OUT_OF_SCOPE) : OUT_OF_SCOPE;
  return { label, handoff: reply?.action === 'handoff', confidence: reply?.action === 'answer' ? reply.confidence : undefined };
}

/** The plain TF-IDF (word + character n-gram) linear classifier the product path must beat. */
function baseline(train: readonly LabelledText[], test: readonly LabelledText[]): IntentScores & { model: string } {
  const encoder = TicketEncoder.fit(toTickets(train));
  const features = (text: string) => encoder.labelFeatures(encoder.encodeQuery(text));
  const model = LabelModel.train(train.map((row) => ({ features: features(row.text), label: row.label })), { loss: 'squared', l2: 1e-4 });
  const predicted = test.map((row) => {
    const probs = model.predict(features(row.text));
    let best = 0;
    for (let i = 1; i < probs.length; i++) if ((probs[i] as number) > (probs[best] as number)) best = i;
    return model.labels[best] as string;
  });
  return { model: 'tf-idf word 1-2-grams + char 3-5-grams, one-vs-rest ridge (squared loss), argmax', ...scoreIntents(test.map((r) => r.label), predicted, 0) };
}

/**
 * `parley bench intents`: ingests the training rows as tickets into an isolated temporary store, tunes the answer
 * threshold on held-out folds of them, then asks every test text through the bot (the `POST /api/chat` path).
 */
export async function runIntentBench(train: readonly LabelledText[], test: readonly LabelledText[], log: (line: string) => void = () => undefined): Promise<IntentBenchResult> {
  const home = await mkdtemp(join(tmpdir(), 'parley-bench-'));
  try {
    const base = loadConfig({ PARLEY_HOME: home, PARLEY_SAMPLE_DATA: 'false' });
    const loader = await createParley(base, { logger: silentLogger });
    const started = performance.now();
    await loader.knowledge.ingest(toTickets(train));
    const indexBuildMs = Math.round(performance.now() - started);
    // Answer clusters are computed in the background after an ingest: not while the turns are timed.
    await loader.knowledge.clusters?.settled();
    const heldOut = loader.knowledge.current?.heldOutConfidences() ?? [];
    const threshold = tuneThreshold(heldOut);
    // The version's own out-of-scope threshold hands off below it whatever the answer threshold (see `outOfScopeThreshold`).
    const outOfScopeBelow = loader.knowledge.current?.model.labels?.outOfScopeBelow ?? null;
    const onFolds = heldOutScores(heldOut, Math.max(threshold, outOfScopeBelow ?? 0));
    log(`ingested ${train.length} tickets in ${indexBuildMs} ms; answer threshold tuned on folds: ${threshold}, out-of-scope below ${outOfScopeBelow ?? '-'} (held out: in-scope ${onFolds.inScopeAccuracy}, out-of-scope recall ${onFolds.oosRecall ?? '-'})`);
    const gold = test.map((r) => r.label);
    const run = async (mode: RetrievalMode, answerAt = threshold) => {
      const config = { ...base, answerThreshold: answerAt, clarifyThreshold: answerAt, fixedAnswerThreshold: true, retrievalMode: mode };
      const parley = await createParley(config, { logger: silentLogger, knowledge: loader.knowledge });
      try {
        const times: number[] = [];
        const predicted: string[] = [];
        const answered: { confidence: number; correct: boolean }[] = [];
        let handoffs = 0;
        for (const row of test) {
          const t0 = performance.now();
          const { label, handoff, confidence } = await ask(parley, row.text);
          times.push(performance.now() - t0);
          predicted.push(label);
          if (handoff) handoffs++;
          if (confidence !== undefined) answered.push({ confidence, correct: label === row.label });
        }
        const scores = scoreIntents(gold, predicted, handoffs);
        log(`${mode}: accuracy ${scores.accuracy}`);
        return { scores, times, answered, ece: Number(expectedCalibrationError(answered).toFixed(4)) };
      } finally {
        await parley.close();
      }
    };
    try {
      const { scores, times, ece } = await run('hybrid');
      const ablation: Record<RetrievalMode, number> = { hybrid: scores.accuracy, keyword: (await run('keyword')).scores.accuracy, dense: (await run('dense')).scores.accuracy };
      const all = await run('hybrid', 0);
      const selected = selectAnswerThreshold(heldOut.filter((r) => !(r.outOfScope && r.correct)), SELECTIVE_TARGET);
      const atSelected = all.answered.filter((a) => a.confidence >= selected.threshold);
      const round = (x: number) => Number(x.toFixed(4));
      return {
        ...scores,
        indexBuildMs,
        queryP50Ms: Number(percentile(times, 50).toFixed(2)),
        queryP95Ms: Number(percentile(times, 95).toFixed(2)),
        rssMb: peakRssMb(),
        thresholds: { answer: threshold, clarify: threshold, outOfScope: outOfScopeBelow === null ? null : Number(outOfScopeBelow.toFixed(4)) },
        heldOut: onFolds,
        ece,
        baseline: baseline(train, test),
        ablation,
        answerAllAccuracy: all.scores.accuracy,
        coverageAt95: round(coverageAtPrecision(all.answered, SELECTIVE_TARGET)),
        atTarget95: {
          threshold: round(selected.threshold),
          coverage: round(atSelected.length / Math.max(1, test.length)),
          precision: round(atSelected.filter((a) => a.correct).length / Math.max(1, atSelected.length)),
        },
      };
    } finally {
      await loader.close();
    }
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}
