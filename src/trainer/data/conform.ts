/** Brings an ImageSet to the model's size and channel count (e.g. MNIST 28x28x1 -> 32x32x3). */
import { ImageSet } from './imageSet';

export interface Shape {
  size: number;
  channels: 1 | 3;
}

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

/** Source coordinate, neighbours and weight for each output row/column (half-pixel centres). */
function bilinearTaps(inSize: number, outSize: number) {
  const scale = inSize / outSize;
  return Array.from({ length: outSize }, (_, o) => {
    // Half-pixel centres: the standard image-resize convention (no shift between sizes).
    const s = Math.max(0, (o + 0.5) * scale - 0.5);
    const lo = Math.min(Math.floor(s), inSize - 1);
    return { lo, hi: Math.min(lo + 1, inSize - 1), t: s - lo };
  });
}

/**
 * Bilinear resize of `count` NHWC images into a new buffer. Plain JS rather than a tfjs op: data
 * loading must not depend on the compute backend (a GPU backend cannot read results back
 * synchronously in Node).
 */
export function resizeImages(src: Float32Array, count: number, h: number, w: number, c: number, size: number): Float32Array {
  const rows = bilinearTaps(h, size);
  const cols = bilinearTaps(w, size);
  const out = new Float32Array(count * size * size * c);
  let o = 0;
  for (let n = 0; n < count; n++) {
    const base = n * h * w * c;
    for (const r of rows) {
      const top = base + r.lo * w * c;
      const bottom = base + r.hi * w * c;
      for (const q of cols) {
        for (let k = 0; k < c; k++, o++) {
          const a = src[top + q.lo * c + k] + (src[top + q.hi * c + k] - src[top + q.lo * c + k]) * q.t;
          const b = src[bottom + q.lo * c + k] + (src[bottom + q.hi * c + k] - src[bottom + q.lo * c + k]) * q.t;
          out[o] = a + (b - a) * r.t;
        }
      }
    }
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
