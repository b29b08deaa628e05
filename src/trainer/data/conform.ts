/** Brings an ImageSet to the model's size and channel count (e.g. MNIST 28x28x1 -> 32x32x3). */
import * as tf from '@tensorflow/tfjs-core';
import { ImageSet } from './imageSet';

export interface Shape {
  size: number;
  channels: 1 | 3;
}

/** Images resized per chunk, so a 73k-image SVHN set never becomes one giant tensor. */
const CHUNK = 512;

/** Grey -> RGB replicates; RGB -> grey uses ITU-R BT.601 luma (0.299, 0.587, 0.114). */
export function convertChannels(src: Float32Array, pixels: number, from: number, to: 1 | 3): Float32Array {
  if (from === to) return src;
  const out = new Float32Array(pixels * to);
  if (from === 1 && to === 3) {
    for (let p = 0; p < pixels; p++) out[3 * p] = out[3 * p + 1] = out[3 * p + 2] = src[p];
  } else if (from === 3 && to === 1) {
    for (let p = 0; p < pixels; p++) out[p] = 0.299 * src[3 * p] + 0.587 * src[3 * p + 1] + 0.114 * src[3 * p + 2];
  } else {
    throw new Error(`cannot convert ${from} channels to ${to}`);
  }
  return out;
}

/** Bilinear resize of `count` NHWC images, chunked; returns a new buffer. */
export function resizeImages(src: Float32Array, count: number, h: number, w: number, c: number, size: number): Float32Array {
  const inImg = h * w * c;
  const outImg = size * size * c;
  const out = new Float32Array(count * outImg);
  for (let start = 0; start < count; start += CHUNK) {
    const n = Math.min(CHUNK, count - start);
    const resized = tf.tidy(() => {
      const x = tf.tensor4d(src.subarray(start * inImg, (start + n) * inImg), [n, h, w, c]);
      // Half-pixel centres: the standard image-resize convention (no shift between sizes).
      return tf.image.resizeBilinear(x, [size, size], false, true);
    });
    out.set(resized.dataSync() as Float32Array, start * outImg);
    resized.dispose();
  }
  return out;
}

export function conformImageSet(set: ImageSet, shape: Shape): ImageSet {
  const { size, channels } = shape;
  if (set.height === size && set.width === size && set.channels === channels) return set;
  let images = set.images;
  let c = set.channels;
  // Drop channels before resizing (less work), add them after.
  if (channels < c) {
    images = convertChannels(images, set.count * set.height * set.width, c, channels);
    c = channels;
  }
  if (set.height !== size || set.width !== size) images = resizeImages(images, set.count, set.height, set.width, c, size);
  if (channels > c) {
    images = convertChannels(images, set.count * size * size, c, channels);
    c = channels;
  }
  return { ...set, images, height: size, width: size, channels: c };
}
