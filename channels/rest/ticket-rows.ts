import { decodeUtf8, ParleyError } from '../../bot/core/index.js';

/** Media types of newline-delimited JSON (one ticket object per line). */
const NDJSON_TYPES = new Set(['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines', 'application/json-seq']);

/** One row of a tickets body, with where it was in the body (for messages). */
export interface TicketRow {
  /** Position among the body's tickets, from 0 (blank NDJSON lines are not counted). */
  index: number;
  /** `item 3` (JSON array) or `line 7` (NDJSON). */
  where: string;
  value: unknown;
}

/**
 * Reads the rows of a `POST /api/tickets` body: a JSON array of tickets (or one ticket object) with
 * `application/json`, NDJSON with `application/x-ndjson`; any other or no media type, or JSON that is really NDJSON,
 * is told apart by the body (an array starts with `[`). Throws `invalid_utf8`, `bad_request` (empty, not an array)
 * or `invalid_json` naming the line.
 */
export function readTicketRows(body: Uint8Array, contentType: string | undefined): TicketRow[] {
  const text = decodeUtf8(body).replace(/^\uFEFF/, '').trim();
  if (!text) throw new ParleyError('bad_request', 'the body is empty: send a JSON array of tickets or NDJSON (one ticket object per line)');
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (type && NDJSON_TYPES.has(type)) return ndjsonRows(text);
  if (text.startsWith('[')) return jsonRows(text);
  // One object: a single ticket, or NDJSON whose first line is an object (detected by the body).
  try {
    return jsonRows(text);
  } catch (error) {
    if (text.startsWith('{') && text.includes('\n')) return ndjsonRows(text);
    throw error;
  }
}

function jsonRows(text: string): TicketRow[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ParleyError('invalid_json', `the body is not valid JSON: ${(error as Error).message} (send a JSON array of tickets, or NDJSON with Content-Type application/x-ndjson)`);
  }
  if (Array.isArray(value)) return value.map((item: unknown, index) => ({ index, where: `item ${index}`, value: item }));
  if (typeof value === 'object' && value !== null) return [{ index: 0, where: 'item 0', value }];
  throw new ParleyError('bad_request', 'the body must be a JSON array of ticket objects (or NDJSON, one object per line)');
}

function ndjsonRows(text: string): TicketRow[] {
  const rows: TicketRow[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new ParleyError('invalid_json', `line ${i + 1} is not valid JSON: ${(error as Error).message}`);
    }
    rows.push({ index: rows.length, where: `line ${i + 1}`, value });
  });
  return rows;
}
