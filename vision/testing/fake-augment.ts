import type { AugmentOptions, ListingImage } from '../augment/augment.js';
import { SETTINGS, type SettingName } from '../augment/backdrops.js';
import type { AugmentRunner } from '../augment/service.js';

/**
 * An {@link AugmentRunner} for conversation tests: one small JPEG-looking image per colour × setting asked for (front
 * view) and per turned view, named as the real one names them. Records every call.
 */
export class FakeAugmentRunner implements AugmentRunner {
  readonly calls: { productId: string; photo: Uint8Array; options: Omit<AugmentOptions, 'lifestyleBackgrounds'> }[] = [];

  async generate(productId: string, photo: Uint8Array, options: Omit<AugmentOptions, 'lifestyleBackgrounds'>): Promise<ListingImage[]> {
    this.calls.push({ productId, photo, options });
    const colours = [...(options.original === false ? [] : ['original']), ...(options.colours ?? []).map((c) => c.name)];
    const settings: readonly SettingName[] = options.settings ?? SETTINGS;
    const views = options.views ?? ['front'];
    const made: { colour: string; setting: SettingName; view: 'front' | 'left' | 'right' }[] = [];
    for (const colour of colours) for (const setting of settings) made.push({ colour, setting, view: 'front' });
    for (const view of views) if (view !== 'front' && colours[0] && settings[0]) made.push({ colour: colours[0], setting: settings[0], view });
    return made.map(({ colour, setting, view }, i) => ({
      bytes: Buffer.from([0xff, 0xd8, 0xff, 0xe0, i]),
      entry: { productId, file: `${productId}-${colour}-${setting}-${view}.jpg`, setting, colour, view, width: 300, height: 400, sha256: '0'.repeat(64) },
    }));
  }
}
