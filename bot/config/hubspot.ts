import { z } from 'zod';
import { ParleyError } from '../core/index.js';
import { parseEnv } from './parse-env.js';

/** The HubSpot contacts connector (docs/engagement.md, "CRM: HubSpot"); undefined without `HUBSPOT_ACCESS_TOKEN`. */
export interface HubSpotConfig {
  /** A private app access token with `crm.objects.contacts.read`; `HUBSPOT_ACCESS_TOKEN`. */
  accessToken: string;
  /** API origin; `HUBSPOT_API_URL`, default `https://api.hubapi.com`. */
  apiUrl: string;
  /** Minutes between syncs in the server (the `crm.sync` job); 0: only `parley engage sync hubspot`. */
  syncMinutes: number;
  /** Knowledge scope (brand) of the portal's customers; `HUBSPOT_SCOPE`. */
  scope: string | undefined;
  /** Contact property listing the channels a contact opted into; `HUBSPOT_OPT_IN_PROPERTY`. */
  optInProperty: string | undefined;
  /** Contact property listing the channels a contact opted out of; `HUBSPOT_OPT_OUT_PROPERTY`. */
  optOutProperty: string | undefined;
}

const property = z
  .string()
  .trim()
  .regex(/^[a-z0-9_]{1,100}$/, 'must be a HubSpot property internal name (lower-case letters, digits, _)')
  .optional();

/** The environment variables of the HubSpot connector. */
export const HubSpotEnv = z.object({
  HUBSPOT_ACCESS_TOKEN: z.string().trim().min(10, 'must be a HubSpot private app access token (pat-…)').optional(),
  HUBSPOT_API_URL: z.url().default('https://api.hubapi.com'),
  HUBSPOT_SYNC_MINUTES: z.coerce.number().int().min(0).max(1440).default(15),
  HUBSPOT_SCOPE: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/i, 'must be a knowledge scope name (letters, digits, - or _)')
    .optional(),
  HUBSPOT_OPT_IN_PROPERTY: property,
  HUBSPOT_OPT_OUT_PROPERTY: property,
});

/** Reads {@link HubSpotConfig} from `env`; `config_invalid` naming the bad variable. */
export function readHubSpotConfig(env: NodeJS.ProcessEnv): { hubspot: HubSpotConfig | undefined } {
  const e = parseEnv(HubSpotEnv, env);
  if (!e.HUBSPOT_ACCESS_TOKEN) {
    const stray = (['HUBSPOT_SCOPE', 'HUBSPOT_OPT_IN_PROPERTY', 'HUBSPOT_OPT_OUT_PROPERTY'] as const).find((name) => e[name] !== undefined);
    if (stray) throw new ParleyError('config_invalid', `invalid configuration: ${stray} needs HUBSPOT_ACCESS_TOKEN`);
    return { hubspot: undefined };
  }
  return {
    hubspot: {
      accessToken: e.HUBSPOT_ACCESS_TOKEN,
      apiUrl: e.HUBSPOT_API_URL.replace(/\/+$/, ''),
      syncMinutes: e.HUBSPOT_SYNC_MINUTES,
      scope: e.HUBSPOT_SCOPE,
      optInProperty: e.HUBSPOT_OPT_IN_PROPERTY,
      optOutProperty: e.HUBSPOT_OPT_OUT_PROPERTY,
    },
  };
}
