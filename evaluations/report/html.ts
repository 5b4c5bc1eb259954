import type { ScoredConversation, Store } from '../../bot/core/index.js';
import { allCharts, escapeHtml, formatValue } from './charts.js';
import { dailyFigures, figures, SERIES } from './trends.js';

/** Counts of each flag over `rows`, most frequent first. */
export function flagCounts(rows: readonly ScoredConversation[]): { flag: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const row of rows) for (const flag of row.score?.flags ?? []) counts.set(flag, (counts.get(flag) ?? 0) + 1);
  return [...counts].map(([flag, count]) => ({ flag, count })).sort((a, b) => b.count - a.count || a.flag.localeCompare(b.flag));
}

/**
 * A self-contained HTML report (inline CSS and SVG, no scripts or external resources) of the conversations in `rows`:
 * headline figures, the charts of the dashboard, the most frequent flags and the lowest-scored conversations.
 */
export function renderReport(rows: readonly ScoredConversation[], options: { since?: string; generatedAt?: string; title?: string } = {}): string {
  const total = figures(rows);
  const charts = allCharts(dailyFigures(rows));
  const tiles = [
    ['Conversations', String(total.conversations)],
    ['Scored', String(total.scored)],
    ['Mean score', formatValue(total.score, 'percent')],
    ...SERIES.map((s) => [s.title, formatValue(total[s.key], s.format)]),
  ];
  const worst = rows
    .filter((r) => r.score)
    .sort((a, b) => (a.score?.score ?? 0) - (b.score?.score ?? 0))
    .slice(0, 10);
  const title = options.title ?? 'Parley conversation quality';
  const period = options.since ? `since ${options.since.slice(0, 10)}` : 'all conversations';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1d2430;margin:24px;max-width:1040px}
h1{font-size:22px;margin:0 0 4px}.muted{color:#5b6570}.tiles{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.tile{border:1px solid #e3e6ea;border-radius:8px;padding:10px 14px;min-width:140px}.tile b{display:block;font-size:20px}
.charts{display:flex;flex-wrap:wrap;gap:16px}.charts svg{border:1px solid #e3e6ea;border-radius:8px;background:#fff}
table{border-collapse:collapse;margin:12px 0}td,th{border-bottom:1px solid #e3e6ea;padding:6px 10px;text-align:left;font-size:14px}
</style></head><body>
<h1>${escapeHtml(title)}</h1>
<div class="muted">${escapeHtml(period)} · generated ${escapeHtml(options.generatedAt ?? new Date().toISOString())}</div>
<div class="tiles">${tiles.map(([k, v]) => `<div class="tile"><span class="muted">${escapeHtml(k ?? '')}</span><b>${escapeHtml(v ?? '')}</b></div>`).join('')}</div>
<h2>Trends</h2>
<div class="charts">${Object.values(charts).join('\n')}</div>
<h2>Flags</h2>
${flagCounts(rows).length ? `<table><tr><th>Flag</th><th>Conversations</th></tr>${flagCounts(rows).map((f) => `<tr><td>${escapeHtml(f.flag)}</td><td>${f.count}</td></tr>`).join('')}</table>` : '<p class="muted">No flags.</p>'}
<h2>Lowest scores</h2>
${worst.length ? `<table><tr><th>Conversation</th><th>Channel</th><th>Created</th><th>Score</th><th>Flags</th></tr>${worst
    .map((r) => `<tr><td>${escapeHtml(r.conversation.id)}</td><td>${escapeHtml(r.conversation.channel)}</td><td>${escapeHtml(r.conversation.createdAt.slice(0, 16).replace('T', ' '))}</td><td>${formatValue(r.score?.score ?? null, 'percent')}</td><td>${escapeHtml((r.score?.flags ?? []).join(', '))}</td></tr>`)
    .join('')}</table>` : '<p class="muted">Nothing scored yet.</p>'}
</body></html>
`;
}

/** Reads the conversations created since `since` (all when unset) with their scores and renders {@link renderReport}. */
export async function buildReport(store: Store, options: { since?: string } = {}): Promise<{ html: string; conversations: number; scored: number }> {
  const rows = await store.evaluations.listScoredConversations({ ...(options.since ? { since: options.since } : {}), limit: 10_000 });
  const html = renderReport(rows, options);
  return { html, conversations: rows.length, scored: rows.filter((r) => r.score).length };
}
