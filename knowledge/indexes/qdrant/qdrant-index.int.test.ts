import { randomBytes } from 'node:crypto';
import { QdrantIndex, qdrantGenerations } from './index.js';
import { runVectorIndexScenario } from './scenario.js';

/** A live Qdrant at `QDRANT_URL` (with `QDRANT_API_KEY` when set); without it these tests are skipped. */
const url = process.env.QDRANT_URL?.replace(/\/+$/, '');
const apiKey = process.env.QDRANT_API_KEY || undefined;
if (!url) console.warn('QDRANT_URL is not set: skipping the live Qdrant tests (e.g. QDRANT_URL=http://127.0.0.1:6333)');
const d = url ? describe : describe.skip;

/** Calls the live Qdrant's REST API directly (to inspect and clean up what the adapters did). */
async function rest(method: string, path: string): Promise<{ status: number; result: unknown }> {
  const res = await fetch(`${url!}${path}`, { method, headers: apiKey ? { 'api-key': apiKey } : {} });
  return { status: res.status, result: ((await res.json()) as { result?: unknown }).result };
}

d('QdrantIndex against a live Qdrant', () => {
  const collection = `parley_test_${randomBytes(6).toString('hex')}`;

  afterAll(async () => {
    // Drop the test collection whatever the outcome; Qdrant answers 200 (or 404 on some versions) when it is gone.
    expect([200, 404]).toContain((await rest('DELETE', `/collections/${collection}`)).status);
  });

  it('passes the shared VectorIndex scenario', async () => {
    await runVectorIndexScenario(new QdrantIndex({ url: url!, apiKey, collection, timeoutMs: 10_000 }));
  });
});

d('qdrantGenerations against a live Qdrant', () => {
  const base = `parley_gen_${randomBytes(6).toString('hex')}`;
  const server = () => qdrantGenerations({ url: url!, apiKey, collection: base, timeoutMs: 10_000 });
  const generation = (version: number) => ({ version, dims: 4, payloadKeys: ['scope'] });
  const point = (id: string, scope: string) => ({ id, dense: [1, 0, 0, 0], sparse: { indices: [1], values: [1] }, payload: { scope } });

  afterAll(async () => {
    // Dropping a collection drops its aliases too.
    for (const version of [1, 2, 3]) expect([200, 404]).toContain((await rest('DELETE', `/collections/${base}_v${version}`)).status);
  });

  it('shares a version between two servers, moves the alias on publish and keeps the previous version', async () => {
    const [a, b] = [server(), server()];
    const first = await a.open(generation(1));
    expect(first.fresh).toBe(true);
    await first.index.upsert([point('A', 'brand-a'), point('B', 'brand-b'), point('S', '*')]);
    const second = await b.open(generation(1));
    expect(second.fresh).toBe(false);
    expect(await second.index.count()).toBe(3);
    const found = await second.index.query({ dense: [1, 0, 0, 0], sparse: { indices: [1], values: [1] }, limit: 10, filter: { scope: ['brand-a', '*'] } });
    expect(found.map((p) => p.id).sort()).toEqual(['A', 'S']);
    await second.index.delete(['S']);
    expect(await first.index.count()).toBe(2);

    await a.publish(1);
    const current = async (): Promise<string | undefined> => {
      const { aliases } = (await rest('GET', '/aliases')).result as { aliases: { alias_name: string; collection_name: string }[] };
      return aliases.find((alias) => alias.alias_name === base)?.collection_name.slice(base.length + 2);
    };
    expect(await current()).toBe('1');
    expect((await rest('GET', `/collections/${base}_v1/aliases`)).result).toEqual({ aliases: [{ alias_name: base, collection_name: `${base}_v1` }] });
    // Readers following the alias query the published version.
    const reader = new QdrantIndex({ url: url!, apiKey, collection: base, timeoutMs: 10_000 });
    expect(await reader.count()).toBe(2);

    for (const version of [2, 3]) await (await a.open(generation(version))).index.upsert([point(`v${version}`, '*')]);
    await b.publish(3);
    expect(await current()).toBe('3');
    expect(await reader.count()).toBe(1);
    const names = ((await rest('GET', '/collections')).result as { collections: { name: string }[] }).collections.map((c) => c.name);
    expect(names.filter((name) => name.startsWith(base)).sort()).toEqual([`${base}_v2`, `${base}_v3`]);
  });
});
