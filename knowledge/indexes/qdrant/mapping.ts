import { createHash } from 'node:crypto';
import { ParleyError } from '../../../bot/core/index.js';
import type { IndexPoint, PayloadFilter, SparseVec } from '../vector-index.js';

/** Payload field holding the original ticket id (Qdrant point ids must be unsigned integers or UUIDs). */
export const TICKET_ID_KEY = 'ticket_id';
/** Name of the dense vector in the collection. */
export const DENSE = 'dense';
/** Name of the sparse (keyword) vector in the collection. */
export const SPARSE = 'sparse';

/**
 * The Qdrant point id of a ticket: a deterministic UUID (the first 16 bytes of SHA-256 of the id, with the version
 * nibble set to 5 and the RFC 4122 variant bits), so re-ingesting a ticket replaces its point.
 */
export function pointIdFor(ticketId: string): string {
  const bytes = createHash('sha256').update(ticketId, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** One Qdrant filter condition on a payload field. */
export type FieldCondition =
  | { key: string; match: { value: string | number | boolean } }
  | { key: string; range: { gte: number; lte: number } };

/**
 * A {@link PayloadFilter} as a Qdrant filter (`undefined` when empty): one `must` condition per entry, `match.value`
 * for strings, booleans and integers (Qdrant's match values), a closed `range` for other numbers.
 */
export function toQdrantFilter(filter: PayloadFilter | undefined): { must: FieldCondition[] } | undefined {
  const entries = Object.entries(filter ?? {});
  if (entries.length === 0) return undefined;
  return {
    must: entries.map(([key, value]): FieldCondition => {
      if (typeof value === 'number') {
        if (!Number.isFinite(value)) throw new ParleyError('bad_request', `filter value for "${key}" is not a finite number`);
        return Number.isSafeInteger(value) ? { key, match: { value } } : { key, range: { gte: value, lte: value } };
      }
      if (typeof value !== 'string' && typeof value !== 'boolean') {
        throw new ParleyError('bad_request', `filter value for "${key}" must be a string, number or boolean`);
      }
      return { key, match: { value } };
    }),
  };
}

/** Checks a dense vector: finite numbers, and `dims` of them when the collection's size is known. */
export function checkDense(vector: number[], dims: number | undefined, what: string): void {
  if (!Array.isArray(vector) || vector.length === 0 || !vector.every(Number.isFinite)) {
    throw new ParleyError('bad_request', `${what}: the dense vector must be a non-empty array of finite numbers`);
  }
  if (dims !== undefined && vector.length !== dims) {
    throw new ParleyError('bad_request', `${what}: the dense vector has ${vector.length} dimensions, the collection ${dims}`);
  }
}

/** Checks a sparse vector: parallel arrays, unique unsigned 32-bit indices, finite values. */
export function checkSparse(vector: SparseVec, what: string): void {
  const { indices, values } = vector ?? {};
  const ok = Array.isArray(indices) && Array.isArray(values) && indices.length === values.length
    && indices.every((i) => Number.isInteger(i) && i >= 0 && i <= 0xffffffff) && values.every(Number.isFinite)
    && new Set(indices).size === indices.length;
  if (!ok) throw new ParleyError('bad_request', `${what}: the sparse vector needs parallel indices (unique uint32) and finite values`);
}

/** The Qdrant point for an {@link IndexPoint}: named vectors, and the payload with the ticket id added. */
export function toQdrantPoint(point: IndexPoint, dims: number | undefined): {
  id: string;
  vector: { dense: number[]; sparse: SparseVec };
  payload: Record<string, unknown>;
} {
  if (typeof point.id !== 'string' || point.id === '') throw new ParleyError('bad_request', 'every point needs a non-empty string id');
  checkDense(point.dense, dims, `point ${point.id}`);
  checkSparse(point.sparse, `point ${point.id}`);
  return {
    id: pointIdFor(point.id),
    vector: { dense: point.dense, sparse: { indices: point.sparse.indices, values: point.sparse.values } },
    payload: { ...point.payload, [TICKET_ID_KEY]: point.id },
  };
}

/** Splits `items` into consecutive batches of at most `size`. */
export function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
