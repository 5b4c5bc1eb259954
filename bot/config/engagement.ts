import { resolve } from 'node:path';
import { z } from 'zod';
import { parseEnv } from './parse-env.js';

/** Personalised engagement settings (docs/engagement.md). */
export interface EngagementConfig {
  /** The campaigns file (YAML or JSON); `PARLEY_CAMPAIGNS_FILE`, default none: engagement is off. */
  campaignsFile: string | undefined;
  /** Time zone of customers without one (quiet hours are local); `PARLEY_ENGAGE_TIMEZONE`, default UTC. */
  timezone: string;
  /** Default quiet hours (local time; a campaign or the file's defaults may set others); undefined: none. */
  quietHours: { start: string; end: string } | undefined;
  /** Default frequency cap: at most this many campaign messages per customer in 7 days; `PARLEY_ENGAGE_MAX_PER_WEEK`. */
  maxPerWeek: number;
  /** Seconds between engagement passes (triggers, then due sends) in the server; `PARLEY_ENGAGE_INTERVAL_SECONDS`. */
  intervalSeconds: number;
}

const validZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

/** The environment variables of engagement. */
export const EngagementEnv = z.object({
  PARLEY_CAMPAIGNS_FILE: z
    .string()
    .trim()
    .regex(/\.(?:ya?ml|json)$/i, 'must be the path of a .yaml, .yml or .json file')
    .optional(),
  PARLEY_ENGAGE_TIMEZONE: z.string().trim().refine(validZone, 'must be an IANA time zone such as Europe/Paris').default('UTC'),
  PARLEY_ENGAGE_QUIET_HOURS: z
    .string()
    .trim()
    .regex(/^(off|([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d)$/, 'must be HH:MM-HH:MM (local time) or off')
    .default('21:00-08:00'),
  PARLEY_ENGAGE_MAX_PER_WEEK: z.coerce.number().int().min(1).max(100).default(3),
  PARLEY_ENGAGE_INTERVAL_SECONDS: z.coerce.number().int().min(5).max(86_400).default(60),
});

/** Reads {@link EngagementConfig} from `env`; `config_invalid` naming the bad variable. */
export function readEngagementConfig(env: NodeJS.ProcessEnv): { engagement: EngagementConfig } {
  const e = parseEnv(EngagementEnv, env);
  const [start, end] = e.PARLEY_ENGAGE_QUIET_HOURS === 'off' ? [] : e.PARLEY_ENGAGE_QUIET_HOURS.split('-');
  return {
    engagement: {
      campaignsFile: e.PARLEY_CAMPAIGNS_FILE ? resolve(e.PARLEY_CAMPAIGNS_FILE) : undefined,
      timezone: e.PARLEY_ENGAGE_TIMEZONE,
      quietHours: start && end ? { start, end } : undefined,
      maxPerWeek: e.PARLEY_ENGAGE_MAX_PER_WEEK,
      intervalSeconds: e.PARLEY_ENGAGE_INTERVAL_SECONDS,
    },
  };
}
