import type { TicketRecord } from '../../bot/core/index.js';
import type { SparseVec } from '../indexes/vector-index.js';
import { linksOf } from './answer-agreement.js';
import { LabelModel, type LabelModelOptions } from './label-model.js';

/**
 * Answers as classes, for tickets without labels or with labels that do not name answers: tickets whose answers link the same page, or whose answers are the
 * same text once numbers, case and punctuation are set aside (a macro), share an answer key. A label model over the
 * keys that several tickets share (the answer classes) learns from every ticket of a class, not from one neighbour;
 * its probability for the best ticket's answer is a confidence signal. An internal grouping of retrieval; the
 * reviewed clusters of the product (canonical answers) are the knowledge clusters feature's, and what CX leads'
 * reviews of them say (merged clusters, approved ones, tickets split off) changes these classes at the next refit
 * ({@link reviewedAnswerAliases}).
 */

/** Class of the tickets whose answer no other ticket shares. */
export const UNIQUE_ANSWER = '\u0000unique';
/** Fewest tickets of an answer class. */
const MIN_CLASS_SIZE = 2;
/** Most answer classes learned (the largest); tickets of smaller ones count as unique answers. */
export const MAX_ANSWER_CLASSES = 200;
/** Fewest tickets in answer classes (all together) for a model to be learned. */
const MIN_CLASSED_TICKETS = 20;
/**
 * Held-out folds the selection's cluster probabilities come from: 10, so that each held-out model learns from 90 % of
 * the tickets, close to the model that scores live questions. With 3 folds (two thirds of the tickets) the held-out
 * probabilities ran lower than the live ones, so that a threshold chosen on them answered more live questions than it
 * had measured (support tweets, 5-fold CV, label-free comparison of the confidence distributions: 12.5 % of the
 * held-out questions against 16.8 % of the live ones at confidence 0.8; with 10 folds 12.8 % and 14.1 %).
 */
export const CLUSTER_FOLDS = 10;
/** Above this many tickets, {@link LARGE_CLUSTER_FOLDS} bound the cost of the held-out models (larger classes shift less). */
export const MANY_CLUSTER_EXAMPLES = 5_000;
/** Held-out folds above {@link MANY_CLUSTER_EXAMPLES} tickets. */
export const LARGE_CLUSTER_FOLDS = 3;

/** An answer as a key of its text: lower case, digits and punctuation dropped, spaces collapsed. Pure. */
function textKey(answer: string): string {
  return `text:${answer.toLowerCase().replace(/[\p{N}]+/gu, '').replace(/[^\p{L}]+/gu, ' ').trim()}`;
}

/**
 * Answer keys that CX leads' reviews put in one class: each key of a reviewed cluster's answers, to that cluster's
 * class (see {@link reviewedAnswerAliases}). Empty without reviews.
 */
export type AnswerKeyAliases = ReadonlyMap<string, string>;

/** No aliases. */
export const NO_ALIASES: AnswerKeyAliases = new Map();

/**
 * The answer keys of a past answer: one per page it links, else its text key; each replaced by its reviewed class
 * when `aliases` has one (duplicates dropped). Pure.
 */
export function answerKeysOf(answer: string, aliases: AnswerKeyAliases = NO_ALIASES): string[] {
  const links = linksOf(answer);
  const keys = links.length ? links.map((link) => `link:${link}`) : [textKey(answer)];
  return aliases.size ? [...new Set(keys.map((key) => aliases.get(key) ?? key))] : keys;
}

/** The class of the tickets of reviewed answer cluster `clusterId`. */
const reviewedClass = (clusterId: string): string => `reviewed:${clusterId}`;

/**
 * What CX leads' reviews teach the cluster model: an answer key goes into the class of a reviewed cluster (approved,
 * or with tickets a lead placed by a merge or split) when every clustered ticket with that key is in that cluster —
 * so clusters a lead merged become one class, an approved cluster's near-identical answers one class, and tickets a
 * lead split off their own class. A key whose tickets a review separated (a split within one answer text) keeps its
 * own class: answers with the same text cannot be told apart. `membership`: each clustered ticket's cluster. Pure.
 */
export function reviewedAnswerAliases(
  tickets: Iterable<Pick<TicketRecord, 'id' | 'answer'>>,
  membership: ReadonlyMap<string, string>,
  reviewed: ReadonlySet<string>,
): Map<string, string> {
  const clustersOfKey = new Map<string, Set<string>>();
  for (const ticket of tickets) {
    const cluster = membership.get(ticket.id);
    if (cluster === undefined) continue;
    for (const key of answerKeysOf(ticket.answer)) {
      const clusters = clustersOfKey.get(key) ?? new Set<string>();
      clusters.add(cluster);
      clustersOfKey.set(key, clusters);
    }
  }
  const aliases = new Map<string, string>();
  for (const [key, clusters] of clustersOfKey) {
    const [only] = clusters;
    if (clusters.size === 1 && only !== undefined && reviewed.has(only)) aliases.set(key, reviewedClass(only));
  }
  return aliases;
}

/** True when two alias maps say the same. Pure. */
export function sameAliases(a: AnswerKeyAliases, b: AnswerKeyAliases): boolean {
  if (a.size !== b.size) return false;
  for (const [key, value] of a) if (b.get(key) !== value) return false;
  return true;
}

/** A ticket ready for the cluster model: its id, question features and answer. */
export interface ClusterExample {
  id: string;
  features: SparseVec;
  answer: string;
}

/**
 * The answer class of each example: of its answer keys, the one most tickets share, when it is among the
 * {@link MAX_ANSWER_CLASSES} largest keys shared by at least {@link MIN_CLASS_SIZE} tickets; else {@link UNIQUE_ANSWER}.
 * Pure.
 */
export function answerClasses(answers: readonly string[], aliases: AnswerKeyAliases = NO_ALIASES): string[] {
  const keysOf = answers.map((answer) => answerKeysOf(answer, aliases));
  const counts = new Map<string, number>();
  for (const keys of keysOf) for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  const kept = new Set(
    [...counts.entries()]
      .filter(([, count]) => count >= MIN_CLASS_SIZE)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, MAX_ANSWER_CLASSES)
      .map(([key]) => key),
  );
  return keysOf.map((keys) => {
    let best: string | undefined;
    for (const key of keys) if (kept.has(key) && (best === undefined || (counts.get(key) as number) > (counts.get(best) as number))) best = key;
    return best ?? UNIQUE_ANSWER;
  });
}

/** The cluster model: a label model over answer classes (undefined when answers rarely repeat). */
export async function trainClusterModel(examples: readonly ClusterExample[], options?: LabelModelOptions, aliases: AnswerKeyAliases = NO_ALIASES): Promise<LabelModel | undefined> {
  const classes = answerClasses(
    examples.map((e) => e.answer),
    aliases,
  );
  const classed = classes.filter((c) => c !== UNIQUE_ANSWER).length;
  if (classed < MIN_CLASSED_TICKETS || new Set(classes).size < 3) return undefined;
  return LabelModel.trainInBackground(
    examples.map((e, i) => ({ features: e.features, label: classes[i] as string })),
    options,
  );
}

/**
 * Cluster models for held-out questions: fold f's model is trained without the examples at positions ≡ f (mod the
 * folds: {@link CLUSTER_FOLDS}, {@link LARGE_CLUSTER_FOLDS} above {@link MANY_CLUSTER_EXAMPLES} examples), so a
 * ticket's own answer never teaches the model that scores its question. Maps an example id to the model that did not
 * see it.
 */
export async function heldOutClusterModels(examples: readonly ClusterExample[], options?: LabelModelOptions, aliases: AnswerKeyAliases = NO_ALIASES): Promise<Map<string, LabelModel>> {
  const folds = examples.length > MANY_CLUSTER_EXAMPLES ? LARGE_CLUSTER_FOLDS : CLUSTER_FOLDS;
  const byId = new Map<string, LabelModel>();
  for (let fold = 0; fold < folds; fold++) {
    const model = await trainClusterModel(
      examples.filter((_, i) => i % folds !== fold),
      options,
      aliases,
    );
    if (!model) continue;
    examples.forEach((e, i) => {
      if (i % folds === fold) byId.set(e.id, model);
    });
  }
  return byId;
}

/**
 * The cluster model's probability of each answer class for a question, renormalized over the classes a conversation
 * in scope may be answered with (`inScope`; the unique-answer class always counts).
 */
export function clusterProbabilities(model: LabelModel, features: SparseVec, inScope: (key: string) => boolean): Map<string, number> {
  const probs = model.predict(features);
  const out = new Map<string, number>();
  let total = 0;
  model.labels.forEach((label, i) => {
    if (label !== UNIQUE_ANSWER && !inScope(label)) return;
    out.set(label, probs[i] as number);
    total += probs[i] as number;
  });
  if (total > 0) for (const [label, p] of out) out.set(label, p / total);
  return out;
}

/** The probability of `answer`'s answer class in {@link clusterProbabilities}: 0 when it is in no class the model knows. Pure. */
export function answerProbability(probabilities: ReadonlyMap<string, number>, answer: string, aliases: AnswerKeyAliases = NO_ALIASES): number {
  let best = 0;
  for (const key of answerKeysOf(answer, aliases)) best = Math.max(best, probabilities.get(key) ?? 0);
  return best;
}

/** {@link answerProbability} of one answer for a question. */
export function clusterProbability(model: LabelModel, features: SparseVec, answer: string, inScope: (key: string) => boolean, aliases: AnswerKeyAliases = NO_ALIASES): number {
  return answerProbability(clusterProbabilities(model, features, inScope), answer, aliases);
}

/**
 * Keeps, per answer key of interest (an answer-cluster model's classes), the scopes of the tickets with it (for
 * {@link clusterProbability}'s scope check). Only the given keys are kept: every ticket's own text key would hold a
 * copy of each answer (and cost a normalisation per ticket at every restart) for keys no model asks about.
 */
export class AnswerKeyScopes {
  private readonly scopes = new Map<string, Map<string, number>>();

  /**
   * `keys`: the answer keys to keep scopes for (other keys are ignored by {@link count} and {@link has}), after
   * `aliases` (the model's reviewed classes).
   */
  constructor(
    private readonly keys: ReadonlySet<string>,
    private readonly aliases: AnswerKeyAliases = NO_ALIASES,
  ) {}

  /** Counts a ticket's answer keys in its scope (`remove`: uncounts them). */
  count(ticket: Pick<TicketRecord, 'answer'>, scope: string, remove = false): void {
    for (const key of answerKeysOf(ticket.answer, this.aliases)) {
      if (!this.keys.has(key)) continue;
      const byScope = this.scopes.get(key) ?? new Map<string, number>();
      const next = (byScope.get(scope) ?? 0) + (remove ? -1 : 1);
      if (next > 0) byScope.set(scope, next);
      else byScope.delete(scope);
      if (byScope.size) this.scopes.set(key, byScope);
      else this.scopes.delete(key);
    }
  }

  /** True when a ticket with this (kept) answer key is in one of `scopes` (every key when `scopes` is undefined). */
  has(key: string, scopes: ReadonlySet<string> | undefined): boolean {
    if (!scopes) return true;
    const byScope = this.scopes.get(key);
    if (!byScope) return false;
    for (const scope of scopes) if (byScope.has(scope)) return true;
    return false;
  }
}
