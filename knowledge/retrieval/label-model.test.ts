import { seededRandom } from '../embeddings/linalg.js';
import { ArtefactReader, ArtefactWriter } from '../model/artefact.js';
import { LabelModel } from './label-model.js';
import { wordFeatures } from './text.js';
import { Vocabulary } from './vocabulary.js';

/** Three labels of keyword sentences with shared filler words. */
function toyProblem() {
  const keywords: Record<string, string[]> = {
    shipping: ['parcel', 'courier', 'tracking', 'delivery', 'shipped'],
    billing: ['invoice', 'charge', 'refund', 'payment', 'card'],
    account: ['password', 'login', 'email', 'username', 'locked'],
  };
  const filler = ['please', 'help', 'question', 'about', 'my', 'today', 'urgent', 'again', 'issue', 'problem'];
  const random = seededRandom(3);
  const pick = (list: readonly string[]) => list[Math.floor(random() * list.length)] as string;
  const rows: { text: string; label: string }[] = [];
  for (const [label, words] of Object.entries(keywords)) {
    for (let i = 0; i < 30; i++) rows.push({ text: `${pick(filler)} ${pick(words)} ${pick(filler)} ${pick(words)} ${pick(filler)}`, label });
  }
  const vocabulary = Vocabulary.fit(rows.map((r) => wordFeatures(r.text)));
  const features = (text: string) => vocabulary.vectorize(wordFeatures(text));
  return { rows, features, examples: rows.map((r) => ({ features: features(r.text), label: r.label })) };
}

const argmax = (probs: Float64Array) => probs.indexOf(Math.max(...probs));

describe('LabelModel', () => {
  const { rows, features, examples } = toyProblem();

  it('learns a separable problem', () => {
    const model = LabelModel.train(examples);
    expect(model.labels).toEqual(['account', 'billing', 'shipping']);
    const correct = examples.filter((e) => model.labels[argmax(model.predict(e.features))] === e.label).length;
    expect(correct / examples.length).toBeGreaterThanOrEqual(0.95);
    // New sentences with the keywords are classified too.
    expect(model.labels[argmax(model.predict(features('where is the courier with my parcel')))]).toBe('shipping');
    expect(model.labels[argmax(model.predict(features('refund the card payment')))]).toBe('billing');
    expect(model.labels[argmax(model.predict(features('locked out, forgot password')))]).toBe('account');
  });

  it('returns probabilities that sum to 1, confident on clear inputs', () => {
    const model = LabelModel.train(examples);
    for (const text of ['parcel tracking', 'invoice', 'nothing known here', '']) {
      const probs = model.predict(features(text));
      expect(probs).toHaveLength(3);
      expect(probs.every((p) => p >= 0 && p <= 1)).toBe(true);
      expect(probs.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 10);
    }
    expect(Math.max(...model.predict(features('parcel courier tracking')))).toBeGreaterThan(0.6);
    // Unknown features fall back to the (near-uniform) bias.
    expect(Math.max(...model.predict({ indices: [123456], values: [1] }))).toBeLessThan(0.5);
  });

  it('is deterministic for a seed', () => {
    const a = LabelModel.train(examples, { seed: 5 });
    const b = LabelModel.train(examples, { seed: 5 });
    for (const row of rows.slice(0, 20)) expect(Array.from(a.predict(features(row.text)))).toEqual(Array.from(b.predict(features(row.text))));
    const c = LabelModel.train(examples, { seed: 6 });
    const differs = rows.some((row) => a.predict(features(row.text))[0] !== c.predict(features(row.text))[0]);
    expect(differs).toBe(true);
  });

  it('learns the problem with the squared loss too', () => {
    const model = LabelModel.train(examples, { loss: 'squared', l2: 1e-4 });
    const correct = examples.filter((e) => model.labels[argmax(model.predict(e.features))] === e.label).length;
    expect(correct / examples.length).toBeGreaterThanOrEqual(0.95);
    const probs = model.predict(features('invoice payment'));
    expect(probs.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 10);
  });

  it('trains one-vs-rest SVMs by default, with a softmax over their scaled scores', () => {
    const svm = LabelModel.train(examples);
    const logistic = LabelModel.train(examples, { loss: 'logistic' });
    const probe = features('refund the card payment');
    // Different models: the SVM's probabilities are not the logistic regression's.
    expect(Array.from(svm.predict(probe))).not.toEqual(Array.from(logistic.predict(probe)));
    expect(svm.labels[argmax(svm.predict(probe))]).toBe('billing');
    // A larger penalty fits the training data at least as closely (fewer margin violations).
    const hingeLoss = (model: LabelModel) =>
      examples.reduce((sum, e) => {
        const p = model.predict(e.features);
        const right = p[model.labels.indexOf(e.label)] as number;
        return sum + Math.max(...Array.from(p).map((q, i) => (model.labels[i] === e.label ? 0 : q - right)), 0);
      }, 0);
    expect(hingeLoss(LabelModel.train(examples, { c: 10 }))).toBeLessThanOrEqual(hingeLoss(LabelModel.train(examples, { c: 0.01 })));
  });

  it('a written SVM model reads back with its score scale', () => {
    const model = LabelModel.train(examples);
    const writer = new ArtefactWriter();
    model.write(writer);
    const read = LabelModel.read(new ArtefactReader(writer.toBytes())) as LabelModel;
    const probe = features('courier tracking');
    expect(Array.from(read.predict(probe))).toEqual(Array.from(model.predict(probe)));
  });

  it('the ensemble averages the SVMs\' and the regression\'s probabilities', () => {
    const ensemble = LabelModel.train(examples, { loss: 'ensemble' });
    const svm = LabelModel.train(examples, { loss: 'svm' });
    const logistic = LabelModel.train(examples, { loss: 'logistic' });
    expect(ensemble.size).toBe(2);
    expect(svm.size).toBe(1);
    for (const text of ['refund the card payment', 'courier', 'locked parcel invoice', 'nothing known here']) {
      const probe = features(text);
      const s = svm.predict(probe);
      const l = logistic.predict(probe);
      const e = ensemble.predict(probe);
      e.forEach((p, k) => expect(p).toBeCloseTo(((s[k] as number) + (l[k] as number)) / 2, 6));
      expect(e.reduce((sum, p) => sum + p, 0)).toBeCloseTo(1, 10);
    }
    const correct = examples.filter((e) => ensemble.labels[argmax(ensemble.predict(e.features))] === e.label).length;
    expect(correct / examples.length).toBeGreaterThanOrEqual(0.95);
  });

  it('a written ensemble reads back with both heads; a single-head artefact still reads as one head', () => {
    const ensemble = LabelModel.train(examples, { loss: 'ensemble' });
    const writer = new ArtefactWriter();
    ensemble.write(writer);
    const read = LabelModel.read(new ArtefactReader(writer.toBytes())) as LabelModel;
    expect(read.size).toBe(2);
    const probe = features('invoice for the parcel');
    expect(Array.from(read.predict(probe))).toEqual(Array.from(ensemble.predict(probe)));
    // An artefact written before heads were counted: the first head's keys only.
    const svm = LabelModel.train(examples);
    const single = new ArtefactWriter();
    svm.write(single);
    const old = new ArtefactWriter();
    const reader = new ArtefactReader(single.toBytes());
    old.fact('labelModel.labels', reader.fact('labelModel.labels')).array('labelModel.features', reader.array('labelModel.features', 'u32')).array('labelModel.featureSlots', reader.array('labelModel.featureSlots', 'u32'));
    old.array('labelModel.weights', reader.array('labelModel.weights', 'f32')).array('labelModel.bias', reader.array('labelModel.bias', 'f32')).fact('labelModel.scale', reader.fact('labelModel.scale'));
    const legacy = LabelModel.read(new ArtefactReader(old.toBytes())) as LabelModel;
    expect(legacy.size).toBe(1);
    expect(Array.from(legacy.predict(probe))).toEqual(Array.from(svm.predict(probe)));
  });

  it('more epochs make it more confident on its training data', () => {
    const short = LabelModel.train(examples, { epochs: 1, loss: 'logistic' });
    const long = LabelModel.train(examples, { epochs: 12, loss: 'logistic' });
    const meanTrue = (model: LabelModel) =>
      examples.reduce((s, e) => s + (model.predict(e.features)[model.labels.indexOf(e.label)] as number), 0) / examples.length;
    expect(meanTrue(long)).toBeGreaterThan(meanTrue(short));
  });
});

describe('LabelModel.trainInBackground', () => {
  it('learns the model train learns, while timers keep running', async () => {
    const { examples } = toyProblem();
    // Enough work for several slices: the toy problem twenty times over, one label per copy.
    const many = Array.from({ length: 20 }, (_, copy) => examples.map((e) => ({ features: e.features, label: `${e.label}-${copy % 4}` }))).flat();
    for (const loss of ['svm', 'logistic'] as const) {
      let ticks = 0;
      const timer = setInterval(() => ticks++, 1);
      const background = await LabelModel.trainInBackground(many, { loss, seed: 4 });
      clearInterval(timer);
      const atOnce = LabelModel.train(many, { loss, seed: 4 });
      expect(background.labels).toEqual(atOnce.labels);
      for (const e of examples) expect([...background.predict(e.features)]).toEqual([...atOnce.predict(e.features)]);
      expect({ loss, ticked: ticks > 0 }).toEqual({ loss, ticked: true });
    }
  });
});
