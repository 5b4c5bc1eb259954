import type { SparseVec } from '../indexes/vector-index.js';
import type { ArtefactReader, ArtefactWriter } from '../model/artefact.js';
import { runSteps, runStepsInBackground, type Steps } from '../steps.js';
import { sgdTraining, softmaxScores, type LinearHead, type SgdOptions } from './linear-head.js';
import { svmTraining } from './svm-solver.js';

/** A training example: a question's feature vector and its label. */
export interface LabelExample {
  features: SparseVec;
  label: string;
}

/** Options of {@link LabelModel.train}. */
export interface LabelModelOptions {
  /** Passes over the data of the logistic and squared losses; default 8. */
  epochs?: number;
  /** AdaGrad learning rate; default 0.25. */
  learningRate?: number;
  /** L2 penalty; default 0 (the early stop of a few epochs regularizes enough on ticket corpora). */
  l2?: number;
  /** Shuffle seed, for reproducible models. */
  seed?: number;
  /**
   * `svm` (default: one-vs-rest linear SVMs, squared hinge, solved exactly in the dual; their scores turn into
   * probabilities by a softmax at {@link SVM_SCORE_SCALE}), `logistic` (softmax cross-entropy by AdaGrad), `ensemble`
   * (both, their probabilities averaged) or `squared` (one-vs-rest ridge-style regression, for baselines).
   */
  loss?: 'svm' | 'logistic' | 'ensemble' | 'squared';
  /** Margin-violation penalty of the `svm` loss; default 1. */
  c?: number;
}

/**
 * Scale of SVM scores in the softmax that turns them into label probabilities: the held-out log loss is lowest
 * between 6 and 8 on 5-fold splits of Banking77 and CLINC150 training data (calibration on held-out folds then maps
 * the probabilities to the chance that an answer is right).
 */
export const SVM_SCORE_SCALE = 7;

/**
 * A linear classifier over sparse text features — one-vs-rest linear SVMs by default, a multinomial logistic
 * regression trained with AdaGrad, or the average of both — with softmax probabilities: learns which ticket label
 * (category, intent, tag) a question belongs to, when the tickets carry one.
 *
 * The ensemble: the SVMs' margins and the regression's probabilities err on different questions, so their average is
 * right more often than either. Measured on the training sets only: 5-fold cross-validation on Banking77's train.csv,
 * accuracy 0.907 (SVMs) and 0.901 (regression) against 0.910 averaged; one held-out fifth of CLINC150's `train` +
 * `oos_train`, in-scope accuracy 0.951 and 0.946 against 0.956.
 */
export class LabelModel {
  private constructor(
    readonly labels: readonly string[],
    private readonly featureIds: Map<number, number>,
    /** The linear classifiers whose probabilities are averaged (one, or the SVMs and the regression). */
    private readonly heads: readonly LinearHead[],
  ) {}

  /** Trains on examples (feature vectors and their labels). */
  static train(examples: readonly LabelExample[], options: LabelModelOptions = {}): LabelModel {
    return runSteps(LabelModel.training(examples, options));
  }

  /** {@link train} in a running server: pauses between slices of the work, so turns are answered meanwhile. */
  static trainInBackground(examples: readonly LabelExample[], options: LabelModelOptions = {}): Promise<LabelModel> {
    return runStepsInBackground(LabelModel.training(examples, options));
  }

  private static *training(examples: readonly LabelExample[], options: LabelModelOptions): Steps<LabelModel> {
    const labels = [...new Set(examples.map((e) => e.label))].sort();
    const labelIds = new Map(labels.map((label, i) => [label, i]));
    const featureIds = new Map<number, number>();
    const rows = examples.map((e) => {
      const indices = e.features.indices.map((f) => {
        let id = featureIds.get(f);
        if (id === undefined) featureIds.set(f, (id = featureIds.size));
        return id;
      });
      return { indices, values: e.features.values, label: labelIds.get(e.label) as number };
    });
    const c = labels.length;
    const seed = options.seed ?? 17;
    const loss = options.loss ?? 'svm';
    const heads: LinearHead[] = [];
    if (loss === 'svm' || loss === 'ensemble') {
      const svm = yield* svmTraining(rows, featureIds.size, c, { ...(options.c !== undefined ? { c: options.c } : {}), seed });
      heads.push({ ...svm, scale: SVM_SCORE_SCALE });
    }
    if (loss !== 'svm') {
      const sgd: SgdOptions = { loss: loss === 'squared' ? 'squared' : 'logistic', seed };
      if (options.epochs !== undefined) sgd.epochs = options.epochs;
      if (options.learningRate !== undefined) sgd.learningRate = options.learningRate;
      if (options.l2 !== undefined) sgd.l2 = options.l2;
      heads.push(yield* sgdTraining(rows, featureIds.size, c, sgd));
    }
    return new LabelModel(labels, featureIds, heads);
  }

  /** Number of linear classifiers averaged (2 for the ensemble). */
  get size(): number {
    return this.heads.length;
  }

  /**
   * Writes the model into a model artefact (labels, feature ids, and each head's weights, biases and score scale)
   * under `name`. The first head keeps the keys of single-head models, so those read back unchanged.
   */
  write(writer: ArtefactWriter, name = 'labelModel'): void {
    writer.fact(`${name}.labels`, this.labels).array(`${name}.features`, Uint32Array.from(this.featureIds.keys())).array(`${name}.featureSlots`, Uint32Array.from(this.featureIds.values()));
    writer.fact(`${name}.heads`, this.heads.length);
    this.heads.forEach((head, i) => {
      const prefix = i === 0 ? name : `${name}.head${i}`;
      writer.array(`${prefix}.weights`, head.weights).array(`${prefix}.bias`, head.bias).fact(`${prefix}.scale`, head.scale);
    });
  }

  /** Reads a model written by {@link write} under `name`, or undefined when the artefact has none. */
  static read(reader: ArtefactReader, name = 'labelModel'): LabelModel | undefined {
    const labels = reader.fact<string[]>(`${name}.labels`);
    if (!labels) return undefined;
    const features = reader.array(`${name}.features`, 'u32');
    const slots = reader.array(`${name}.featureSlots`, 'u32');
    const featureIds = new Map<number, number>();
    for (let i = 0; i < features.length; i++) featureIds.set(features[i] as number, slots[i] as number);
    // Models written before heads were counted have one; before the scale was stored, it was logistic (scale 1).
    const heads = Array.from({ length: reader.fact<number>(`${name}.heads`) ?? 1 }, (_, i) => {
      const prefix = i === 0 ? name : `${name}.head${i}`;
      return { weights: reader.array(`${prefix}.weights`, 'f32'), bias: reader.array(`${prefix}.bias`, 'f32'), scale: reader.fact<number>(`${prefix}.scale`) ?? 1 };
    });
    return new LabelModel(labels, featureIds, heads);
  }

  /** Probability of each label (same order as `labels`) for a question's features: the heads' softmaxes averaged. */
  predict(features: SparseVec): Float64Array {
    const indices: number[] = [];
    const values: number[] = [];
    features.indices.forEach((f, i) => {
      const id = this.featureIds.get(f);
      if (id === undefined) return;
      indices.push(id);
      values.push(features.values[i] as number);
    });
    const c = this.labels.length;
    const [first, ...rest] = this.heads;
    const out = softmaxScores(first as LinearHead, indices, values, new Float64Array(c));
    if (rest.length === 0) return out;
    const scratch = new Float64Array(c);
    for (const head of rest) {
      softmaxScores(head, indices, values, scratch);
      for (let k = 0; k < c; k++) out[k] = (out[k] as number) + (scratch[k] as number);
    }
    for (let k = 0; k < c; k++) out[k] = (out[k] as number) / this.heads.length;
    return out;
  }
}
