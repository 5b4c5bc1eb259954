import type { FastifyInstance, FastifyRequest } from 'fastify';
import { bearerToken, isApiKey, ParleyError, type RequestLimiter, type TicketRecord } from '../../bot/core/index.js';
import { toTicket, type IngestResult } from '../../knowledge/index.js';
import { readTicketRows } from './ticket-rows.js';

/** Largest `POST /api/tickets` body (bytes): 10 MiB, some thousands of tickets; larger batches are sent in parts. */
export const TICKETS_BODY_LIMIT = 10 * 1024 * 1024;

/** Source name of tickets posted without `?source=`. */
export const API_TICKETS_SOURCE = 'api';

/** What the tickets API changes: the knowledge base's ingest path, deletion, and held tickets. */
export interface TicketsApiKnowledge {
  ingest(tickets: TicketRecord[]): Promise<IngestResult>;
  /** Deletes stored tickets; resolves to how many existed. */
  remove(ids: string[]): Promise<number>;
  /** Deletes a ticket held for review; throws `not_found` when none is held under `id`. */
  reject(id: string): Promise<unknown>;
}

/** Options of {@link registerTicketsApi}. */
export interface TicketsApiOptions {
  /** `PARLEY_API_KEY`: without it the tickets API answers 401 to everyone. */
  apiKey: string | undefined;
  knowledge: TicketsApiKnowledge;
  /** Wrong keys count as failed sign-ins of the address (`PARLEY_RATE_LIMIT_LOGINS`), so keys cannot be guessed. */
  limits?: RequestLimiter | undefined;
  /** Body limit (bytes); default {@link TICKETS_BODY_LIMIT}. */
  bodyLimit?: number;
}

/** One refused row of a `POST /api/tickets` body. */
export interface TicketRowError {
  index: number;
  field: string;
  message: string;
}

/** The answer of `POST /api/tickets` (CONTRACTS.md "Tickets over HTTP"), with the ingest's details. */
export interface TicketsPostResult {
  /** Tickets stored (new, changed or identical to the stored one). */
  upserted: number;
  /** Rows not stored: invalid ones (see `errors`) and near-duplicates of other tickets. */
  skipped: number;
  /** Tickets held for review (`parley tickets quarantine`). */
  quarantined: number;
  errors: TicketRowError[];
  inserted: number;
  updated: number;
  unchanged: number;
  duplicates: number;
  redacted: number;
  quarantinedTickets: IngestResult['quarantinedTickets'];
  /** Searchable tickets after the change. */
  total: number;
}

const MAX_ID_CHARS = 256;
const MAX_SOURCE_CHARS = 200;

/**
 * The tickets API (needs `Authorization: Bearer <PARLEY_API_KEY>`): `POST /api/tickets` upserts a JSON array or NDJSON
 * of tickets in the field mapping of `parley ingest` (invalid rows are reported by index and field and skipped; the
 * rest go through the knowledge base's ingest: redaction, near-duplicates, quarantine), `?source=NAME` names their
 * source (default `api`); `DELETE /api/tickets/:id` deletes one (204, 404 when there is no such ticket).
 */
export async function registerTicketsApi(app: FastifyInstance, options: TicketsApiOptions): Promise<void> {
  await app.register(async (scope) => {
    // Bodies are read as bytes here (any media type; JSON or NDJSON is told apart by readTicketRows).
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: options.bodyLimit ?? TICKETS_BODY_LIMIT }, (_request, body, done) => done(null, body));
    // Before the body is read: an unauthenticated caller never gets megabytes parsed.
    scope.addHook('onRequest', async (request) => authorize(request, options));

    scope.post<{ Querystring: { source?: string } }>('/api/tickets', async (request) => {
      const source = sourceOf(request.query.source);
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const rows = readTicketRows(body, request.headers['content-type']);
      const errors: TicketRowError[] = [];
      const tickets: TicketRecord[] = [];
      for (const row of rows) {
        try {
          tickets.push(toTicket(row.value, row.where, { format: 'json', source }));
        } catch (error) {
          if (!(error instanceof ParleyError)) throw error;
          errors.push({ index: row.index, field: fieldOf(error), message: error.message });
        }
      }
      const result = await options.knowledge.ingest(tickets);
      const upserted = result.inserted + result.updated + result.unchanged;
      const answer: TicketsPostResult = {
        upserted,
        skipped: errors.length + result.duplicates,
        quarantined: result.quarantined,
        errors,
        inserted: result.inserted,
        updated: result.updated,
        unchanged: result.unchanged,
        duplicates: result.duplicates,
        redacted: result.redacted,
        quarantinedTickets: result.quarantinedTickets,
        total: result.total,
      };
      return answer;
    });

    scope.delete<{ Params: { id: string } }>('/api/tickets/:id', async (request, reply) => {
      const id = ticketId(request.params.id);
      if ((await options.knowledge.remove([id])) === 0) {
        // A ticket held for review is deleted the same way; anything else does not exist.
        try {
          await options.knowledge.reject(id);
        } catch (error) {
          if (error instanceof ParleyError && error.code === 'not_found') throw new ParleyError('not_found', `no ticket ${JSON.stringify(id)}`);
          throw error;
        }
      }
      return reply.status(204).send();
    });
  });
}

async function authorize(request: FastifyRequest, options: TicketsApiOptions): Promise<void> {
  if (!options.apiKey) throw new ParleyError('unauthorized', 'the tickets API is off: set PARLEY_API_KEY on the server and send it as "Authorization: Bearer <PARLEY_API_KEY>"');
  if (isApiKey({ apiKey: options.apiKey }, bearerToken(request.headers.authorization))) return;
  await options.limits?.take('login', request.ip);
  throw new ParleyError('unauthorized', 'the tickets API needs "Authorization: Bearer <PARLEY_API_KEY>"');
}

/** The field a mapping error names: `details.field`, else the first quoted field of its message. */
function fieldOf(error: ParleyError): string {
  const field = error.details?.field;
  if (typeof field === 'string') return field;
  return /field "([^"]+)"/.exec(error.message)?.[1] ?? 'ticket';
}

function sourceOf(value: string | undefined): string {
  if (value === undefined) return API_TICKETS_SOURCE;
  // eslint-disable-next-line no-control-regex
  if (!value.trim() || value.length > MAX_SOURCE_CHARS || /[\u0000-\u001f\u007f]/.test(value)) {
    throw new ParleyError('bad_request', `"source": must be a printable name of 1 to ${MAX_SOURCE_CHARS} characters`);
  }
  return value.trim();
}

function ticketId(value: string): string {
  // eslint-disable-next-line no-control-regex
  if (!value.trim() || value.length > MAX_ID_CHARS || /[\u0000-\u001f\u007f]/.test(value)) {
    throw new ParleyError('bad_request', `"id": not a ticket id (non-blank, printable, at most ${MAX_ID_CHARS} characters)`);
  }
  return value;
}
