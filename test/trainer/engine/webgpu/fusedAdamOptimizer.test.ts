/**
 * FusedAdamOptimizer against tfjs's stock Adam: the same variables and optimizer state after every
 * step (with learning-rate changes between steps), checkpoints that move between the two, and on
 * webgpu one dispatch per variable for an update (adamProgram.ts); with the program kept stock
 * (DTN_STOCK_KERNELS=Adam) the stock update. webgpu runs where an adapter exists (CI: Mesa lavapipe).
 */
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../../src/trainer/engine/backend';
import { Dtn } from '../../../../src/trainer/dtn/dtn';
import { FUSED_ADAM_KERNEL, installAdamProgram } from '../../../../src/trainer/engine/webgpu/adamProgram';
import { FusedAdamOptimizer } from '../../../../src/trainer/engine/webgpu/fusedAdamOptimizer';
import { onWebgpu, scaledEncoder, tinyConfig, withStockKernels } from '../../helpers';

const SHAPES = [[3, 3, 2, 5], [5], [7, 3], [1]];
/** Gradient scales per variable: 1e-5 makes where ε sits matter (g² ≪ ε, |g| ≫ ε). */
const SCALES = [1e-2, 1e-5, 1, 10];
const [BETA1, BETA2] = [0.5, 0.999];
/** Per step: the learning rate the trainer would set before it (decays mid-run). */
const RATES = [0.01, 0.01, 0.004, 0.002];

let nameCounter = 0;
type Gradients = Parameters<tf.AdamOptimizer['applyGradients']>[0];

/** Gradients keyed by variable name, the form minimize() passes (tfjs types it as variables). */
const byName = (vars: tf.Variable[], grads: tf.Tensor[]) =>
  Object.fromEntries(vars.map((v, i) => [v.name, grads[i]])) as unknown as Gradients;

interface Trainee {
  opt: tf.AdamOptimizer;
  vars: tf.Variable[];
}

function makeVars(): tf.Variable[] {
  const tag = `fusedAdamTest${nameCounter++}`;
  return SHAPES.map((s, i) => tf.tidy(() => tf.variable(tf.randomNormal(s, 0, 1, 'float32', 50 + i), true, `${tag}/v${i}`)));
}

function trainee(kind: 'stock' | 'fused', vars = makeVars()): Trainee {
  const opt = kind === 'stock' ? tf.train.adam(RATES[0], BETA1, BETA2) : new FusedAdamOptimizer(RATES[0], BETA1, BETA2);
  return { opt, vars };
}

/** Gradients of step `step`: different magnitudes per variable, some exact zeros (0/(0+ε)). */
function gradients(step: number): tf.Tensor[] {
  return SHAPES.map((s, i) =>
    tf.tidy(() => {
      const g = tf.randomNormal(s, 0, SCALES[i], 'float32', 1000 * step + i);
      return i === 0 ? tf.mul(g, tf.greater(g, 0)) : g;
    }),
  );
}

/** One step of each trainee on the same gradients, the learning rate set as Dtn sets it. */
function stepAll(trainees: Trainee[], step: number): void {
  const grads = gradients(step);
  for (const t of trainees) {
    (t.opt as unknown as { learningRate: number }).learningRate = RATES[step];
    t.opt.applyGradients(byName(t.vars, grads));
  }
  tf.dispose(grads);
}

function assertNear(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) {
    const ok = tol === 0 ? Object.is(a[i], b[i]) : Math.abs(a[i] - b[i]) <= tol * Math.max(1, Math.abs(b[i]));
    assert.ok(ok, `${what}[${i}]: ${a[i]} vs ${b[i]} (tolerance ${tol})`);
  }
}

/** Same variables and same getWeights (iterations, then m and v slots in order) as the reference. */
async function assertSameState(got: Trainee, ref: Trainee, tol: number, what: string): Promise<void> {
  for (let i = 0; i < got.vars.length; i++) assertNear(await got.vars[i].data(), await ref.vars[i].data(), tol, `${what}: variable ${i}`);
  const [wg, wr] = [await got.opt.getWeights(), await ref.opt.getWeights()];
  assert.equal(wg.length, wr.length, `${what}: getWeights length`);
  assert.equal((await wg[0].tensor.data())[0], (await wr[0].tensor.data())[0], `${what}: iterations`);
  assert.equal(wg[0].tensor.dtype, 'int32');
  const n = got.vars.length;
  for (let k = 1; k < wg.length; k++) {
    const slot = k <= n ? 'm' : 'v';
    // Names carry the variable names the state was first made for (kept through a checkpoint).
    const unprefixed = (name: string) => name.replace(/^fusedAdamTest\d+\//, '');
    assert.equal(unprefixed(wg[k].name), `v${(k - 1) % n}/${slot}`, `${what}: slot name`);
    assert.equal(unprefixed(wg[k].name), unprefixed(wr[k].name), `${what}: slot name`);
    assert.deepEqual(wg[k].tensor.shape, wr[k].tensor.shape);
    assertNear(await wg[k].tensor.data(), await wr[k].tensor.data(), tol, `${what}: ${slot}[${(k - 1) % n}]`);
  }
  tf.dispose([wg[0].tensor, wr[0].tensor]);
}

/** A trainee restored from another's state as a checkpoint does it: values copied out and back in. */
async function restoredFrom(src: Trainee, kind: 'stock' | 'fused'): Promise<Trainee> {
  const vars = makeVars();
  for (let i = 0; i < vars.length; i++) vars[i].assign(tf.tensor(await src.vars[i].data(), src.vars[i].shape));
  const t = trainee(kind, vars);
  const weights = await src.opt.getWeights();
  const copies = await Promise.all(
    weights.map(async (w) => ({ name: w.name, tensor: tf.tensor(await w.tensor.data(), w.tensor.shape, w.tensor.dtype) })),
  );
  weights[0].tensor.dispose();
  await t.opt.setWeights(copies);
  tf.dispose(copies.map((c) => c.tensor));
  return t;
}

function disposeAll(ts: Trainee[]): void {
  for (const t of ts) {
    t.opt.dispose();
    tf.dispose(t.vars);
  }
}

/** Compute dispatches encoded on the GPU device while `f` runs, whoever encodes them. */
function countDispatches(f: () => void): number {
  const proto = (globalThis as unknown as { GPUComputePassEncoder: { prototype: { dispatchWorkgroups: (...args: unknown[]) => void } } })
    .GPUComputePassEncoder.prototype;
  const original = proto.dispatchWorkgroups;
  let n = 0;
  proto.dispatchWorkgroups = function (this: unknown, ...args: unknown[]) {
    n++;
    return original.apply(this, args);
  };
  try {
    f();
  } finally {
    proto.dispatchWorkgroups = original;
  }
  return n;
}

function parityTests(backend: 'cpu' | 'webgpu', tol: number): void {
  it('matches stock Adam step by step, learning-rate changes included', async () => {
    const [stock, fused] = [trainee('stock'), trainee('fused')];
    try {
      for (let step = 0; step < RATES.length; step++) {
        stepAll([stock, fused], step);
        await assertSameState(fused, stock, tol, `${backend} step ${step + 1}`);
      }
    } finally {
      disposeAll([stock, fused]);
    }
  });

  it('a checkpoint of either optimiser resumes in the other and continues identically', async () => {
    const [stock, fused] = [trainee('stock'), trainee('fused')];
    const resumed: Trainee[] = [];
    try {
      stepAll([stock, fused], 0);
      stepAll([stock, fused], 1);
      // Each checkpoint is loaded into both kinds; they must continue alike. (Not compared with the
      // optimiser that wrote it: on resume tfjs recomputes β^t with pow, which need not equal the
      // running product in the last bit.)
      for (const source of [stock, fused]) {
        const asStock = await restoredFrom(source, 'stock');
        const asFused = await restoredFrom(source, 'fused');
        resumed.push(asStock, asFused);
      }
      for (let step = 2; step < RATES.length; step++) {
        stepAll(resumed, step);
        await assertSameState(resumed[1], resumed[0], tol, `${backend} stock checkpoint, step ${step + 1}`);
        await assertSameState(resumed[3], resumed[2], tol, `${backend} fused checkpoint, step ${step + 1}`);
      }
    } finally {
      disposeAll([stock, fused, ...resumed]);
    }
  });
}

describe('FusedAdamOptimizer', function () {
  this.timeout(300_000);
  after(async () => {
    await initBackend('cpu');
  });

  describe('on cpu (the stock update)', () => {
    before(async () => {
      await initBackend('cpu');
    });
    parityTests('cpu', 0);
  });

  describe('on webgpu (fused kernels)', () => {
    onWebgpu(() => {
      // Installing twice must be harmless.
      installAdamProgram();
      installAdamProgram();
    });

    // Both run the same f32 operations in WGSL; only the shader compiler's freedom to contract
    // a·b + c into one rounding separates them.
    parityTests('webgpu', 2e-6);

    /** One steady-state update of the DTN's g: kernels (tf.profile) and GPU dispatches, stock vs fused. */
    async function dispatchCheck(perVariable: number): Promise<void> {
      const config = tinyConfig({ backend: 'webgpu' });
      const f = scaledEncoder(config);
      const dtn = new Dtn(config, f);
      const vars = dtn.g.params.trainableList();
      const grads = vars.map((v, i) => tf.randomNormal(v.shape, 0, 0.1, 'float32', 300 + i));
      const named = byName(vars, grads);
      const stock = tf.train.adam(2e-4, BETA1, BETA2);
      try {
        assert.ok(dtn.optG instanceof FusedAdamOptimizer, 'Dtn uses the fused optimiser');
        // The first update also creates the zeroed moment slots; measure the steady state after it.
        dtn.optG.applyGradients(named);
        stock.applyGradients(named);
        // tf.profile hands back the same object each time: read each profile before the next.
        let fusedDispatches = 0;
        let stockDispatches = 0;
        const fusedKernels = (
          await tf.profile(() => {
            fusedDispatches = countDispatches(() => dtn.optG.applyGradients(named));
          })
        ).kernels.map((k) => k.name);
        const stockKernels = (
          await tf.profile(() => {
            stockDispatches = countDispatches(() => stock.applyGradients(named));
          })
        ).kernels.length;
        const n = vars.length;
        console.log(
          `      ${n} variables: stock ${stockKernels} kernels / ${stockDispatches} dispatches, ` +
            `fused ${fusedKernels.length} kernels / ${fusedDispatches} dispatches`,
        );
        assert.ok(
          fusedKernels.every((k) => k === FUSED_ADAM_KERNEL),
          `only the fused kernel runs: ${fusedKernels}`,
        );
        assert.equal(fusedKernels.length, n, 'one kernel call per variable');
        assert.ok(fusedDispatches <= perVariable * n, `${fusedDispatches} dispatches for ${n} variables`);
        // The counter does see dispatches: the stock update issues many more.
        assert.ok(stockDispatches > fusedDispatches, `stock ${stockDispatches} vs fused ${fusedDispatches}`);
        // And a steady-state update leaves no tensor or GPU buffer behind.
        const before = tf.memory();
        dtn.optG.applyGradients(named);
        assert.equal(tf.memory().numTensors, before.numTensors, 'tensors after an update');
        assert.equal(tf.memory().numDataBuffers, before.numDataBuffers, 'data buffers after an update');
      } finally {
        tf.dispose(grads);
        stock.dispose();
        dtn.dispose();
        f.params.dispose();
      }
    }

    it('updates the DTN generator in one dispatch per variable', () => dispatchCheck(1));

    /** One variable past 65535 workgroups of 64: the dispatch spreads over a second row. */
    async function largeVariableCheck(): Promise<void> {
      const shape = [65535 * 64 + 77];
      const make = (tag: string) =>
        tf.tidy(() => tf.variable(tf.randomNormal(shape, 0, 1, 'float32', 7), true, `fusedAdamTest${nameCounter++}/large${tag}`));
      const [stock, fused] = [trainee('stock', [make('s')]), trainee('fused', [make('f')])];
      try {
        for (let step = 0; step < 2; step++) {
          const g = tf.randomNormal(shape, 0, 0.1, 'float32', 40 + step);
          for (const t of [stock, fused]) t.opt.applyGradients(byName(t.vars, [g]));
          g.dispose();
        }
        // Every element, so those handled by the second row of workgroups too.
        assertNear(await fused.vars[0].data(), await stock.vars[0].data(), 2e-6, 'large variable');
      } finally {
        disposeAll([stock, fused]);
      }
    }

    it('updates a variable too large for one row of workgroups', largeVariableCheck);

    it('uses the stock update where the engine keeps Adam stock', async () => {
      const [stock, fused] = [trainee('stock'), trainee('fused')];
      try {
        await withStockKernels('Adam', async () => {
          stepAll([stock, fused], 0);
          for (let i = 0; i < SHAPES.length; i++) assertNear(await fused.vars[i].data(), await stock.vars[i].data(), 0, `v${i}`);
          const profile = await tf.profile(() => stepAll([fused], 1));
          assert.ok(!profile.kernels.some((k) => k.name === FUSED_ADAM_KERNEL), 'the fused kernel stays out');
        });
      } finally {
        disposeAll([stock, fused]);
      }
    });
  });
});
