/**
 * Generated product images: a conditional GAN (hinge loss, spectral norm, projection discriminator with an auxiliary
 * class head) trained on categorised catalogue images, checkpointed per epoch; generation per category.
 */
export { generateProductImages, loadGanModel, MAX_GENERATE_COUNT, type GanModel, type GenerateOptions } from './generate.js';
export { trainGan, writeSampleGrid, type TrainGanOptions, type TrainGanResult } from './train.js';
export { loadImageSet, splitHeldOut, type ImageSet } from './data.js';
export { evaluateGenerator, BLUR_SIGMA, type GanEvaluation } from './evaluate.js';
export { frechetDistance } from './fid.js';
export { gridPng } from './grid.js';
export type { GanSpec } from './model.js';
