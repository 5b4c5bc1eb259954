import * as tf from '@tensorflow/tfjs-core';

/**
 * Stride-2 convolutions with 4×4 kernels and 1 pixel of padding (side halves / doubles) whose filter gradient is
 * computed as a dilated forward convolution. TensorFlow.js's CPU `Conv2DBackpropFilter` kernel reads its inputs
 * element by element and was ~50× slower than the forward pass; this keeps training on the CPU backend practical.
 */
const STRIDE = 2;
const PAD = 1;

/**
 * The filter gradient `dW[a, c, i, o] = Σ xpad[b, s·y + a, s·x + c, i] · dy[b, y, x, o]` as one forward convolution:
 * the channels become the batch, the batch becomes the channels and `dy` is the (dilated) filter.
 */
function filterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, kernel: number): tf.Tensor4D {
  const padded = tf.pad(x, [[0, 0], [PAD, PAD], [PAD, PAD], [0, 0]]);
  const input = tf.transpose(padded, [3, 1, 2, 0]);
  const filter = tf.transpose(dy, [1, 2, 0, 3]);
  const out = tf.conv2d(input, filter, 1, 'valid', 'NHWC', STRIDE);
  const cropped = tf.slice(out, [0, 0, 0, 0], [out.shape[0], kernel, kernel, out.shape[3]]);
  return tf.transpose(cropped, [1, 2, 0, 3]);
}

/** `x` [n, h, w, in] ∗ `w` [4, 4, in, out] with stride 2 → [n, h/2, w/2, out]. */
export const downConv = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x4, w4, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
  save([x4, w4]);
  return {
    value: tf.conv2d(x4, w4, STRIDE, PAD),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, sw] = saved as [tf.Tensor4D, tf.Tensor4D];
      const dy4 = dy as tf.Tensor4D;
      return [tf.conv2dTranspose(dy4, sw, sx.shape, STRIDE, PAD), filterGradient(sx, dy4, sw.shape[0])];
    },
  };
}) as (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D;

/** Transposed convolution: `x` [n, h, w, in] with `w` [4, 4, out, in], stride 2 → [n, 2h, 2w, out]. */
export const upConv = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x4, w4, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
  save([x4, w4]);
  const [n, h, width] = x4.shape;
  return {
    value: tf.conv2dTranspose(x4, w4, [n, h * STRIDE, width * STRIDE, w4.shape[2]], STRIDE, PAD),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, sw] = saved as [tf.Tensor4D, tf.Tensor4D];
      const dy4 = dy as tf.Tensor4D;
      return [tf.conv2d(dy4, sw, STRIDE, PAD), filterGradient(dy4, sx, sw.shape[0])];
    },
  };
}) as (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D;
