import type { CatalogueProduct } from '../../bot/core/index.js';
import { packageFile } from '../../bot/core/paths.js';
import type { GarmentDrawing } from './draw-garment.js';
import { readCatalogueFile } from './import.js';

/**
 * The products of the bundled sample catalogue of Northwind Threads (a fictional store). Their photos are drawn in
 * code ({@link GarmentDrawing}) by `npm run sample:catalogue`, which writes them beside {@link sampleCataloguePath}.
 */
export const SAMPLE_PRODUCTS: (Omit<CatalogueProduct, 'image' | 'imageType'> & { drawing: GarmentDrawing })[] = [
  { id: 'nw-merino-crew-navy', name: 'Harbour Merino Crew in Navy', description: 'Extra-fine merino crew-neck jumper, regular fit.', price: '$98.00', drawing: { shape: 'long-sleeve', colour: [47, 72, 88], details: ['rib'] } },
  { id: 'nw-cable-cardigan-rust', name: 'Fellside Cable Cardigan in Rust', description: 'Chunky lambswool cable-knit cardigan, relaxed fit.', price: '$145.00', drawing: { shape: 'long-sleeve', colour: [138, 90, 68], details: ['rib', 'cables', 'buttons'] } },
  { id: 'nw-field-jacket-olive', name: 'Waxed Field Jacket in Olive', description: 'Organic cotton field jacket, re-waxable.', price: '$240.00', drawing: { shape: 'long-sleeve', colour: [92, 107, 78], details: ['pockets'] } },
  { id: 'nw-organic-tee-grey', name: 'Everyday Organic Tee in Heather Grey', description: 'Heavyweight organic cotton jersey tee, boxy fit.', price: '$34.00', drawing: { shape: 't-shirt', colour: [154, 163, 173] } },
  { id: 'nw-tee-navy', name: 'Classic Tee in Navy', description: 'Organic cotton crew-neck T-shirt, regular fit.', price: '$24.00', drawing: { shape: 't-shirt', colour: [32, 46, 92] } },
  { id: 'nw-tee-red', name: 'Classic Tee in Tomato Red', description: 'Organic cotton crew-neck T-shirt, regular fit.', price: '$24.00', drawing: { shape: 't-shirt', colour: [200, 52, 40] } },
  { id: 'nw-tee-breton', name: 'Breton Band Tee', description: 'Cream tee with a navy chest band.', price: '$29.00', drawing: { shape: 't-shirt', colour: [238, 226, 200], stripe: [30, 40, 90] } },
  { id: 'nw-tank-sage', name: 'Everyday Tank in Sage', description: 'Rib-knit tank top, slim fit.', price: '$18.00', drawing: { shape: 'tank-top', colour: [128, 160, 120] } },
  { id: 'nw-longsleeve-charcoal', name: 'Long-Sleeve Tee in Charcoal', description: 'Soft jersey long-sleeve top.', price: '$32.00', drawing: { shape: 'long-sleeve', colour: [60, 62, 66] } },
  { id: 'nw-longsleeve-mustard', name: 'Long-Sleeve Tee in Mustard', description: 'Soft jersey long-sleeve top.', price: '$32.00', drawing: { shape: 'long-sleeve', colour: [214, 160, 40] } },
];

/** The bundled sample catalogue file (the operator's catalogue format, `parley catalogue import`), its photos beside it. */
export function sampleCataloguePath(): string {
  return packageFile('vision', 'catalogue', 'sample', 'catalogue.json');
}

/**
 * The sample catalogue with its product photos (PNG, 384×512), read from the bundled files: drawing them costs 1–2 s of
 * CPU, which every Parley started on an empty catalogue would pay.
 */
export function sampleCatalogue(): Promise<CatalogueProduct[]> {
  return readCatalogueFile(sampleCataloguePath());
}
