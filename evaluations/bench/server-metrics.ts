/** One sample of Prometheus's text exposition format: `name{label="value",…} number`. */
export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Parses the samples of a `/metrics` response (comments and blank lines skipped). Pure. */
export function parseMetrics(text: string): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const line of text.split('\n')) {
    const match = SAMPLE.exec(line.trim());
    if (!match || line.startsWith('#')) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(LABEL)) labels[key!] = value!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** Sum of the samples named `name` (over all label sets). */
export function total(samples: readonly MetricSample[], name: string): number {
  return samples.filter((s) => s.name === name).reduce((sum, s) => sum + s.value, 0);
}

/** What a server did between two `/metrics` scrapes: turns, CPU per turn, and mean time per turn and per stage. */
export interface TurnCosts {
  turns: number;
  /** The server process's CPU time (user + system) per turn, everything included (sockets, storage, the pipeline). */
  cpuMsPerTurn: number;
  /** Mean wall-clock time of a turn. */
  turnMs: number;
  /** Mean wall-clock time per turn in each pipeline stage that ran. */
  stageMs: Record<string, number>;
  /** The store's SQL statements per turn, everything included (accepting the message, background loops); null without the counter. */
  statementsPerTurn: number | null;
  /** The store's explicit transactions per turn (statements outside one commit on their own); null without the counter. */
  transactionsPerTurn: number | null;
}

const round = (x: number): number => Math.round(x * 100) / 100;

/** {@link TurnCosts} from a scrape `before` and one `after` a run. Pure. */
export function turnCosts(before: readonly MetricSample[], after: readonly MetricSample[]): TurnCosts {
  const delta = (name: string, match: (s: MetricSample) => boolean = () => true) =>
    total(after.filter(match), name) - total(before.filter(match), name);
  const turns = delta('parley_turns_total');
  const perTurn = (seconds: number) => (turns > 0 ? round((seconds * 1000) / turns) : 0);
  const stages = new Set(after.filter((s) => s.name === 'parley_stage_duration_seconds_sum').map((s) => s.labels.stage ?? ''));
  const counted = (name: string) => (turns > 0 && after.some((s) => s.name === name) ? round(delta(name) / turns) : null);
  const stageMs = Object.fromEntries([...stages].map((stage) => [stage, perTurn(delta('parley_stage_duration_seconds_sum', (s) => s.labels.stage === stage))]));
  return {
    turns,
    cpuMsPerTurn: perTurn(delta('parley_process_cpu_seconds_total')),
    turnMs: perTurn(delta('parley_turn_duration_seconds_sum')),
    stageMs,
    statementsPerTurn: counted('parley_store_statements_total'),
    transactionsPerTurn: counted('parley_store_transactions_total'),
  };
}

/** Scrapes `base/metrics`; an empty list when the server has no metrics endpoint or does not answer. */
export async function scrapeMetrics(base: string): Promise<MetricSample[]> {
  try {
    const response = await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(10_000) });
    return response.ok ? parseMetrics(await response.text()) : [];
  } catch {
    return [];
  }
}
