import * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import type { PersonDetection } from '../body.js';
import { parseMultiPose } from '../body.js';
import type { FloatImage, RgbImage } from '../image/raster.js';
import { resizeFloat } from '../image/raster.js';
import { loadLocalModel } from './models.js';

/** What the models see in a person photo: every detected person and a 0–1 person mask at the photo's resolution. */
export interface PersonAnalysis {
  detections: PersonDetection[];
  mask: FloatImage;
}

/** Model input side for MoveNet MultiPose and Selfie segmentation (both 256×256). */
const SIDE = 256;

/**
 * The two local models of the pipeline: MoveNet MultiPose (`movenet-multipose`, up to 6 people with 17 keypoints) and
 * MediaPipe Selfie segmentation (`selfie`), both shipped in `vision/models`. The photo is letterboxed to a square
 * so proportions are kept.
 */
export class Perception {
  private constructor(private readonly pose: GraphModel, private readonly segmenter: GraphModel) {}

  /** Loads both models (initialise the backend first with `initBackend`). */
  static async load(dir?: string): Promise<Perception> {
    const [pose, segmenter] = await Promise.all([loadLocalModel('movenet-multipose', dir), loadLocalModel('selfie', dir)]);
    return new Perception(pose, segmenter);
  }

  /** Runs both models once on a blank image so the first real request does not pay for kernel set-up. */
  async warm(): Promise<void> {
    await this.analyse({ width: 64, height: 64, data: new Uint8Array(64 * 64 * 3) });
  }

  /** Detects people and segments the person in an RGB photo. */
  async analyse(image: RgbImage): Promise<PersonAnalysis> {
    const side = Math.max(image.width, image.height);
    const padX = Math.floor((side - image.width) / 2);
    const padY = Math.floor((side - image.height) / 2);
    const [poseOut, maskOut] = tf.tidy(() => {
      const pixels = tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
      const square = tf.pad(pixels, [[padY, side - image.height - padY], [padX, side - image.width - padX], [0, 0]]);
      const small = tf.image.resizeBilinear(tf.cast(square, 'float32') as tf.Tensor3D, [SIDE, SIDE]);
      const poseTensor = this.pose.execute(tf.expandDims(tf.cast(small, 'int32'), 0)) as tf.Tensor;
      const maskTensor = this.segmenter.execute(tf.expandDims(tf.div(small, 255), 0)) as tf.Tensor;
      return [poseTensor, maskTensor];
    });
    const [poseData, maskData] = await Promise.all([poseOut.data() as Promise<Float32Array>, maskOut.data() as Promise<Float32Array>]);
    tf.dispose([poseOut, maskOut]);
    const toImage = (nx: number, ny: number) => ({ x: nx * side - padX, y: ny * side - padY });
    const detections = parseMultiPose(poseData, toImage);
    // Crop the letterboxed mask back to the photo's area, then scale it up to full resolution.
    const scale = SIDE / side;
    const cx0 = Math.round(padX * scale);
    const cy0 = Math.round(padY * scale);
    const cw = Math.max(1, Math.round(image.width * scale));
    const ch = Math.max(1, Math.round(image.height * scale));
    const crop: FloatImage = { width: cw, height: ch, data: new Float32Array(cw * ch) };
    for (let y = 0; y < ch; y++) {
      for (let x = 0; x < cw; x++) crop.data[y * cw + x] = maskData[Math.min(cy0 + y, SIDE - 1) * SIDE + Math.min(cx0 + x, SIDE - 1)]!;
    }
    return { detections, mask: resizeFloat(crop, image.width, image.height) };
  }
}
