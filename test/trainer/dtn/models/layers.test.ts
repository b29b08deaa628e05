import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../../src/trainer/engine/backend';
import { BatchNorm, batchNormTraining } from '../../../../src/trainer/dtn/models/layers';
import { ParamStore } from '../../../../src/trainer/dtn/models/params';

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, rel = 1e-4): void {
  assert.equal(actual.length, expected.length);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  for (let i = 0; i < expected.length; i++) {
    assert.ok(
      Math.abs(actual[i] - expected[i]) <= rel * Math.max(Math.abs(expected[i]), scale * 1e-2, 1e-6),
      `${what}[${i}]: ${actual[i]} vs ${expected[i]}`,
    );
  }
}

/** Batch norm written op by op, differentiated by tfjs: the definition the closed form must match. */
function composite(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D): tf.Tensor4D {
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), gamma), beta);
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`batchNormTraining (closed-form gradient) on ${backend}`, () => {
    before(async () => {
      await initBackend(backend);
    });

    it('matches the op-by-op definition in value, batch statistics and every gradient', () => {
      tf.tidy(() => {
        const x = tf.randomNormal([3, 4, 5, 6], 0.5, 2, 'float32', 1) as tf.Tensor4D;
        const gamma = tf.randomNormal([6], 1, 0.3, 'float32', 2) as tf.Tensor1D;
        const beta = tf.randomNormal([6], 0, 0.3, 'float32', 3) as tf.Tensor1D;
        const dy = tf.randomNormal([3, 4, 5, 6], 0, 1, 'float32', 4);
        const { y, mean, variance } = batchNormTraining(x, gamma, beta);
        assertClose(y.dataSync(), composite(x, gamma, beta).dataSync(), 'y');
        const m = tf.moments(x, [0, 1, 2]);
        assertClose(mean.dataSync(), m.mean.dataSync(), 'mean');
        assertClose(variance.dataSync(), m.variance.dataSync(), 'variance');
        mean.dispose();
        variance.dispose();
        const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
          const r = batchNormTraining(a as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D);
          r.mean.dispose();
          r.variance.dispose();
          return r.y;
        };
        const got = tf.grads(f)([x, gamma, beta], dy);
        const want = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
          composite(a as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D),
        )([x, gamma, beta], dy);
        assertClose(got[0].dataSync(), want[0].dataSync(), 'dx');
        assertClose(got[1].dataSync(), want[1].dataSync(), 'dgamma');
        assertClose(got[2].dataSync(), want[2].dataSync(), 'dbeta');
      });
    });

    it('leaves no tensors behind once its statistics are disposed', () => {
      const x = tf.randomNormal([2, 3, 3, 4]) as tf.Tensor4D;
      const g = tf.ones([4]) as tf.Tensor1D;
      const b = tf.zeros([4]) as tf.Tensor1D;
      const before = tf.memory().numTensors;
      const r = batchNormTraining(x, g, b);
      r.y.dispose();
      r.mean.dispose();
      r.variance.dispose();
      assert.equal(tf.memory().numTensors, before);
      tf.dispose([x, g, b]);
    });
  });
}

describe('BatchNorm inference caching', () => {
  before(async () => {
    await initBackend('cpu');
  });

  it('reuses the folded scale and shift until a parameter is assigned, then follows it', async () => {
    const store = new ParamStore('bnCache', 1);
    const bn = new BatchNorm(store, 'bn', 3);
    const x = tf.randomUniform([2, 2, 2, 3], -1, 1, 'float32', 3) as tf.Tensor4D;
    const first = tf.tidy(() => bn.apply(x, { training: false }));
    const live = tf.memory().numTensors;
    const again = tf.tidy(() => bn.apply(x, { training: false }));
    assert.equal(tf.memory().numTensors - live, 1, 'only the output is new: scale and shift are reused');
    assert.deepEqual(await again.data(), await first.data());
    // A training step moves the running statistics: inference must use the new ones.
    const updates: (() => void)[] = [];
    tf.dispose(bn.apply(tf.add(x, 5) as tf.Tensor4D, { training: true, updates }));
    updates.forEach((u) => u());
    const moved = await bn.apply(x, { training: false }).data();
    const mean = (await store.state.get('bnCache/bn/moving_mean')!.data())[0];
    const variance = (await store.state.get('bnCache/bn/moving_variance')!.data())[0];
    const x0 = (await x.data())[0];
    assert.ok(Math.abs(moved[0] - (x0 - mean) / Math.sqrt(variance + 1e-5)) < 1e-5, 'uses the updated running statistics');
    const before = tf.memory().numTensors;
    store.dispose();
    assert.equal(before - tf.memory().numTensors, 4 + 2, 'disposing the store frees the variables and the cache');
    tf.dispose([x, first, again]);
  });
});
