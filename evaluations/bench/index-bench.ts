import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TicketRecord } from '../../bot/core/index.js';
import { openStore } from '../../bot/storage/index.js';
import { KnowledgeBase, sampleTicketsPath, seededRandom, words } from '../../knowledge/index.js';
import { peakRssMb, percentile } from './measure.js';
import { findProjectRoot } from './server-process.js';

/** What `parley bench index` prints. */
export interface IndexBenchResult {
  tickets: number;
  mode: 'hybrid';
  /** Storing the tickets and the first load of the knowledge base (fit, encode, persist, fill the index). */
  indexBuildMs: number;
  queryP50Ms: number;
  queryP95Ms: number;
  /** Peak memory: of the restarted process when measured, else of this one. */
  rssMb: number;
  /** A new process opening the same store and loading the persisted knowledge until a query answers (null when not measured). */
  restartMs: number | null;
  /** One ticket upserted through `KnowledgeBase.ingest` until a query finds it. */
  incrementalMs: number;
  /** Peak memory of this (building) process. */
  buildRssMb: number;
  queries: number;
}

/** A deterministic stream of synthetic tickets, taken in pages, and sentences drawn from the same words. */
export interface SyntheticCorpus {
  /** The next `count` tickets (ids continue across pages: `synthetic-1`, `synthetic-2`, …). */
  take: (count: number) => TicketRecord[];
  sentence: (length: number) => string;
}

/**
 * A synthetic ticket corpus drawn page by page (a million tickets are never all in memory at once): sentences drawn
 * with a Zipf-like distribution from the sample tickets' vocabulary plus generated rare words (product codes, names),
 * so postings have realistic skew. Taking `n` tickets in pages yields the same tickets as taking them at once.
 */
export async function syntheticCorpus(seed = 1): Promise<SyntheticCorpus> {
  const sample = await readFile(sampleTicketsPath(), 'utf8');
  const vocabulary = [...new Set(words(sample))];
  const random = seededRandom(seed);
  for (let i = 0; i < 20_000; i++) vocabulary.push(`x${Math.floor(random() * 1e9).toString(36)}`);
  const word = () => vocabulary[Math.floor(random() ** 2.5 * vocabulary.length)] as string;
  const sentence = (length: number) => Array.from({ length }, word).join(' ');
  let taken = 0;
  const take = (count: number) =>
    Array.from({ length: count }, () => ({
      id: `synthetic-${++taken}`,
      question: sentence(8 + Math.floor(random() * 15)),
      answer: sentence(20 + Math.floor(random() * 40)),
      source: 'synthetic',
      metadata: {},
    }));
  return { take, sentence };
}

/** The first `n` tickets of {@link syntheticCorpus} at once (small corpora), and its sentence source. */
export async function syntheticTickets(n: number, seed = 1): Promise<{ tickets: TicketRecord[]; sentence: (length: number) => string }> {
  const corpus = await syntheticCorpus(seed);
  return { tickets: corpus.take(n), sentence: corpus.sentence };
}

/** Tickets generated and stored per page by {@link runIndexBench}. */
const STORE_PAGE = 10_000;

/** Options of {@link runIndexBench}. */
export interface IndexBenchOptions {
  queries?: number;
  /** Measure the restart in a new process (needs `npm run build`); default true. */
  restart?: boolean;
}

/**
 * Builds the knowledge of a synthetic corpus through the real {@link KnowledgeBase} on a temporary SQLite store,
 * times queries, one incremental upsert until searchable, and a restart in a new process loading what was persisted.
 */
export async function runIndexBench(n: number, options: IndexBenchOptions = {}): Promise<IndexBenchResult> {
  const queries = options.queries ?? 500;
  const corpus = await syntheticCorpus();
  const sentence = corpus.sentence;
  const home = await mkdtemp(join(tmpdir(), 'parley-bench-index-'));
  try {
    const store = await openStore({ home });
    const knowledge = new KnowledgeBase(store, { pollMs: 0 });
    const started = performance.now();
    for (let stored = 0; stored < n; stored += STORE_PAGE) await store.upsertTickets(corpus.take(Math.min(STORE_PAGE, n - stored)));
    await knowledge.load();
    const indexBuildMs = Math.round(performance.now() - started);
    const questions = Array.from({ length: queries }, (_, i) => sentence(5 + (i % 12)));
    for (const question of questions.slice(0, 20)) await knowledge.retrieve(question);
    const times: number[] = [];
    for (const question of questions) {
      const t0 = performance.now();
      await knowledge.retrieve(question);
      times.push(performance.now() - t0);
    }
    const incrementalMs = await timeIncremental(knowledge, sentence);
    await knowledge.close();
    await store.close();
    const restart = options.restart === false ? undefined : await timeRestart(home, questions[0] as string);
    return {
      tickets: n,
      mode: 'hybrid',
      indexBuildMs,
      queryP50Ms: Number(percentile(times, 50).toFixed(2)),
      queryP95Ms: Number(percentile(times, 95).toFixed(2)),
      rssMb: restart?.rssMb ?? peakRssMb(),
      restartMs: restart?.restartMs ?? null,
      incrementalMs,
      buildRssMb: peakRssMb(),
      queries,
    };
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

/** Upserts one new ticket and queries its question until it is the first hit; returns the milliseconds. */
async function timeIncremental(knowledge: KnowledgeBase, sentence: (length: number) => string): Promise<number> {
  const ticket: TicketRecord = { id: 'incremental-1', question: sentence(12), answer: sentence(30), source: 'incremental', metadata: {} };
  const started = performance.now();
  await knowledge.ingest([ticket], { dedupe: false });
  for (;;) {
    const hits = await knowledge.search(ticket.question);
    if (hits.some((h) => h.ticket.id === ticket.id)) return Math.round(performance.now() - started);
    if (performance.now() - started > 60_000) throw new Error('the upserted ticket was not searchable within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Starts a new process on the same store and times it until the loaded knowledge answers. */
async function timeRestart(home: string, question: string): Promise<{ restartMs: number; rssMb: number }> {
  const script = join(findProjectRoot(), 'dist', 'evaluations', 'bench', 'index-restart.js');
  if (!existsSync(script)) throw new Error(`${script} does not exist: run "npm run build" first`);
  const started = performance.now();
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, [script, home, question], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`the restarted process failed (${String(code)}): ${stderr.trim()}`))));
  });
  const restartMs = Math.round(performance.now() - started);
  const line = output.trim().split('\n').pop() ?? '{}';
  const { rssMb } = JSON.parse(line) as { rssMb: number };
  return { restartMs, rssMb };
}
