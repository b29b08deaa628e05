/**
 * Timing a conv kernel (what tuning and `bench --conv` do) must not hold every run's result: at a
 * training batch one result is tens of MB, and tuning queues dozens of runs. WebGPU part runs where
 * an adapter exists (CI: Mesa's lavapipe).
 */
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { timeKernel } from '../../../../src/trainer/engine/webgpu/convCalls';
import { stockKernel } from '../../../../src/trainer/engine/overrideKernel';
import { onWebgpu } from '../../helpers';

describe('timing a conv kernel', () => {
  onWebgpu();

  it('holds a bounded number of results on the GPU however many runs it queues', async () => {
    const x = tf.randomUniform([4, 16, 16, 8], -1, 1, 'float32', 1);
    const filter = tf.randomUniform([3, 3, 8, 64], -1, 1, 'float32', 2);
    const attrs = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1] };
    const resultBytes = 4 * 16 * 16 * 64 * 4;
    const pool = () => (tf.memory() as tf.MemoryInfo & { numBytesAllocatedInGPU: number }).numBytesAllocatedInGPU;
    const before = pool();
    const tensors = tf.memory().numTensors;
    // 60 runs: holding them all would take 60 results' worth of buffers. tfjs frees a result's buffer
    // once the batch of (at most 15) queued kernels that use it is submitted, so about 16 remain.
    const ms = await timeKernel(stockKernel('Conv2D', 'webgpu')!, { x, filter }, attrs, { minMs: 1e9, maxReps: 60 });
    assert.ok(ms > 0);
    assert.equal(tf.memory().numTensors, tensors, 'every result freed');
    const grown = pool() - before;
    assert.ok(grown <= 20 * resultBytes, `the buffer pool grew by ${grown} bytes (${(grown / resultBytes).toFixed(1)} results)`);
    tf.dispose([x, filter]);
  });
});
