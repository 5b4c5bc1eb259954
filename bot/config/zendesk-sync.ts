import { z } from 'zod';
import { ParleyError } from '../core/index.js';
import { parseEnv } from './parse-env.js';

/** The Zendesk ticket sync of the server (`ZENDESK_SYNC_MINUTES`); off without it or at 0. */
export interface ZendeskSyncConfig {
  /** Minutes between two syncs in the server; `ZENDESK_SYNC_MINUTES` (1–1440). */
  minutes: number;
  /** Unix time (s) the first sync starts from; `ZENDESK_SYNC_SINCE` (ISO date or Unix seconds), default 0 (everything). */
  since: number;
}

/** The environment variables of the scheduled Zendesk ticket sync. */
export const SyncEnv = z.object({
  ZENDESK_SYNC_MINUTES: z.coerce.number().int().min(0).max(1440).default(0),
  ZENDESK_SYNC_SINCE: z.string().trim().optional(),
});

/** A date for `ZENDESK_SYNC_SINCE` / `--since`: Unix seconds or an ISO 8601 date; undefined when unreadable. */
export function parseSince(value: string): number | undefined {
  if (/^\d+$/.test(value)) return Number(value);
  const ms = Date.parse(value);
  return Number.isFinite(ms) && /^\d{4}-\d{2}-\d{2}/.test(value) ? Math.floor(ms / 1000) : undefined;
}

/**
 * Reads `ZENDESK_SYNC_MINUTES` and `ZENDESK_SYNC_SINCE`: the schedule needs the Zendesk credentials
 * (`zendeskConfigured`). Throws `config_invalid` naming the variable.
 */
export function zendeskSyncConfig(env: NodeJS.ProcessEnv, zendeskConfigured: boolean): ZendeskSyncConfig | undefined {
  const data = parseEnv(SyncEnv, env);
  const { ZENDESK_SYNC_MINUTES: minutes, ZENDESK_SYNC_SINCE: sinceText } = data;
  const since = sinceText ? parseSince(sinceText) : 0;
  if (since === undefined) throw new ParleyError('config_invalid', 'invalid configuration: ZENDESK_SYNC_SINCE: must be an ISO 8601 date (2024-01-31) or Unix seconds');
  if (minutes === 0) return undefined;
  if (!zendeskConfigured) throw new ParleyError('config_invalid', 'invalid configuration: ZENDESK_SYNC_MINUTES needs ZENDESK_URL, ZENDESK_EMAIL and ZENDESK_API_TOKEN');
  return { minutes, since };
}
