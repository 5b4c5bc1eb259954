import type { QdrantClient, Schemas } from '@qdrant/js-client-rest';
import { ParleyError } from '../../../bot/core/index.js';
import { RRF_K, type IndexPoint, type IndexQuery, type PayloadFilter, type ScoredPoint, type VectorIndex } from '../vector-index.js';
import { connectQdrant, positiveInt, type QdrantConnection, type QdrantConnectionOptions } from './connection.js';
import { batches, checkDense, checkSparse, DENSE, pointIdFor, SPARSE, TICKET_ID_KEY, toQdrantFilter, toQdrantPoint } from './mapping.js';
import { alreadyExists, failedWithStatus } from './retry.js';

/** Options of {@link QdrantIndex}. */
export interface QdrantIndexOptions extends QdrantConnectionOptions {
  /** Collection name. Default `parley_tickets`. */
  collection?: string;
  /** Points per upsert/delete request. Default 256. */
  batchSize?: number;
  /** `shard_number` of a newly created collection. Default: Qdrant's (1 standalone, the node count in a cluster). */
  shards?: number;
  /** `replication_factor` of a newly created collection. Default: Qdrant's (1). */
  replicas?: number;
}

/** The default collection name. */
export const DEFAULT_COLLECTION = 'parley_tickets';

/** Why an existing collection cannot hold our vectors (`undefined` when it can). */
function vectorMismatch(params: Schemas['CollectionParams'], dims: number): string | undefined {
  const vectors = params.vectors as Record<string, { size?: number; distance?: string } | undefined> | undefined;
  const dense = vectors && !('size' in vectors) ? vectors[DENSE] : undefined;
  if (!dense) return `has no named dense vector "${DENSE}"`;
  if (dense.size !== dims) return `has ${dense.size}-dimensional dense vectors`;
  if (dense.distance !== 'Cosine') return `uses ${dense.distance} distance for "${DENSE}"`;
  const sparse = params.sparse_vectors?.[SPARSE];
  if (!sparse) return `has no sparse vector "${SPARSE}"`;
  if (sparse.modifier === 'idf') return `applies an idf modifier to "${SPARSE}"`;
  return undefined;
}

/**
 * {@link VectorIndex} on Qdrant: one collection with a named dense vector (`dense`, Cosine) and a named sparse vector
 * (`sparse`, our own weights), keyword payload indexes for filtering, and hybrid queries through the Query API
 * (prefetch + reciprocal rank fusion). Ticket ids become deterministic UUIDs; the original is kept in `ticket_id`.
 * Every call is retried on 429/5xx/network errors and fails with a coded `storage_failed` error.
 */
export class QdrantIndex implements VectorIndex {
  readonly engine = 'qdrant';
  /** The collection this index reads and writes. */
  readonly collection: string;
  private readonly connection: QdrantConnection;
  private readonly batchSize: number;
  private readonly shards: number | undefined;
  private readonly replicas: number | undefined;
  /** Dense size, known after {@link ensure}; used to reject wrong-sized vectors before sending them. */
  private dims: number | undefined;

  constructor(options: QdrantIndexOptions) {
    this.connection = connectQdrant(options);
    this.collection = options.collection ?? DEFAULT_COLLECTION;
    if (!this.collection) throw new ParleyError('config_invalid', 'Qdrant collection name must not be empty');
    this.batchSize = positiveInt(options.batchSize, 256, 'batchSize')!;
    this.shards = positiveInt(options.shards, undefined, 'shards');
    this.replicas = positiveInt(options.replicas, undefined, 'replicas');
  }

  private call<T>(operation: string, request: (client: QdrantClient) => Promise<T>): Promise<T> {
    return this.connection.call(operation, request);
  }

  async ensure(options: { dims: number; payloadKeys: string[] }): Promise<void> {
    const { dims } = options;
    if (!Number.isInteger(dims) || dims < 1) throw new ParleyError('bad_request', `dims must be a positive integer (got ${dims})`);
    const name = this.collection;
    let indexed = new Set<string>();
    const { exists } = await this.call('collection_exists', (c) => c.collectionExists(name));
    if (exists || !(await this.create(dims))) {
      const info = await this.call('get_collection', (c) => c.getCollection(name));
      const problem = vectorMismatch(info.config.params, dims);
      if (problem) {
        const points = await this.count();
        if (points > 0) {
          throw new ParleyError('config_invalid',
            `Qdrant collection "${name}" ${problem}, but Parley needs "${DENSE}" (${dims} dimensions, Cosine) and "${SPARSE}"; ` +
            `it holds ${points} points: clear the index (or drop the collection) and re-index`,
            { details: { engine: 'qdrant', collection: name, dims, points } });
        }
        // Empty (e.g. cleared before a rebuild with a new embedding model): safe to recreate with the new shape.
        await this.call('delete_collection', (c) => c.deleteCollection(name));
        if (!(await this.create(dims))) throw new ParleyError('storage_failed', `Qdrant collection "${name}" was re-created concurrently`);
      } else {
        indexed = new Set(Object.keys(info.payload_schema ?? {}));
      }
    }
    for (const key of new Set([...options.payloadKeys, TICKET_ID_KEY])) {
      if (indexed.has(key)) continue;
      await this.call('create_payload_index', (c) => c.createPayloadIndex(name, { field_name: key, field_schema: 'keyword', wait: true }));
    }
    this.dims = dims;
  }

  /** Creates the collection; false when it already exists (another process won the race). */
  private async create(dims: number): Promise<boolean> {
    try {
      await this.call('create_collection', (c) => c.createCollection(this.collection, {
        vectors: { [DENSE]: { size: dims, distance: 'Cosine' } },
        // Parley computes its own keyword weights, so Qdrant must not rescale them (no idf modifier).
        sparse_vectors: { [SPARSE]: { modifier: 'none' } },
        shard_number: this.shards,
        replication_factor: this.replicas,
      }));
      return true;
    } catch (error) {
      if (alreadyExists(error)) return false;
      throw error;
    }
  }

  async upsert(points: IndexPoint[]): Promise<void> {
    const latest = new Map(points.map((point) => [point.id, point]));
    const converted = [...latest.values()].map((point) => toQdrantPoint(point, this.dims));
    for (const batch of batches(converted, this.batchSize)) {
      await this.call('upsert', (c) => c.upsert(this.collection, { wait: true, points: batch }));
    }
  }

  async delete(ids: string[]): Promise<void> {
    const pointIds = [...new Set(ids)].map(pointIdFor);
    for (const batch of batches(pointIds, this.batchSize)) {
      await this.call('delete', (c) => c.delete(this.collection, { wait: true, points: batch }));
    }
  }

  /**
   * Deletes the points whose payload matches `filter` (every ticket of a scope or a source, say) in one request; an
   * empty filter is refused, since it would match every point ({@link clear} is for that).
   */
  async deleteMatching(filter: PayloadFilter): Promise<void> {
    const selector = toQdrantFilter(filter);
    if (!selector) throw new ParleyError('bad_request', 'deleteMatching needs a non-empty filter (clear() drops every point)');
    await this.call('delete', (c) => c.delete(this.collection, { wait: true, filter: selector }));
  }

  async query(query: IndexQuery): Promise<ScoredPoint[]> {
    const mode = query.mode ?? 'hybrid';
    if (mode !== 'hybrid' && mode !== 'keyword' && mode !== 'dense') throw new ParleyError('bad_request', `unknown query mode ${String(mode)}`);
    if (!Number.isInteger(query.limit) || query.limit < 0) throw new ParleyError('bad_request', 'query limit must be a non-negative integer');
    const filter = toQdrantFilter(query.filter);
    if (mode !== 'keyword') checkDense(query.dense, this.dims, 'query');
    if (mode !== 'dense') checkSparse(query.sparse, 'query');
    const sparse = { indices: query.sparse?.indices ?? [], values: query.sparse?.values ?? [] };
    // An empty sparse vector matches nothing: skip it rather than send Qdrant a query it can only answer with [].
    const useSparse = mode !== 'dense' && sparse.indices.length > 0;
    if (query.limit === 0 || (mode === 'keyword' && !useSparse)) return [];
    const withPayload = [TICKET_ID_KEY];
    let request: Schemas['QueryRequest'];
    if (mode === 'hybrid') {
      const depth = Math.max(query.limit * 4, 50);
      const prefetch: Schemas['Prefetch'][] = [{ query: query.dense, using: DENSE, limit: depth, filter }];
      if (useSparse) prefetch.unshift({ query: sparse, using: SPARSE, limit: depth, filter });
      // Qdrant scores rank r (from 0) as 1/(k + r) and defaults to k = 2; k = RRF_K + 1 gives Parley's 1/(RRF_K + rank from 1).
      request = { prefetch, query: { rrf: { k: RRF_K + 1 } }, limit: query.limit, with_payload: withPayload };
    } else {
      const keyword = mode === 'keyword';
      request = { query: keyword ? sparse : query.dense, using: keyword ? SPARSE : DENSE, filter, limit: query.limit, with_payload: withPayload };
    }
    const { points } = await this.call('query', (c) => c.query(this.collection, request));
    return points.map((point) => {
      const ticketId = point.payload?.[TICKET_ID_KEY];
      return { id: typeof ticketId === 'string' ? ticketId : String(point.id), score: point.score };
    });
  }

  async count(): Promise<number> {
    return (await this.call('count', (c) => c.count(this.collection, { exact: true }))).count;
  }

  /** Deletes every point (an empty filter matches all) but keeps the collection, its shards and its payload indexes. */
  async clear(): Promise<void> {
    try {
      await this.call('clear', (c) => c.delete(this.collection, { wait: true, filter: {} }));
    } catch (error) {
      if (!failedWithStatus(error, 404)) throw error; // no collection, nothing to clear
    }
  }
}
