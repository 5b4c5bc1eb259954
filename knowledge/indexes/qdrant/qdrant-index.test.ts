import { jest } from '@jest/globals';
import { ParleyError } from '../../../bot/core/index.js';
import type { IndexPoint } from '../vector-index.js';
import { pointIdFor, QdrantIndex, type QdrantIndexOptions } from './index.js';
import { startFakeQdrant, type FakeQdrant, type FakeQdrantRequest } from './testing/index.js';
import { runVectorIndexScenario, SCENARIO_QUERY } from './scenario.js';
import { QDRANT_SPEC, qdrantSpecAvailable, requestSchemasSeen, specErrors } from './testing/openapi.js';

// ---- Qdrant's published OpenAPI document: every request the adapter sends and every answer of the fake must fit it.
if (!qdrantSpecAvailable) console.warn(`${QDRANT_SPEC} is missing: skipping the checks of requests and responses against Qdrant's OpenAPI document`);

// ---- One fake per test, checked against the document afterwards.
let fake: FakeQdrant;
beforeEach(async () => {
  fake = await startFakeQdrant();
});
afterEach(async () => {
  await fake.close();
  expect(fake.requests.flatMap(specErrors)).toEqual([]);
});

const open = (options: Partial<QdrantIndexOptions> = {}): QdrantIndex => new QdrantIndex({ url: fake.url, retryDelayMs: 1, ...options });
const calls = (method: string, suffix: string): FakeQdrantRequest[] => fake.requests.filter((r) => r.method === method && r.path.endsWith(suffix));
const points = (n: number): IndexPoint[] => Array.from({ length: n }, (_, i) => ({ id: `ticket-${i}`, dense: [1, i, 0, 0], sparse: { indices: [i], values: [1] }, payload: { channel: 'email' } }));
const coded = (code: string, details?: Record<string, unknown>) => expect.objectContaining(details ? { code, details: expect.objectContaining(details) } : { code });

test('runs the shared VectorIndex scenario against the fake', async () => {
  await runVectorIndexScenario(open({ collection: 'scenario' }));
});

test('ensure creates named dense + sparse vectors, shards, replicas and keyword payload indexes, once', async () => {
  const index = open({ shards: 2, replicas: 2 });
  await index.ensure({ dims: 4, payloadKeys: ['channel', 'tags'] });
  const [create] = calls('PUT', '/collections/parley_tickets');
  expect(create?.body).toEqual({ vectors: { dense: { size: 4, distance: 'Cosine' } }, sparse_vectors: { sparse: { modifier: 'none' } }, shard_number: 2, replication_factor: 2 });
  expect(calls('PUT', '/index').map((r) => r.body)).toEqual(['channel', 'tags', 'ticket_id'].map((field_name) => ({ field_name, field_schema: 'keyword' })));
  const before = fake.requests.length;
  await index.ensure({ dims: 4, payloadKeys: ['channel', 'tags'] });
  expect(fake.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual(['GET /collections/parley_tickets/exists', 'GET /collections/parley_tickets']);
  await index.ensure({ dims: 4, payloadKeys: ['channel', 'language'] });
  expect(calls('PUT', '/index').map((r) => (r.body as { field_name: string }).field_name)).toEqual(['channel', 'tags', 'ticket_id', 'language']);
});

test('upserts and deletes in batches of batchSize, with UUID point ids and the ticket id in the payload', async () => {
  const index = open({ collection: 'batches' });
  await index.ensure({ dims: 4, payloadKeys: [] });
  await index.upsert(points(600));
  const upserts = calls('PUT', '/points');
  expect(upserts.map((r) => (r.body as { points: unknown[] }).points.length)).toEqual([256, 256, 88]);
  expect(upserts.every((r) => r.query.wait === 'true')).toBe(true);
  expect((upserts[0]!.body as { points: unknown[] }).points[0]).toEqual({
    id: pointIdFor('ticket-0'), vector: { dense: [1, 0, 0, 0], sparse: { indices: [0], values: [1] } }, payload: { channel: 'email', ticket_id: 'ticket-0' },
  });
  expect(await index.count()).toBe(600);
  await index.delete(points(600).map((p) => p.id));
  expect(calls('POST', '/points/delete').map((r) => (r.body as { points: unknown[] }).points.length)).toEqual([256, 256, 88]);
  expect(await index.count()).toBe(0);
});

test('maps ticket ids to deterministic RFC 4122 version-5-style UUIDs', () => {
  expect(pointIdFor('T-1')).toBe(pointIdFor('T-1'));
  expect(pointIdFor('T-1')).not.toBe(pointIdFor('T-2'));
  expect(pointIdFor('T-1')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test('sends hybrid queries as sparse + dense prefetches fused by RRF (Parley’s k), and single-vector queries with using', async () => {
  const index = open();
  await index.ensure({ dims: 4, payloadKeys: ['channel'] });
  await index.query({ ...SCENARIO_QUERY, limit: 20, filter: { channel: 'email' } });
  await index.query({ ...SCENARIO_QUERY, limit: 3, mode: 'keyword' });
  await index.query({ ...SCENARIO_QUERY, limit: 3, mode: 'dense' });
  await index.query({ ...SCENARIO_QUERY, sparse: { indices: [], values: [] } });
  const filter = { must: [{ key: 'channel', match: { value: 'email' } }] };
  expect(calls('POST', '/points/query').map((r) => r.body)).toEqual([
    {
      prefetch: [{ query: SCENARIO_QUERY.sparse, using: 'sparse', limit: 80, filter }, { query: SCENARIO_QUERY.dense, using: 'dense', limit: 80, filter }],
      query: { rrf: { k: 61 } }, limit: 20, with_payload: ['ticket_id'],
    },
    { query: SCENARIO_QUERY.sparse, using: 'sparse', limit: 3, with_payload: ['ticket_id'] },
    { query: SCENARIO_QUERY.dense, using: 'dense', limit: 3, with_payload: ['ticket_id'] },
    { prefetch: [{ query: SCENARIO_QUERY.dense, using: 'dense', limit: 50 }], query: { rrf: { k: 61 } }, limit: 10, with_payload: ['ticket_id'] },
  ]);
});

test('retries 503, 429 and reset connections with backoff, then succeeds', async () => {
  const index = open({ collection: 'flaky' });
  await index.ensure({ dims: 4, payloadKeys: [] });
  fake.failNext(1, 503);
  fake.failNext(1, 429);
  fake.failNext(1, 'reset');
  await index.upsert(points(3));
  expect(calls('PUT', '/points').map((r) => r.status)).toEqual([503, 429, 0, 200]);
  expect(await index.count()).toBe(3);
});

test('gives up after `retries` retries with a coded storage_failed error', async () => {
  const index = open({ collection: 'down', retries: 2 });
  fake.failNext(5, 503);
  await expect(index.count()).rejects.toEqual(coded('storage_failed', { engine: 'qdrant', operation: 'count', status: 503, attempts: 3 }));
  expect(fake.requests.filter((r) => r.path.startsWith('/collections'))).toHaveLength(3);
});

test('does not retry errors that retrying cannot fix (unknown collection)', async () => {
  const index = open({ collection: 'missing' });
  await expect(index.query(SCENARIO_QUERY)).rejects.toEqual(coded('storage_failed', { status: 404, attempts: 1 }));
  await expect(index.clear()).resolves.toBeUndefined(); // nothing to clear
  expect(fake.requests.at(-1)?.response).toEqual({ status: { error: 'Not found: Collection `missing` doesn\'t exist!' }, time: expect.any(Number) });
});

test('refuses a collection of another size that holds points (config_invalid), recreates an empty one', async () => {
  const index = open({ collection: 'sized' });
  await index.ensure({ dims: 4, payloadKeys: [] });
  await index.upsert(points(2));
  await expect(open({ collection: 'sized' }).ensure({ dims: 8, payloadKeys: [] })).rejects.toEqual(coded('config_invalid', { dims: 8, points: 2 }));
  await index.clear();
  await open({ collection: 'sized' }).ensure({ dims: 8, payloadKeys: [] });
  expect(fake.collections.get('sized')?.info()).toMatchObject({ config: { params: { vectors: { dense: { size: 8 } } } } });
});

test('rejects bad input and options with coded errors before calling Qdrant', async () => {
  const index = open();
  await index.ensure({ dims: 4, payloadKeys: [] });
  const sent = fake.requests.length;
  await expect(index.query({ ...SCENARIO_QUERY, limit: -1 })).rejects.toEqual(coded('bad_request'));
  await expect(index.query({ ...SCENARIO_QUERY, dense: [1, 2] })).rejects.toEqual(coded('bad_request'));
  await expect(index.upsert([{ ...points(1)[0]!, sparse: { indices: [1, 1], values: [1, 2] } }])).rejects.toEqual(coded('bad_request'));
  await expect(index.ensure({ dims: 0, payloadKeys: [] })).rejects.toEqual(coded('bad_request'));
  expect(await index.query({ ...SCENARIO_QUERY, limit: 0 })).toEqual([]);
  expect(fake.requests.length).toBe(sent);
  expect(() => open({ batchSize: 0 })).toThrow(expect.objectContaining({ code: 'config_invalid' }));
  expect(() => new QdrantIndex({ url: 'localhost:6333' })).toThrow(ParleyError);
});

test('sends the api key when one is configured', async () => {
  await fake.close();
  fake = await startFakeQdrant({ apiKey: 'secret' });
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined); // the client warns about keys over http
  try {
    await expect(open({ collection: 'keyed' }).count()).rejects.toEqual(coded('storage_failed', { status: 401 }));
    await open({ collection: 'keyed', apiKey: 'secret' }).ensure({ dims: 2, payloadKeys: [] });
    expect(fake.collections.has('keyed')).toBe(true);
  } finally {
    warn.mockRestore();
  }
});

test('the fake follows Qdrant: default RRF k = 2, 400 on bad bodies, 409 on duplicate collections', async () => {
  const send = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${fake.url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as { result?: { points: { id: number; score: number }[] }; status: unknown } };
  };
  const created = { vectors: { a: { size: 2, distance: 'Dot' } }, sparse_vectors: { s: {} } };
  expect((await send('PUT', '/collections/raw', created)).status).toBe(200);
  expect((await send('PUT', '/collections/raw', created)).status).toBe(409);
  expect((await send('PUT', '/collections/bad', { vectors: { a: { size: 0, distance: 'Dot' } } })).status).toBe(400);
  const upsert = { points: [1, 2, 3].map((id) => ({ id, vector: { a: [id, 1], s: { indices: [id], values: [1] } } })) };
  expect((await send('PUT', '/collections/raw/points?wait=true', upsert)).status).toBe(200);
  expect((await send('PUT', '/collections/raw/points', { points: [{ id: 'x', vector: { a: [1, 1] } }] })).status).toBe(400);
  expect((await send('PUT', '/collections/raw/points', { points: [{ id: 4, vector: { a: [1] } }] })).status).toBe(400);
  const fused = await send('POST', '/collections/raw/points/query', { prefetch: [{ query: [1, 0], using: 'a' }, { query: { indices: [1], values: [1] }, using: 's' }], query: { fusion: 'rrf' } });
  expect(fused.json.result?.points.map((p) => [p.id, p.score])).toEqual([[3, 1 / 2], [1, 1 / 4 + 1 / 2], [2, 1 / 3]].sort((a, b) => b[1]! - a[1]!));
  expect((await send('POST', '/collections/raw/points/query', { query: [1, 0], using: 'a', filter: { bogus: [] } })).status).toBe(400);
  expect((await send('POST', '/collections/raw/points/count', { filter: { must: [{ has_id: [1, 2] }] } })).json.result).toEqual({ count: 2 });
});

test('every request the adapter sent fits Qdrant’s documented request schemas', () => {
  if (!qdrantSpecAvailable) return console.warn(`${QDRANT_SPEC} is missing: request schema coverage not checked`);
  expect([...requestSchemasSeen].sort()).toEqual(expect.arrayContaining(['CountRequest', 'CreateCollection', 'CreateFieldIndex', 'PointInsertOperations', 'PointsSelector', 'QueryRequest']));
});
