import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as sqliteVec from 'sqlite-vec';
import type { TicketRecord } from '../../bot/core/index.js';
import { openSqliteDatabase } from '../../bot/storage/index.js';
import { LsaEmbedder, MemoryIndex, reciprocalRankFusion, TicketEncoder, words } from '../../knowledge/index.js';
import { readLabelledTexts } from './datasets.js';
import { syntheticTickets } from './index-bench.js';
import { peakRssMb, percentile } from './measure.js';
import { runBenchMain } from './server-process.js';

/** The embedded engines compared: Parley's in-memory index, and SQLite FTS5 (BM25) with sqlite-vec in one file. */
type EngineName = 'memory' | 'sqlite';

/** What one engine measured on one corpus. */
interface EngineFigures {
  engine: EngineName;
  tickets: number;
  buildMs: number;
  /** Opening the built index again until the first query answers (a restart). */
  reopenMs: number;
  queryP50Ms: number;
  queryP95Ms: number;
  rssMb: number;
  /** Banking77 only: share of test questions whose first hit has the question's intent. */
  top1?: number;
  /** Banking77 only: share whose 30 candidates (what the reranker sees) include a ticket of that intent. */
  recall30?: number;
}

const CANDIDATES = 30;

/** The hybrid search an engine offers: build from tickets, reopen, query (ids best first). */
interface Engine {
  build(tickets: readonly TicketRecord[], dense: number[][]): Promise<void>;
  reopen(): Promise<void>;
  query(text: string, dense: number[]): Promise<string[]>;
}

function memoryEngine(encoder: TicketEncoder): Engine {
  let index = new MemoryIndex();
  let points: Parameters<MemoryIndex['upsert']>[0] = [];
  return {
    async build(tickets, dense) {
      await index.ensure({ dims: dense[0]?.length ?? 0, payloadKeys: ['source'] });
      points = tickets.map((t, i) => ({ id: t.id, sparse: encoder.indexVector(encoder.encodeTicket(t)), dense: dense[i] ?? [], payload: { source: t.source } }));
      await index.upsert(points);
    },
    // The in-memory index has nothing on disk of its own: a restart refills it from persisted vectors.
    async reopen() {
      index = new MemoryIndex();
      await index.ensure({ dims: points[0]?.dense.length ?? 0, payloadKeys: ['source'] });
      await index.upsert(points);
    },
    async query(text, dense) {
      const found = await index.query({ sparse: encoder.queryVector(encoder.encodeQuery(text)), dense, limit: CANDIDATES, mode: 'hybrid' });
      return found.map((p) => p.id);
    },
  };
}

/** FTS5 over question and answer (BM25) and a sqlite-vec table of the same dense vectors, fused by the same RRF. */
function sqliteEngine(file: string): Engine {
  let db: ReturnType<typeof openSqliteDatabase>;
  const open = () => {
    db = openSqliteDatabase(file);
    sqliteVec.load(db);
  };
  return {
    async build(tickets, dense) {
      open();
      const dims = dense[0]?.length ?? 1;
      db.exec(`CREATE VIRTUAL TABLE fts USING fts5(id UNINDEXED, question, answer, tokenize='porter unicode61');
               CREATE VIRTUAL TABLE vec USING vec0(embedding float[${dims}]);`);
      const addText = db.prepare('INSERT INTO fts (rowid, id, question, answer) VALUES (?, ?, ?, ?)');
      const addVector = db.prepare('INSERT INTO vec (rowid, embedding) VALUES (?, ?)');
      db.transaction(() => {
        tickets.forEach((t, i) => {
          addText.run(i + 1, t.id, t.question, t.answer);
          addVector.run(BigInt(i + 1), new Float32Array(dense[i] ?? []));
        });
      })();
    },
    async reopen() {
      db.close();
      open();
      db.prepare('SELECT count(*) FROM fts').get();
    },
    async query(text, vector) {
      const terms = [...new Set(words(text))].map((w) => `"${w}"`).join(' OR ');
      const keyword = terms
        ? (db.prepare(`SELECT id FROM fts WHERE fts MATCH ? ORDER BY bm25(fts, 0, 1, 0.8) LIMIT ${CANDIDATES}`).all(terms) as { id: string }[]).map((r) => r.id)
        : [];
      const nearest = db
        .prepare(`SELECT f.id FROM vec v JOIN fts f ON f.rowid = v.rowid WHERE v.embedding MATCH ? AND k = ${CANDIDATES} ORDER BY v.distance`)
        .all(new Float32Array(vector)) as { id: string }[];
      return reciprocalRankFusion([keyword, nearest.map((r) => r.id)], CANDIDATES).map((p) => p.id);
    },
  };
}

/** Measures one engine in this process (so its peak memory is its own). */
async function measure(engine: EngineName, corpus: 'synthetic' | 'banking77', n: number, data: string): Promise<EngineFigures> {
  let tickets: TicketRecord[];
  let questions: { text: string; label?: string }[];
  if (corpus === 'banking77') {
    const toTickets = (rows: { text: string; label: string }[]) => rows.map((r, i) => ({ id: `b${i}`, question: r.text, answer: r.label.replace(/_/g, ' '), source: 'banking77', metadata: { intent: r.label } }));
    tickets = toTickets(await readLabelledTexts(join(data, 'banking77/train.csv')));
    questions = await readLabelledTexts(join(data, 'banking77/test.csv'));
  } else {
    const synthetic = await syntheticTickets(n);
    tickets = synthetic.tickets;
    questions = Array.from({ length: 500 }, (_, i) => ({ text: synthetic.sentence(5 + (i % 12)) }));
  }
  const dir = mkdtempSync(join(tmpdir(), 'parley-engines-'));
  try {
    const started = performance.now();
    const embedder = new LsaEmbedder();
    await embedder.fit(tickets.map((t) => t.question));
    const dense = await embedder.embed(tickets.map((t) => t.question));
    const encoder = TicketEncoder.fit(tickets);
    const chosen = engine === 'memory' ? memoryEngine(encoder) : sqliteEngine(join(dir, 'index.db'));
    await chosen.build(tickets, dense);
    const buildMs = Math.round(performance.now() - started);
    const reopenStarted = performance.now();
    await chosen.reopen();
    const reopenMs = Math.round(performance.now() - reopenStarted);
    const byId = new Map(tickets.map((t) => [t.id, t]));
    const times: number[] = [];
    let right = 0;
    let recalled = 0;
    for (const question of questions) {
      const [vector] = await embedder.embed([question.text]);
      const t0 = performance.now();
      const ids = await chosen.query(question.text, vector ?? []);
      times.push(performance.now() - t0);
      if (question.label && byId.get(ids[0] ?? '')?.metadata.intent === question.label) right++;
      if (question.label && ids.some((id) => byId.get(id)?.metadata.intent === question.label)) recalled++;
    }
    return {
      engine,
      tickets: tickets.length,
      buildMs,
      reopenMs,
      queryP50Ms: Number(percentile(times, 50).toFixed(2)),
      queryP95Ms: Number(percentile(times, 95).toFixed(2)),
      rssMb: peakRssMb(),
      ...(corpus === 'banking77' ? { top1: Number((right / questions.length).toFixed(4)), recall30: Number((recalled / questions.length).toFixed(4)) } : {}),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function flag(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

/**
 * `npm run bench:engines -- [--tickets N] [--data DIR]`: the embedded engine chosen by measurement. Each engine runs
 * in its own process on N synthetic tickets (speed, memory) and on Banking77 (whether the first hit has the right
 * intent, with the same dense vectors and fusion), and the figures are printed as one JSON object.
 */
async function main(): Promise<number> {
  const data = flag('data') ?? join(fileURLToPath(new URL('.', import.meta.url)), '../../../../shared/data');
  const n = Number(flag('tickets') ?? 100_000);
  const engine = flag('engine') as EngineName | undefined;
  const corpus = flag('corpus') as 'synthetic' | 'banking77' | undefined;
  if (engine && corpus) {
    process.stdout.write(`${JSON.stringify(await measure(engine, corpus, n, data))}\n`);
    return 0;
  }
  const run = (e: EngineName, c: string) =>
    JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--engine', e, '--corpus', c, '--tickets', String(n), '--data', data], { encoding: 'utf8', maxBuffer: 1 << 24 }).trim().split('\n').pop() as string) as EngineFigures;
  const result = {
    synthetic: { memory: run('memory', 'synthetic'), sqlite: run('sqlite', 'synthetic') },
    banking77: { memory: run('memory', 'banking77'), sqlite: run('sqlite', 'banking77') },
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  return 0;
}

runBenchMain(main, (message) => process.stderr.write(`${message}\n`));
