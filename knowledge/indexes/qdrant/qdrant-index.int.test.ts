import { randomBytes } from 'node:crypto';
import { QdrantIndex } from './index.js';
import { runVectorIndexScenario } from './scenario.js';

/** A live Qdrant at `QDRANT_URL` (with `QDRANT_API_KEY` when set); without it these tests are skipped. */
const url = process.env.QDRANT_URL;
const apiKey = process.env.QDRANT_API_KEY || undefined;
if (!url) console.warn('QDRANT_URL is not set: skipping the live Qdrant tests (e.g. QDRANT_URL=http://127.0.0.1:6333)');
const d = url ? describe : describe.skip;

d('QdrantIndex against a live Qdrant', () => {
  const collection = `parley_test_${randomBytes(6).toString('hex')}`;

  afterAll(async () => {
    // Drop the test collection whatever the outcome; Qdrant answers 200 (or 404 on some versions) when it is gone.
    const res = await fetch(`${url!.replace(/\/+$/, '')}/collections/${collection}`, { method: 'DELETE', headers: apiKey ? { 'api-key': apiKey } : {} });
    expect([200, 404]).toContain(res.status);
  });

  it('passes the shared VectorIndex scenario', async () => {
    await runVectorIndexScenario(new QdrantIndex({ url: url!, apiKey, collection, timeoutMs: 10_000 }));
  });
});
