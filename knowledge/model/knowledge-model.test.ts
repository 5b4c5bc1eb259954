import { describe, expect, it } from '@jest/globals';
import { LsaEmbedder } from '../embeddings/lsa.js';
import { WordVectors } from '../embeddings/word-vectors.js';
import { MemoryIndex } from '../indexes/memory-index.js';
import { readTicketsFile } from '../ingest/parse.js';
import { Retriever } from '../retrieval/retriever.js';
import { sampleTicketsPath } from '../sample-data/path.js';
import { KnowledgeModel } from './knowledge-model.js';
import { contentHash, decodeTicketVectors, encodeTicketVectors } from './ticket-vectors.js';

const QUESTIONS = ['how long does a refund take?', 'my parcel never arrived', 'can I change the size of my order', 'do you ship to Canada?', 'gift card balance'];

describe('KnowledgeModel serialization', () => {
  it('round-trips every learned part: the restored model encodes, embeds and ranks exactly as the fitted one', async () => {
    const tickets = await readTicketsFile(sampleTicketsPath(), { source: 'sample' });
    const built = await Retriever.build(tickets, { index: new MemoryIndex(), embedder: new LsaEmbedder() });
    expect(built.labelledBy).toBe('category');
    const bytes = built.model.toBytes();
    const restored = KnowledgeModel.fromBytes(bytes, new LsaEmbedder());
    expect(restored.labels?.field).toBe('category');
    expect(restored.labels?.answerLevel).toBe(built.answerLevelLabels);
    expect(restored.labels?.records).toEqual(built.calibrationRecords);
    expect(restored.dims).toBe(built.model.dims);

    const vectors = await restored.encode(tickets);
    const original = await built.model.encode(tickets);
    expect(vectors.map((v) => [...v.chars.indices])).toEqual(original.map((v) => [...v.chars.indices]));
    expect(vectors.map((v) => [...v.dense])).toEqual(original.map((v) => [...v.dense]));

    const index = new MemoryIndex();
    await index.ensure({ dims: restored.dims, payloadKeys: ['category'] });
    const again = new Retriever(restored, index);
    await again.apply(tickets.map((ticket, i) => ({ ticket, vectors: vectors[i]! })), []);
    for (const question of QUESTIONS) {
      const [a, b] = [await built.retrieve(question), await again.retrieve(question)];
      expect(b.hits.map((h) => [h.ticket.id, h.score])).toEqual(a.hits.map((h) => [h.ticket.id, h.score]));
      expect(b.confidence).toBe(a.confidence);
      expect(b.label).toBe(a.label);
    }
    expect(again.heldOutConfidences()).toEqual(built.heldOutConfidences());

    // The out-of-scope threshold and the held-out out-of-scope probabilities go with the version.
    const labels = built.model.labels!;
    const withScope = built.model.withLabels({ ...labels, outOfScopeBelow: 0.42, records: labels.records.map((r, i) => ({ ...r, outOfScopeProbability: (i % 7) / 10 })) });
    const scoped = KnowledgeModel.fromBytes(withScope.toBytes(), new LsaEmbedder());
    expect(scoped.labels?.outOfScopeBelow).toBe(0.42);
    expect(scoped.labels?.records).toEqual(withScope.labels?.records);
    expect(restored.labels?.outOfScopeBelow).toBeUndefined();
  });

  it('keeps the answer selection (held-out outcomes, threshold, signal calibration) with the version', async () => {
    // Answers repeat (three links, sixteen questions each, half of them worded like another topic's): leave-one-out
    // selects a threshold and calibrates the signals on right and wrong answers.
    const topics = ['refund', 'shipping', 'password'];
    const tickets = topics.flatMap((topic, t) =>
      Array.from({ length: 8 }, (_, i) => ({ id: `${topic}-${i}`, question: `${topic} question number ${i} about my ${topic}`, answer: `See https://help.example/${topic}`, source: 's', metadata: {} })).concat(
        Array.from({ length: 8 }, (_, i) => ({ id: `${topic}-x${i}`, question: `${topics[(t + 1) % 3]} question number ${i} about my ${topics[(t + 1) % 3]} and ${topic}`, answer: `See https://help.example/${topic}`, source: 's', metadata: {} })),
      ),
    );
    const built = await Retriever.build(tickets, { index: new MemoryIndex(), embedder: new LsaEmbedder(), targetPrecision: 0.8 });
    const selection = built.model.selection;
    expect(selection?.outcomes.length).toBeGreaterThanOrEqual(30);
    // Similarity, agreement and the answer-cluster probability (the answers link three pages), and the bias.
    expect(selection?.calibration).toHaveLength(4);
    const restored = KnowledgeModel.fromBytes(built.model.toBytes(), new LsaEmbedder());
    expect(restored.selection).toEqual(selection);
    expect((await built.retrieve('refund question')).answerThreshold).toBe(selection?.threshold);
    // What an operator is shown (`parley knowledge status`): the selection and what it achieved held out.
    expect(built.answerSelection()).toEqual({ targetPrecision: 0.8, threshold: selection?.threshold, heldOutPrecision: selection?.precision, heldOutCoverage: selection?.coverage, heldOutQuestions: selection?.support });
    // Answers that never repeat: nothing to select on, and the status says so instead of a target silently unused.
    const unique = tickets.map((ticket, i) => ({ ...ticket, answer: `Answer ${i}: ${ticket.question} is handled by team ${i}` }));
    expect((await Retriever.build(unique, { index: new MemoryIndex(), embedder: new LsaEmbedder(), targetPrecision: 0.8 })).answerSelection()).toBeNull();
  });

  it('refuses an artefact that is not a model, and a model of another pre-trained embedder', async () => {
    expect(() => KnowledgeModel.fromBytes(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), new LsaEmbedder())).toThrow(/not a Parley knowledge model/);
    const model = await KnowledgeModel.fit([{ id: 'a', question: 'where is my order', answer: 'on its way', source: 's', metadata: {} }], new LsaEmbedder(), undefined);
    const pretrained = { name: 'openai:other', dims: 3, fit: async () => undefined, embed: async (texts: readonly string[]) => texts.map(() => [1, 0, 0]) };
    expect(() => KnowledgeModel.fromBytes(model.toBytes(), pretrained)).toThrow(/learned with lsa/);
  });

  it('reads a model back only with the word vectors it was learned with (another set, or none, means a refit)', async () => {
    const vectors = WordVectors.fromArrays('test-vectors@1', [['order', [1, 0]], ['where', [0, 1]]], 2);
    const ticket = { id: 'a', question: 'where is my order', answer: 'on its way', source: 's', metadata: {} };
    const learned = await KnowledgeModel.fit([ticket], new LsaEmbedder(), undefined, vectors);
    expect(KnowledgeModel.fromBytes(learned.toBytes(), new LsaEmbedder(), vectors).encoder.meaningOf('order').meaning).toBeDefined();
    expect(() => KnowledgeModel.fromBytes(learned.toBytes(), new LsaEmbedder())).toThrow(/word vectors test-vectors@1, not none/);
    const other = WordVectors.fromArrays('test-vectors@2', [['order', [1, 0]]], 2);
    expect(() => KnowledgeModel.fromBytes(learned.toBytes(), new LsaEmbedder(), other)).toThrow(/word vectors test-vectors@1, not test-vectors@2/);
    const plain = await KnowledgeModel.fit([ticket], new LsaEmbedder(), undefined);
    expect(() => KnowledgeModel.fromBytes(plain.toBytes(), new LsaEmbedder(), vectors)).toThrow(/word vectors none, not test-vectors@1/);
    expect(KnowledgeModel.fromBytes(plain.toBytes(), new LsaEmbedder()).encoder.meaningOf('order')).toEqual({});
  });

  it('stores a ticket\'s vectors with the hash of what they were computed from', async () => {
    const tickets = (await readTicketsFile(sampleTicketsPath(), { source: 'sample' })).slice(0, 30);
    const model = await KnowledgeModel.fit(tickets, new LsaEmbedder(), undefined);
    const [vectors] = await model.encode(tickets.slice(0, 1));
    const bytes = encodeTicketVectors(vectors!, contentHash(tickets[0]!));
    // An unaligned copy (as some drivers return) decodes the same.
    const unaligned = new Uint8Array(bytes.byteLength + 1).subarray(1);
    unaligned.set(bytes);
    for (const stored of [bytes, unaligned]) {
      const decoded = decodeTicketVectors(stored);
      expect([...decoded.words.indices]).toEqual([...vectors!.words.indices]);
      expect([...decoded.answerWords.values]).toEqual([...vectors!.answerWords.values]);
      expect([...decoded.dense]).toEqual([...vectors!.dense]);
    }
    expect(contentHash(tickets[0]!)).not.toEqual(contentHash({ ...tickets[0]!, answer: 'changed' }));
  });
});
