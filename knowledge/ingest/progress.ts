import { performance } from 'node:perf_hooks';

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** Number of items expected; the bar shows `count/total`. */
  total: number;
  /** What is being counted ("embedding tickets"). */
  label: string;
  /** Where to draw; default `process.stderr` (keeps stdout free for `--json` output). */
  stream?: NodeJS.WritableStream;
  /** Force on or off; default on only when `total` is at least 1000 (small runs finish before a bar helps). */
  enabled?: boolean;
  /** Clock in milliseconds; default `performance.now` (tests inject a fake one). */
  now?: () => number;
}

/** A running progress display. */
export interface Progress {
  /** Counts `n` more items done (default 1). */
  tick(n?: number): void;
  /** Draws the final state and ends the line; later calls to `tick` and `done` do nothing. */
  done(): void;
}

/** Minimum time between two redraws on a terminal. */
const REDRAW_MS = 100;
const BAR_WIDTH = 20;
const MIN_AUTO_TOTAL = 1000;

const NOOP: Progress = { tick() {}, done() {} };

/** `42s`, `3m05s`, `1h02m`; `?` when unknown. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

const formatCount = (n: number): string => Math.round(n).toLocaleString('en-US');

/**
 * A text progress bar: `label [#####...............] 25% 2,500/10,000 1,250/s ETA 6s`. On a TTY it redraws in place
 * with `\r` at most every 100 ms; otherwise (CI logs, files) it writes a plain line at each 10% step, so logs stay short.
 * Disabled (no output at all) for totals under 1000 unless `enabled: true`.
 */
export function createProgress(options: ProgressOptions): Progress {
  const { total, label } = options;
  if (!(options.enabled ?? total >= MIN_AUTO_TOTAL)) return NOOP;
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? (() => performance.now());
  const tty = (stream as { isTTY?: boolean }).isTTY === true;
  const started = now();
  let count = 0;
  let lastDraw = -Infinity;
  let lastWidth = 0;
  let lastStep = 0;
  let finished = false;

  const stats = () => {
    const elapsed = (now() - started) / 1000;
    const rate = elapsed > 0 ? count / elapsed : NaN;
    const fraction = total > 0 ? Math.min(1, count / total) : 1;
    return { elapsed, rate, fraction, percent: Math.floor(fraction * 100), eta: rate > 0 ? Math.max(0, total - count) / rate : NaN };
  };
  const rateText = (rate: number) => (Number.isFinite(rate) ? `${formatCount(rate)}/s` : '-/s');

  const drawTty = (final: boolean) => {
    const { fraction, percent, rate, eta, elapsed } = stats();
    const filled = Math.round(fraction * BAR_WIDTH);
    const tailText = final ? `in ${formatDuration(elapsed)}` : `ETA ${formatDuration(eta)}`;
    let line = `${label} [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${percent}% ${formatCount(count)}/${formatCount(total)} ${rateText(rate)} ${tailText}`;
    // A line wider than the terminal wraps, and `\r` would then redraw only its last row.
    const columns = (stream as { columns?: number }).columns;
    if (columns && line.length >= columns) line = line.slice(0, columns - 1);
    stream.write(`\r${line}${' '.repeat(Math.max(0, lastWidth - line.length))}${final ? '\n' : ''}`);
    lastWidth = line.length;
  };

  return {
    tick(n = 1) {
      if (finished) return;
      count += n;
      if (tty) {
        const at = now();
        if (at - lastDraw < REDRAW_MS) return;
        lastDraw = at;
        drawTty(false);
        return;
      }
      const { percent, rate, eta } = stats();
      const step = Math.floor(percent / 10);
      if (step > lastStep && step < 10) {
        lastStep = step;
        stream.write(`${label}: ${step * 10}% (${formatCount(count)}/${formatCount(total)}, ${rateText(rate)}, ETA ${formatDuration(eta)})\n`);
      }
    },
    done() {
      if (finished) return;
      finished = true;
      if (tty) return drawTty(true);
      const { rate, elapsed } = stats();
      stream.write(`${label}: done ${formatCount(count)}/${formatCount(total)} in ${formatDuration(elapsed)} (${rateText(rate)})\n`);
    },
  };
}
