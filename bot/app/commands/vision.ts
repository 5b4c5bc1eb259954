import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ParleyError, type CatalogueProduct } from '../../core/index.js';
import { loadConfig } from '../../config/index.js';
import { decodeImage, readCatalogueFile } from '../../../vision/index.js';
import { makeListingImages, parseColour, SETTINGS, VIEWS, type ListingManifest, type SettingName, type ViewName } from '../../../vision/augment/index.js';
import { createParley } from '../parley.js';
import type { CliIo } from './io.js';

interface AugmentFlags {
  product: string;
  catalogue?: string;
  out?: string;
  colours?: string;
  settings?: string;
  views?: string;
  backgrounds?: string;
  json?: boolean;
}

/** Splits a comma list and checks each item against `allowed`, naming the flag on a bad one. */
function listOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new ParleyError('bad_request', `${flag}: empty list (one or more of ${allowed.join(', ')})`);
  for (const item of items) if (!allowed.includes(item as T)) throw new ParleyError('bad_request', `${flag}: "${item}" is not one of ${allowed.join(', ')}`);
  return items as T[];
}

async function findProduct(env: NodeJS.ProcessEnv | undefined, id: string, catalogueFile: string | undefined): Promise<CatalogueProduct> {
  if (catalogueFile) {
    const product = (await readCatalogueFile(catalogueFile)).find((p) => p.id === id);
    if (!product) throw new ParleyError('bad_request', `--product: no product "${id}" in ${catalogueFile}`);
    return product;
  }
  const parley = await createParley(loadConfig(env));
  try {
    const product = await parley.store.tryon.getProduct(id);
    if (!product) throw new ParleyError('bad_request', `--product: no product "${id}" in the catalogue (see \`parley catalogue list\`)`);
    return product;
  } finally {
    await parley.close();
  }
}

/**
 * `parley vision …`: product images. `vision augment --product ID` writes the product's listing images (settings ×
 * colourways, turned views) and `manifest.json` (`{productId, images: [{productId, file, setting, colour, view, width,
 * height, sha256}]}`) to `--out`; the product comes from the catalogue (`parley catalogue import`) or `--catalogue FILE`.
 */
export function registerVisionCommands(program: Command, io: CliIo, env: NodeJS.ProcessEnv | undefined): void {
  const vision = program.command('vision').description('product images: listing images in new settings and colourways');
  vision
    .command('augment')
    .description('write listing images of a catalogue product (its photo cut out, placed in settings, recoloured) and a manifest.json a shop import can read')
    .requiredOption('--product <id>', 'catalogue product id (as in `parley catalogue list` or the --catalogue file)')
    .option('--catalogue <file>', 'read the product from this catalogue file (JSON array or JSON Lines, as `parley catalogue import`) instead of the store')
    .option('--out <dir>', 'directory for the images and manifest.json (default ./augmented/<id>)')
    .option('--colours <list>', 'colourways besides the original: colour names (navy, red, olive, …) or #rrggbb, comma-separated')
    .option('--settings <list>', `settings, comma-separated: ${SETTINGS.join(', ')} (default all)`)
    .option('--views <list>', `viewpoints: ${VIEWS.join(', ')} (default all; turned views in the first setting only)`)
    .option('--backgrounds <dir>', 'JPEG/PNG images (photos or GAN samples) to use as lifestyle backgrounds instead of the procedural room')
    .option('--json', 'print JSON (the manifest and the output directory)')
    .action(async (flags: AugmentFlags) => {
      if (!/^[A-Za-z0-9_.-]{1,100}$/.test(flags.product)) throw new ParleyError('bad_request', `--product: "${flags.product}" is not a product id (letters, digits, "_", "-", ".")`);
      const colours = (flags.colours ?? '').split(',').map((s) => s.trim()).filter(Boolean).map((name) => {
        const colour = parseColour(name);
        if (!colour) throw new ParleyError('bad_request', `--colours: "${name}" is not a colour name or #rrggbb`);
        return colour;
      });
      const settings = listOf<SettingName>('--settings', flags.settings, SETTINGS);
      const views = listOf<ViewName>('--views', flags.views, VIEWS);
      const lifestyleBackgrounds = flags.backgrounds ? await readBackgrounds(flags.backgrounds) : undefined;
      const product = await findProduct(env, flags.product, flags.catalogue);
      const out = resolve(flags.out ?? join('augmented', product.id));
      const images = await makeListingImages(product.id, product.image, { colours, ...(settings ? { settings } : {}), ...(views ? { views } : {}), ...(lifestyleBackgrounds ? { lifestyleBackgrounds } : {}) });
      const manifest: ListingManifest = { productId: product.id, images: images.map((i) => i.entry) };
      try {
        await mkdir(out, { recursive: true });
        for (const image of images) await writeFile(join(out, image.entry.file), image.bytes);
        await writeFile(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
      } catch (error) {
        throw new ParleyError('bad_request', `--out: cannot write to "${out}"`, { cause: error });
      }
      io.out(flags.json ? JSON.stringify({ out, ...manifest }) : `wrote ${images.length} images of ${product.id} and manifest.json to ${out}`);
    });
}

async function readBackgrounds(dir: string): Promise<Awaited<ReturnType<typeof decodeImage>>[]> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort();
  } catch (error) {
    throw new ParleyError('bad_request', `--backgrounds: cannot read "${dir}"`, { cause: error });
  }
  if (files.length === 0) throw new ParleyError('bad_request', `--backgrounds: no JPEG or PNG files in "${dir}"`);
  return Promise.all(files.map(async (f) => {
    try {
      return await decodeImage(await readFile(join(dir, f)));
    } catch (error) {
      throw new ParleyError('bad_request', `--backgrounds: ${f}: ${(error as Error).message}`, { cause: error });
    }
  }));
}
