import { readFile } from 'node:fs/promises';
import type { TicketRecord } from '../../bot/index.js';
import { LsaEmbedder, MemoryIndex, Retriever, sampleTicketsPath, seededRandom, words } from '../../knowledge/index.js';
import { peakRssMb, percentile } from './measure.js';

/** What `parley bench index` prints. */
export interface IndexBenchResult {
  tickets: number;
  mode: 'hybrid';
  indexBuildMs: number;
  queryP50Ms: number;
  queryP95Ms: number;
  rssMb: number;
  queries: number;
}

/**
 * A synthetic ticket corpus of `n` tickets: sentences drawn with a Zipf-like distribution from the sample tickets'
 * vocabulary plus generated rare words (product codes, names), so postings have realistic skew.
 */
export async function syntheticTickets(n: number, seed = 1): Promise<{ tickets: TicketRecord[]; sentence: (length: number) => string }> {
  const sample = await readFile(sampleTicketsPath(), 'utf8');
  const vocabulary = [...new Set(words(sample))];
  const random = seededRandom(seed);
  for (let i = 0; i < 20_000; i++) vocabulary.push(`x${Math.floor(random() * 1e9).toString(36)}`);
  const word = () => vocabulary[Math.floor(random() ** 2.5 * vocabulary.length)] as string;
  const sentence = (length: number) => Array.from({ length }, word).join(' ');
  const tickets = Array.from({ length: n }, (_, i) => ({
    id: `synthetic-${i + 1}`,
    question: sentence(8 + Math.floor(random() * 15)),
    answer: sentence(20 + Math.floor(random() * 40)),
    source: 'synthetic',
    metadata: {},
  }));
  return { tickets, sentence };
}

/** Builds the embedded hybrid index over a synthetic corpus and times queries through the retriever. */
export async function runIndexBench(n: number, queries = 500): Promise<IndexBenchResult> {
  const { tickets, sentence } = await syntheticTickets(n);
  const started = performance.now();
  const retriever = await Retriever.build(tickets, { index: new MemoryIndex(), embedder: new LsaEmbedder() });
  const indexBuildMs = Math.round(performance.now() - started);
  const questions = Array.from({ length: queries }, (_, i) => sentence(5 + (i % 12)));
  for (const question of questions.slice(0, 20)) await retriever.retrieve(question);
  const times: number[] = [];
  for (const question of questions) {
    const t0 = performance.now();
    await retriever.retrieve(question);
    times.push(performance.now() - t0);
  }
  return {
    tickets: n,
    mode: 'hybrid',
    indexBuildMs,
    queryP50Ms: Number(percentile(times, 50).toFixed(2)),
    queryP95Ms: Number(percentile(times, 95).toFixed(2)),
    rssMb: peakRssMb(),
    queries,
  };
}
