import type { TicketRecord } from '../../bot/core/index.js';
import { ParleyError } from '../../bot/core/index.js';
import type { Embedder } from '../embeddings/embedder.js';
import type { WordVectors } from '../embeddings/word-vectors.js';
import { Calibrator, type CalibrationRecord } from '../retrieval/calibration.js';
import { NO_ALIASES, type AnswerKeyAliases } from '../retrieval/answer-clusters.js';
import { LabelModel } from '../retrieval/label-model.js';
import { TicketEncoder } from '../retrieval/ticket-encoder.js';
import type { AnswerSelection } from '../retrieval/answer-selection.js';
import type { ScoredOutcome } from '../retrieval/threshold-selection.js';
import { yieldToEventLoop } from '../steps.js';
import { ArtefactReader, ArtefactWriter } from './artefact.js';
import type { TicketVectors } from './ticket-vectors.js';

/** Format of the serialized model; a model of another format is refitted instead of loaded. */
export const MODEL_FORMAT = 1;

/** Tickets encoded per slice before yielding to the event loop (turns keep being answered during a refit). */
const ENCODE_SLICE = 256;

/** The label part of a model: the label model, its calibration and what the labels mean. */
export interface LabelKnowledge {
  field: string;
  model: LabelModel;
  calibrator: Calibrator;
  /** Held-out predictions the calibration was fitted on (thresholds are tuned on them). */
  records: readonly CalibrationRecord[];
  /** True when tickets of one label share their answer (intents): the calibrated label probability is then the confidence. */
  answerLevel: boolean;
  /**
   * With an out-of-scope label: the confidence below which a question is out of scope (see `outOfScopeThreshold`);
   * absent without one or with too few out-of-scope examples.
   */
  outOfScopeBelow?: number;
}


/**
 * Everything retrieval learns from a ticket corpus, as one versioned artefact: the TF-IDF vocabularies, the learned
 * embedding, the label model and its calibration. Tickets added later are encoded with it unchanged (features it has
 * not seen are ignored) until a refit learns a new version.
 */
export class KnowledgeModel {
  private constructor(
    readonly encoder: TicketEncoder,
    readonly embedder: Embedder,
    readonly labels: LabelKnowledge | undefined,
    /** Metadata field holding labels, even when too few labels were found to learn from. */
    readonly labelField: string | undefined,
    /** The answer threshold selected on held-out tickets; absent when too few outcomes were measurable. */
    readonly selection: AnswerSelection | undefined = undefined,
    /** The label model over answer classes of tickets without labels (see `answer-clusters.ts`); absent when answers rarely repeat. */
    readonly clusters: LabelModel | undefined = undefined,
    /**
     * How much a ticket whose question asks for another action than the question's is lowered (score × 1 − this),
     * learned from the tickets (see `learnActionPenalty`); 0 where actions do not tell answers apart.
     */
    readonly actionPenalty = 0,
    /** Answer keys CX leads' reviews put in one class of {@link clusters} (see `reviewedAnswerAliases`). */
    readonly clusterAliases: AnswerKeyAliases = NO_ALIASES,
  ) {}

  /**
   * Learns the vocabularies and fits `embedder` (in place) on `tickets`, with `wordVectors` when configured; labels are
   * learned later ({@link withLabels}).
   */
  static async fit(tickets: readonly TicketRecord[], embedder: Embedder, labelField: string | undefined, wordVectors?: WordVectors): Promise<KnowledgeModel> {
    const encoder = await TicketEncoder.fitInBackground(tickets, wordVectors);
    await embedder.fit(tickets.map((t) => t.question));
    return new KnowledgeModel(encoder, embedder, undefined, labelField);
  }

  /** This model with learned labels. */
  withLabels(labels: LabelKnowledge | undefined): KnowledgeModel {
    return new KnowledgeModel(this.encoder, this.embedder, labels, this.labelField, this.selection, this.clusters, this.actionPenalty, this.clusterAliases);
  }

  /** This model with a selected answer threshold. */
  withSelection(selection: AnswerSelection | undefined): KnowledgeModel {
    return new KnowledgeModel(this.encoder, this.embedder, this.labels, this.labelField, selection, this.clusters, this.actionPenalty, this.clusterAliases);
  }

  /** This model with a learned answer-cluster model and the reviewed classes it learned with. */
  withClusters(clusters: LabelModel | undefined, aliases: AnswerKeyAliases = NO_ALIASES): KnowledgeModel {
    return new KnowledgeModel(this.encoder, this.embedder, this.labels, this.labelField, this.selection, clusters, this.actionPenalty, clusters ? aliases : NO_ALIASES);
  }

  /** This model with a learned action penalty. */
  withActionPenalty(actionPenalty: number): KnowledgeModel {
    return new KnowledgeModel(this.encoder, this.embedder, this.labels, this.labelField, this.selection, this.clusters, actionPenalty, this.clusterAliases);
  }

  /** Dense embedding size. */
  get dims(): number {
    return this.embedder.dims;
  }

  /** Encodes tickets (sparse vectors and embeddings), yielding to the event loop between slices. */
  async encode(tickets: readonly TicketRecord[]): Promise<TicketVectors[]> {
    const out: TicketVectors[] = [];
    for (let start = 0; start < tickets.length; start += ENCODE_SLICE) {
      const slice = tickets.slice(start, start + ENCODE_SLICE);
      const dense = await this.embedder.embed(slice.map((t) => t.question));
      slice.forEach((ticket, i) => out.push({ ...this.encoder.encodeTicket(ticket), dense: Float32Array.from(dense[i] ?? []) }));
      if (tickets.length > ENCODE_SLICE) await yieldToEventLoop();
    }
    return out;
  }

  /** The model as bytes; `unsupported` when the embedder keeps no state it could persist but must learn one. */
  toBytes(): Uint8Array {
    const writer = new ArtefactWriter().fact('format', MODEL_FORMAT).fact('embedder', this.embedder.name).fact('labelField', this.labelField ?? null);
    this.encoder.write(writer);
    if (this.embedder.state) writer.array('embedder.state', this.embedder.state());
    if (this.labels) {
      this.labels.model.write(writer);
      const records = this.labels.records;
      const table = new Float64Array(records.length * 5);
      records.forEach((r, i) => table.set([r.top, r.margin, r.similarity, r.correct ? 1 : 0, r.outOfScope ? 1 : 0], i * 5));
      writer
        .fact('labels.field', this.labels.field)
        .fact('labels.answerLevel', this.labels.answerLevel)
        .fact('labels.calibration', this.labels.calibrator.weights)
        .fact('labels.outOfScopeBelow', this.labels.outOfScopeBelow ?? null)
        .array('labels.records', table)
        .array('labels.outOfScopeProbabilities', Float64Array.from(records, (r) => r.outOfScopeProbability ?? 0));
    }
    if (this.clusters) this.clusters.write(writer, 'clusterModel');
    if (this.clusterAliases.size) writer.fact('clusterAliases', [...this.clusterAliases]);
    if (this.actionPenalty > 0) writer.fact('actionPenalty', this.actionPenalty);
    if (this.selection) {
      const { outcomes, ...chosen } = this.selection;
      const table = new Float64Array(outcomes.length * 2);
      outcomes.forEach((o, i) => table.set([o.confidence, o.correct ? 1 : 0], i * 2));
      writer.fact('selection', chosen).array('selection.outcomes', table);
    }
    return writer.toBytes();
  }

  /**
   * Reads a model written by {@link toBytes}. `embedder` is the configured embedder: a learned one is restored from
   * the stored state; a pre-trained one must have the same name as the one the model was written with. So must the
   * configured `wordVectors`.
   */
  static fromBytes(bytes: Uint8Array, embedder: Embedder, wordVectors?: WordVectors): KnowledgeModel {
    const reader = new ArtefactReader(bytes);
    if (reader.fact<number>('format') !== MODEL_FORMAT) throw new ParleyError('storage_failed', `knowledge model format ${String(reader.fact('format'))} is not ${MODEL_FORMAT}`);
    const encoder = TicketEncoder.read(reader, wordVectors);
    let restored = embedder;
    if (reader.has('embedder.state')) {
      if (!embedder.withState) throw new ParleyError('storage_failed', `the knowledge model was learned with ${String(reader.fact('embedder'))}, not ${embedder.name}`);
      restored = embedder.withState(reader.array('embedder.state', 'u8'));
    } else if (reader.fact<string>('embedder') !== embedder.name) {
      throw new ParleyError('storage_failed', `the knowledge model was built with ${String(reader.fact('embedder'))}, not ${embedder.name}`);
    }
    const model = LabelModel.read(reader);
    const field = reader.fact<string>('labels.field');
    let labels: LabelKnowledge | undefined;
    if (model && field) {
      const table = reader.array('labels.records', 'f64');
      // Written before the out-of-scope probability was recorded: 0, as the calibrator reads it.
      const outOfScopeProbabilities = reader.has('labels.outOfScopeProbabilities') ? reader.array('labels.outOfScopeProbabilities', 'f64') : undefined;
      const records: CalibrationRecord[] = [];
      for (let i = 0; i < table.length; i += 5) {
        records.push({ top: table[i] as number, margin: table[i + 1] as number, similarity: table[i + 2] as number, correct: table[i + 3] === 1, outOfScope: table[i + 4] === 1, outOfScopeProbability: outOfScopeProbabilities?.[i / 5] ?? 0 });
      }
      const outOfScopeBelow = reader.fact<number | null>('labels.outOfScopeBelow') ?? undefined;
      labels = {
        field,
        model,
        calibrator: Calibrator.fromWeights(reader.fact<number[] | null>('labels.calibration') ?? null),
        records,
        answerLevel: reader.fact<boolean>('labels.answerLevel') ?? false,
        ...(outOfScopeBelow !== undefined ? { outOfScopeBelow } : {}),
      };
    }
    let selection: AnswerSelection | undefined;
    if (reader.has('selection.outcomes')) {
      const table = reader.array('selection.outcomes', 'f64');
      const outcomes: ScoredOutcome[] = [];
      for (let i = 0; i < table.length; i += 2) outcomes.push({ confidence: table[i] as number, correct: table[i + 1] === 1 });
      selection = { ...(reader.fact<Omit<AnswerSelection, 'outcomes'>>('selection') as Omit<AnswerSelection, 'outcomes'>), outcomes };
    }
    return new KnowledgeModel(encoder, restored, labels, reader.fact<string | null>('labelField') ?? undefined, selection, LabelModel.read(reader, 'clusterModel'),
      reader.fact<number>('actionPenalty') ?? 0,
      new Map(reader.fact<[string, string][]>('clusterAliases') ?? []),
    );
  }
}
