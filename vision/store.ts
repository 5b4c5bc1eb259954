/** A product of the try-on catalogue: an upper-body garment with its product photo. */
export interface CatalogueProduct {
  /** Stable product id (SKU), e.g. `nw-tee-navy`. */
  id: string;
  name: string;
  description: string;
  /** Price as shown to shoppers, e.g. `"$24.00"`; empty when unknown. */
  price: string;
  /** The product photo (garment on a plain light background): `image/png` or `image/jpeg`. */
  imageType: string;
  image: Uint8Array;
}

/** A stored try-on image (a result shown to the shopper), kept only for the photo retention period. */
export interface TryOnMediaRecord {
  /** Unguessable id (the media URL's only secret). */
  id: string;
  conversationId: string;
  contentType: string;
  data: Uint8Array;
  /** ISO-8601 creation time; retention counts from it. */
  createdAt: string;
}

/**
 * Storage of the try-on feature: the product catalogue and the try-on images served to shoppers. Shoppers' own photos
 * are never stored here (they are processed in memory); results are deleted after `PARLEY_PHOTO_RETENTION_HOURS`.
 */
export interface TryOnStore {
  /** Inserts or replaces products by id; returns how many were written. */
  upsertProducts(products: CatalogueProduct[]): Promise<number>;
  /** All products, by name, without their images. */
  listProducts(): Promise<Omit<CatalogueProduct, 'image'>[]>;
  /** One product with its image, or undefined. */
  getProduct(id: string): Promise<CatalogueProduct | undefined>;
  countProducts(): Promise<number>;
  /** Stores a try-on image; `id` must be unguessable. */
  saveMedia(record: Omit<TryOnMediaRecord, 'createdAt'> & { createdAt?: string }): Promise<TryOnMediaRecord>;
  getMedia(id: string): Promise<TryOnMediaRecord | undefined>;
  /** Deletes try-on images created before `before` (ISO 8601); returns how many. */
  deleteMediaBefore(before: string): Promise<number>;
  /** Deletes every try-on image of a conversation (customer erasure); returns how many. */
  deleteMediaOfConversation(conversationId: string): Promise<number>;
}
