import { expect, it } from '@jest/globals';
import type { ZendeskExportPage } from '../../channels/zendesk/index.js';
import type { IngestResult } from '../../knowledge/index.js';
import { silentLogger, type Logger, type TicketRecord } from '../core/index.js';
import { syncZendesk } from './zendesk-sync.js';

const good = { id: 7, subject: 'Wool coat care', status: 'solved', requester_id: 900, updated_at: '2026-03-01T10:00:00Z' };
const goodComments = {
  comments: [
    { author_id: 900, public: true, body: 'Can I machine wash the wool coat?' },
    { author_id: 501, public: true, body: 'Dry clean it only; machine washing felts the wool.' },
  ],
  users: [{ id: 900, role: 'end-user' }, { id: 501, role: 'agent' }],
};

it('skips a malformed ticket or comment as "invalid", logs the field, keeps its stored ticket and syncs the rest', async () => {
  const page: ZendeskExportPage = {
    tickets: [good, { id: 8, status: 'solved', tags: 'vip' }, { id: 9, status: 'closed' }],
    afterCursor: 'c1',
    endOfStream: true,
  };
  const comments: Record<string, typeof goodComments | { comments: unknown[] }> = { '7': goodComments, '8': goodComments, '9': { comments: [{ author_id: 900, public: 'yes', body: 'hi' }] } };
  const ingested: TicketRecord[] = [];
  const removed: string[] = [];
  const warnings: Record<string, unknown>[] = [];
  const logger: Logger = { ...silentLogger, warn: (obj) => void warnings.push(obj) };
  const result = await syncZendesk({
    zendesk: { ticketsPage: async () => page, comments: async (id) => comments[id] as typeof goodComments },
    store: { getSetting: async () => undefined, setSetting: async () => undefined },
    knowledge: {
      ingest: async (tickets) => {
        ingested.push(...tickets);
        return { inserted: tickets.length, updated: 0, unchanged: 0, removed: 0, redacted: 0, duplicates: 0, quarantined: 0, quarantinedTickets: [], total: tickets.length } satisfies IngestResult;
      },
      remove: async (ids) => (removed.push(...ids), ids.length),
    },
    logger,
  });
  expect(ingested.map((t) => t.id)).toEqual(['zendesk-7']);
  expect(result).toMatchObject({ changed: 3, upserted: 1, removed: 0, skipped: { invalid: 2 }, cursor: 'c1' });
  expect(removed).toEqual([]);
  expect(warnings).toEqual([
    expect.objectContaining({ zendeskId: 8, field: 'tags', reason: expect.stringContaining('"tags": must be an array of strings') }),
    expect.objectContaining({ zendeskId: 9, field: 'comments.0.public', reason: expect.stringContaining('"comments.0.public": must be true or false') }),
  ]);
});
