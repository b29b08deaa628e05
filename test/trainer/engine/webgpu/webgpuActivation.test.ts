/**
 * The one-dispatch ReLU / LeakyReLU gradient on WebGPU against tfjs's own gradient of the same op,
 * zeros included (where the two conventions could differ). Runs where a WebGPU adapter exists.
 */
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { onWebgpu } from '../../helpers';
import { webgpuLeakyRelu } from '../../../../src/trainer/engine/webgpu/webgpuActivation';

describe('WebGPU activation gradient', function () {
  onWebgpu();

  for (const alpha of [0, 0.2]) {
    it(`matches tfjs's gradient and costs one kernel (alpha ${alpha})`, async () => {
      const x = tf.concat([tf.reshape(tf.randomUniform([2, 3, 3, 5], -1, 1, 'float32', 4), [-1]), tf.zeros([7])]);
      const dy = tf.randomUniform(x.shape, -2, 2, 'float32', 5);
      const stock = (t: tf.Tensor) => (alpha === 0 ? tf.relu(t) : tf.leakyRelu(t, alpha));
      const [expectedY, expectedDx] = [stock(x), tf.grad(stock)(x, dy)];
      const [y, dx] = [webgpuLeakyRelu(x, alpha), tf.grad((t: tf.Tensor) => webgpuLeakyRelu(t, alpha))(x, dy)];
      assert.deepEqual(await y.data(), await expectedY.data());
      const [a, e] = [await dx.data(), await expectedDx.data()];
      assert.ok(
        e.some((v) => v !== 0),
        'non-trivial reference',
      );
      for (let i = 0; i < a.length; i++)
        assert.ok(Math.abs(a[i] - e[i]) <= 1e-6 * Math.abs(e[i]) + 1e-7, `element ${i}: ${a[i]} vs ${e[i]}`);
      const profile = await tf.profile(() => tf.grad((t: tf.Tensor) => webgpuLeakyRelu(t, alpha))(x, dy));
      // customGrad's 'forward' and the bookkeeping kernels dispatch nothing.
      const gradKernels = profile.kernels.filter((k) => !['Identity', 'Reshape', 'Cast', 'Fill', 'OnesLike', 'forward'].includes(k.name));
      assert.deepEqual(
        gradKernels.map((k) => k.name),
        [alpha === 0 ? 'Relu' : 'LeakyRelu', 'DtnActivationGrad'],
      );
      tf.dispose([x, dy, expectedY, expectedDx, y, dx]);
    });
  }
});
