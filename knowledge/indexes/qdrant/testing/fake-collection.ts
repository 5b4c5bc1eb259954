import { check, FakeQdrantError, isObject, matches, pointId, type PointId } from './fake-filter.js';

/** A sparse vector as Qdrant stores it. */
export interface Sparse {
  indices: number[];
  values: number[];
}

type Distance = 'Cosine' | 'Dot' | 'Euclid' | 'Manhattan';
type VectorSpec = { kind: 'dense'; size: number; distance: Distance } | { kind: 'sparse'; idf: boolean };

/** A stored point: vectors by name (`''` is the unnamed default vector), payload and the operation that wrote it. */
export interface StoredPoint {
  id: PointId;
  vectors: Map<string, number[] | Sparse>;
  payload: Record<string, unknown>;
  version: number;
}

/** A point with its score, as a query stage yields it. */
export interface Scored {
  point: StoredPoint;
  score: number;
}

const DISTANCES = new Set(['Cosine', 'Dot', 'Euclid', 'Manhattan']);
const INDEX_TYPES = new Set(['keyword', 'integer', 'float', 'geo', 'text', 'bool', 'datetime', 'uuid']);

function positiveInt(value: unknown, name: string): number | undefined {
  if (value == null) return undefined;
  check(Number.isInteger(value) && (value as number) >= 1, `${name} must be an integer ≥ 1`);
  return value as number;
}

function dropNulls(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v != null));
}

/** Validates a sparse vector (parallel arrays, unique uint32 indices), as Qdrant does on upsert and query. */
export function parseSparse(value: unknown): Sparse {
  check(isObject(value) && Array.isArray(value.indices) && Array.isArray(value.values), 'sparse vector needs indices and values');
  const { indices, values } = value as { indices: unknown[]; values: unknown[] };
  check(indices.length === values.length, 'sparse vector indices and values must have the same length');
  check(indices.every((i) => Number.isInteger(i) && (i as number) >= 0 && (i as number) <= 0xffffffff), 'sparse indices must be uint32');
  check(new Set(indices).size === indices.length, 'sparse vector indices must be unique');
  check(values.every((v) => typeof v === 'number' && Number.isFinite(v)), 'sparse values must be numbers');
  return { indices: indices as number[], values: values as number[] };
}

function norm(v: number[]): number {
  return Math.sqrt(v.reduce((s, x) => s + x * x, 0));
}

/** One collection of the fake: its vector configuration, payload indexes and points. */
export class FakeCollection {
  readonly specs = new Map<string, VectorSpec>();
  readonly indexes = new Map<string, { data_type: string; params?: unknown }>();
  readonly points = new Map<string, StoredPoint>();
  private readonly params: Record<string, unknown>;
  private operation = 0;

  /** Validates a `CreateCollection` body. */
  constructor(body: unknown) {
    check(isObject(body), 'collection config must be an object');
    const vectors = body.vectors;
    const dense: [string, unknown][] = vectors == null ? [] : isObject(vectors) && 'size' in vectors ? [['', vectors]] : Object.entries(vectors as object);
    check(vectors == null || isObject(vectors), 'vectors must be an object');
    for (const [name, params] of dense) {
      check(isObject(params) && Number.isInteger(params.size) && (params.size as number) >= 1, `vector "${name}" needs an integer size ≥ 1`);
      check(DISTANCES.has(params.distance as string), `vector "${name}" has an unknown distance ${String(params.distance)}`);
      this.specs.set(name, { kind: 'dense', size: params.size as number, distance: params.distance as Distance });
    }
    const sparse = body.sparse_vectors ?? {};
    check(isObject(sparse), 'sparse_vectors must be an object');
    for (const [name, params] of Object.entries(sparse)) {
      check(isObject(params), `sparse vector "${name}" config must be an object`);
      check(params.modifier == null || params.modifier === 'none' || params.modifier === 'idf', 'modifier must be none or idf');
      check(!this.specs.has(name), `vector name "${name}" is used twice`);
      this.specs.set(name, { kind: 'sparse', idf: params.modifier === 'idf' });
    }
    const shards = positiveInt(body.shard_number, 'shard_number') ?? 1;
    const replicas = positiveInt(body.replication_factor, 'replication_factor') ?? 1;
    this.params = dropNulls({
      vectors: vectors == null ? {} : vectors, shard_number: shards, replication_factor: replicas, write_consistency_factor: 1,
      on_disk_payload: true, sparse_vectors: Object.keys(sparse).length ? sparse : undefined,
    });
  }

  /** The next operation number, as Qdrant's `UpdateResult.operation_id`. */
  nextOperation(): number {
    return this.operation++;
  }

  /** `CollectionInfo` as `GET /collections/{name}` returns it. */
  info(): Record<string, unknown> {
    const payloadSchema = Object.fromEntries([...this.indexes].map(([key, index]) => {
      const points = [...this.points.values()].filter((p) => matches({ must_not: [{ is_empty: { key } }] }, p.id, p.payload)).length;
      return [key, { ...index, points }];
    }));
    return {
      status: 'green', optimizer_status: 'ok', indexed_vectors_count: 0, points_count: this.points.size, segments_count: 1,
      config: {
        params: this.params,
        hnsw_config: { m: 16, ef_construct: 100, full_scan_threshold: 10000, max_indexing_threads: 0, on_disk: false },
        optimizer_config: { deleted_threshold: 0.2, vacuum_min_vector_number: 1000, default_segment_number: 0, max_segment_size: null, memmap_threshold: null, indexing_threshold: 10000, flush_interval_sec: 5, max_optimization_threads: null },
        wal_config: { wal_capacity_mb: 32, wal_segments_ahead: 0 },
        quantization_config: null,
      },
      payload_schema: payloadSchema,
    };
  }

  /** Validates a `CreateFieldIndex` body and records the index. */
  createIndex(body: unknown): void {
    check(isObject(body) && typeof body.field_name === 'string' && body.field_name !== '', 'field_name is required');
    const schema = body.field_schema;
    const type = isObject(schema) ? schema.type : schema;
    check(typeof type === 'string' && INDEX_TYPES.has(type), `unknown field_schema ${JSON.stringify(schema)}`);
    this.indexes.set(body.field_name, isObject(schema) ? { data_type: type, params: schema } : { data_type: type });
  }

  /** Validates a `PointStruct` (store it in {@link points} under `String(id)`; upserts replace whole points). */
  parsePoint(raw: unknown, version: number): StoredPoint {
    check(isObject(raw), 'a point must be an object');
    const id = pointId(raw.id);
    const named: [string, unknown][] = Array.isArray(raw.vector) ? [['', raw.vector]] : isObject(raw.vector) ? Object.entries(raw.vector) : [];
    check(Array.isArray(raw.vector) || isObject(raw.vector), `point ${id} needs a vector`);
    const vectors = new Map<string, number[] | Sparse>();
    for (const [name, value] of named) vectors.set(name, this.vector(name, value));
    check(raw.payload == null || isObject(raw.payload), 'payload must be an object');
    return { id, vectors, payload: (raw.payload as Record<string, unknown>) ?? {}, version };
  }

  /** Validates a vector for the named vector `name`; Cosine vectors are stored normalised, as Qdrant does. */
  vector(name: string, value: unknown): number[] | Sparse {
    const spec = this.specs.get(name);
    if (!spec) throw new FakeQdrantError(400, `Wrong input: Not existing vector name error: ${name}`);
    if (spec.kind === 'sparse') return parseSparse(value);
    check(Array.isArray(value) && value.every((x) => typeof x === 'number' && Number.isFinite(x)), `vector "${name}" must be an array of numbers`);
    check(value.length === spec.size, `Vector dimension error: expected dim: ${spec.size}, got ${value.length}`);
    if (spec.distance !== 'Cosine') return value;
    const n = norm(value);
    return n === 0 ? value : value.map((x) => x / n);
  }

  /** Points passing `filter` (validated even when the collection is empty). */
  filtered(filter: unknown): StoredPoint[] {
    matches(filter, 0, {});
    return [...this.points.values()].filter((p) => matches(filter, p.id, p.payload));
  }

  /**
   * Scores `candidates` against a query vector on the named vector `using`, best first: cosine similarity or dot
   * product (higher first), Euclid or Manhattan distance (lower first); sparse queries score by dot product and only
   * points sharing an index with the query are found (with `idf` weighting when the vector has that modifier).
   */
  score(using: string, query: unknown, candidates: StoredPoint[]): { scored: Scored[]; ascending: boolean } {
    const spec = this.specs.get(using);
    if (!spec) throw new FakeQdrantError(400, `Wrong input: Not existing vector name error: ${using}`);
    const q = this.vector(using, query);
    const scored: Scored[] = [];
    if (spec.kind === 'sparse') {
      const weights = new Map((q as Sparse).indices.map((index, i) => [index, (q as Sparse).values[i]!]));
      const idf = spec.idf ? this.idf(using, [...weights.keys()]) : undefined;
      for (const point of candidates) {
        const v = point.vectors.get(using) as Sparse | undefined;
        const shared = v?.indices.flatMap((index, i) => (weights.has(index) ? [[index, v.values[i]!] as const] : [])) ?? [];
        if (shared.length === 0) continue;
        scored.push({ point, score: shared.reduce((s, [index, value]) => s + value * weights.get(index)! * (idf?.get(index) ?? 1), 0) });
      }
    } else {
      const dense = q as number[];
      for (const point of candidates) {
        const v = point.vectors.get(using) as number[] | undefined;
        if (!v) continue;
        const score = spec.distance === 'Euclid' ? Math.sqrt(v.reduce((s, x, i) => s + (x - dense[i]!) ** 2, 0))
          : spec.distance === 'Manhattan' ? v.reduce((s, x, i) => s + Math.abs(x - dense[i]!), 0)
            : v.reduce((s, x, i) => s + x * dense[i]!, 0);
        scored.push({ point, score });
      }
    }
    const ascending = spec.kind === 'dense' && (spec.distance === 'Euclid' || spec.distance === 'Manhattan');
    scored.sort((a, b) => (ascending ? a.score - b.score : b.score - a.score) || (String(a.point.id) < String(b.point.id) ? -1 : 1));
    return { scored, ascending };
  }

  /** Qdrant's sparse idf: ln(1 + (N − n + 0.5) / (n + 0.5)), N points with the vector, n of them having the index. */
  private idf(using: string, indices: number[]): Map<number, number> {
    const vectors = [...this.points.values()].flatMap((p) => (p.vectors.has(using) ? [p.vectors.get(using) as Sparse] : []));
    return new Map(indices.map((index) => {
      const n = vectors.filter((v) => v.indices.includes(index)).length;
      return [index, Math.log(1 + (vectors.length - n + 0.5) / (n + 0.5))];
    }));
  }
}
