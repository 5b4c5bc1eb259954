import { maskCardNumbers, maskCardNumbersDeep } from './cards.js';

/** Minimal structured logger; the server passes pino-compatible loggers, tests a silent one. */
export interface Logger {
  info(obj: Record<string, unknown>, msg?: string): void;
  warn(obj: Record<string, unknown>, msg?: string): void;
  error(obj: Record<string, unknown>, msg?: string): void;
}

/** A logger that drops everything (default in tests and library use). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/** A logger writing one JSON line per entry to stderr (keeps stdout free for `--json` output). */
export function stderrLogger(level: 'info' | 'warn' | 'error' = 'info'): Logger {
  const order = { info: 0, warn: 1, error: 2 } as const;
  const write = (lvl: keyof typeof order) => (obj: Record<string, unknown>, msg?: string) => {
    if (order[lvl] < order[level]) return;
    const entry: Record<string, unknown> = { level: lvl, time: new Date().toISOString(), msg, ...obj };
    if (obj.err instanceof Error) entry.err = { message: obj.err.message, code: (obj.err as { code?: unknown }).code, stack: obj.err.stack };
    // Card numbers never reach a log line, whatever field or error message carries them.
    process.stderr.write(`${JSON.stringify(maskCardNumbersDeep(entry))}\n`);
  };
  return { info: write('info'), warn: write('warn'), error: write('error') };
}

/**
 * Wraps any logger (pino included) so that card numbers are masked ({@link maskCardNumbersDeep}) in every entry and
 * message before it is written. The composition root wraps the configured logger with it, so no caller can forget.
 */
export function cardMaskingLogger(logger: Logger): Logger {
  const wrap = (write: Logger['info']) => (obj: Record<string, unknown>, msg?: string) =>
    msg === undefined ? write.call(logger, maskCardNumbersDeep(obj)) : write.call(logger, maskCardNumbersDeep(obj), maskCardNumbers(msg));
  return { info: wrap(logger.info), warn: wrap(logger.warn), error: wrap(logger.error) };
}
