import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../../bot/core/index.js';

/**
 * Bolt's and the Web API client's logger interface over Parley's logger: debug is dropped, errors keep their `err`,
 * everything is tagged `source: "slack"`.
 */
export function boltLogger(logger: Logger): BoltLogger {
  let level: LogLevel = LogLevel.INFO;
  const write = (method: 'info' | 'warn' | 'error') => (...parts: unknown[]) => {
    const err = parts.find((part): part is Error => part instanceof Error);
    const msg = parts.map((part) => (part instanceof Error ? part.message : typeof part === 'string' ? part : JSON.stringify(part))).join(' ');
    logger[method]({ source: 'slack', ...(err ? { err } : {}) }, msg);
  };
  return {
    debug: () => undefined,
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
