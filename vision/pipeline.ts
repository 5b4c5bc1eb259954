import { createHash } from 'node:crypto';
import type { UpperBody } from './body.js';
import { upperBodyFrom } from './body.js';
import { composite } from './compose.js';
import { cutOutGarment, type GarmentCutout } from './garment.js';
import { correspondences } from './geometry/fit.js';
import type { ImageFormat, ImageLimits } from './image/codec.js';
import { DEFAULT_IMAGE_LIMITS, decodeImage, encodeImage } from './image/codec.js';
import type { TryOnMetrics } from './metrics/tryon-metrics.js';
import { tryOnMetrics } from './metrics/tryon-metrics.js';
import { shopperMetrics, type ShopperMetrics } from './reference/shopper-metrics.js';
import type { BackendChoice, BackendName } from './runtime/backend.js';
import type { Perception } from './runtime/perception.js';

/** Options of {@link TryOnEngine.create}. */
export interface TryOnEngineOptions {
  /** Tensor backend (default `auto`: tfjs-node-gpu when installed, else WASM). */
  backend?: BackendChoice;
  /** Folder with the model files (default: `vision/models`, see `modelsDir`). */
  modelsDir?: string;
  /** Decode limits for photos and product images (default {@link DEFAULT_IMAGE_LIMITS}). */
  limits?: ImageLimits;
  /** How many prepared garments (decoded, cut out, landmarked) to keep, keyed by content hash. Default 32. */
  garmentCacheSize?: number;
}

/** One try-on request: the shopper's photo and the product photo, as file bytes (JPEG or PNG). */
export interface TryOnRequest {
  person: Uint8Array;
  garment: Uint8Array;
  /** Output encoding (default `jpeg`). */
  format?: ImageFormat;
  /** Also compute {@link TryOnMetrics} (default false; the chat path does not need them). */
  withMetrics?: boolean;
}

/** Milliseconds spent in each stage of one try-on. */
export interface StageTimings {
  /** Decoding the photo. */
  decode: number;
  /** Pose and person segmentation (the two models). */
  perception: number;
  /** Decoding and cutting out the product image (near 0 when that product was prepared before). */
  garment: number;
  fit: number;
  composite: number;
  encode: number;
}

/** A finished try-on: the encoded image (same resolution as the photo) and how it went. */
export interface TryOnResult {
  image: Uint8Array;
  format: ImageFormat;
  width: number;
  height: number;
  /** Wall time of the try-on itself (decode → encode), without model loading or metrics. */
  ms: number;
  stages: StageTimings;
  /** Where it ran: a tensor backend of the built-in pipeline, or `remote` (the model server of `PARLEY_TRYON_URL`). */
  backend: BackendName | 'remote';
  /** Mean confidence of the pose keypoints the garment was anchored on. */
  poseScore: number;
  /** The pipeline's own figures and the shopper's-eye figures measured against an independent parse of the photo. */
  metrics?: TryOnMetrics & ShopperMetrics;
}

/**
 * The try-on pipeline: decode (with limits checked from the headers), detect people and segment the shopper,
 * validate the pose, cut the garment out of its product photo (cached per product), fit and warp it onto the body, composite with
 * occlusion, shading and feathering, encode. Create once (loads and warms the models), then call {@link run}.
 */
export class TryOnEngine {
  private constructor(
    private readonly perception: Perception,
    /** The backend the models run on. */
    readonly backend: BackendName,
    /** Milliseconds it took to initialise the backend, load and warm the models. */
    readonly loadMs: number,
    private readonly limits: ImageLimits,
    private readonly garmentCacheSize: number,
  ) {}

  /** Prepared garments by SHA-256 of the product image (a catalogue's products are tried on again and again). */
  private readonly garments = new Map<string, GarmentCutout>();

  /** Drops the prepared garments (benchmarks time every pair from the files). */
  forgetGarments(): void {
    this.garments.clear();
  }

  private async prepareGarment(bytes: Uint8Array): Promise<GarmentCutout> {
    const key = createHash('sha256').update(bytes).digest('hex');
    const cached = this.garments.get(key);
    if (cached) {
      // Refresh its place: the map's order is least recently used first.
      this.garments.delete(key);
      this.garments.set(key, cached);
      return cached;
    }
    const cutout = cutOutGarment(await decodeImage(bytes, this.limits));
    this.garments.set(key, cutout);
    if (this.garments.size > this.garmentCacheSize) this.garments.delete(this.garments.keys().next().value!);
    return cutout;
  }

  /**
   * Initialises the tensor backend, loads both models from local files and warms them. TensorFlow.js is imported here,
   * not with this module: a process that never runs a try-on (most tests, a server without try-on traffic yet) does
   * not pay its seconds of loading.
   */
  static async create(options: TryOnEngineOptions = {}): Promise<TryOnEngine> {
    const started = performance.now();
    const [{ initBackend }, { Perception }] = await Promise.all([import('./runtime/backend.js'), import('./runtime/perception.js')]);
    const backend = await initBackend(options.backend ?? 'auto');
    const perception = await Perception.load(options.modelsDir);
    await perception.warm();
    return new TryOnEngine(perception, backend, performance.now() - started, options.limits ?? DEFAULT_IMAGE_LIMITS, options.garmentCacheSize ?? 32);
  }

  /** Runs one try-on; bad photos throw `TryOnInputError` with a reason such as `no_person` or `too_large`. */
  async run(request: TryOnRequest): Promise<TryOnResult> {
    const t0 = performance.now();
    const photo = await decodeImage(request.person, this.limits);
    const t1 = performance.now();
    const analysis = await this.perception.analyse(photo);
    const t2 = performance.now();
    const body: UpperBody = upperBodyFrom(analysis.detections, photo.width, photo.height);
    const garment = await this.prepareGarment(request.garment);
    const t3 = performance.now();
    const fit = correspondences(garment.landmarks, body, analysis.mask);
    const t4 = performance.now();
    const result = composite(photo, analysis.mask, body, garment, fit);
    const t5 = performance.now();
    const format = request.format ?? 'jpeg';
    const image = await encodeImage(result.image, format);
    const t6 = performance.now();
    const metrics = request.withMetrics
      ? { ...tryOnMetrics(photo, analysis.mask, body, garment.photo, result), ...shopperMetrics(photo, body, garment.photo, result.image) }
      : undefined;
    const round = (v: number): number => Math.round(v * 10) / 10;
    return {
      image,
      format,
      width: photo.width,
      height: photo.height,
      ms: round(t6 - t0),
      stages: { decode: round(t1 - t0), perception: round(t2 - t1), garment: round(t3 - t2), fit: round(t4 - t3), composite: round(t5 - t4), encode: round(t6 - t5) },
      backend: this.backend,
      poseScore: round(body.poseScore * 1000) / 1000,
      metrics,
    };
  }
}
