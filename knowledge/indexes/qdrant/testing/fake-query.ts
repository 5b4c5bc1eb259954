import type { FakeCollection, Scored, StoredPoint } from './fake-collection.js';
import { bothFilters, check, FakeQdrantError, isObject } from './fake-filter.js';

/** Qdrant's default RRF constant (`fusion: "rrf"` without parameters). */
const QDRANT_DEFAULT_RRF_K = 2;
const UNSUPPORTED = ['recommend', 'discover', 'context', 'order_by', 'formula', 'sample', 'relevance_feedback', 'mmr'];

/**
 * Reciprocal rank fusion as Qdrant computes it: a point at position p (from 0) of a prefetch with weight w scores
 * 1 / ((p + 1) / w + k − 1), i.e. 1 / (k + p) unweighted; scores add up over prefetches; ties keep first-seen order.
 */
function rrf(lists: Scored[][], k: number, weights: number[] | undefined): Scored[] {
  check(!weights || weights.length === lists.length, `Number of weights in RRF should match number of pre-fetches: got ${weights?.length}, expected ${lists.length}`);
  const fused = new Map<string, Scored>();
  lists.forEach((list, l) => {
    const weight = weights?.[l] ?? 1;
    list.forEach(({ point }, position) => {
      const score = weight <= 0 ? 0 : 1 / ((position + 1) / weight + k - 1);
      const key = String(point.id);
      const entry = fused.get(key);
      if (entry) entry.score += score;
      else fused.set(key, { point, score });
    });
  });
  return [...fused.values()].sort((a, b) => b.score - a.score);
}

/** The fusion a query asks for, or undefined when it is not a fusion query. */
function fusion(query: unknown): { k: number; weights?: number[] } | undefined {
  if (!isObject(query)) return undefined;
  if ('fusion' in query) {
    check(query.fusion === 'rrf' || query.fusion === 'dbsf', 'fusion must be rrf or dbsf');
    if (query.fusion === 'dbsf') throw new FakeQdrantError(400, 'Wrong input: the fake implements rrf fusion only');
    return { k: QDRANT_DEFAULT_RRF_K };
  }
  if ('rrf' in query) {
    const params = query.rrf;
    check(isObject(params), 'rrf must be an object');
    check(params.k == null || (Number.isInteger(params.k) && (params.k as number) >= 1), 'rrf.k must be an integer ≥ 1');
    check(params.weights == null || (Array.isArray(params.weights) && params.weights.every((w) => typeof w === 'number')), 'rrf.weights must be numbers');
    return { k: (params.k as number | null) ?? QDRANT_DEFAULT_RRF_K, weights: (params.weights as number[] | null) ?? undefined };
  }
  return undefined;
}

/** The vector of a nearest-neighbour query (`[...]`, `{indices, values}` or `{ nearest: ... }`). */
function nearest(query: unknown): unknown {
  if (isObject(query)) {
    const unsupported = UNSUPPORTED.find((key) => key in query);
    if (unsupported) throw new FakeQdrantError(400, `Wrong input: the fake does not implement "${unsupported}" queries`);
    if ('nearest' in query) return nearest(query.nearest);
    check('indices' in query, 'unrecognised query');
    return query;
  }
  if (Array.isArray(query)) {
    check(!query.some(Array.isArray), 'the fake does not implement multivector queries');
    return query;
  }
  throw new FakeQdrantError(400, 'Wrong input: the fake does not implement queries by point id or inference objects');
}

function limitOf(request: Record<string, unknown>): number {
  const limit = request.limit ?? 10;
  check(Number.isInteger(limit) && (limit as number) >= 1, 'limit must be an integer ≥ 1');
  return limit as number;
}

/** Runs one query stage (a `QueryRequest` or a `Prefetch`), prefetches first, within the inherited `outerFilter`. */
export function runStage(collection: FakeCollection, request: unknown, outerFilter: unknown, top: boolean): Scored[] {
  check(isObject(request), 'query request must be an object');
  const filter = bothFilters(outerFilter, request.filter);
  collection.filtered(filter); // validates the filter
  const limit = limitOf(request);
  const offset = top ? request.offset ?? 0 : 0;
  check(Number.isInteger(offset) && (offset as number) >= 0, 'offset must be a non-negative integer');
  check(request.using == null || typeof request.using === 'string', 'using must be a string');
  const prefetch = request.prefetch == null ? [] : Array.isArray(request.prefetch) ? request.prefetch : [request.prefetch];
  const fuse = fusion(request.query);
  let results: Scored[];
  let ascending = false;
  if (prefetch.length > 0) {
    const lists = prefetch.map((p) => runStage(collection, p, filter, false));
    if (fuse) results = rrf(lists, fuse.k, fuse.weights);
    else {
      check(request.query != null, 'the fake needs a query to combine prefetches');
      const seen = new Map<string, StoredPoint>(lists.flat().map(({ point }) => [String(point.id), point]));
      ({ scored: results, ascending } = collection.score((request.using as string | undefined) ?? '', nearest(request.query), [...seen.values()]));
    }
  } else {
    check(!fuse, 'fusion needs prefetches');
    const candidates = collection.filtered(filter);
    if (request.query == null) results = candidates.map((point) => ({ point, score: 0 })).sort((a, b) => (String(a.point.id) < String(b.point.id) ? -1 : 1));
    else ({ scored: results, ascending } = collection.score((request.using as string | undefined) ?? '', nearest(request.query), candidates));
  }
  const threshold = request.score_threshold;
  if (typeof threshold === 'number') results = results.filter((r) => (ascending ? r.score <= threshold : r.score >= threshold));
  return results.slice(offset as number, (offset as number) + limit);
}

function selectPayload(payload: Record<string, unknown>, selector: unknown): Record<string, unknown> | undefined {
  if (selector == null || selector === false) return undefined;
  if (selector === true) return payload;
  if (Array.isArray(selector)) return Object.fromEntries(Object.entries(payload).filter(([key]) => selector.includes(key)));
  check(isObject(selector) && (Array.isArray(selector.include) || Array.isArray(selector.exclude)), 'with_payload must be a boolean, a list or {include|exclude}');
  const include = selector.include as string[] | undefined;
  const exclude = selector.exclude as string[] | undefined;
  return Object.fromEntries(Object.entries(payload).filter(([key]) => (include ? include.includes(key) : !exclude!.includes(key))));
}

function selectVectors(point: StoredPoint, selector: unknown): unknown {
  if (selector == null || selector === false) return undefined;
  check(selector === true || (Array.isArray(selector) && selector.every((s) => typeof s === 'string')), 'with_vector must be a boolean or a list of names');
  const entries = [...point.vectors].filter(([name]) => selector === true || (selector as string[]).includes(name));
  if (entries.length === 1 && entries[0]![0] === '') return entries[0]![1];
  return Object.fromEntries(entries);
}

/** Answers `POST /collections/{name}/points/query`: `QueryResponse` with `ScoredPoint`s, best first. */
export function queryPoints(collection: FakeCollection, body: unknown): { points: Record<string, unknown>[] } {
  check(isObject(body), 'query request must be an object');
  check(body.lookup_from == null && body.shard_key == null, 'the fake does not implement lookup_from or shard_key');
  const results = runStage(collection, body, undefined, true);
  return {
    points: results.map(({ point, score }) => {
      const payload = selectPayload(point.payload, body.with_payload);
      const vector = selectVectors(point, body.with_vector);
      return { id: point.id, version: point.version, score, ...(payload ? { payload } : {}), ...(vector ? { vector } : {}) };
    }),
  };
}
