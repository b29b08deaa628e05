/**
 * tf.image.transform on a batch, cpu backend: every image gets its own map (the stock kernel of
 * tfjs 4.22 fills all but the first image with the fill value).
 */
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../../src/trainer/engine/backend';

describe('cpu Transform on a batch', () => {
  before(() => initBackend('cpu'));

  it('warps every image of a batch by its own map, as when each is warped alone', () => {
    const images = tf.tidy(() => tf.reshape(tf.add(tf.mul(tf.range(0, 3 * 6 * 5 * 2), 0.01), 1), [3, 6, 5, 2]) as tf.Tensor4D);
    // A shift, a rotation-like map and the identity.
    const maps = tf.tensor2d(
      [
        [1, 0, 1.5, 0, 1, -0.5, 0, 0],
        [0.9, -0.3, 1, 0.3, 0.9, 0, 0, 0],
        [1, 0, 0, 0, 1, 0, 0, 0],
      ],
      [3, 8],
    );
    const batch = tf.image.transform(images, maps, 'bilinear', 'constant', 0).arraySync();
    for (let b = 0; b < 3; b++) {
      const alone = tf.tidy(() =>
        tf.image
          .transform(tf.slice(images, [b, 0, 0, 0], [1, -1, -1, -1]), tf.slice(maps, [b, 0], [1, 8]), 'bilinear', 'constant', 0)
          .arraySync(),
      );
      assert.deepEqual(batch[b], alone[0], `image ${b}`);
    }
    assert.deepEqual(batch[2], images.arraySync()[2], 'the identity map leaves the last image as it was');
    tf.dispose([images, maps]);
  });

  it('applies one map given for the whole batch to every image', () => {
    const images = tf.ones([2, 4, 4, 1]) as tf.Tensor4D;
    const shift = tf.tensor2d([[1, 0, 2, 0, 1, 0, 0, 0]], [1, 8]);
    const out = tf.image.transform(images, shift, 'nearest', 'constant', 0).arraySync();
    assert.deepEqual(out[1], out[0]);
    assert.equal(out[1][0][3][0], 0, 'shifted in from outside the image: the fill value');
    assert.equal(out[1][0][0][0], 1);
    tf.dispose([images, shift]);
  });
});
