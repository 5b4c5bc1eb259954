/**
 * @license Apache-2.0. The gradient functions below are those of TensorFlow.js 4.22.0
 * (`tfjs-core/src/gradients/*_grad.ts`, Copyright Google LLC, Apache License 2.0), written against tfjs-core's public
 * API.
 */
import * as tf from '@tensorflow/tfjs-core';

/*
 * tfjs-core's Node build registers no gradient functions: TensorFlow.js registers them from the union package
 * `@tensorflow/tfjs` (140 MB with its browser bundles, layers, data and WebGL packages), and tfjs-core's own
 * `dist/register_all_gradients.js` is ES module source with extensionless imports that Node cannot load. The GAN and
 * its judging classifier differentiate only the kernels registered here (their 4×4 convolutions have their own
 * gradients, see conv.ts); the convolution kernels' gradients are registered as well for anyone differentiating a plain
 * `tf.conv2d` / `tf.conv2dTranspose` (the check of conv.ts's gradients does). The formulas are TensorFlow.js's own, op
 * for op, so a training run gives the same numbers as with the union package.
 */

const { assertAndGetBroadcastShape, getReductionAxes, computeOutAndReduceShapes, tupleValuesAreOne } = tf.backend_util;

/** `res` summed over the axes a broadcasting binary op stretched an input of `shape` along (unchanged if none). */
function unbroadcast(res: tf.Tensor, shape: number[], outShape: number[]): tf.Tensor {
  const axes = getReductionAxes(shape, outShape);
  return axes.length > 0 ? tf.sum(res, axes) : res;
}

/** {@link unbroadcast} reshaped to `shape` when it was summed (Multiply's and RealDiv's form). */
function unbroadcastTo(res: tf.Tensor, shape: number[], outShape: number[]): tf.Tensor {
  const summed = unbroadcast(res, shape, outShape);
  return summed === res ? res : tf.reshape(summed, shape);
}

/** `dy` reshaped to `x`'s rank with the reduced `axes` kept as size 1 (the inverse of a reduction's shape). */
function expandReduced(dy: tf.Tensor, x: tf.Tensor, axis: number | number[]): { expanded: tf.Tensor; axes: number[] } {
  const axes = tf.util.parseAxisParam(axis, x.shape);
  const shape = x.shape.slice();
  for (const a of axes) shape[a] = 1;
  return { expanded: tf.reshape(dy, shape), axes };
}

/** The attributes of the `Conv2D` and `Conv2DBackpropInput` kernels that their gradients read. */
interface ConvAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number;
  dataFormat: 'NHWC' | 'NCHW';
  dilations: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** TensorFlow.js's `Conv2DBackpropFilter` kernel (tfjs-core exports no op for it); inputs are rank 4 here. */
function conv2DBackpropFilter(x: tf.Tensor, dy: tf.Tensor, filterShape: number[], attrs: Omit<ConvAttrs, 'dilations'>): tf.Tensor {
  const { strides, pad, dataFormat, dimRoundingMode } = attrs;
  return tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, { strides, pad, dataFormat, filterShape, ...(dimRoundingMode ? { dimRoundingMode } : {}) });
}

/** The gradient functions this module registers, one per kernel. */
export const GRADIENTS: readonly tf.GradConfig[] = [
  {
    kernelName: tf.Add,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b]) => {
      const outShape = assertAndGetBroadcastShape(a!.shape, b!.shape);
      return { a: () => tf.reshape(unbroadcast(dy as tf.Tensor, a!.shape, outShape), a!.shape), b: () => tf.reshape(unbroadcast(dy as tf.Tensor, b!.shape, outShape), b!.shape) };
    },
  },
  {
    kernelName: tf.Sub,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b]) => {
      const outShape = assertAndGetBroadcastShape(a!.shape, b!.shape);
      return { a: () => tf.reshape(unbroadcast(dy as tf.Tensor, a!.shape, outShape), a!.shape), b: () => tf.reshape(tf.neg(unbroadcast(dy as tf.Tensor, b!.shape, outShape)), b!.shape) };
    },
  },
  {
    kernelName: tf.Multiply,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b]) => {
      const outShape = assertAndGetBroadcastShape(a!.shape, b!.shape);
      return {
        a: () => unbroadcastTo(tf.mul(dy as tf.Tensor, tf.cast(b!, 'float32')), a!.shape, outShape),
        b: () => unbroadcastTo(tf.mul(dy as tf.Tensor, tf.cast(a!, 'float32')), b!.shape, outShape),
      };
    },
  },
  {
    kernelName: tf.RealDiv,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b]) => {
      const outShape = assertAndGetBroadcastShape(a!.shape, b!.shape);
      return {
        a: () => unbroadcastTo(tf.div(dy as tf.Tensor, tf.cast(b!, 'float32')), a!.shape, outShape),
        b: () => tf.neg(tf.div(unbroadcastTo(tf.mul(dy as tf.Tensor, tf.cast(a!, 'float32')), b!.shape, outShape), tf.cast(tf.square(b!), 'float32'))),
      };
    },
  },
  {
    kernelName: tf.BatchMatMul,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b], attrs) => {
      const d = dy as tf.Tensor;
      const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
      if (!transposeA && !transposeB) return { a: () => tf.matMul(d, b!, false, true), b: () => tf.matMul(a!, d, true, false) };
      if (!transposeA) return { a: () => tf.matMul(d, b!, false, false), b: () => tf.matMul(d, a!, true, false) };
      if (!transposeB) return { a: () => tf.matMul(b!, d, false, true), b: () => tf.matMul(a!, d, false, false) };
      return { a: () => tf.matMul(b!, d, true, true), b: () => tf.matMul(d, a!, true, true) };
    },
  },
  {
    kernelName: tf.LeakyRelu,
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => {
      const { alpha } = attrs as { alpha: number };
      const mask = tf.greater(x!, 0);
      return { x: () => tf.where(mask, dy as tf.Tensor, tf.mul(dy as tf.Tensor, alpha)) };
    },
  },
  {
    kernelName: tf.Relu,
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy as tf.Tensor, tf.cast(tf.step(x!), 'float32')) }),
  },
  {
    kernelName: tf.Tanh,
    outputsToSave: [true],
    gradFunc: (dy, [y]) => ({ x: () => tf.mul(tf.sub(tf.scalar(1), tf.square(y!)), dy as tf.Tensor) }),
  },
  {
    kernelName: tf.Neg,
    gradFunc: (dy) => ({ x: () => tf.neg(dy as tf.Tensor) }),
  },
  {
    kernelName: tf.Square,
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy as tf.Tensor, tf.mul(tf.cast(x!, 'float32'), 2)) }),
  },
  {
    kernelName: tf.Rsqrt,
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({ x: () => tf.neg(tf.div(dy as tf.Tensor, tf.mul(tf.pow(x!, 1.5), 2))) }),
  },
  {
    kernelName: tf.Reshape,
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({ x: () => tf.reshape(dy as tf.Tensor, x!.shape) }),
  },
  {
    kernelName: tf.Sum,
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => {
      const { expanded } = expandReduced(dy as tf.Tensor, x!, (attrs as { axis: number | number[] }).axis);
      const derX = tf.mul(expanded, tf.ones(x!.shape, 'float32'));
      return { x: () => derX };
    },
  },
  {
    kernelName: tf.Mean,
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => {
      const { expanded, axes } = expandReduced(dy as tf.Tensor, x!, (attrs as { axis: number | number[] }).axis);
      const reduceSize = tf.util.sizeFromShape(computeOutAndReduceShapes(x!.shape, axes)[1]);
      return { x: () => tf.div(tf.mul(expanded, tf.ones(x!.shape, 'float32')), reduceSize) };
    },
  },
  {
    kernelName: tf.Conv2D,
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, [x, filter], attrs) => {
      const { strides, pad, dataFormat, dilations } = attrs as unknown as ConvAttrs;
      tf.util.assert(tupleValuesAreOne(dilations), () => `Error in gradient of conv2D: dilation rates greater than 1 are not yet supported in gradients. Got dilations '${String(dilations)}'`);
      return {
        x: () => tf.engine().runKernel(tf.Conv2DBackpropInput, { dy: dy as tf.Tensor, filter: filter! }, { strides, pad, dataFormat, inputShape: x!.shape }),
        filter: () => conv2DBackpropFilter(x!, dy as tf.Tensor, filter!.shape, { strides, pad, dataFormat }),
      };
    },
  },
  {
    kernelName: tf.Conv2DBackpropInput,
    inputsToSave: ['dy', 'filter'],
    gradFunc: (ddx, [dy, filter], attrs) => {
      const conv = attrs as unknown as ConvAttrs;
      return {
        dy: () => tf.conv2d(ddx as tf.Tensor4D, filter as tf.Tensor4D, conv.strides, conv.pad, conv.dataFormat, 1, conv.dimRoundingMode),
        filter: () => conv2DBackpropFilter(ddx as tf.Tensor, dy!, filter!.shape, conv),
      };
    },
  },
];

/**
 * Registers {@link GRADIENTS} for the kernels that have no gradient yet (loading the union package, as
 * tfjs-node-gpu does, registers TensorFlow.js's own, which are kept). Runs once when this module is imported.
 */
export function registerGradients(): void {
  for (const config of GRADIENTS) if (!tf.getGradient(config.kernelName)) tf.registerGradient(config);
}

registerGradients();
