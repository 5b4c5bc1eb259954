import type { CatalogueProduct, TryOnMediaRecord, TryOnStore } from '../core/index.js';
import type { SqlDriver } from './sql-driver.js';
import { StoredReadCache } from './stored-read-cache.js';

// Binary columns are base64 TEXT so that one SQL text serves SQLite and PostgreSQL alike.
const toBase64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
const fromBase64 = (text: unknown): Uint8Array => new Uint8Array(Buffer.from(String(text), 'base64'));

/** {@link TryOnStore} over a {@link SqlDriver} (tables `catalogue_products` and `tryon_media`, migration 7). */
export class SqlTryOnRecords implements TryOnStore {
  /** The catalogue without images, read by shopping turns: from memory while `catalogue_products` is unchanged. */
  readonly #products: StoredReadCache<readonly Omit<CatalogueProduct, 'image'>[]>;

  constructor(private readonly db: SqlDriver) {
    this.#products = new StoredReadCache(db, ['catalogue_products']);
  }

  async upsertProducts(products: CatalogueProduct[]): Promise<number> {
    if (products.length === 0) return 0;
    const at = new Date().toISOString();
    await this.db.transaction(async (tx) => {
      for (const p of products) {
        await tx.run(
          `INSERT INTO catalogue_products (id, name, description, price, image_type, image, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description, price = EXCLUDED.price,
             image_type = EXCLUDED.image_type, image = EXCLUDED.image, updated_at = EXCLUDED.updated_at`,
          [p.id, p.name, p.description, p.price, p.imageType, toBase64(p.image), at],
        );
      }
    });
    return products.length;
  }

  async listProducts(): Promise<Omit<CatalogueProduct, 'image'>[]> {
    return (await this.#products.get('all', () => this.readProducts())).map((product) => ({ ...product }));
  }

  private async readProducts(): Promise<Omit<CatalogueProduct, 'image'>[]> {
    const rows = await this.db.query<Record<string, unknown>>('SELECT id, name, description, price, image_type FROM catalogue_products ORDER BY name, id');
    return rows.map((r) => ({ id: String(r.id), name: String(r.name), description: String(r.description), price: String(r.price), imageType: String(r.image_type) }));
  }

  async getProduct(id: string): Promise<CatalogueProduct | undefined> {
    const [r] = await this.db.query<Record<string, unknown>>('SELECT * FROM catalogue_products WHERE id = $1', [id]);
    if (!r) return undefined;
    return { id: String(r.id), name: String(r.name), description: String(r.description), price: String(r.price), imageType: String(r.image_type), image: fromBase64(r.image) };
  }

  async countProducts(): Promise<number> {
    const [r] = await this.db.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM catalogue_products');
    return Number(r?.n ?? 0);
  }

  async saveMedia(record: Omit<TryOnMediaRecord, 'createdAt'> & { createdAt?: string }): Promise<TryOnMediaRecord> {
    const createdAt = record.createdAt ?? new Date().toISOString();
    await this.db.run('INSERT INTO tryon_media (id, conversation_id, content_type, data, created_at) VALUES ($1, $2, $3, $4, $5)', [
      record.id,
      record.conversationId,
      record.contentType,
      toBase64(record.data),
      createdAt,
    ]);
    return { ...record, createdAt };
  }

  async getMedia(id: string): Promise<TryOnMediaRecord | undefined> {
    const [r] = await this.db.query<Record<string, unknown>>('SELECT * FROM tryon_media WHERE id = $1', [id]);
    if (!r) return undefined;
    return { id: String(r.id), conversationId: String(r.conversation_id), contentType: String(r.content_type), data: fromBase64(r.data), createdAt: String(r.created_at) };
  }

  deleteMediaBefore(before: string): Promise<number> {
    return this.db.run('DELETE FROM tryon_media WHERE created_at < $1', [before]);
  }

  deleteMediaOfConversation(conversationId: string): Promise<number> {
    return this.db.run('DELETE FROM tryon_media WHERE conversation_id = $1', [conversationId]);
  }
}
