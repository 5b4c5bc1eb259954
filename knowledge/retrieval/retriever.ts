import type { TicketRecord } from '../../bot/core/index.js';
import { matchesFilter, type IndexPoint, type PayloadFilter, type VectorIndex } from '../indexes/vector-index.js';
import { scopeFilter, scopeKey, scopesOf } from '../scopes.js';
import { ticketAnswerComparison } from './answer-agreement.js';
import { ACTION_DEPTH, learnActionPenaltyFrom, rerankByAction } from './action-agreement.js';
import { AGREEMENT_DEPTH, agreementOf, SignalCalibration, type AnswerSignals } from './agreement.js';
import { learnAnswerSelection, reselect, selectionStatus, type AnswerSelection, type AnswerSelectionStatus } from './answer-selection.js';
import { Calibrator, type CalibrationRecord } from './calibration.js';
import { rerankByEntities } from './entity-agreement.js';
import { answeredLater, withEntities } from './late-adjustments.js';
import { AnswerKeyScopes, clusterProbability, heldOutClusterModels, NO_ALIASES, trainClusterModel, type AnswerKeyAliases, type ClusterExample } from './answer-clusters.js';
import { LabelModel } from './label-model.js';
import { labelsInScope, scoreByLabels } from './label-ranking.js';
import { answersFollowLabels, heldOutRecords } from './held-out-labels.js';
import { outOfScopeThreshold } from './out-of-scope.js';
import { similarityOfCosines, withoutMeaning, type TicketEncoder, type EncodedQuery, type EncodedTicket } from './ticket-encoder.js';
import { EncodedTicketTable } from './encoded-table.js';
import { labelFieldOf, labelOf, numbersOf, payloadKeysOf, payloadOf } from './retriever-records.js';
import { KnowledgeModel, type LabelKnowledge } from '../model/knowledge-model.js';
import type { TicketVectors } from '../model/ticket-vectors.js';
import { DEFAULT_TARGET_PRECISION, type EncodedTicketRecord, type Hit, type Retrieval, type RetrieverOptions, type SearchOptions } from './retrieval-types.js';

export { ANSWERED_FACTOR, DEFAULT_TARGET_PRECISION, type EncodedTicketRecord, type Hit, type Retrieval, type RetrievalMode, type RetrieverOptions, type SearchOptions } from './retrieval-types.js';

const CANDIDATES = 30;
/** Fewest labelled tickets for the ensemble label model of SVMs and softmax regression (below, the regression alone). */
const ENSEMBLE_MIN_TICKETS = 1_000;

export { payloadKeysOf } from './retriever-records.js';

/**
 * Hybrid retrieval over tickets: keyword and dense candidates from a {@link VectorIndex} (fused by RRF), reranked by
 * exact TF-IDF similarity and, when tickets carry labels, a label model whose probabilities are calibrated on
 * held-out folds. One retriever per knowledge model version; tickets are added and removed in place
 * ({@link apply}), encoded with the model's fixed vocabularies.
 */
export class Retriever {
  private readonly byId = new Map<string, TicketRecord>();
  /** Every ticket's packed vectors, in a few large blocks (see {@link EncodedTicketTable}). */
  private readonly encodedById = new EncodedTicketTable();
  /** Whether two tickets' answers say the same thing (the same link, or near-identical text), and how alike they are. */
  private readonly answers = ticketAnswerComparison((a, b) => this.encodedById.dotBetween(a, b, 2));
  private readonly byLabel = new Map<string, Map<string, TicketRecord>>();
  /**
   * Per answer-cluster model (this version's, or a held-out fold's), the scopes of the tickets of each of its classes;
   * built on a model's first scoped query and kept up to date by {@link apply}.
   */
  private readonly classScopes = new Map<LabelModel, AnswerKeyScopes>();

  constructor(
    private knowledge: KnowledgeModel,
    /** The index generation of this model version. */
    readonly index: VectorIndex,
    private readonly options: Pick<RetrieverOptions, 'outOfScopeLabel' | 'batchSize' | 'targetPrecision'> = {},
  ) {}

  /** The fitted model (vocabularies, embedding, labels). */
  get model(): KnowledgeModel {
    return this.knowledge;
  }

  private get encoder(): TicketEncoder {
    return this.knowledge.encoder;
  }

  private get labelField(): string | undefined {
    return this.knowledge.labels?.field ?? this.knowledge.labelField;
  }

  /** Held-out predictions the calibration was fitted on (empty without labels). */
  get calibrationRecords(): readonly CalibrationRecord[] {
    return this.knowledge.labels?.records ?? [];
  }

  /**
   * True when tickets of one label share their answer (intents): the calibrated label probability is then the
   * probability that the answer is right. With broader labels (categories) confidence comes from similarity.
   */
  get answerLevelLabels(): boolean {
    return this.knowledge.labels?.answerLevel ?? false;
  }

  /** Learns the vocabularies, embeddings and label model from `tickets` and (re)fills the index. */
  static async build(tickets: readonly TicketRecord[], options: RetrieverOptions): Promise<Retriever> {
    const labelField = labelFieldOf(tickets, options.labelField);
    const model = await KnowledgeModel.fit(tickets, options.embedder, labelField, options.wordVectors);
    const vectors = await model.encode(tickets);
    await options.index.ensure({ dims: model.dims, payloadKeys: payloadKeysOf(labelField) });
    await options.index.clear();
    const retriever = new Retriever(model, options.index, options);
    await retriever.apply(tickets.map((ticket, i) => ({ ticket, vectors: vectors[i] as TicketVectors })), []);
    await retriever.learnLabels(options);
    return retriever;
  }

  /**
   * Adds or replaces tickets (with their vectors, encoded by this retriever's model) and removes others, in memory
   * and in the index. Searchable when the promise resolves.
   */
  async apply(upserts: readonly EncodedTicketRecord[], deletes: readonly string[], options: { index?: boolean } = {}): Promise<void> {
    if (options.index !== false) await this.writeIndex(upserts, deletes.filter((id) => this.byId.has(id)));
    for (const { ticket, vectors } of upserts) {
      this.forget(ticket.id);
      this.byId.set(ticket.id, ticket);
      // The word-vector mean is not stored with the vectors: it is computed again from the question (a few microseconds).
      this.encodedById.set(ticket.id, { words: vectors.words, chars: vectors.chars, answerWords: vectors.answerWords, ...this.encoder.meaningOf(ticket.question) });
      for (const scopes of this.classScopes.values()) scopes.count(ticket, scopeKey(ticket.scope));
      const label = labelOf(ticket, this.labelField);
      if (label) this.byLabel.set(label, (this.byLabel.get(label) ?? new Map<string, TicketRecord>()).set(ticket.id, ticket));
    }
    for (const id of deletes) {
      this.forget(id);
      this.byId.delete(id);
      this.encodedById.delete(id);
    }
  }

  /** Writes tickets' points to the index and deletes others from it, without changing what this retriever knows. */
  async writeIndex(upserts: readonly EncodedTicketRecord[], deletes: readonly string[]): Promise<void> {
    const batchSize = this.options.batchSize ?? 512;
    for (let start = 0; start < upserts.length; start += batchSize) {
      const points: IndexPoint[] = upserts.slice(start, start + batchSize).map(({ ticket, vectors }) => ({
        id: ticket.id,
        sparse: this.encoder.indexVector(vectors),
        dense: numbersOf(vectors.dense),
        payload: payloadOf(ticket),
      }));
      await this.index.upsert(points);
    }
    if (deletes.length) await this.index.delete([...deletes]);
  }

  private forget(id: string): void {
    const known = this.byId.get(id);
    if (known) for (const scopes of this.classScopes.values()) scopes.count(known, scopeKey(known.scope), true);
    const label = labelOf(known, this.labelField);
    if (label) this.byLabel.get(label)?.delete(id);
  }

  /** The tickets, in the order they were added. */
  tickets(): IterableIterator<TicketRecord> {
    return this.byId.values();
  }

  /** Labels of the tickets that the label model does not know (a reason to refit). */
  unknownLabels(): string[] {
    const known = new Set(this.knowledge.labels?.model.labels ?? []);
    return [...this.byLabel.entries()].filter(([label, tickets]) => tickets.size > 0 && !known.has(label)).map(([label]) => label);
  }

  /**
   * Trains the label model on the current tickets and calibrates it on held-out folds (using this retriever's index
   * for nearest-ticket similarity). Done once per model version, before the version is published. `reviewedAliases`:
   * the answer classes CX leads' reviews of the answer clusters make (see `reviewedAnswerAliases`), for the
   * answer-cluster model.
   */
  async learnLabels(options: Pick<RetrieverOptions, 'calibrateUpTo' | 'labelModel' | 'outOfScopeLabel'> = {}, reviewedAliases: AnswerKeyAliases = NO_ALIASES): Promise<void> {
    await this.fitLabels(options);
    const heldOut = await this.fitClusters(options, reviewedAliases);
    await this.learnActions(options);
    await this.learnSelection(heldOut);
  }

  /**
   * Learns the answer-cluster model (answers as classes, merged as reviews say: `aliases`, see `answer-clusters.ts`)
   * on the tickets, and the models of held-out folds that score each ticket's question for the selection. Without
   * labels it is the only model of what the answers say; with labels that do not name answers (a category holding
   * several different answers) the label model ranks and the cluster model adds its probability of the first answer
   * to the confidence — both are used. None when labels name answers (the label model is already one over answers),
   * nor above `calibrateUpTo` tickets.
   */
  private async fitClusters(options: Pick<RetrieverOptions, 'calibrateUpTo' | 'labelModel'>, aliases: AnswerKeyAliases): Promise<Map<string, LabelModel>> {
    this.knowledge = this.knowledge.withClusters(undefined);
    if (this.knowledge.labels?.answerLevel || this.byId.size > (options.calibrateUpTo ?? 30_000)) return new Map();
    // Words alone (see `withoutMeaning`): the mean word vector moved the tweets' answer classes the wrong way.
    const examples: ClusterExample[] = [...this.byId.values()].map((t) => ({ id: t.id, features: this.encoder.labelFeatures(withoutMeaning(this.encodedById.get(t.id) as EncodedTicket)), answer: t.answer }));
    const model = await trainClusterModel(examples, options.labelModel, aliases);
    if (!model) return new Map();
    this.knowledge = this.knowledge.withClusters(model, aliases);
    return heldOutClusterModels(examples, options.labelModel, aliases);
  }

  /**
   * Without labels, learns how much a ticket asking for another action than the question (track vs change an order)
   * drops behind (see {@link learnActionPenaltyFrom}): tickets whose question names an action are asked with the
   * ticket left out, in its scope, and the penalty is the one whose first answers are most alike the tickets' own.
   * 0 (no reranking) with labels, and above `calibrateUpTo` tickets (as the answer-cluster model).
   */
  private async learnActions(options: Pick<RetrieverOptions, 'calibrateUpTo'>): Promise<void> {
    this.knowledge = this.knowledge.withActionPenalty(0);
    if (this.knowledge.labels || this.byId.size > (options.calibrateUpTo ?? 30_000)) return;
    const penalty = await learnActionPenaltyFrom(
      this.byId.values(),
      async (ticket) => {
        const filter = scopeFilter(ticket.scope);
        // Ranking only: no answer-cluster model scores the confidence.
        return (await this.rank(ticket.question, { k: ACTION_DEPTH, exclude: new Set([ticket.id]), ...(filter ? { filter } : {}) }, null)).hits;
      },
      this.answers.related,
    );
    this.knowledge = this.knowledge.withActionPenalty(penalty);
  }

  /**
   * Learns selective answering for the precision target from held-out tickets (see {@link learnAnswerSelection}):
   * the label model's held-out predictions when labels name answers, else leave-one-out retrieval calibrated on
   * similarity and neighbour agreement.
   */
  private async learnSelection(heldOutClusters: ReadonlyMap<string, LabelModel>): Promise<void> {
    this.classScopes.clear();
    // Leave-one-out retrieval must see the uncalibrated signals.
    this.knowledge = this.knowledge.withSelection(undefined);
    const selection = await learnAnswerSelection({
      target: this.target,
      ...(this.answerLevelLabels ? { labelOutcomes: this.heldOutConfidences().filter((r) => !(r.outOfScope && r.correct)) } : {}),
      tickets: [...this.byId.values()],
      ask: async (ticket) => {
        const filter = scopeFilter(ticket.scope);
        // The cluster model that did not learn from this ticket scores its question.
        const found = await this.rank(ticket.question, { k: 8, exclude: new Set([ticket.id]), ...(filter ? { filter } : {}) }, heldOutClusters.get(ticket.id) ?? null);
        return { ranked: found.hits.map((hit) => hit.ticket), signals: found.signals ?? { similarity: found.confidence, agreement: 0 } };
      },
      same: this.answers.same,
    });
    this.knowledge = this.knowledge.withSelection(selection);
    // The fold models are done with; this version's model builds its own on its first scoped query.
    this.classScopes.clear();
  }

  /** The scopes of the tickets of each of `model`'s answer classes (built from every ticket on first use). */
  private scopesOfClasses(model: LabelModel): AnswerKeyScopes {
    let scopes = this.classScopes.get(model);
    if (!scopes) {
      scopes = new AnswerKeyScopes(new Set(model.labels), this.knowledge.clusterAliases);
      for (const ticket of this.byId.values()) scopes.count(ticket, scopeKey(ticket.scope));
      this.classScopes.set(model, scopes);
    }
    return scopes;
  }

  private get target(): number {
    return this.options.targetPrecision ?? DEFAULT_TARGET_PRECISION;
  }

  /**
   * The answer threshold this version selected for the precision target on held-out tickets, with what it achieved
   * there; null when none could be selected (fewer than `MIN_SELECTION_OUTCOMES` measurable held-out questions, or
   * answers that rarely say the same thing, so that leave-one-out cannot tell right from wrong): then the configured
   * threshold applies and the target is not used.
   */
  answerSelection(): AnswerSelectionStatus | null {
    return this.selectedThreshold() === undefined ? null : selectionStatus(this.knowledge.selection as AnswerSelection);
  }

  /** The answer threshold for the configured precision target, from this version's held-out outcomes. */
  private selectedThreshold(): number | undefined {
    const selection = this.knowledge.selection;
    if (!selection) return undefined;
    // Another target than the version was stored with: select again on the stored outcomes.
    if (selection.target !== this.target) this.knowledge = this.knowledge.withSelection(reselect(selection, this.target));
    return this.knowledge.selection?.threshold;
  }

  /** Similarity, neighbour agreement and cluster probability of ranked candidates, and the confidence the policy decides on. */
  private similarityConfidence(ranked: readonly Hit[], similarity: number, cluster?: number): Pick<Retrieval, 'confidence' | 'signals'> {
    const first = ranked[0];
    if (!first) return { confidence: 0 };
    const top = ranked.slice(0, AGREEMENT_DEPTH);
    const agreement = agreementOf(top.map((hit) => hit.score), top.map((hit) => this.answers.same(first.ticket, hit.ticket)));
    const signals: AnswerSignals = { similarity, agreement, ...(cluster !== undefined ? { cluster } : {}) };
    const weights = this.knowledge.selection?.calibration;
    const calibration = weights ? SignalCalibration.fromWeights(weights) : undefined;
    // When even the best candidate contradicts the question's entities, the answer is less likely right.
    return { confidence: withEntities(calibration ? calibration.apply(signals) : similarity, first), signals };
  }

  private async fitLabels(options: Pick<RetrieverOptions, 'calibrateUpTo' | 'labelModel' | 'outOfScopeLabel'>): Promise<void> {
    const labelField = this.knowledge.labelField;
    const labelled = [...this.byId.values()].flatMap((t) => {
      const label = labelOf(t, labelField);
      return label ? [{ encoded: this.encodedById.get(t.id) as EncodedTicket, label, id: t.id, question: t.question }] : [];
    });
    const distinct = new Set(labelled.map((l) => l.label));
    if (!labelField || distinct.size < 2 || labelled.length < 4) {
      this.knowledge = this.knowledge.withLabels(undefined);
      return;
    }
    // Words, character n-grams and the mean word vector, with an out-of-scope label too (see `outOfScopeThreshold`).
    const examples = labelled.map((l) => ({ features: this.encoder.labelFeatures(l.encoded), label: l.label, id: l.id, question: l.question }));
    // On large label sets, one-vs-rest SVMs and the softmax regression, their probabilities averaged (see LabelModel):
    // Banking77 answer-all accuracy 0.9227, against 0.9153 with the SVMs alone and 0.909 with the regression. Small
    // stores keep the softmax regression, whose probabilities the configured thresholds were set for.
    const ensemble = labelled.length >= ENSEMBLE_MIN_TICKETS;
    const loss = options.labelModel?.loss ?? (ensemble ? 'ensemble' : 'logistic');
    options = { ...options, labelModel: { ...options.labelModel, loss } };
    const model = await LabelModel.trainInBackground(examples, options.labelModel);
    const groups = new Map([...this.byLabel.entries()].map(([label, tickets]) => [label, [...tickets.values()]]));
    const answerLevel = answersFollowLabels(groups);
    this.knowledge = this.knowledge.withLabels({ field: labelField, model, calibrator: Calibrator.identity(), records: [], answerLevel });
    if (labelled.length > (options.calibrateUpTo ?? 30_000)) return;
    const records = await heldOutRecords(examples, options, (id, question) => this.nearestSimilarity(id, question));
    const calibrator = Calibrator.fit(records);
    const outOfScopeBelow = outOfScopeThreshold(records.map((r) => ({ confidence: calibrator.apply(r.top, r.margin, r.similarity, r.outOfScopeProbability), correct: r.correct, outOfScope: r.outOfScope })));
    this.knowledge = this.knowledge.withLabels({ field: labelField, model, calibrator, records, answerLevel, ...(outOfScopeBelow !== undefined ? { outOfScopeBelow } : {}) });
  }

  /** Similarity of a ticket's question with its nearest other ticket (for calibration records). */
  private async nearestSimilarity(id: string, question: string): Promise<number> {
    const query = this.encoder.encodeQuery(question);
    const [dense] = await this.knowledge.embedder.embed([question]);
    const found = await this.index.query({ sparse: this.encoder.queryVector(query), dense: dense ?? [], limit: 10, mode: 'hybrid' });
    let best = 0;
    for (const hit of found) {
      const ticket = hit.id === id ? undefined : this.byId.get(hit.id);
      if (ticket) best = Math.max(best, this.similarity(query, ticket));
    }
    return best;
  }

  /** Held-out predictions with their calibrated label confidence, for tuning thresholds on folds of the training tickets. */
  heldOutConfidences(): { confidence: number; correct: boolean; outOfScope: boolean }[] {
    const calibrator = this.knowledge.labels?.calibrator ?? Calibrator.identity();
    return this.calibrationRecords.map((r) => ({ confidence: calibrator.apply(r.top, r.margin, r.similarity, r.outOfScopeProbability), correct: r.correct, outOfScope: r.outOfScope }));
  }

  /** Number of indexed tickets. */
  get size(): number {
    return this.byId.size;
  }

  /** The label field the model learned from, if any. */
  get labelledBy(): string | undefined {
    return this.knowledge.labels?.field;
  }

  /** The ticket with this id. */
  get(id: string): TicketRecord | undefined {
    return this.byId.get(id);
  }

  /** Retrieves and ranks tickets for a question. */
  async retrieve(question: string, options: SearchOptions = {}): Promise<Retrieval> {
    const retrieval = await this.rank(question, options);
    const answerThreshold = this.selectedThreshold();
    return answerThreshold === undefined ? retrieval : { ...retrieval, answerThreshold };
  }

  /** `clusters`: the answer-cluster model to score with (null: none; default this version's). */
  private async rank(question: string, options: SearchOptions, clusters: LabelModel | null = this.knowledge.clusters ?? null): Promise<Retrieval> {
    const k = options.k ?? 5;
    if (this.byId.size === 0) return { hits: [], confidence: 0, outOfScope: false };
    const query = this.encoder.encodeQuery(question);
    const [dense] = options.mode === 'keyword' ? [[]] : await this.knowledge.embedder.embed([question]);
    const found = await this.index.query({
      sparse: this.encoder.queryVector(query),
      dense: dense ?? [],
      limit: CANDIDATES,
      mode: options.mode ?? 'hybrid',
      ...(options.filter ? { filter: options.filter } : {}),
    });
    const candidates = new Map<string, TicketRecord>();
    for (const { id } of found) {
      const ticket = options.exclude?.has(id) ? undefined : this.byId.get(id);
      if (ticket) candidates.set(id, ticket);
    }
    const labels = this.knowledge.labels;
    if (!labels) return this.rankBySimilarity(question, query, [...candidates.values()], { ...options, k }, clusters);
    return this.rankWithLabels(labels, question, query, candidates, { ...options, k }, clusters);
  }

  private similarity(query: EncodedQuery, ticket: TicketRecord): number {
    // The table's vectors read in place (as `encoder.similarity(query, encodedById.get(id))`, without its views).
    const table = this.encodedById;
    const words = table.dot(ticket.id, 0, query.words);
    return words === undefined ? 0 : similarityOfCosines(words, table.dot(ticket.id, 1, query.chars) as number, table.dot(ticket.id, 2, query.answerWords) as number);
  }

  private rankBySimilarity(question: string, query: EncodedQuery, candidates: TicketRecord[], options: SearchOptions & { k: number }, clusters: LabelModel | null): Retrieval {
    const scored = candidates.map((ticket) => ({ ticket, score: this.similarity(query, ticket) })).sort((a, b) => b.score - a.score);
    // A ticket whose countries, products or platforms contradict the question's drops behind those that do not; one
    // that asks for another action ("track order …" for "edit order …") too, where actions tell this knowledge's
    // answers apart (the learned penalty; 0 elsewhere).
    const penalty = this.knowledge.actionPenalty;
    const ranked = answeredLater(rerankByAction(question, rerankByEntities(question, scored), penalty), options.answered);
    const first = ranked[0];
    const cluster = this.clusterSignal(clusters, query, first?.ticket, options.filter);
    // When even the best candidate asks for another action, its lowered score lowers the confidence.
    return { hits: ranked.slice(0, options.k), ...this.similarityConfidence(ranked, first?.score ?? 0, cluster), outOfScope: false };
  }

  /**
   * The cluster model's probability of `first`'s answer class for the question, over the classes in the filter's
   * scopes; undefined without a model or a first ticket. A confidence signal only: ranking by it (the similarity plus
   * 0.3 × it) answered fewer tweets right (coverage 0.025 at precision 0.69 against 0.12 at 0.77).
   */
  private clusterSignal(clusters: LabelModel | null, query: EncodedQuery, first: TicketRecord | undefined, filter: PayloadFilter | undefined): number | undefined {
    if (!clusters || !first) return undefined;
    const scopes = scopesOf(filter);
    return clusterProbability(clusters, this.encoder.labelFeatures(query), first.answer, (key) => scopes === undefined || this.scopesOfClasses(clusters).has(key, scopes), this.knowledge.clusterAliases);
  }

  private rankWithLabels(labels: LabelKnowledge, question: string, query: EncodedQuery, candidates: Map<string, TicketRecord>, options: SearchOptions & { k: number }, clusters: LabelModel | null): Retrieval {
    const { filter, exclude, k } = options;
    const model = labels.model;
    const probs = model.predict(this.encoder.labelFeatures(query));
    const scopes = scopesOf(filter);
    const ranked = labelsInScope(
      model.labels.map((label, i) => ({ label, p: probs[i] as number })),
      (label) => !scopes || [...(this.byLabel.get(label)?.values() ?? [])].some((t) => scopes.has(scopeKey(t.scope))),
    ).sort((a, b) => b.p - a.p);
    // Make sure the most likely labels are represented even when keyword and dense search missed them.
    for (const { label } of ranked.slice(0, 3)) {
      if ([...candidates.values()].some((t) => labelOf(t, this.labelField) === label)) continue;
      for (const fallback of this.byLabel.get(label)?.values() ?? []) {
        if (!matchesFilter(payloadOf(fallback), filter) || exclude?.has(fallback.id)) continue;
        candidates.set(fallback.id, fallback);
        break;
      }
    }
    const probability = new Map(ranked.map((r) => [r.label, r.p]));
    const known = new Set(model.labels);
    const knownLabel = (ticket: TicketRecord) => {
      const label = labelOf(ticket, this.labelField);
      return label !== undefined && known.has(label) ? label : undefined;
    };
    const { scored, nearest } = scoreByLabels(candidates.values(), probability, knownLabel, (ticket) => this.similarity(query, ticket));
    // A ticket whose countries, products or platforms contradict the question's drops behind those that do not.
    const ordered = answeredLater(rerankByEntities(question, scored), options.answered);
    const hits = ordered.slice(0, k);
    const best = hits[0];
    const label = best ? labelOf(best.ticket, this.labelField) : undefined;
    const top = probability.get(label ?? '') ?? 0;
    const runnerUp = ranked.find((r) => r.label !== label)?.p ?? 0;
    const calibrated = labels.answerLevel && best !== undefined && knownLabel(best.ticket) !== undefined;
    const outOfScopeLabel = this.options.outOfScopeLabel ?? 'oos';
    const found = calibrated
      ? { confidence: withEntities(labels.calibrator.apply(top, top - runnerUp, nearest, probability.get(outOfScopeLabel) ?? 0), best) }
      : this.similarityConfidence(ordered, best ? this.similarity(query, best.ticket) : 0, this.clusterSignal(clusters, query, best?.ticket, filter));
    // Below the out-of-scope threshold (chosen on held-out folds) a question is out of scope whatever its first label.
    const belowScope = calibrated && labels.outOfScopeBelow !== undefined && found.confidence < labels.outOfScopeBelow;
    return {
      hits,
      ...found,
      ...(label ? { label } : {}),
      outOfScope: label !== undefined && (label === outOfScopeLabel || belowScope),
    };
  }
}
