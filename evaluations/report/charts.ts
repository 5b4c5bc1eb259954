import { SERIES, type DailyFigures, type SeriesKey } from './trends.js';

/** Escapes text for HTML and SVG. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** Shows a value of a series: a percentage, a number or a duration. */
export function formatValue(value: number | null, format: 'percent' | 'number' | 'duration'): string {
  if (value === null) return '–';
  if (format === 'percent') return `${Math.round(value * 100)}%`;
  if (format === 'duration') return value < 1000 ? `${Math.round(value)} ms` : value < 120_000 ? `${(value / 1000).toFixed(1)} s` : `${(value / 60_000).toFixed(1)} min`;
  return value.toFixed(2);
}

const W = 480;
const H = 200;
const PAD = { left: 56, right: 12, top: 28, bottom: 32 };

/**
 * A self-drawn SVG line chart of one series over days (no scripts, no external resources: it works inline in an
 * e-mailed report and in the dashboard alike). Days without a value leave a gap in the line.
 */
export function lineChart(days: readonly DailyFigures[], key: SeriesKey): string {
  const series = SERIES.find((s) => s.key === key) ?? SERIES[0];
  const values = days.map((d) => d[key]);
  const known = values.filter((v): v is number => v !== null);
  const max = series.format === 'percent' ? 1 : series.key === 'csat' ? 5 : Math.max(1, ...known) * 1.1;
  const min = series.key === 'csat' ? 1 : 0;
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (days.length <= 1 ? plotW / 2 : (i * plotW) / (days.length - 1));
  const y = (v: number) => PAD.top + plotH - ((v - min) / (max - min || 1)) * plotH;
  const grid = [0, 0.5, 1].map((f) => {
    const v = min + f * (max - min);
    return `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e3e6ea"/><text x="${PAD.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" font-size="11" fill="#5b6570">${escapeHtml(formatValue(v, series.format))}</text>`;
  });
  const segments: string[] = [];
  let current: string[] = [];
  values.forEach((v, i) => {
    if (v === null) {
      if (current.length) segments.push(current.join(' '));
      current = [];
    } else current.push(`${x(i).toFixed(1)},${y(v).toFixed(1)}`);
  });
  if (current.length) segments.push(current.join(' '));
  const lines = segments.map((points) => `<polyline fill="none" stroke="#2f6fde" stroke-width="2" points="${points}"/>`);
  const dots = values.flatMap((v, i) =>
    v === null ? [] : [`<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3" fill="#2f6fde"><title>${escapeHtml(`${days[i]?.day}: ${formatValue(v, series.format)}`)}</title></circle>`],
  );
  const labels = days.length ? [0, days.length - 1].filter((i, n, all) => all.indexOf(i) === n).map((i) => `<text x="${x(i).toFixed(1)}" y="${H - 10}" text-anchor="middle" font-size="11" fill="#5b6570">${escapeHtml(days[i]?.day ?? '')}</text>`) : [];
  const empty = known.length === 0 ? `<text x="${W / 2}" y="${H / 2}" text-anchor="middle" font-size="13" fill="#5b6570">no data yet</text>` : '';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(series.title)}" data-series="${series.key}">`,
    `<text x="${PAD.left}" y="18" font-size="13" font-weight="600" fill="#1d2430">${escapeHtml(series.title)}</text>`,
    ...grid,
    ...lines,
    ...dots,
    ...labels,
    empty,
    '</svg>',
  ].join('');
}

/** Every chart of {@link SERIES}, keyed by series. */
export function allCharts(days: readonly DailyFigures[]): Record<SeriesKey, string> {
  return Object.fromEntries(SERIES.map((s) => [s.key, lineChart(days, s.key)])) as Record<SeriesKey, string>;
}
