/** Vision: virtual try-on (tensor backend selection, local models, garment cut-out and warp, compositing, metrics). */
export { TryOnInputError, type TryOnRejection } from './errors.js';
export { TryOnEngine, type TryOnEngineOptions, type TryOnRequest, type TryOnResult, type StageTimings } from './pipeline.js';
export type { TryOnMetrics } from './metrics/tryon-metrics.js';
export type { BackendChoice, BackendName } from './runtime/backend.js';
export { checkImage, decodeImage, encodeImage, formatForPath, DEFAULT_IMAGE_LIMITS, type ImageFormat, type ImageLimits } from './image/codec.js';
export { runTryOnBench, type TryOnBenchFigures, type TryOnBenchOptions, type TryOnBenchResult } from './bench/run-bench.js';
export { RemoteTryOn, RemoteTryOnError, type RemoteTryOnOptions, type RemoteFailure } from './remote.js';
export { TryOnService, type TryOnRunner, type TryOnServiceOptions } from './service.js';
export { drawGarment, type GarmentDrawing, type GarmentShape } from './catalogue/draw-garment.js';
export { SAMPLE_PRODUCTS, sampleCatalogue } from './catalogue/sample-catalogue.js';
export { readCatalogueFile } from './catalogue/import.js';
export { FakeTryOnRunner } from './testing/fake-tryon.js';
export { AugmentService, makeListingImages, NAMED_COLOURS, parseColour, SETTINGS, VIEWS, type AugmentRunner, type Colourway, type ListingManifest, type SettingName, type ViewName } from './augment/index.js';
