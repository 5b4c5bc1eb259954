import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IndexGeneration, IndexGenerations } from '../generations.js';
import type { IndexPoint } from '../vector-index.js';
import { toQdrantFilter } from './mapping.js';
import { pointIdFor, QdrantIndex, qdrantGenerations } from './index.js';
import { startFakeQdrant, type FakeQdrant, type FakeQdrantRequest } from './testing/index.js';
import { QDRANT_SPEC, qdrantSpecAvailable, requestSchemasSeen, schemaErrors, specErrors } from './testing/openapi.js';

if (!qdrantSpecAvailable) console.warn(`${QDRANT_SPEC} is missing: skipping the checks of requests and responses against Qdrant's OpenAPI document`);

let fake: FakeQdrant;
beforeEach(async () => {
  fake = await startFakeQdrant();
});
afterEach(async () => {
  await fake.close();
  expect(fake.requests.flatMap(specErrors)).toEqual([]);
});

/** One "server": its own client on the shared fake, base collection `kb`. */
const server = (): IndexGenerations => qdrantGenerations({ url: fake.url, collection: 'kb', retryDelayMs: 1 });
const generation = (version: number): IndexGeneration => ({ version, dims: 4, payloadKeys: ['scope', 'label'] });
const ticket = (id: string, scope: string, dense = [1, 0, 0, 0]): IndexPoint => ({ id, dense, sparse: { indices: [1], values: [1] }, payload: { scope, label: 'billing' } });
/** The requests since `start`, without the client's version check (`GET /`, sent when the SDK client is first made). */
const since = (start: number): FakeQdrantRequest[] => fake.requests.slice(start).filter((r) => !(r.method === 'GET' && r.path === '/'));
const routes = (requests: FakeQdrantRequest[]): string[] => requests.map((r) => `${r.method} ${r.path}`);
const send = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: { result?: unknown; status: unknown } }> => {
  const res = await fetch(`${fake.url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as { result?: unknown; status: unknown } };
};

test('the first server creates the version’s collection (named dense + sparse, keyword indexes) and finds it fresh', async () => {
  const { index, fresh } = await server().open(generation(1));
  expect(fresh).toBe(true);
  expect(index.engine).toBe('qdrant');
  expect((index as QdrantIndex).collection).toBe('kb_v1');
  const [create] = fake.requests.filter((r) => r.method === 'PUT' && r.path === '/collections/kb_v1');
  expect(create?.body).toEqual({ vectors: { dense: { size: 4, distance: 'Cosine' } }, sparse_vectors: { sparse: { modifier: 'none' } } });
  expect(fake.requests.filter((r) => r.path === '/collections/kb_v1/index').map((r) => r.body)).toEqual(
    ['scope', 'label', 'ticket_id'].map((field_name) => ({ field_name, field_schema: 'keyword' })));
});

test('a second server opening the same version is not fresh and neither re-upserts nor wipes it', async () => {
  const a = await server().open(generation(1));
  await a.index.upsert([ticket('T-1', 'brand-a'), ticket('T-2', '*')]);
  const start = fake.requests.length;
  const b = await server().open(generation(1));
  expect(b.fresh).toBe(false);
  expect(routes(since(start)).filter((r) => !r.startsWith('GET ') && !r.endsWith('/points/count'))).toEqual([]);
  expect(await b.index.count()).toBe(2);
  // Each server's per-ticket writes are seen by the other, on the same collection.
  await b.index.upsert([ticket('T-3', 'brand-b')]);
  expect(await a.index.count()).toBe(3);
});

/**
 * A proxy in front of the fake that holds every `GET …/exists` until `parties` of them arrived, so that two servers
 * both see the collection missing and both try to create it: the race, made certain.
 */
async function existsBarrier(parties: number): Promise<{ url: string; close: () => Promise<void> }> {
  const waiting: (() => void)[] = [];
  const proxy = createServer((req, res) => void (async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.url?.endsWith('/exists')) {
      await new Promise<void>((resolve) => {
        waiting.push(resolve);
        if (waiting.length === parties) waiting.splice(0).forEach((release) => release());
      });
    }
    const headers = { 'content-type': 'application/json' };
    const answer = await fetch(`${fake.url}${req.url}`, { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined });
    res.writeHead(answer.status, headers).end(await answer.text());
  })());
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => {
      proxy.closeAllConnections();
      proxy.close(() => resolve());
    }),
  };
}

test('two servers creating the same version at once both succeed (409 "already exists" counts as success)', async () => {
  const barrier = await existsBarrier(2);
  try {
    const racing = (): IndexGenerations => qdrantGenerations({ url: barrier.url, collection: 'kb', retryDelayMs: 1 });
    const [a, b] = await Promise.all([racing().open(generation(7)), racing().open(generation(7))]);
    const creates = fake.requests.filter((r) => r.method === 'PUT' && r.path === '/collections/kb_v7');
    expect(creates.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(creates.find((r) => r.status === 409)?.response).toEqual({ status: { error: expect.stringContaining('already exists') }, time: expect.any(Number) });
    expect([a.fresh, b.fresh]).toEqual([true, true]); // both may fill it: upserts by ticket id are idempotent
    await a.index.upsert([ticket('T-1', 'brand-a')]);
    await b.index.upsert([ticket('T-1', 'brand-a')]);
    expect(await b.index.count()).toBe(1);
  } finally {
    await barrier.close();
  }
});

test('publish moves the alias in one aliases request and drops only versions older than version - 1', async () => {
  const a = server();
  for (const version of [1, 2, 3]) {
    const { index } = await a.open(generation(version));
    await index.upsert([ticket(`T-v${version}`, '*')]);
  }
  await a.publish(1);
  expect(fake.aliases.get('kb')).toBe('kb_v1');
  const start = fake.requests.length;
  await a.publish(3);
  const aliasRequests = since(start).filter((r) => r.path === '/collections/aliases');
  expect(aliasRequests.map((r) => r.body)).toEqual([{
    actions: [{ delete_alias: { alias_name: 'kb' } }, { create_alias: { collection_name: 'kb_v3', alias_name: 'kb' } }],
  }]);
  expect(fake.aliases.get('kb')).toBe('kb_v3');
  expect([...fake.collections.keys()].sort()).toEqual(['kb_v2', 'kb_v3']);
  // Readers that follow the alias see the published version.
  const reader = new QdrantIndex({ url: fake.url, collection: 'kb', retryDelayMs: 1 });
  expect(await reader.query({ dense: [1, 0, 0, 0], sparse: { indices: [1], values: [1] }, limit: 5 })).toEqual([{ id: 'T-v3', score: expect.any(Number) }]);
  expect((await send('GET', '/collections/kb_v3/aliases')).json.result).toEqual({ aliases: [{ alias_name: 'kb', collection_name: 'kb_v3' }] });
});

test('an older server publishing late neither moves the alias back nor drops the newer versions', async () => {
  const a = server();
  for (const version of [4, 5, 6]) await a.open(generation(version));
  await a.publish(6);
  const start = fake.requests.length;
  await server().publish(5);
  expect(since(start).filter((r) => r.path === '/collections/aliases')).toEqual([]);
  expect(fake.aliases.get('kb')).toBe('kb_v6');
  expect([...fake.collections.keys()].sort()).toEqual(['kb_v5', 'kb_v6']);
});

test('publish replaces a single collection left under the alias’s name by an earlier Parley', async () => {
  await new QdrantIndex({ url: fake.url, collection: 'kb', retryDelayMs: 1 }).ensure({ dims: 4, payloadKeys: [] });
  const a = server();
  await a.open(generation(1));
  await a.publish(1);
  expect([...fake.collections.keys()]).toEqual(['kb_v1']);
  expect(fake.aliases.get('kb')).toBe('kb_v1');
});

test('publish of a version never opened is refused (not_found) and leaves the alias alone', async () => {
  const a = server();
  await a.open(generation(1));
  await a.publish(1);
  await expect(a.publish(2)).rejects.toMatchObject({ code: 'not_found' });
  await expect(a.publish(-1)).rejects.toMatchObject({ code: 'bad_request' });
  expect(fake.aliases.get('kb')).toBe('kb_v1');
});

test('publish retries what Qdrant failed transiently (503), like every Qdrant call', async () => {
  const a = server();
  await a.open(generation(1));
  const start = fake.requests.length;
  fake.failNext(1, 503);
  await a.publish(1);
  expect(since(start).map((r) => r.status)).toEqual([503, 200, 200, 200, 200]);
  expect(since(start).filter((r) => r.path === '/collections/aliases')).toHaveLength(1);
  expect(fake.aliases.get('kb')).toBe('kb_v1');
});

test('per-ticket upserts and deletes touch only those points, never the whole collection', async () => {
  const { index } = await server().open(generation(1));
  await index.upsert([ticket('T-1', 'brand-a'), ticket('T-2', 'brand-b'), ticket('T-3', '*')]);
  const start = fake.requests.length;
  await index.upsert([ticket('T-2', 'brand-a', [0, 1, 0, 0])]);
  await index.delete(['T-3']);
  expect(since(start).map((r) => [r.path, r.body])).toEqual([
    ['/collections/kb_v1/points', { points: [expect.objectContaining({ id: pointIdFor('T-2'), payload: { scope: 'brand-a', label: 'billing', ticket_id: 'T-2' } })] }],
    ['/collections/kb_v1/points/delete', { points: [pointIdFor('T-3')] }],
  ]);
  expect([...fake.collections.get('kb_v1')!.points.values()].map((p) => p.payload.ticket_id).sort()).toEqual(['T-1', 'T-2']);
});

test('deleteMatching removes the points of a filter in one request (a scope), and refuses an empty filter', async () => {
  const { index } = await server().open(generation(1));
  await index.upsert([ticket('A1', 'brand-a'), ticket('A2', 'brand-a'), ticket('B', 'brand-b'), ticket('S', '*')]);
  const start = fake.requests.length;
  await (index as QdrantIndex).deleteMatching({ scope: ['brand-a', 'brand-c'] });
  expect(since(start).map((r) => r.body)).toEqual([{ filter: { must: [{ key: 'scope', match: { any: ['brand-a', 'brand-c'] } }] } }]);
  expect([...fake.collections.get('kb_v1')!.points.values()].map((p) => p.payload.ticket_id).sort()).toEqual(['B', 'S']);
  await expect((index as QdrantIndex).deleteMatching({})).rejects.toMatchObject({ code: 'bad_request' });
  expect(await index.count()).toBe(2);
});

test('any-of filters: an array of scopes becomes match.any and finds only those scopes', async () => {
  const { index } = await server().open(generation(1));
  await index.upsert([ticket('A', 'brand-a'), ticket('B', 'brand-b'), ticket('S', '*', [0.9, 0.1, 0, 0])]);
  const start = fake.requests.length;
  const found = await index.query({ dense: [1, 0, 0, 0], sparse: { indices: [1], values: [1] }, limit: 10, filter: { scope: ['brand-a', '*'] } });
  expect(found.map((p) => p.id).sort()).toEqual(['A', 'S']);
  const [query] = since(start);
  expect((query?.body as { prefetch: { filter: unknown }[] }).prefetch[0]?.filter).toEqual({ must: [{ key: 'scope', match: { any: ['brand-a', '*'] } }] });
  expect(await index.query({ dense: [1, 0, 0, 0], sparse: { indices: [1], values: [1] }, limit: 10, filter: { scope: [] } })).toEqual([]);
});

test('any-of arrays Qdrant’s match.any cannot hold become a nested should', () => {
  expect(toQdrantFilter({ scope: ['a', 'a', 'b'], n: [1, 2] })).toEqual({ must: [{ key: 'scope', match: { any: ['a', 'b'] } }, { key: 'n', match: { any: [1, 2] } }] });
  expect(toQdrantFilter({ x: [true, 1.5, 'y'] })).toEqual({ must: [{ should: [{ key: 'x', match: { value: true } }, { key: 'x', range: { gte: 1.5, lte: 1.5 } }, { key: 'x', match: { value: 'y' } }] }] });
  expect(() => toQdrantFilter({ x: [Number.NaN] })).toThrow(expect.objectContaining({ code: 'bad_request' }));
});

test('the fake evaluates mixed any-of filters like the embedded index, and rejects a match.any Qdrant would not take', async () => {
  expect((await send('PUT', '/collections/raw', { vectors: { size: 2, distance: 'Dot' } })).status).toBe(200);
  const points = [{ id: 1, vector: [1, 0], payload: { x: true } }, { id: 2, vector: [1, 0], payload: { x: 1.5 } }, { id: 3, vector: [1, 0], payload: { x: 'z' } }];
  expect((await send('PUT', '/collections/raw/points', { points })).status).toBe(200);
  const count = async (filter: unknown) => (await send('POST', '/collections/raw/points/count', { filter })).json;
  expect((await count(toQdrantFilter({ x: [true, 1.5] }))).result).toEqual({ count: 2 });
  expect((await send('POST', '/collections/raw/points/count', { filter: { must: [{ key: 'x', match: { any: ['a', 1] } }] } })).status).toBe(400);
  expect((await send('POST', '/collections/raw/points/count', { filter: { must: [{ key: 'x', match: { any: ['a', 'a'] } }] } })).status).toBe(400);
});

test('the fake answers alias requests as Qdrant documents them, and rejects malformed ones', async () => {
  expect((await send('PUT', '/collections/c1', { vectors: { size: 2, distance: 'Dot' } })).status).toBe(200);
  const malformed = [{}, { actions: {} }, { actions: [{ create_alias: { alias_name: 'a' } }] }, { actions: [{ bogus: {} }] }, { actions: [{ delete_alias: { alias_name: 7 } }] }];
  for (const body of malformed) {
    if (qdrantSpecAvailable) expect(schemaErrors('ChangeAliasesOperation', body)).not.toEqual([]); // the document rejects them too
    const answer = await send('POST', '/collections/aliases', body);
    expect(answer).toEqual({ status: 400, json: { status: { error: expect.stringMatching(/^Json deserialize error/) }, time: expect.any(Number) } });
  }
  expect(fake.aliases.size).toBe(0);
  const alias = (actions: unknown[]) => send('POST', '/collections/aliases', { actions });
  expect((await alias([{ create_alias: { collection_name: 'nope', alias_name: 'a' } }])).status).toBe(404);
  expect((await alias([{ create_alias: { collection_name: 'c1', alias_name: 'c1' } }])).status).toBe(409);
  expect((await alias([{ rename_alias: { old_alias_name: 'missing', new_alias_name: 'b' } }])).status).toBe(404);
  expect((await alias([{ delete_alias: { alias_name: 'missing' } }, { create_alias: { collection_name: 'c1', alias_name: 'a' } }])).json.result).toBe(true);
  expect((await alias([{ rename_alias: { old_alias_name: 'a', new_alias_name: 'b' } }])).status).toBe(200);
  expect((await send('GET', '/aliases')).json.result).toEqual({ aliases: [{ alias_name: 'b', collection_name: 'c1' }] });
  expect((await send('GET', '/collections/b/exists')).json.result).toEqual({ exists: true });
  expect((await send('PUT', '/collections/b', { vectors: { size: 2, distance: 'Dot' } })).status).toBe(409);
  expect((await send('GET', '/collections')).json.result).toEqual({ collections: [{ name: 'c1' }] });
  expect((await send('DELETE', '/collections/c1')).json.result).toBe(true);
  expect((await send('GET', '/aliases')).json.result).toEqual({ aliases: [] }); // a dropped collection's aliases go with it
  expect((await send('GET', '/collections/c1/aliases')).status).toBe(404);
});

test('every generations request fits Qdrant’s documented request schemas', () => {
  if (!qdrantSpecAvailable) return console.warn(`${QDRANT_SPEC} is missing: request schema coverage not checked`);
  expect([...requestSchemasSeen]).toEqual(expect.arrayContaining(['ChangeAliasesOperation', 'CreateCollection', 'CreateFieldIndex', 'PointInsertOperations', 'PointsSelector', 'QueryRequest', 'CountRequest']));
});
