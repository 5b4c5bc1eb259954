import { ParleyError, type Logger, type Store } from '../../bot/core/index.js';
import { ENGAGEMENT_CHANNELS, isTimeZone } from '../campaigns.js';
import { normalizeIdentity, toCustomerRow, type RowError } from '../profiles.js';
import { SEARCH_RESULT_WINDOW, type HubSpotContact, type HubSpotContacts } from './client.js';

/** The store setting holding the sync's cursor: the latest `lastmodifieddate` imported (ms since the epoch). */
export const HUBSPOT_CURSOR_SETTING = 'crm.hubspot.cursor';
/**
 * How far before the cursor each incremental sync looks again (ms): HubSpot's search index lags behind writes by
 * seconds, so a contact modified just before the last sync may only now be searchable. Re-imports are idempotent.
 */
export const SEARCH_OVERLAP_MS = 5 * 60_000;

/** How HubSpot contacts become customer profiles. */
export interface HubSpotMapping {
  /** Knowledge scope (brand) the portal's customers belong to; `HUBSPOT_SCOPE`. */
  scope?: string | undefined;
  /** A contact property listing channels the contact opted into (`;`-separated, e.g. a multiple checkbox); `HUBSPOT_OPT_IN_PROPERTY`. */
  optInProperty?: string | undefined;
  /** A contact property listing channels the contact opted out of; `HUBSPOT_OPT_OUT_PROPERTY`. */
  optOutProperty?: string | undefined;
}

/** What one sync did. */
export interface HubSpotSyncResult {
  /** `full` (every contact: the first sync) or `incremental` (modified since the cursor). */
  mode: 'full' | 'incremental';
  /** The time the sync started from (ISO 8601), for incremental syncs. */
  since: string | null;
  contacts: number;
  /** Contacts not imported (no usable e-mail, phone or id), and fields left out (a phone not in international format). */
  skipped: number;
  errors: RowError[];
  /** The new cursor (ISO 8601): the latest `lastmodifieddate` imported. */
  cursor: string | null;
}

/** HubSpot's `hs_timezone` value (`america_slash_new_york`) as an IANA zone (`America/New_York`), when it is one. */
export function hubspotTimeZone(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  const zone = value
    .split('_slash_')
    .map((part) => part.split('_').map((word) => (word.length <= 2 && /^(of|es|de|la)$/.test(word) ? word : word.charAt(0).toUpperCase() + word.slice(1))).join('_'))
    .join('/');
  // Time zone names match case-insensitively: the runtime's own spelling is kept.
  for (const candidate of [zone, value]) if (isTimeZone(candidate)) return new Intl.DateTimeFormat('en-US', { timeZone: candidate }).resolvedOptions().timeZone;
  return undefined;
}

/** The channels named in a `;`- or `,`-separated property value, those Parley knows (`*`: all). */
function channelsIn(value: string | null | undefined): string[] {
  if (!value) return [];
  return value
    .split(/[;,]/)
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c === '*' || (ENGAGEMENT_CHANNELS as readonly string[]).includes(c));
}

/**
 * A contact as a customer row (see `toCustomerRow`): identities `external` `hubspot:<id>`, e-mail and phone (`phone`,
 * else `mobilephone`; left out, with a field error, when not in international format), name from first and last name,
 * the time zone, lifecycle stage and HubSpot id as attributes; opt-outs from `hs_email_optout` and the opt-out property,
 * opt-ins from the opt-in property.
 */
export function contactToRow(contact: HubSpotContact, mapping: HubSpotMapping, index: number, errors: RowError[]): Record<string, unknown> {
  const p = contact.properties;
  const value = (name: string): string | undefined => {
    const v = p[name];
    return typeof v === 'string' && v.trim() ? v.trim() : undefined;
  };
  let phone = value('phone') ?? value('mobilephone');
  if (phone) {
    try {
      phone = normalizeIdentity('phone', phone).value;
    } catch (error) {
      errors.push({ list: 'customers', index, field: 'phone', message: `HubSpot contact ${contact.id}: ${(error as Error).message}; imported without it` });
      phone = undefined;
    }
  }
  const firstName = value('firstname');
  const lastName = value('lastname');
  const optOut = channelsIn(mapping.optOutProperty ? p[mapping.optOutProperty] : undefined);
  if (value('hs_email_optout') === 'true') optOut.push('email');
  const timezone = hubspotTimeZone(value('hs_timezone'));
  return {
    externalId: `hubspot:${contact.id}`,
    ...(value('email') ? { email: value('email') } : {}),
    ...(phone ? { phone } : {}),
    ...(firstName || lastName ? { name: [firstName, lastName].filter(Boolean).join(' ') } : {}),
    ...(timezone ? { timezone } : {}),
    ...(mapping.scope ? { scope: mapping.scope } : {}),
    attributes: {
      hubspotId: contact.id,
      ...(firstName ? { firstName } : {}),
      ...(lastName ? { lastName } : {}),
      ...(value('lifecyclestage') ? { lifecycleStage: value('lifecyclestage') } : {}),
    },
    optIn: channelsIn(mapping.optInProperty ? p[mapping.optInProperty] : undefined),
    optOut: [...new Set(optOut)],
  };
}

/** Options of {@link syncHubSpotContacts}. */
export interface HubSpotSyncOptions extends HubSpotMapping {
  client: HubSpotContacts;
  store: Store;
  logger: Logger;
  /** Start from this time instead of the stored cursor (`--since`); a full sync when neither is there. */
  since?: Date | undefined;
  /** Stops between pages (the job's signal); the cursor keeps what was imported. */
  signal?: AbortSignal | undefined;
}

/**
 * Imports HubSpot contacts into customer profiles. The first sync lists every contact; later ones search the contacts
 * modified since the stored cursor (less {@link SEARCH_OVERLAP_MS}), oldest first, saving the cursor after each page so
 * an interrupted sync resumes where it stopped; past HubSpot's 10,000-result search window a new search starts from
 * the last time seen. Profiles merge by identity (the HubSpot id, e-mail, phone). A CRM opt-in never overrides an
 * opt-out recorded in Parley (STOP, an unsubscribe link); a CRM opt-out always applies.
 */
export async function syncHubSpotContacts(options: HubSpotSyncOptions): Promise<HubSpotSyncResult> {
  const { client, store, signal } = options;
  const stored = await store.getSetting(HUBSPOT_CURSOR_SETTING);
  const start = options.since?.getTime() ?? (stored !== undefined ? Number(stored) - SEARCH_OVERLAP_MS : undefined);
  const result: HubSpotSyncResult = { mode: start === undefined ? 'full' : 'incremental', since: start === undefined ? null : new Date(start).toISOString(), contacts: 0, skipped: 0, errors: [], cursor: null };
  let cursor = stored !== undefined ? Number(stored) : undefined;
  let index = 0;
  const importPage = async (contacts: HubSpotContact[]): Promise<void> => {
    for (const contact of contacts) {
      const at = index++;
      try {
        await importContact(store, toCustomerRow(contactToRow(contact, options, at, result.errors)));
        result.contacts++;
      } catch (error) {
        if (!(error instanceof ParleyError)) throw error;
        result.skipped++;
        result.errors.push({ list: 'customers', index: at, field: typeof error.details?.field === 'string' ? error.details.field : 'contact', message: `HubSpot contact ${contact.id}: ${error.message}` });
      }
      const modified = Date.parse(contact.properties.lastmodifieddate ?? contact.updatedAt ?? '');
      if (Number.isFinite(modified) && (cursor === undefined || modified > cursor)) cursor = modified;
    }
  };
  if (start === undefined) {
    let after: string | undefined;
    do {
      if (signal?.aborted) break;
      const page = await client.list(after, signal);
      await importPage(page.results);
      after = page.after;
    } while (after);
    // A full listing is in id order: the cursor is saved once everything is in.
    if (cursor !== undefined && !signal?.aborted) await store.setSetting(HUBSPOT_CURSOR_SETTING, String(cursor));
  } else {
    let from = start;
    let after: string | undefined;
    for (;;) {
      if (signal?.aborted) break;
      const page = await client.modifiedSince(from, after, signal);
      await importPage(page.results);
      if (cursor !== undefined) await store.setSetting(HUBSPOT_CURSOR_SETTING, String(cursor));
      if (!page.after) break;
      if (Number(page.after) >= SEARCH_RESULT_WINDOW) {
        // HubSpot pages no further: search again from the latest time seen (GTE: its contacts come again, harmlessly).
        if (cursor === undefined || cursor <= from) break;
        from = cursor;
        after = undefined;
      } else after = page.after;
    }
  }
  result.cursor = cursor === undefined ? null : new Date(cursor).toISOString();
  options.logger.info({ mode: result.mode, contacts: result.contacts, skipped: result.skipped, cursor: result.cursor }, 'HubSpot contacts synced');
  return result;
}

async function importContact(store: Store, row: ReturnType<typeof toCustomerRow>): Promise<void> {
  const customer = await store.engagement.upsertCustomer(row);
  const consents = await store.engagement.listConsents(customer.id);
  for (const channel of row.optIn) {
    const current = consents.find((c) => c.channel === channel);
    // An opt-out recorded in Parley (STOP, an unsubscribe link, the API) stands; HubSpot's own may be lifted by HubSpot.
    if ((current?.status === 'opted_out' && current.source !== 'hubspot') || row.optOut.includes(channel)) continue;
    await store.engagement.setConsent({ customerId: customer.id, channel, status: 'opted_in', source: 'hubspot' });
  }
  for (const channel of row.optOut) await store.engagement.setConsent({ customerId: customer.id, channel, status: 'opted_out', source: 'hubspot' });
}
