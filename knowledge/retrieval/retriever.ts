import type { TicketRecord } from '../../bot/core/index.js';
import type { Embedder } from '../embeddings/embedder.js';
import { matchesFilter, type IndexPoint, type PayloadFilter, type SparseVec, type VectorIndex } from '../indexes/vector-index.js';
import { SCOPE_KEY, scopeKey, scopesOf } from '../scopes.js';
import { Calibrator, type CalibrationRecord } from './calibration.js';
import { LabelModel, type LabelModelOptions } from './label-model.js';
import { TicketEncoder, type EncodedQuery, type EncodedTicket } from './ticket-encoder.js';

/** A retrieved ticket and how well it matches (0–1, higher is better). */
export interface Hit {
  ticket: TicketRecord;
  score: number;
}

/** Retrieval mode: both rankings fused, or one alone (for ablations). */
export type RetrievalMode = 'hybrid' | 'keyword' | 'dense';

/** Search options: how many hits, which payload values must match, and the retrieval mode. */
export interface SearchOptions {
  /** Number of hits; default 5. */
  k?: number;
  filter?: PayloadFilter;
  mode?: RetrievalMode;
}

/** What retrieval found for a question, with the confidence the policy decides on. */
export interface Retrieval {
  hits: Hit[];
  /** Probability-like confidence (0–1) that the best hit answers the question. */
  confidence: number;
  /** The best hit's label and the model's probability for it, when the tickets carry labels. */
  label?: string;
  /** True when the best match is an out-of-scope example: the bot must not answer it. */
  outOfScope: boolean;
}

/** Options of {@link Retriever.build}. */
export interface RetrieverOptions {
  index: VectorIndex;
  embedder: Embedder;
  /** Metadata field holding a ticket's label (intent, category); default: the first of `intent`, `label`, `category` present. */
  labelField?: string;
  /** Label of out-of-scope examples, which are never answers; default `oos`. */
  outOfScopeLabel?: string;
  /** Fit confidence calibration on held-out folds when labelled tickets are at most this many; default 30,000. */
  calibrateUpTo?: number;
  labelModel?: LabelModelOptions;
  /** Upsert batch size; default 512. */
  batchSize?: number;
}

const LABEL_FIELDS = ['intent', 'label', 'category'];
const CANDIDATES = 30;
const LABEL_WEIGHT = 0.7;
const FOLDS = 3;

function labelOf(ticket: TicketRecord, field: string | undefined): string | undefined {
  const value = field ? ticket.metadata[field] : undefined;
  return typeof value === 'string' && value ? value : undefined;
}

/** Payload an index keeps per ticket: the label and scalar metadata, for filters, and its knowledge scope (`'*'`: shared). */
function payloadOf(ticket: TicketRecord): Record<string, unknown> {
  const payload: Record<string, unknown> = { source: ticket.source };
  for (const [key, value] of Object.entries(ticket.metadata)) {
    if (['string', 'number', 'boolean'].includes(typeof value) || (Array.isArray(value) && value.every((v) => typeof v === 'string'))) payload[key] = value;
  }
  // Last, so that a metadata field of that name never hides the ticket's scope.
  payload[SCOPE_KEY] = scopeKey(ticket.scope);
  return payload;
}

/**
 * Hybrid retrieval over tickets: keyword and dense candidates from a {@link VectorIndex} (fused by RRF), reranked by
 * exact TF-IDF similarity and, when tickets carry labels, a label model whose probabilities are calibrated on
 * held-out folds. Built once per corpus version.
 */
export class Retriever {
  private readonly byId: Map<string, TicketRecord>;
  private readonly encodedById: Map<string, EncodedTicket>;
  private readonly byLabel = new Map<string, TicketRecord[]>();

  private constructor(
    private readonly tickets: readonly TicketRecord[],
    encoded: readonly EncodedTicket[],
    private readonly encoder: TicketEncoder,
    private readonly options: RetrieverOptions,
    private readonly labelField: string | undefined,
    private readonly model: LabelModel | undefined,
    private readonly calibrator: Calibrator,
    /** Held-out predictions the calibration was fitted on (empty without labels). */
    readonly calibrationRecords: readonly CalibrationRecord[],
  ) {
    this.byId = new Map(tickets.map((t) => [t.id, t]));
    this.encodedById = new Map(tickets.map((t, i) => [t.id, encoded[i] as EncodedTicket]));
    for (const ticket of tickets) {
      const label = labelOf(ticket, labelField);
      if (label) this.byLabel.set(label, [...(this.byLabel.get(label) ?? []), ticket]);
    }
    this.answerLevelLabels = answersFollowLabels(this.byLabel);
  }

  /**
   * True when tickets of one label share their answer (intents): the calibrated label probability is then the
   * probability that the answer is right. With broader labels (categories) confidence comes from similarity.
   */
  readonly answerLevelLabels: boolean;

  /** Learns the vocabularies, embeddings and label model from `tickets` and (re)fills the index. */
  static async build(tickets: readonly TicketRecord[], options: RetrieverOptions): Promise<Retriever> {
    const encoder = TicketEncoder.fit(tickets);
    const encoded = tickets.map((t) => encoder.encodeTicket(t));
    await options.embedder.fit(tickets.map((t) => t.question));
    const labelField = options.labelField ?? LABEL_FIELDS.find((field) => tickets.some((t) => labelOf(t, field)));
    await options.index.ensure({ dims: options.embedder.dims, payloadKeys: labelField ? [labelField, 'source', SCOPE_KEY] : ['source', SCOPE_KEY] });
    await options.index.clear();
    const batchSize = options.batchSize ?? 512;
    for (let start = 0; start < tickets.length; start += batchSize) {
      const batch = tickets.slice(start, start + batchSize);
      const dense = await options.embedder.embed(batch.map((t) => t.question));
      const points: IndexPoint[] = batch.map((ticket, i) => ({
        id: ticket.id,
        sparse: encoder.indexVector(encoded[start + i] as EncodedTicket),
        dense: dense[i] ?? [],
        payload: payloadOf(ticket),
      }));
      await options.index.upsert(points);
    }
    const labelled = tickets.flatMap((t, i) => {
      const label = labelOf(t, labelField);
      return label ? [{ encoded: encoded[i] as EncodedTicket, label, id: t.id, question: t.question }] : [];
    });
    const distinct = new Set(labelled.map((l) => l.label));
    if (distinct.size < 2 || labelled.length < 4) return new Retriever(tickets, encoded, encoder, options, undefined, undefined, Calibrator.identity(), []);
    const examples = labelled.map((l) => ({ features: encoder.labelFeatures(l.encoded), label: l.label, id: l.id, question: l.question }));
    const model = LabelModel.train(examples, options.labelModel);
    const draft = new Retriever(tickets, encoded, encoder, options, labelField, model, Calibrator.identity(), []);
    if (labelled.length > (options.calibrateUpTo ?? 30_000)) return draft;
    const records = await heldOutRecords(examples, options, (id, question) => draft.nearestSimilarity(id, question));
    return new Retriever(tickets, encoded, encoder, options, labelField, model, Calibrator.fit(records), records);
  }

  /** Similarity of a ticket's question with its nearest other ticket (for calibration records). */
  private async nearestSimilarity(id: string, question: string): Promise<number> {
    const query = this.encoder.encodeQuery(question);
    const [dense] = await this.options.embedder.embed([question]);
    const found = await this.options.index.query({ sparse: this.encoder.queryVector(query), dense: dense ?? [], limit: 10, mode: 'hybrid' });
    let best = 0;
    for (const hit of found) {
      const ticket = hit.id === id ? undefined : this.byId.get(hit.id);
      if (ticket) best = Math.max(best, this.similarity(query, ticket));
    }
    return best;
  }

  /** Held-out predictions with their calibrated confidence, for tuning thresholds on folds of the training tickets. */
  heldOutConfidences(): { confidence: number; correct: boolean; outOfScope: boolean }[] {
    return this.calibrationRecords.map((r) => ({ confidence: this.calibrator.apply(r.top, r.margin, r.similarity), correct: r.correct, outOfScope: r.outOfScope }));
  }

  /** Number of indexed tickets. */
  get size(): number {
    return this.tickets.length;
  }

  /** The label field the model learned from, if any. */
  get labelledBy(): string | undefined {
    return this.model ? this.labelField : undefined;
  }

  /** The ticket with this id. */
  get(id: string): TicketRecord | undefined {
    return this.byId.get(id);
  }

  /** Retrieves and ranks tickets for a question. */
  async retrieve(question: string, options: SearchOptions = {}): Promise<Retrieval> {
    const k = options.k ?? 5;
    if (this.tickets.length === 0) return { hits: [], confidence: 0, outOfScope: false };
    const query = this.encoder.encodeQuery(question);
    const [dense] = options.mode === 'keyword' ? [[]] : await this.options.embedder.embed([question]);
    const found = await this.options.index.query({
      sparse: this.encoder.queryVector(query),
      dense: dense ?? [],
      limit: CANDIDATES,
      mode: options.mode ?? 'hybrid',
      ...(options.filter ? { filter: options.filter } : {}),
    });
    const candidates = new Map<string, TicketRecord>();
    for (const { id } of found) {
      const ticket = this.byId.get(id);
      if (ticket) candidates.set(id, ticket);
    }
    if (!this.model) return this.rankBySimilarity(query, [...candidates.values()], k);
    return this.rankWithLabels(query, candidates, k, options.filter);
  }

  /**
   * The label probabilities a conversation in the filter's scopes may act on: labels with no ticket in those scopes
   * (or shared) are left out and the rest renormalized, so that another brand's label never wins nor lowers the margin.
   */
  private labelsInScope(labels: { label: string; p: number }[], filter: PayloadFilter | undefined): { label: string; p: number }[] {
    const scopes = scopesOf(filter);
    if (!scopes) return labels;
    const inScope = labels.filter(({ label }) => this.byLabel.get(label)?.some((t) => scopes.has(scopeKey(t.scope))));
    const total = inScope.reduce((sum, { p }) => sum + p, 0);
    return total > 0 ? inScope.map(({ label, p }) => ({ label, p: p / total })) : inScope;
  }

  private similarity(query: EncodedQuery, ticket: TicketRecord): number {
    const encoded = this.encodedById.get(ticket.id);
    return encoded ? this.encoder.similarity(query, encoded) : 0;
  }

  private rankBySimilarity(query: EncodedQuery, candidates: TicketRecord[], k: number): Retrieval {
    const hits = candidates
      .map((ticket) => ({ ticket, score: this.similarity(query, ticket) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, k);
    return { hits, confidence: hits[0]?.score ?? 0, outOfScope: false };
  }

  private rankWithLabels(query: EncodedQuery, candidates: Map<string, TicketRecord>, k: number, filter: PayloadFilter | undefined): Retrieval {
    const model = this.model as LabelModel;
    const probs = model.predict(this.encoder.labelFeatures(query));
    const ranked = this.labelsInScope(
      model.labels.map((label, i) => ({ label, p: probs[i] as number })),
      filter,
    ).sort((a, b) => b.p - a.p);
    // Make sure the most likely labels are represented even when keyword and dense search missed them.
    for (const { label } of ranked.slice(0, 3)) {
      if ([...candidates.values()].some((t) => labelOf(t, this.labelField) === label)) continue;
      const fallback = this.byLabel.get(label)?.find((t) => matchesFilter(payloadOf(t), filter));
      if (fallback) candidates.set(fallback.id, fallback);
    }
    const probability = new Map(ranked.map((r) => [r.label, r.p]));
    let nearest = 0;
    const hits = [...candidates.values()]
      .map((ticket) => {
        const p = probability.get(labelOf(ticket, this.labelField) ?? '') ?? 0;
        const similarity = this.similarity(query, ticket);
        nearest = Math.max(nearest, similarity);
        return { ticket, score: LABEL_WEIGHT * p + (1 - LABEL_WEIGHT) * similarity };
      })
      .sort((a, b) => b.score - a.score)
      .slice(0, k);
    const best = hits[0];
    const label = best ? labelOf(best.ticket, this.labelField) : undefined;
    const top = probability.get(label ?? '') ?? 0;
    const runnerUp = ranked.find((r) => r.label !== label)?.p ?? 0;
    return {
      hits,
      confidence: this.answerLevelLabels ? this.calibrator.apply(top, top - runnerUp, nearest) : best ? this.similarity(query, best.ticket) : 0,
      ...(label ? { label } : {}),
      outOfScope: label !== undefined && label === (this.options.outOfScopeLabel ?? 'oos'),
    };
  }
}

/** True when most labelled tickets sit in labels whose tickets have few distinct answers. */
function answersFollowLabels(byLabel: Map<string, TicketRecord[]>): boolean {
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
async function heldOutRecords(
  examples: readonly { features: SparseVec; label: string; id: string; question: string }[],
  options: RetrieverOptions,
  nearestSimilarity: (id: string, question: string) => Promise<number>,
): Promise<CalibrationRecord[]> {
  const records: CalibrationRecord[] = [];
  const oos = options.outOfScopeLabel ?? 'oos';
  for (let fold = 0; fold < FOLDS; fold++) {
    const train = examples.filter((_, i) => i % FOLDS !== fold);
    const test = examples.filter((_, i) => i % FOLDS === fold);
    if (new Set(train.map((e) => e.label)).size < 2) continue;
    const model = LabelModel.train(train, options.labelModel);
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
      });
    }
  }
  return records;
}
