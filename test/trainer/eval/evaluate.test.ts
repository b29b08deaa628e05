import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/trainer/engine/backend';
import type { ImageSet } from '../../../src/trainer/data/imageSet';
import { evaluateTranslation, loadHeldOutSource } from '../../../src/trainer/eval/evaluate';
import type { Encoder } from '../../../src/trainer/dtn/models/encoder';
import { scaledEncoder, tinyConfig } from '../helpers';

/** A stand-in classifier with known outputs: it reads the label off the first pixel's value. */
function firstPixelClassifier(): Encoder {
  return {
    classify: (x: tf.Tensor4D) =>
      tf.tidy(() => {
        const first = tf.reshape(tf.slice(x, [0, 0, 0, 0], [x.shape[0], 1, 1, 1]), [x.shape[0]]);
        const label = tf.cast(tf.round(tf.mul(tf.add(first, 1), 4.5)), 'int32'); // -1..1 -> 0..9
        return tf.mul(tf.oneHot(label, 10), 10) as tf.Tensor2D;
      }),
  } as unknown as Encoder;
}

function labelledSet(labels: number[], channels: 1 | 3): ImageSet {
  const per = 32 * 32 * channels;
  const images = new Float32Array(labels.length * per);
  labels.forEach((l, i) => images.fill(l / 4.5 - 1, i * per, (i + 1) * per));
  return { images, labels: Int32Array.from(labels), count: labels.length, height: 32, width: 32, channels, origin: 'test set' };
}

describe('eval/evaluate', () => {
  before(async () => {
    await initBackend('cpu');
  });

  it('scores every seed of a synthetic-digits config on the same held-out images, never the training ones', async () => {
    const config = (seed: number) => tinyConfig({ seed, source: { kind: 'synthetic-digits', count: 8 }, eval: { count: 6 } });
    const [a, b] = await Promise.all([loadHeldOutSource(config(1), process.cwd()), loadHeldOutSource(config(7), process.cwd())]);
    assert.deepEqual(a!.labels, b!.labels);
    assert.deepEqual(a!.images, b!.images);
    assert.equal(a!.count, 6);
    // A run whose seed is the held-out seed itself is scored on other images than it trains on.
    const clash = await loadHeldOutSource(config(1_000_004), process.cwd());
    assert.notDeepEqual(clash!.images, a!.images);
  });

  it('scores the classifier on G(x) against the source labels, with the confusion matrix', async () => {
    const config = tinyConfig();
    const f = scaledEncoder(config);
    const labels = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 3, 3];
    // G shifts every image by one class (label 9 wraps to 0 is impossible here: it clips to 9).
    const shiftUp = (x: tf.Tensor4D) => tf.tidy(() => tf.mean(tf.minimum(tf.add(x, 1 / 4.5), 1), 3, true)) as tf.Tensor4D;
    const result = await evaluateTranslation({
      generate: shiftUp,
      f,
      classifier: firstPixelClassifier(),
      heldOut: labelledSet(labels, 3),
      distance: 'mse',
    });
    // Only the 9 stays 9; every other image is read as label + 1.
    assert.equal(result.accuracy, 1 / 12);
    assert.equal(result.count, 12);
    assert.equal(result.confusion[3][4], 3);
    assert.equal(result.confusion[9][9], 1);
    assert.equal(result.confusion[0][1], 1);
    assert.ok(result.fConstancy > 0, 'a generator that changes images changes f(G(x))');
    f.params.dispose();
  });

  it('f-constancy is exactly 0 and accuracy 1 when G is the identity', async () => {
    const config = tinyConfig();
    const f = scaledEncoder(config);
    const identity = (x: tf.Tensor4D) => tf.clone(x);
    const labels = [2, 7, 7, 1, 0, 9, 4, 4, 5];
    const result = await evaluateTranslation({
      generate: identity,
      f,
      classifier: firstPixelClassifier(),
      heldOut: labelledSet(labels, 3),
      distance: 'mse',
    });
    assert.equal(result.fConstancy, 0);
    assert.equal(result.accuracy, 1);
    f.params.dispose();
  });

  it('refuses unlabelled held-out images', async () => {
    const config = tinyConfig();
    const f = scaledEncoder(config);
    const set = labelledSet([1, 2], 3);
    delete set.labels;
    await assert.rejects(
      evaluateTranslation({ generate: (x) => x, f, classifier: firstPixelClassifier(), heldOut: set, distance: 'mse' }),
      /test set has no labels/,
    );
    f.params.dispose();
  });
});
