import type { ZendeskExportPage, ZendeskExportStart, ZendeskTicketComments } from '../../channels/zendesk/index.js';
import { convertZendeskPage, zendeskTicketId, type IngestResult, type ZendeskSkipReason } from '../../knowledge/index.js';
import type { Logger, Store, TicketRecord } from '../core/index.js';

/** Store setting holding where the next Zendesk sync starts (the incremental export's `after_cursor`). */
export const ZENDESK_CURSOR_SETTING = 'zendesk.sync.cursor';

/** Source name of tickets synced from Zendesk. */
export const ZENDESK_SYNC_SOURCE = 'zendesk';

/** Options of {@link syncZendesk}. */
export interface ZendeskSyncOptions {
  /** Zendesk's incremental ticket export and comments (`ZendeskIncrementalExport`). */
  zendesk: {
    ticketsPage(start: ZendeskExportStart): Promise<ZendeskExportPage>;
    comments(ticketId: string): Promise<ZendeskTicketComments>;
  };
  /** Where the cursor is kept between syncs. */
  store: Pick<Store, 'getSetting' | 'setSetting'>;
  /** Where changes go: the knowledge base's ingest (redaction, dedupe, quarantine) and deletion. */
  knowledge: { ingest(tickets: TicketRecord[]): Promise<IngestResult>; remove(ids: string[]): Promise<number> };
  /** Unix time (s) the first sync starts from (no stored cursor); default 0, the whole history. */
  since?: number;
  /** Start again from `since`, ignoring the stored cursor. */
  full?: boolean;
  /** Changed tickets applied per knowledge write (the cursor is stored after each); default 2,000. */
  batchSize?: number;
  /** Comment requests in flight at once; default 4. */
  concurrency?: number;
  logger?: Logger;
}

/** What one sync did. */
export interface ZendeskSyncResult {
  /** True when it started without a stored cursor (from `since`). */
  firstSync: boolean;
  /** Export pages read. */
  pages: number;
  /** Changed Zendesk tickets seen (deleted ones included). */
  changed: number;
  /** Tickets stored from solved or closed Zendesk tickets (new, changed or identical). */
  upserted: number;
  inserted: number;
  updated: number;
  /** Stored tickets removed: deleted in Zendesk, or no longer usable (reopened, answer gone). */
  removed: number;
  /** Zendesk tickets not used, by reason (`not_solved`, `no_question`, `no_answer`, `too_long`, `deleted`, `invalid`: malformed, logged with the field). */
  skipped: Partial<Record<ZendeskSkipReason | 'deleted', number>>;
  quarantined: number;
  redacted: number;
  duplicates: number;
  /** Where the next sync starts. */
  cursor: string | undefined;
  ms: number;
}

const SOLVED = new Set(['solved', 'closed']);

/**
 * Fetches what changed in Zendesk since the last sync (the cursor-based incremental ticket export from the stored
 * cursor, or from `since` the first time), reads the comments of the solved and closed tickets, and applies the
 * changes: usable tickets through the knowledge base's ingest, deleted ones (`status: "deleted"`) and ones that are no
 * longer usable (reopened, no answer) through its deletion. The cursor is stored after each applied batch, so an
 * interrupted sync resumes where it stopped.
 */
export async function syncZendesk(options: ZendeskSyncOptions): Promise<ZendeskSyncResult> {
  const started = performance.now();
  const stored = options.full ? undefined : await options.store.getSetting(ZENDESK_CURSOR_SETTING);
  const result: ZendeskSyncResult = { firstSync: !stored, pages: 0, changed: 0, upserted: 0, inserted: 0, updated: 0, removed: 0, skipped: {}, quarantined: 0, redacted: 0, duplicates: 0, cursor: stored, ms: 0 };
  const upserts = new Map<string, TicketRecord>();
  const removals = new Set<string>();
  let start: ZendeskExportStart = stored ? { cursor: stored } : { startTime: options.since ?? 0 };
  const apply = async (cursor: string | undefined) => {
    if (upserts.size) {
      const ingested = await options.knowledge.ingest([...upserts.values()]);
      result.upserted += ingested.inserted + ingested.updated + ingested.unchanged;
      result.inserted += ingested.inserted;
      result.updated += ingested.updated;
      result.quarantined += ingested.quarantined;
      result.redacted += ingested.redacted;
      result.duplicates += ingested.duplicates;
    }
    if (removals.size) result.removed += await options.knowledge.remove([...removals]);
    upserts.clear();
    removals.clear();
    if (cursor) await options.store.setSetting(ZENDESK_CURSOR_SETTING, cursor);
    result.cursor = cursor ?? result.cursor;
  };
  for (;;) {
    const page = await options.zendesk.ticketsPage(start);
    result.pages++;
    result.changed += page.tickets.length;
    const { tickets, gone } = await convertPage(page.tickets, options, result.skipped);
    for (const ticket of tickets) {
      removals.delete(ticket.id);
      upserts.set(ticket.id, ticket);
    }
    for (const id of gone) {
      upserts.delete(id);
      removals.add(id);
    }
    if (page.endOfStream || upserts.size + removals.size >= (options.batchSize ?? 2_000)) await apply(page.afterCursor);
    if (page.endOfStream || !page.afterCursor) break;
    start = { cursor: page.afterCursor };
  }
  result.ms = Math.round(performance.now() - started);
  options.logger?.info({ changed: result.changed, upserted: result.upserted, removed: result.removed, pages: result.pages, ms: result.ms }, 'Zendesk sync done');
  return result;
}

/** The usable tickets of one export page, and the ids of stored tickets it makes stale (deleted or unusable). */
async function convertPage(raw: Record<string, unknown>[], options: ZendeskSyncOptions, skipped: ZendeskSyncResult['skipped']): Promise<{ tickets: TicketRecord[]; gone: string[] }> {
  const gone: string[] = [];
  const live = raw.filter((t) => {
    if (typeof t.status !== 'string' || t.status.toLowerCase() !== 'deleted') return true;
    gone.push(zendeskTicketId(String(t.id)));
    skipped.deleted = (skipped.deleted ?? 0) + 1;
    return false;
  });
  // Only solved and closed tickets can become knowledge: only their comments are read.
  const solved = live.filter((t) => typeof t.status === 'string' && SOLVED.has(t.status.toLowerCase()));
  const read = new Map<unknown, ZendeskTicketComments>();
  await forEachLimited(solved, options.concurrency ?? 4, async (ticket) => void read.set(ticket.id, await options.zendesk.comments(String(ticket.id))));
  const tickets: TicketRecord[] = [];
  for (const ticket of live) {
    const thread = read.get(ticket.id);
    let converted: ReturnType<typeof convertZendeskPage>;
    try {
      converted = convertZendeskPage({ tickets: [ticket], comments: { [String(ticket.id)]: thread?.comments ?? [] }, users: thread?.users ?? [] }, { source: ZENDESK_SYNC_SOURCE, origin: 'Zendesk incremental export' });
    } catch (error) {
      // One malformed ticket must not stop every later sync at the same cursor: it is skipped and logged.
      options.logger?.warn({ err: error, zendeskId: ticket.id }, 'Zendesk sync: ticket skipped');
      skipped.invalid = (skipped.invalid ?? 0) + 1;
      continue;
    }
    tickets.push(...converted.tickets);
    for (const skip of converted.skipped) {
      skipped[skip.reason] = (skipped[skip.reason] ?? 0) + 1;
      // A malformed ticket says nothing about the stored one: it is kept, as when reading the ticket failed.
      if (skip.reason === 'invalid') options.logger?.warn({ zendeskId: ticket.id, field: skip.field, reason: skip.detail }, 'Zendesk sync: malformed ticket skipped');
      else gone.push(zendeskTicketId(skip.zendeskId));
    }
  }
  return { tickets, gone };
}

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
