import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { conformImageSet, convertChannels, resizeImages } from '../../../src/trainer/data/conform';
import { ImageSet } from '../../../src/trainer/data/imageSet';

function set(count: number, side: number, channels: number, value: (i: number) => number): ImageSet {
  const images = new Float32Array(count * side * side * channels).map((_, i) => value(i));
  return {
    images,
    labels: Int32Array.from({ length: count }, (_, i) => i % 10),
    count,
    height: side,
    width: side,
    channels,
    origin: 'test',
  };
}

describe('conformImageSet', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('is a no-op (same object) when the shape already matches', () => {
    const s = set(2, 32, 3, () => 0.5);
    assert.equal(conformImageSet(s, { size: 32, channels: 3 }), s);
  });

  it('replicates grey into RGB', () => {
    const s = set(2, 4, 1, (i) => i / 32 - 1);
    const out = conformImageSet(s, { size: 4, channels: 3 });
    assert.equal(out.channels, 3);
    for (let p = 0; p < 32; p++) for (let c = 0; c < 3; c++) assert.equal(out.images[3 * p + c], s.images[p]);
    assert.equal(out.labels, s.labels);
  });

  it('converts RGB to grey by BT.601 luminance', () => {
    const out = convertChannels(Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1, 0.5, -0.5, 1]), 4, 3, 1);
    assert.deepEqual(
      Array.from(out).map((v) => +v.toFixed(5)),
      [0.299, 0.587, 0.114, +(0.1495 - 0.2935 + 0.114).toFixed(5)],
    );
  });

  it('resizes constant images to constants and keeps values in range', () => {
    const s = set(3, 28, 1, (i) => [-1, 0.25, 1][Math.floor(i / 784)]);
    const out = conformImageSet(s, { size: 32, channels: 3 });
    assert.deepEqual([out.count, out.height, out.width, out.channels], [3, 32, 32, 3]);
    assert.equal(out.images.length, 3 * 32 * 32 * 3);
    for (let i = 0; i < 3; i++) {
      const img = out.images.subarray(i * 3072, (i + 1) * 3072);
      for (const v of img) assert.ok(Math.abs(v - [-1, 0.25, 1][i]) < 1e-6);
    }
  });

  it('resizes with half-pixel centres (2x upsampling of a 2x2 image)', () => {
    const s: ImageSet = { images: Float32Array.from([0, 1, 0, 1]), count: 1, height: 2, width: 2, channels: 1, origin: 't' };
    const out = conformImageSet(s, { size: 4, channels: 1 });
    const row = Array.from(out.images.subarray(0, 4));
    assert.deepEqual(row, [0, 0.25, 0.75, 1]);
  });

  it('handles more images than one chunk and frees its tensors', () => {
    const before = tf.memory().numTensors;
    const s = set(600, 8, 1, (i) => (Math.floor(i / 64) % 7) / 3 - 1);
    const out = conformImageSet(s, { size: 16, channels: 1 });
    assert.equal(out.count, 600);
    assert.ok(Math.abs(out.images[599 * 256 + 100] - ((599 % 7) / 3 - 1)) < 1e-6);
    assert.equal(tf.memory().numTensors, before);
  });
});

describe('resizeImages against tf.image.resizeBilinear (half-pixel centres)', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  for (const [h, w, size] of [
    [28, 28, 32],
    [40, 36, 32],
    [5, 7, 3],
  ]) {
    it(`${h}x${w} -> ${size}x${size}, 3 channels, 2 images`, () => {
      const src = Float32Array.from({ length: 2 * h * w * 3 }, (_, i) => Math.sin(i * 12.9898) * 0.9);
      const ours = resizeImages(src, 2, h, w, 3, size);
      const theirs = tf.tidy(() => tf.image.resizeBilinear(tf.tensor4d(src, [2, h, w, 3]), [size, size], false, true).dataSync());
      assert.equal(ours.length, theirs.length);
      for (let i = 0; i < ours.length; i++) assert.ok(Math.abs(ours[i] - theirs[i]) < 1e-5, `element ${i}: ${ours[i]} vs ${theirs[i]}`);
    });
  }
});
