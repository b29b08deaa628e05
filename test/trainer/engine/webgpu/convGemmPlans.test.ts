/** How convolutions become GEMM plans: where K is split over workgroups. */
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { filterGradPlan, forwardPlan, inputGradPlan } from '../../../../src/trainer/engine/webgpu/convGemmPlans';

describe('convolution GEMM plans', () => {
  it('splits a long filter-gradient reduction over workgroups and sums the parts', () => {
    const info = tf.backend_util.computeConv2DInfo([8, 16, 16, 4], [4, 4, 4, 8], 2, 1, 'same');
    const plan = filterGradPlan(info);
    assert.ok(plan.zCount > 1, `expected a split, got ${plan.zCount}`);
    assert.ok(plan.kPerZ * plan.zCount >= plan.K);
    assert.equal(forwardPlan(info).K, 4 * 4 * 4);
    const head = tf.backend_util.computeConv2DInfo([3, 8, 8, 40], [8, 8, 40, 5], 1, 1, 'valid');
    assert.ok(forwardPlan(head).zCount > 1, 'a forward GEMM with one tile and a long K splits K');
    const narrow = tf.backend_util.computeConv2DInfo([1, 8, 8, 16], [4, 4, 16, 128], 2, 1, 'same');
    const dx = inputGradPlan(narrow);
    assert.ok(dx.parts > 1 && dx.zCount === 4 * dx.parts, 'four stride phases times the K slices');
  });
});
