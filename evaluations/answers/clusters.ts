import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParley } from '../../bot/app/parley.js';
import { loadConfig } from '../../bot/config/index.js';
import { silentLogger, type TicketRecord } from '../../bot/core/index.js';
import { expectedOf, knowledgeOf, type RowOptions } from './rows.js';
import { round } from './scoring.js';

/** What `parley bench clusters` prints. */
export interface ClusterBenchResult {
  tickets: number;
  clusters: number;
  /** Clusters of one ticket. */
  singletons: number;
  /** Share of tickets in a cluster of two or more. */
  clusteredShare: number;
  sizes: { max: number; p50: number; p90: number; meanOfMultis: number };
  /** Clusters by what ties them (`link`, `macro`, `text`). */
  byKey: Record<string, number>;
  /**
   * With `--expect`: the share of tickets whose expected value is their cluster's most common one (1 = every cluster
   * holds one value), over tickets in clusters of two or more; null without `--expect` or multi-ticket clusters.
   */
  purity: number | null;
  /** Canonical texts that still look like a past customer's or agent's (handles, initials, long numbers, e-mails). */
  suspectCanonicals: number;
  /** Up to five of them, to read. */
  suspectExamples: string[];
  /** Time from the ingest's end until the clusters were written (background recomputation). */
  computeMs: number;
  /** Time from one more ticket's ingest until the clusters include it (ingest included); null without tickets. */
  incrementalMs: number | null;
  /** The largest clusters: name, size, key and canonical text. */
  largest: { name: string; size: number; key: string; canonical: string }[];
}

/** What a canonical text must not carry (links aside): @handles, agents' initials, long case numbers, e-mail addresses. */
const SUSPECT = /(?:^|\s)@\w{2,}|(?:^|\s)[\^*~][A-Z]{1,3}\b|\b\d{6,}\b|[\w.+-]+@[\w-]+\.[\w.]+/;

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/**
 * `parley bench clusters`: ingests the tickets into an isolated temporary store as `parley ingest` does, waits for the
 * answer clusters to be computed, and describes them: counts, sizes, what ties them, purity against `--expect`, and
 * canonical texts that may still carry a past customer's specifics.
 */
export async function runClusterBench(tickets: readonly TicketRecord[], options: RowOptions & { largest?: number } = {}): Promise<ClusterBenchResult> {
  const home = await mkdtemp(join(tmpdir(), 'parley-clusters-bench-'));
  const parley = await createParley(loadConfig({ PARLEY_HOME: home, PARLEY_SAMPLE_DATA: 'false' }), { logger: silentLogger });
  try {
    await parley.knowledge.ingest(knowledgeOf(tickets, options));
    const started = performance.now();
    await parley.knowledge.clusters?.settled();
    const computeMs = Math.round(performance.now() - started);
    // One more ticket (a copy of the first with a new id): how long until the clusters include it.
    const first = tickets[0];
    let incrementalMs: number | null = null;
    if (first) {
      const again = performance.now();
      await parley.knowledge.ingest([{ ...knowledgeOf([first], options)[0] as TicketRecord, id: `${first.id}-again`, question: `${first.question} (again)` }], { dedupe: false });
      await parley.knowledge.clusters?.settled();
      incrementalMs = Math.round(performance.now() - again);
      await parley.knowledge.remove([`${first.id}-again`]);
      await parley.knowledge.clusters?.settled();
    }
    const clusters = await parley.store.clusters.list();
    const byTicket = new Map(tickets.map((t) => [t.id, t]));
    const sizes = clusters.map((c) => c.size).sort((a, b) => a - b);
    const multis = clusters.filter((c) => c.size > 1);
    let pure = 0;
    let judged = 0;
    if (options.expect) {
      for (const cluster of multis) {
        const values = (await parley.store.clusters.members(cluster.id)).map((m) => expectedOf(byTicket.get(m.ticketId) as TicketRecord, options.expect)[0] ?? '');
        const counts = new Map<string, number>();
        for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
        pure += Math.max(...counts.values());
        judged += values.length;
      }
    }
    const byKey: Record<string, number> = {};
    for (const cluster of clusters) {
      const kind = cluster.key.split(':')[0] ?? 'text';
      byKey[kind] = (byKey[kind] ?? 0) + 1;
    }
    const clustered = multis.reduce((n, c) => n + c.size, 0);
    return {
      tickets: parley.knowledge.size,
      clusters: clusters.length,
      singletons: clusters.length - multis.length,
      clusteredShare: round(clustered / Math.max(1, parley.knowledge.size)),
      sizes: { max: sizes.at(-1) ?? 0, p50: percentile(sizes, 50), p90: percentile(sizes, 90), meanOfMultis: round(clustered / Math.max(1, multis.length)) },
      byKey,
      purity: judged ? round(pure / judged) : null,
      suspectCanonicals: clusters.filter((c) => SUSPECT.test(c.canonicalText.replace(/https?:\/\/\S+/g, ' '))).length,
      suspectExamples: clusters.filter((c) => SUSPECT.test(c.canonicalText.replace(/https?:\/\/\S+/g, ' '))).slice(0, 5).map((c) => c.canonicalText),
      computeMs,
      incrementalMs,
      largest: clusters.slice(0, options.largest ?? 5).map((c) => ({ name: c.name, size: c.size, key: c.key, canonical: c.canonicalText })),
    };
  } finally {
    await parley.close();
    await rm(home, { recursive: true, force: true });
  }
}
