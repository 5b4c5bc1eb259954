import type { UpperBody } from './body.js';
import { upperBodyFrom } from './body.js';
import { composite } from './compose.js';
import { GarmentCache } from './garment-cache.js';
import { prepareGarment } from './garment-job.js';
import { GarmentThread } from './garment-thread.js';
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
  /**
   * Prepare product photos on this thread after the models, instead of on the engine's garment worker while they run
   * (default false; also inline when running from the TypeScript sources, where there is no compiled worker).
   */
  inlineGarments?: boolean;
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

/**
 * Milliseconds spent in each stage of one try-on. `perception` and `garment` overlap when the engine has its garment
 * worker (the product photo is prepared while the models run), so the stages can add up to more than the wall time.
 */
export interface StageTimings {
  /** Decoding the photo. */
  decode: number;
  /** Pose and person segmentation (the two models) and the pose checks. */
  perception: number;
  /**
   * Hashing, decoding and cutting out the product image, timed where it ran (near 0 when that product was prepared
   * before); on the garment worker it overlaps `decode` and `perception` and excludes waiting for the worker.
   */
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
  /** Wall time of the try-on itself (decode → encode), without model loading or metrics; see {@link StageTimings} for how its stages overlap. */
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
 * validate the pose, cut the garment out of its product photo (cached per product; on a worker thread while the models
 * run), fit and warp it onto the body, composite with occlusion, shading and feathering, encode. Create once (loads
 * and warms the models), then call {@link run}; {@link close} stops the garment worker.
 */
export class TryOnEngine {
  /** Prepared garments by SHA-256 of the product image. */
  private readonly garments: GarmentCache;

  private constructor(
    private readonly perception: Perception,
    /** The backend the models run on. */
    readonly backend: BackendName,
    /** Milliseconds it took to initialise the backend, load and warm the models. */
    readonly loadMs: number,
    private readonly limits: ImageLimits,
    garmentCacheSize: number,
    /** The garment worker; undefined when garments are prepared inline. */
    private readonly garmentThread: GarmentThread | undefined,
  ) {
    this.garments = new GarmentCache(garmentCacheSize, (bytes) => (garmentThread ? garmentThread.prepare(bytes) : prepareGarment(bytes, limits)));
  }

  /** Drops the prepared garments (benchmarks time every pair from the files). */
  forgetGarments(): void {
    this.garments.forget();
  }

  /** Stops the garment worker (a try-on still waiting for it rejects); the engine prepares garments again on a new one if run again. */
  async close(): Promise<void> {
    await this.garmentThread?.close();
  }

  /**
   * Initialises the tensor backend, loads both models from local files and warms them. TensorFlow.js is imported here,
   * not with this module: a process that never runs a try-on (most tests, a server without try-on traffic yet) does
   * not pay its seconds of loading.
   */
  static async create(options: TryOnEngineOptions = {}): Promise<TryOnEngine> {
    const started = performance.now();
    const limits = options.limits ?? DEFAULT_IMAGE_LIMITS;
    // Started first, so the worker loads its modules while the models load.
    const garmentThread = options.inlineGarments ? undefined : GarmentThread.compiled(limits);
    garmentThread?.start();
    try {
      const [{ initBackend }, { Perception }] = await Promise.all([import('./runtime/backend.js'), import('./runtime/perception.js')]);
      const backend = await initBackend(options.backend ?? 'auto');
      const perception = await Perception.load(options.modelsDir);
      await perception.warm();
      return new TryOnEngine(perception, backend, performance.now() - started, limits, options.garmentCacheSize ?? 32, garmentThread);
    } catch (error) {
      await garmentThread?.close();
      throw error;
    }
  }

  /** Runs one try-on; bad photos throw `TryOnInputError` with a reason such as `no_person` or `too_large`. */
  async run(request: TryOnRequest): Promise<TryOnResult> {
    const t0 = performance.now();
    // With the garment worker, the product photo is prepared while this thread decodes the photo and runs the models;
    // inline, after them as before. Either way a refused photo is reported before a refused product image.
    const early = this.garmentThread ? this.garments.prepare(request.garment) : undefined;
    early?.catch(() => undefined); // observed below, unless the photo is refused first
    const photo = await decodeImage(request.person, this.limits);
    const t1 = performance.now();
    const analysis = await this.perception.analyse(photo);
    const body: UpperBody = upperBodyFrom(analysis.detections, photo.width, photo.height);
    const t2 = performance.now();
    const prepared = await (early ?? this.garments.prepare(request.garment));
    const garment = prepared.cutout;
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
      stages: { decode: round(t1 - t0), perception: round(t2 - t1), garment: round(prepared.ms), fit: round(t4 - t3), composite: round(t5 - t4), encode: round(t6 - t5) },
      backend: this.backend,
      poseScore: round(body.poseScore * 1000) / 1000,
      metrics,
    };
  }
}
