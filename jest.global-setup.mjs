import { existsSync } from 'node:fs';

/**
 * Runs once before the test workers start: on a fresh checkout the packaged word vectors' cache does not exist yet,
 * and each worker's first Parley would convert the 300 MB package (seconds of CPU, in every worker at once) inside a
 * test's time limit. Made here once (from the build `npm test` makes first), every worker reads the cache.
 */
export default async function globalSetup() {
  const built = new URL('./dist/knowledge/embeddings/word-vectors.js', import.meta.url);
  if (!existsSync(built)) return;
  const { WordVectors } = await import(built.href);
  WordVectors.shared();
}
