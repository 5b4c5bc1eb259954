import { describe, expect, it } from '@jest/globals';
import { newId, type CatalogueProduct } from '../../core/index.js';
import type { ContractContext } from './fixtures.js';

function product(id: string, overrides: Partial<CatalogueProduct> = {}): CatalogueProduct {
  return { id, name: `Tee ${id}`, description: 'A cotton tee.', price: '$20.00', imageType: 'image/png', image: new Uint8Array([0x89, 0x50, 0, 255, 7]), ...overrides };
}

/** The try-on part of the store contract: catalogue upserts and try-on images with retention and erasure. */
export function describeTryOnStorage({ store, newConversation }: ContractContext): void {
  describe('try-on records', () => {
    it('upserts catalogue products by id and returns their images byte for byte', async () => {
      const id = newId('prd');
      const before = await store().tryon.countProducts();
      expect(await store().tryon.upsertProducts([product(id)])).toBe(1);
      await store().tryon.upsertProducts([product(id, { name: 'Renamed tee', image: new Uint8Array([1, 2, 3, 250]) })]);
      expect(await store().tryon.countProducts()).toBe(before + 1);
      const got = await store().tryon.getProduct(id);
      expect(got?.name).toBe('Renamed tee');
      expect(Array.from(got!.image)).toEqual([1, 2, 3, 250]);
      expect((await store().tryon.listProducts()).find((p) => p.id === id)).toEqual({ id, name: 'Renamed tee', description: 'A cotton tee.', price: '$20.00', imageType: 'image/png' });
      expect(await store().tryon.getProduct(newId('missing'))).toBeUndefined();
    });

    it('keeps try-on images until retention or erasure removes them', async () => {
      const conversation = await newConversation();
      const old = await store().tryon.saveMedia({ id: newId('tro'), conversationId: conversation.id, contentType: 'image/jpeg', data: new Uint8Array([255, 216, 9]), createdAt: '2020-01-01T00:00:00.000Z' });
      const fresh = await store().tryon.saveMedia({ id: newId('tro'), conversationId: conversation.id, contentType: 'image/jpeg', data: new Uint8Array([255, 216, 10]) });
      expect(Array.from((await store().tryon.getMedia(fresh.id))!.data)).toEqual([255, 216, 10]);
      expect(await store().tryon.deleteMediaBefore('2021-01-01T00:00:00.000Z')).toBeGreaterThanOrEqual(1);
      expect(await store().tryon.getMedia(old.id)).toBeUndefined();
      expect(await store().tryon.getMedia(fresh.id)).toBeDefined();
      expect(await store().tryon.deleteMediaOfConversation(conversation.id)).toBe(1);
      expect(await store().tryon.getMedia(fresh.id)).toBeUndefined();
    });
  });
}
