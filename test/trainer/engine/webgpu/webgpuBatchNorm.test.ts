/**
 * Fused batch-norm kernels on the webgpu backend (lavapipe in CI): batch statistics against a
 * float64 reference, output and gradients against batch norm written op by op and differentiated
 * by tfjs (alone and followed by ReLU / LeakyReLU, which the kernels can fold in), the
 * running-statistics update, and the dispatch count the kernels exist for.
 */
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { onWebgpu, withStockKernels } from '../../helpers';
import { webgpuBackend, type WebgpuBackend } from '../../../../src/trainer/engine/webgpu/tfjsInternals';
import { installWebgpuBatchNorm, reducePlan, webgpuBatchNormTraining } from '../../../../src/trainer/engine/webgpu/webgpuBatchNorm';
import { webgpuLeakyRelu } from '../../../../src/trainer/engine/webgpu/webgpuActivation';
import { BatchNorm, batchNormTraining, type StateUpdates } from '../../../../src/trainer/dtn/models/layers';
import { ParamStore } from '../../../../src/trainer/dtn/models/params';

type Shape = [number, number, number, number];

/** Largest difference relative to the reference's largest magnitude (at least `floor`). */
function assertClose(got: ArrayLike<number>, want: ArrayLike<number>, rel: number, what: string, floor = 1e-3): void {
  assert.equal(got.length, want.length, `${what}: length`);
  let worst = 0;
  let scale = floor;
  for (let i = 0; i < want.length; i++) {
    assert.ok(Number.isFinite(got[i]), `${what}[${i}] is ${got[i]}`);
    worst = Math.max(worst, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  assert.ok(worst <= rel * scale, `${what}: largest difference ${worst} exceeds ${rel} x ${scale}`);
}

/** Per-channel mean and biased variance in float64, two passes. */
function referenceMoments(values: Float32Array, channels: number): { mean: Float64Array; variance: Float64Array } {
  const rows = values.length / channels;
  const mean = new Float64Array(channels);
  const variance = new Float64Array(channels);
  for (let i = 0; i < values.length; i++) mean[i % channels] += values[i];
  for (let c = 0; c < channels; c++) mean[c] /= rows;
  for (let i = 0; i < values.length; i++) variance[i % channels] += (values[i] - mean[i % channels]) ** 2;
  for (let c = 0; c < channels; c++) variance[c] /= rows;
  return { mean, variance };
}

/** Batch norm op by op, differentiated by tfjs: the definition the fused kernels must match. */
function composite(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D): tf.Tensor4D {
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), gamma), beta);
}

/** The closed-form path that other backends run (layers.ts), here forced onto webgpu to count its kernels. */
function stockClosedForm(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D): tf.Tensor4D {
  const axes = [0, 1, 2];
  const n = x.shape[0] * x.shape[1] * x.shape[2];
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xIn, g, b, save] = args as [tf.Tensor4D, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const { mean, variance } = tf.moments(xIn, axes);
    const rstd = tf.rsqrt(tf.add(variance, 1e-5));
    const xhat = tf.mul(tf.sub(xIn, mean), rstd);
    save([xhat, rstd, g]);
    return {
      value: tf.add(tf.mul(xhat, g), b),
      gradFunc: (dy: tf.Tensor, [xh, rs, gg]: tf.Tensor[]) => {
        const dBeta = tf.sum(dy, axes);
        const dGamma = tf.sum(tf.mul(dy, xh), axes);
        const centred = tf.sub(tf.sub(dy, tf.div(dBeta, n)), tf.mul(xh, tf.div(dGamma, n)));
        return [tf.mul(centred, tf.mul(gg, rs)), dGamma, dBeta];
      },
    };
  })(x, gamma, beta) as tf.Tensor4D;
}

function inputs(shape: Shape, offset = 0.5, seed = 1) {
  const c = shape[3];
  return {
    x: tf.add(tf.randomNormal(shape, 0, 2, 'float32', seed), offset) as tf.Tensor4D,
    gamma: tf.randomNormal([c], 1, 0.3, 'float32', seed + 1) as tf.Tensor1D,
    beta: tf.randomNormal([c], 0, 0.3, 'float32', seed + 2) as tf.Tensor1D,
    dy: tf.randomNormal(shape, 0, 1, 'float32', seed + 3) as tf.Tensor4D,
  };
}

/** Batch norm then the stock tfjs activation (α = 0: Relu), differentiated by tfjs. */
function compositeActivated(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, alpha: number): tf.Tensor4D {
  const z = composite(x, gamma, beta);
  return alpha === 0 ? tf.relu(z) : tf.leakyRelu(z, alpha);
}

type GpuEncoder = { prototype: { dispatchWorkgroups(...a: unknown[]): void } };

/**
 * GPU dispatches (tfjs-webgpu programs run), the compute passes' dispatchWorkgroups calls (what the
 * GPU sees, as `bench --profile` counts them) and tfjs kernels (tf.profile) while `f` runs.
 */
async function countDispatches(f: () => tf.Tensor[]): Promise<{ dispatches: number; workgroupDispatches: number; kernels: number }> {
  const backend = webgpuBackend();
  const original = backend.runWebGPUProgram;
  const encoder = (globalThis as { GPUComputePassEncoder?: GpuEncoder }).GPUComputePassEncoder!.prototype;
  const dispatch = encoder.dispatchWorkgroups;
  let dispatches = 0;
  let workgroupDispatches = 0;
  backend.runWebGPUProgram = function (this: WebgpuBackend, ...a: Parameters<WebgpuBackend['runWebGPUProgram']>) {
    dispatches++;
    return original.apply(this, a);
  };
  encoder.dispatchWorkgroups = function (this: unknown, ...a: unknown[]) {
    workgroupDispatches++;
    return dispatch.apply(this, a);
  };
  try {
    let out: tf.Tensor[] = [];
    const profile = await tf.profile(() => {
      out = f();
      return out;
    });
    await Promise.all(out.map((t) => t.data()));
    tf.dispose(out);
    return { dispatches, workgroupDispatches, kernels: profile.kernels.length };
  } finally {
    backend.runWebGPUProgram = original;
    encoder.dispatchWorkgroups = dispatch;
  }
}

describe('fused batch norm on webgpu', function () {
  this.timeout(300_000);

  onWebgpu(installWebgpuBatchNorm);

  it('spreads a big reduction over a few hundred workgroups, a small one over few', () => {
    const big = reducePlan(128 * 16 * 16, 128);
    assert.ok(big.tiles * big.chunks >= 256, `${big.tiles * big.chunks} workgroups`);
    assert.equal(big.tile, 64);
    const wide = reducePlan(128 * 4 * 4, 512);
    assert.ok(wide.tiles * wide.chunks >= 256, `${wide.tiles * wide.chunks} workgroups`);
    const small = reducePlan(2 * 4 * 4, 6);
    assert.equal(small.tiles * small.chunks, 1);
  });

  // Channels below, at and above the 64-wide channel tile, multiples of 4 (vector path) and not;
  // several row chunks with a short last one; a large offset that a one-pass E[x²]−E[x]² in f32
  // would turn into garbage variances.
  for (const [shape, offset] of [
    [[2, 4, 4, 6], 0.5],
    [[2, 5, 5, 3], -1],
    [[4, 8, 8, 40], 0.5],
    [[4, 6, 6, 70], 2],
    [[2, 4, 4, 128], 0],
    [[8, 32, 32, 16], 300],
  ] as [Shape, number][]) {
    it(`${shape.join('x')} (offset ${offset}): batch statistics, output and gradients wrt x, gamma, beta`, async () => {
      const c = shape[3];
      const { x, gamma, beta, dy } = inputs(shape, offset);
      const { y, mean, variance } = batchNormTraining(x, gamma, beta);
      const ref = referenceMoments((await x.data()) as Float32Array, c);
      assertClose(await mean.data(), ref.mean, 1e-5, 'mean', 1);
      // Relative to the variance itself (≈ 4): an f32 E[x²]−E[x]² at offset 300 is off by ~1e-2.
      assertClose(await variance.data(), ref.variance, 1e-4, 'variance', 1);
      assertClose(await y.data(), await composite(x, gamma, beta).data(), 1e-4, 'y', 1);

      const fused = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        const r = webgpuBatchNormTraining(a as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5);
        r.stats.dispose();
        return r.y;
      };
      const got = tf.grads(fused)([x, gamma, beta], dy);
      const want = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => composite(a as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D))(
        [x, gamma, beta],
        dy,
      );
      assertClose(await got[0].data(), await want[0].data(), 1e-3, 'dx');
      assertClose(await got[1].data(), await want[1].data(), 1e-3, 'dgamma');
      assertClose(await got[2].data(), await want[2].data(), 1e-3, 'dbeta');
      tf.dispose([x, gamma, beta, dy, y, mean, variance, ...got, ...want]);
    });
  }

  // The activation folded in: pre-activation exactly 0 in channel 0 (γ = β = 0 there, in the fused
  // kernels and the reference alike), where tfjs takes the slope α (ReLU: 0), and both signs elsewhere.
  for (const alpha of [0, 0.2]) {
    for (const [shape, offset] of [
      [[2, 4, 4, 6], 0.5],
      [[2, 5, 5, 3], -1],
      [[4, 8, 8, 40], 0.5],
      [[4, 6, 6, 70], 2],
      [[8, 16, 16, 16], 300],
    ] as [Shape, number][]) {
      const act = alpha === 0 ? 'ReLU' : `LeakyReLU(${alpha})`;
      it(`${shape.join('x')} (offset ${offset}) + ${act}: output and gradients wrt x, gamma, beta`, async () => {
        const c = shape[3];
        const r = inputs(shape, offset, 7);
        const mask = tf.concat([tf.zeros([1]), tf.ones([c - 1])]);
        const gamma = tf.mul(r.gamma, mask) as tf.Tensor1D;
        const beta = tf.mul(r.beta, mask) as tf.Tensor1D;
        const { x, dy } = r;
        const fused = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
          const out = webgpuBatchNormTraining(a as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5, { alpha });
          out.stats.dispose();
          return out.y;
        };
        const reference = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
          compositeActivated(a as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, alpha);
        const [y, yWant] = [fused(x, gamma, beta), reference(x, gamma, beta)];
        assertClose(await y.data(), await yWant.data(), 1e-4, 'y', 1);
        const yValues = await y.data();
        assert.ok(yValues.some((v) => v < 0) === alpha > 0 && yValues.some((v) => v > 0), 'both signs of the pre-activation occur');
        const got = tf.grads(fused)([x, gamma, beta], dy);
        const want = tf.grads(reference)([x, gamma, beta], dy);
        assertClose(await got[0].data(), await want[0].data(), 1e-3, 'dx');
        assertClose(await got[1].data(), await want[1].data(), 1e-3, 'dgamma');
        assertClose(await got[2].data(), await want[2].data(), 1e-3, 'dbeta');
        // Channel 0 sits at the kink: dβ there is α·Σdy, exactly the convention's choice.
        const dySum = (await tf.sum(tf.slice(dy, [0, 0, 0, 0], [-1, -1, -1, 1])).data())[0];
        const dBeta0 = (await got[2].data())[0];
        assert.ok(Math.abs(dBeta0 - alpha * dySum) <= 1e-4 * (1 + Math.abs(dySum)), `dbeta[0] ${dBeta0} vs ${alpha} x ${dySum}`);
        tf.dispose([x, dy, r.gamma, r.beta, mask, gamma, beta, y, yWant, ...got, ...want]);
      });
    }
  }

  it('BatchNorm.apply + activation: fused when training, BN then activation otherwise, and with DTN_STOCK_KERNELS=BatchNorm', async () => {
    const store = new ParamStore('a', 4);
    const bn = new BatchNorm(store, 'bn', 10);
    const x = tf.randomNormal([3, 4, 4, 10], 0.3, 1.5, 'float32', 11) as tf.Tensor4D;
    const dy = tf.randomNormal([3, 4, 4, 10], 0, 1, 'float32', 12) as tf.Tensor4D;
    const vars = store.trainableList();
    for (const alpha of [0, 0.2]) {
      const stock = (t: tf.Tensor4D) => (alpha === 0 ? tf.relu(t) : tf.leakyRelu(t, alpha));
      // Loss and dx; in training mode also dγ, dβ (inference reads the folded, untaped scale and shift).
      const run = (training: boolean, act: boolean) =>
        tf.tidy(() => {
          const mode = { training };
          const loss = (a: tf.Tensor) =>
            tf.sum(tf.mul(act ? bn.apply(a as tf.Tensor4D, mode, { alpha }) : stock(bn.apply(a as tf.Tensor4D, mode)), dy));
          const { value, grad } = tf.valueAndGrad(loss)(x);
          if (!training) return [value, grad];
          const { grads } = tf.variableGrads(() => loss(x) as tf.Scalar, vars);
          return [value, grad, ...vars.map((v) => grads[v.name])];
        });
      for (const training of [true, false]) {
        const want = run(training, false);
        const got = run(training, true);
        const stockGot = await withStockKernels('BatchNorm', async () => run(training, true));
        assert.equal(got.length, want.length);
        for (const [i, name] of ['loss', 'dx', 'dgamma', 'dbeta'].slice(0, want.length).entries()) {
          assertClose(await got[i].data(), await want[i].data(), 1e-3, `${name} (training ${training}, alpha ${alpha})`);
          assertClose(await stockGot[i].data(), await want[i].data(), 1e-3, `stock ${name} (training ${training}, alpha ${alpha})`);
        }
        tf.dispose([...want, ...got, ...stockGot]);
      }
    }
    const kernelNames = async () => {
      const p = await tf.profile(() => tf.grads((a: tf.Tensor) => bn.apply(a as tf.Tensor4D, { training: true }, { alpha: 0.2 }))([x], dy));
      tf.dispose(p.result as tf.Tensor[]);
      return p.kernels.map((k) => k.name);
    };
    // Fused: no activation kernel of its own; with 'BatchNorm' stock the fused kernels stay out entirely.
    const fusedNames = await kernelNames();
    assert.ok(fusedNames.includes('DtnBnNormalize'), `fused path ran ${fusedNames.join(', ')}`);
    assert.ok(!fusedNames.some((n) => /Relu|DtnActivationGrad/.test(n)), `fused path ran ${fusedNames.join(', ')}`);
    const stockNames = await withStockKernels('BatchNorm', () => kernelNames());
    assert.ok(!stockNames.some((n) => n.startsWith('DtnBn')), `stock path ran ${stockNames.join(', ')}`);
    tf.dispose([x, dy]);
    store.dispose();
  });

  it('BatchNorm updates its running statistics from the batch statistics (momentum 0.1)', async () => {
    const shape: Shape = [3, 4, 4, 10];
    const store = new ParamStore('t', 1);
    const bn = new BatchNorm(store, 'bn', 10);
    const all = store.all();
    const mean = all.get('t/bn/moving_mean')!;
    const variance = all.get('t/bn/moving_variance')!;
    let wantMean = Array.from(await mean.data(), Number);
    let wantVariance = Array.from(await variance.data(), Number);
    for (const seed of [5, 9]) {
      const x = tf.add(tf.randomNormal(shape, 0, 3, 'float32', seed), seed) as tf.Tensor4D;
      const ref = referenceMoments((await x.data()) as Float32Array, 10);
      const updates: StateUpdates = [];
      const y = bn.apply(x, { training: true, updates });
      for (const u of updates) u();
      wantMean = wantMean.map((m, c) => 0.9 * m + 0.1 * ref.mean[c]);
      wantVariance = wantVariance.map((v, c) => 0.9 * v + 0.1 * ref.variance[c]);
      assertClose(await mean.data(), wantMean, 1e-5, `moving_mean after seed ${seed}`, 1);
      assertClose(await variance.data(), wantVariance, 1e-5, `moving_variance after seed ${seed}`, 1);
      tf.dispose([x, y]);
    }
    store.dispose();
  });

  it('leaves no tensors behind: training step with updates, and without', async () => {
    const store = new ParamStore('m', 2);
    const bn = new BatchNorm(store, 'bn', 12);
    const x = tf.randomNormal([2, 4, 4, 12], 0, 1, 'float32', 3) as tf.Tensor4D;
    const [gamma, beta] = [tf.ones([12]) as tf.Tensor1D, tf.zeros([12]) as tf.Tensor1D];
    const before = tf.memory().numTensors;
    const updates: StateUpdates = [];
    const { value, grads } = tf.variableGrads(() => tf.sum(bn.apply(x, { training: true, updates })) as tf.Scalar, store.trainableList());
    for (const u of updates) u();
    tf.dispose([value, ...Object.values(grads)]);
    tf.dispose(bn.apply(x, { training: true }));
    const r = batchNormTraining(x, gamma, beta);
    tf.dispose([r.y, r.mean, r.variance]);
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([gamma, beta]);
    x.dispose();
    store.dispose();
  });

  it('one forward + backward takes at most 7 dispatches instead of ~25, the running update 1 per variable', async () => {
    const shape: Shape = [4, 8, 8, 32];
    const { x, gamma, beta, dy } = inputs(shape);
    const fused = await countDispatches(() =>
      tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        const r = webgpuBatchNormTraining(a as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5);
        r.stats.dispose();
        return r.y;
      })([x, gamma, beta], dy),
    );
    const stock = await countDispatches(() =>
      tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => stockClosedForm(a as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D))(
        [x, gamma, beta],
        dy,
      ),
    );
    console.log(
      `      dispatches: stock ${stock.dispatches} -> fused ${fused.dispatches}; tf.profile kernels: ${stock.kernels} -> ${fused.kernels}`,
    );
    assert.ok(fused.dispatches <= 7, `fused forward+backward ran ${fused.dispatches} programs`);
    assert.ok(stock.dispatches >= 3 * fused.dispatches, `stock ${stock.dispatches} vs fused ${fused.dispatches}`);
    assert.ok(fused.kernels * 2 <= stock.kernels, `tf.profile: stock ${stock.kernels} vs fused ${fused.kernels} kernels`);

    const store = new ParamStore('d', 3);
    const bn = new BatchNorm(store, 'bn', 32);
    const updates: StateUpdates = [];
    const forward = await countDispatches(() => [bn.apply(x, { training: true, updates })]);
    assert.ok(forward.dispatches <= 3, `BatchNorm forward ran ${forward.dispatches} programs`);
    const update = await countDispatches(() => {
      for (const u of updates) u();
      return [];
    });
    assert.equal(update.dispatches, 2, 'running mean and variance updates');
    store.dispose();
    tf.dispose([x, gamma, beta, dy]);
  });

  it('an activation folded in saves one dispatch forward and one backward', async () => {
    const shape: Shape = [4, 8, 8, 32];
    const { x, gamma, beta, dy } = inputs(shape);
    for (const alpha of [0, 0.2]) {
      const grads = (f: (a: tf.Tensor4D, g: tf.Tensor1D, b: tf.Tensor1D) => tf.Tensor) =>
        countDispatches(() =>
          tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => f(a as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D))(
            [x, gamma, beta],
            dy,
          ),
        );
      const bn = (a: tf.Tensor4D, g: tf.Tensor1D, b: tf.Tensor1D, activation?: { alpha: number }) => {
        const r = webgpuBatchNormTraining(a, g, b, 1e-5, activation);
        r.stats.dispose();
        return r.y;
      };
      const fused = await grads((a, g, b) => bn(a, g, b, { alpha }));
      const separate = await grads((a, g, b) => webgpuLeakyRelu(bn(a, g, b), alpha));
      const forwardFused = await countDispatches(() => [bn(x, gamma, beta, { alpha })]);
      const forwardSeparate = await countDispatches(() => [webgpuLeakyRelu(bn(x, gamma, beta), alpha)]);
      console.log(
        `      alpha ${alpha}: GPU dispatches forward ${forwardSeparate.workgroupDispatches} -> ${forwardFused.workgroupDispatches}, ` +
          `forward+backward ${separate.workgroupDispatches} -> ${fused.workgroupDispatches}`,
      );
      assert.equal(forwardFused.workgroupDispatches, forwardSeparate.workgroupDispatches - 1, 'forward');
      assert.equal(fused.workgroupDispatches, separate.workgroupDispatches - 2, 'forward + backward');
      assert.ok(fused.workgroupDispatches <= 7, `fused BN + activation forward+backward: ${fused.workgroupDispatches} dispatches`);
    }
    tf.dispose([x, gamma, beta, dy]);
  });
});
