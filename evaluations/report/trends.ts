import type { ScoredConversation } from '../../bot/core/index.js';

/** Quality figures of a set of conversations (a day, or a whole period). Rates are 0–1; null when nothing applies. */
export interface QualityFigures {
  conversations: number;
  scored: number;
  /** Share of scored conversations resolved without a person. */
  resolutionRate: number | null;
  /** Share of conversations handed to a person. */
  handoffRate: number | null;
  /** Mean CSAT (1–5) of the rated conversations. */
  csat: number | null;
  /** Mean groundedness of the scored conversations with answers. */
  groundedness: number | null;
  /** Median first-response time (ms). */
  firstResponseMs: number | null;
  /** Mean overall score. */
  score: number | null;
}

/** One day of {@link QualityFigures}; `day` is `YYYY-MM-DD` (UTC). */
export interface DailyFigures extends QualityFigures {
  day: string;
}

/** The chartable series, with how to show their values. */
export const SERIES = [
  { key: 'resolutionRate', title: 'Resolution rate (without a person)', format: 'percent' },
  { key: 'handoffRate', title: 'Handoff rate', format: 'percent' },
  { key: 'csat', title: 'CSAT (1–5)', format: 'number' },
  { key: 'groundedness', title: 'Groundedness', format: 'percent' },
  { key: 'firstResponseMs', title: 'First-response time (median)', format: 'duration' },
] as const;

/** A key of {@link SERIES}. */
export type SeriesKey = (typeof SERIES)[number]['key'];

const avg = (values: number[]): number | null => (values.length ? values.reduce((s, v) => s + v, 0) / values.length : null);

function median(values: number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** The {@link QualityFigures} of `rows`. */
export function figures(rows: readonly ScoredConversation[]): QualityFigures {
  const scored = rows.flatMap((r) => (r.score ? [r.score] : []));
  const handedOff = rows.filter((r) => r.conversation.handoffReason !== null || r.score?.metrics.handedOff === true).length;
  const pick = (key: string) => scored.flatMap((s) => (num(s.metrics[key]) === undefined ? [] : [num(s.metrics[key]) as number]));
  return {
    conversations: rows.length,
    scored: scored.length,
    resolutionRate: scored.length ? scored.filter((s) => s.metrics.resolvedWithoutHuman === true).length / scored.length : null,
    handoffRate: rows.length ? handedOff / rows.length : null,
    csat: avg(pick('csat')),
    groundedness: avg(pick('groundedness')),
    firstResponseMs: median(pick('firstResponseMs')),
    score: avg(scored.map((s) => s.score)),
  };
}

/** {@link QualityFigures} per UTC day of creation, oldest first, with no gaps between the first and last day. */
export function dailyFigures(rows: readonly ScoredConversation[]): DailyFigures[] {
  const byDay = new Map<string, ScoredConversation[]>();
  for (const row of rows) {
    const day = row.conversation.createdAt.slice(0, 10);
    byDay.set(day, [...(byDay.get(day) ?? []), row]);
  }
  const days = [...byDay.keys()].sort();
  if (days.length === 0) return [];
  const out: DailyFigures[] = [];
  for (let t = Date.parse(`${days[0]}T00:00:00Z`); t <= Date.parse(`${days.at(-1)}T00:00:00Z`); t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    out.push({ day, ...figures(byDay.get(day) ?? []) });
  }
  return out;
}
