import { ParleyError } from '../../../bot/core/index.js';
import type { IndexGeneration, IndexGenerations } from '../generations.js';
import type { VectorIndex } from '../vector-index.js';
import { connectQdrant, type QdrantConnection } from './connection.js';
import { DEFAULT_COLLECTION, QdrantIndex, type QdrantIndexOptions } from './qdrant-index.js';
import { failedWithStatus } from './retry.js';

/** Options of {@link qdrantGenerations}: those of {@link QdrantIndex}; `collection` is the base name and the alias. */
export type QdrantGenerationsOptions = QdrantIndexOptions;

/** The collection holding the generation of knowledge model `version`: `${base}_v${version}`. */
export function generationCollection(base: string, version: number): string {
  if (!Number.isSafeInteger(version) || version < 0) throw new ParleyError('bad_request', `index generation version must be a non-negative integer (got ${version})`);
  return `${base}_v${version}`;
}

/** The version of a generation collection of `base` (`undefined` for any other name). */
export function generationVersion(base: string, collection: string): number | undefined {
  if (!collection.startsWith(`${base}_v`)) return undefined;
  const digits = collection.slice(base.length + 2);
  return /^(0|[1-9]\d*)$/.test(digits) ? Number(digits) : undefined;
}

/**
 * {@link IndexGenerations} on Qdrant, safe with several servers sharing one Qdrant: each knowledge model version has its
 * own collection `${collection}_v${version}` (named `dense` + `sparse` vectors, keyword payload indexes), and the alias
 * `${collection}` names the published one for readers that follow it (dashboards, other tools).
 *
 * - `open` creates the version's collection when missing; two servers creating it at once both succeed (Qdrant's
 *   "already exists" answer counts as success). It is `fresh` only while it holds no points, so a server starting on a
 *   version another server already filled neither re-upserts nor wipes anything.
 * - `publish(version)` moves the alias in one `POST /collections/aliases` request (`delete_alias` + `create_alias`,
 *   which Qdrant applies under one lock: no reader sees the alias missing), never back to an older version than the one
 *   it names, then drops the collections of versions older than `version - 1` (the previous one stays for servers still
 *   running it). A collection left under the alias's own name by an earlier Parley (one collection, no versions) is
 *   dropped at the first publish, since an alias cannot share a collection's name; its vectors are rebuilt from the
 *   store in the versioned collections.
 */
export function qdrantGenerations(options: QdrantGenerationsOptions): IndexGenerations {
  return new QdrantGenerations(options);
}

class QdrantGenerations implements IndexGenerations {
  readonly engine = 'qdrant';
  private readonly base: string;
  private readonly connection: QdrantConnection;

  constructor(private readonly options: QdrantGenerationsOptions) {
    this.base = options.collection ?? DEFAULT_COLLECTION;
    if (!this.base) throw new ParleyError('config_invalid', 'Qdrant collection name must not be empty');
    this.connection = connectQdrant(options);
  }

  async open(generation: IndexGeneration): Promise<{ index: VectorIndex; fresh: boolean }> {
    const collection = generationCollection(this.base, generation.version);
    const index = new QdrantIndex({ ...this.options, collection });
    await index.ensure({ dims: generation.dims, payloadKeys: generation.payloadKeys });
    return { index, fresh: (await index.count()) === 0 };
  }

  async publish(version: number): Promise<void> {
    const target = generationCollection(this.base, version);
    const { call } = this.connection;
    const { exists } = await call('collection_exists', (c) => c.collectionExists(target));
    if (!exists) throw new ParleyError('not_found', `Qdrant collection "${target}" does not exist: open version ${version} before publishing it`, { details: { engine: 'qdrant', collection: target } });
    const { aliases } = await call('get_aliases', (c) => c.getAliases());
    const current = aliases.find((a) => a.alias_name === this.base)?.collection_name;
    const currentVersion = current === undefined ? undefined : generationVersion(this.base, current);
    const collections = (await call('get_collections', (c) => c.getCollections())).collections.map((c) => c.name);
    if (currentVersion === undefined || currentVersion < version) {
      // An earlier Parley's single collection under the alias's name: an alias cannot be created beside it.
      if (collections.includes(this.base)) await this.drop(this.base);
      await call('update_aliases', (c) => c.updateCollectionAliases({
        actions: [{ delete_alias: { alias_name: this.base } }, { create_alias: { collection_name: target, alias_name: this.base } }],
      }));
    }
    const published = currentVersion !== undefined && currentVersion > version ? current : target;
    for (const name of collections) {
      const older = generationVersion(this.base, name);
      if (older !== undefined && older < version - 1 && name !== published) await this.drop(name);
    }
  }

  /** Deletes a collection; one already gone (another server dropped it) is fine. */
  private async drop(collection: string): Promise<void> {
    try {
      await this.connection.call('delete_collection', (c) => c.deleteCollection(collection));
    } catch (error) {
      if (!failedWithStatus(error, 404)) throw error;
    }
  }
}
