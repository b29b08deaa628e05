/**
 * Supervised training of a digit classifier (the digits encoder's conv stack plus its linear
 * head) on labelled images: how `pretrain-f` trains f on the source domain and `train-classifier`
 * trains the target classifier that scores translations.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DigitsArchitecture } from '../../shared/config';
import { Batcher, gather } from '../data/batcher';
import type { ImageSet } from '../data/imageSet';
import { Rng } from '../data/rng';
import { crossEntropyToClassIndices } from './losses';
import { Encoder } from './models/encoder';
import type { StateUpdates } from './models/layers';
import { DtnError } from '../../shared/errors';

type Images = Pick<ImageSet, 'images' | 'count' | 'height' | 'width' | 'channels'>;

/** Labels (argmax of the logits) for a set of images, on running statistics. */
export async function predictLabels(model: Encoder, images: Images): Promise<Int32Array> {
  const per = images.height * images.width * images.channels;
  const out = new Int32Array(images.count);
  for (let i = 0; i < images.count; i += 256) {
    const n = Math.min(256, images.count - i);
    const x = tf.tensor4d(images.images.subarray(i * per, (i + n) * per), [n, images.height, images.width, images.channels]);
    const pred = tf.tidy(() => tf.argMax(model.classify(x, { training: false }), 1));
    out.set(await pred.data(), i);
    x.dispose();
    pred.dispose();
  }
  return out;
}

/**
 * Random contrast and brightness per training image. Without it, an MNIST classifier reads any
 * image whose background is not exactly black (as G's outputs are early in training) as one class,
 * and translation accuracy measures the background instead of the digit.
 */
function jitterIntensity(images: Float32Array, count: number, rng: Rng): Float32Array {
  const per = images.length / count;
  for (let n = 0; n < count; n++) {
    const contrast = rng.range(0.5, 1);
    const shift = rng.range(-0.3, 0.3) + (1 - contrast) * rng.range(-0.5, 0.5);
    for (let i = n * per; i < (n + 1) * per; i++) images[i] = Math.max(-1, Math.min(1, images[i] * contrast + shift));
  }
  return images;
}

/**
 * Colour invariance for f (encoder.augment): each image greyed (its channels' mean) or inverted with
 * probability one half each, then jittered in contrast. Measured on digits-quick: f's held-out
 * accuracy 96.3% -> 98.0%, but its reading of MNIST digits only 64.0% -> 65.8% (the gap is the
 * handwriting, not the colours), and no better DTN, so it is off by default.
 */
function varyColours(images: Float32Array, count: number, channels: number, rng: Rng): Float32Array {
  const per = images.length / count;
  for (let n = 0; n < count; n++) {
    const start = n * per;
    if (channels > 1 && rng.next() < 0.5) {
      for (let i = start; i < start + per; i += channels) {
        let sum = 0;
        for (let c = 0; c < channels; c++) sum += images[i + c];
        images.fill(sum / channels, i, i + channels);
      }
    }
    if (rng.next() < 0.5) for (let i = start; i < start + per; i++) images[i] = -images[i];
  }
  return jitterIntensity(images, count, rng);
}

/**
 * Shape variety for f: each image warped by a random affine map (rotation, shear, scale, shift)
 * about its centre, edges repeated, so f learns digit shapes beyond the fonts' own.
 */
export function warpShapes(x: tf.Tensor4D, rng: Rng): tf.Tensor4D {
  const [n, h, w] = x.shape;
  const m = new Float32Array(n * 8);
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  for (let i = 0; i < n; i++) {
    const angle = rng.range(-0.25, 0.25);
    const shear = rng.range(-0.3, 0.3);
    const sx = rng.range(0.8, 1.15);
    const sy = sx * rng.range(0.9, 1.1);
    const tx = rng.range(-2, 2);
    const ty = rng.range(-2, 2);
    // Output -> input: inverse of scale · shear · rotation, written directly as its own random map.
    const cos = Math.cos(angle);
    const sin = Math.sin(angle);
    const a0 = (cos + shear * sin) / sx;
    const a1 = (-sin + shear * cos) / sx;
    const b0 = sin / sy;
    const b1 = cos / sy;
    m.set([a0, a1, cx - a0 * cx - a1 * cy + tx, b0, b1, cy - b0 * cx - b1 * cy + ty, 0, 0], i * 8);
  }
  return tf.tidy(() => tf.image.transform(x, tf.tensor2d(m, [n, 8]), 'bilinear', 'nearest'));
}

export interface LabelClassifierTraining {
  model: Encoder;
  /** Accuracy on the held-out tail of the data, which training never sees. */
  testAccuracy: number;
  testCount: number;
}

/** Trains on all but the last `testFraction` of `data` (labelled); scores that held-out tail. */
export async function trainLabelClassifier(
  data: ImageSet,
  arch: DigitsArchitecture,
  opts: {
    steps: number;
    seed: number;
    /** 'intensity': contrast and brightness (the target classifier); 'colour': also greyed and inverted (f). */
    augment: 'none' | 'intensity' | 'colour';
    /** Random affine warps (f). */
    warp?: boolean;
    batchSize?: number;
    testFraction?: number;
    onProgress?: (step: number, total: number, loss: number) => void;
  },
): Promise<LabelClassifierTraining> {
  const labels = data.labels;
  if (!labels) throw new DtnError('DATA_INVALID', `${data.origin} has no labels`);
  const batch = opts.batchSize ?? 64;
  const testCount = Math.max(1, Math.floor(data.count * (opts.testFraction ?? 0.1)));
  const trainCount = data.count - testCount;
  if (trainCount < batch)
    throw new DtnError(
      'DATA_INVALID',
      `${data.origin}: ${data.count} labelled images are too few to train a classifier (need at least ${batch + testCount})`,
    );
  const model = new Encoder(arch, opts.seed);
  const optimizer = tf.train.adam(1e-3);
  const batcher = new Batcher(trainCount, batch, opts.seed * 15485863 + 5);
  const rng = new Rng(opts.seed * 32452843 + 7);
  for (let step = 1; step <= opts.steps; step++) {
    const idx = batcher.next();
    const pixels = gather(data, idx);
    const varied =
      opts.augment === 'colour'
        ? varyColours(pixels, batch, data.channels, rng)
        : opts.augment === 'intensity'
          ? jitterIntensity(pixels, batch, rng)
          : pixels;
    const raw = tf.tensor4d(varied, [batch, data.height, data.width, data.channels]);
    const x = opts.warp ? warpShapes(raw, rng) : raw;
    if (x !== raw) raw.dispose();
    const y = tf.tensor1d(
      Int32Array.from(idx, (i) => labels[i]),
      'int32',
    );
    const updates: StateUpdates = [];
    const loss = optimizer.minimize(
      () => crossEntropyToClassIndices(model.classify(x, { training: true, updates }), y),
      true,
      model.params.trainableList(),
    );
    for (const u of updates) u();
    tf.dispose([x, y]);
    if (step % 10 === 0 || step === opts.steps) opts.onProgress?.(step, opts.steps, (await loss!.data())[0]);
    loss?.dispose();
  }
  optimizer.dispose();
  const per = data.height * data.width * data.channels;
  const test = {
    images: data.images.subarray(trainCount * per),
    count: testCount,
    height: data.height,
    width: data.width,
    channels: data.channels,
  };
  const predicted = await predictLabels(model, test);
  let correct = 0;
  for (let i = 0; i < testCount; i++) if (predicted[i] === labels[trainCount + i]) correct++;
  return { model, testAccuracy: correct / testCount, testCount };
}
