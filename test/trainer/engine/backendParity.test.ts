/**
 * The same DTN computes the same numbers on every backend this machine has: cpu is the reference;
 * wasm always runs; webgpu runs where a WebGPU adapter exists (CI installs Mesa's lavapipe, a
 * Vulkan driver on the CPU, so the GPU code path is exercised without a GPU).
 *
 * Compared: G(x), the first step's losses and the gradients of L_D and L_G. Not weights after an
 * Adam step: its first update is ±learning rate per weight by the gradient's sign, so gradients
 * that differ in the last bits around zero legitimately move a weight the other way.
 */
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/trainer/engine/backend';
import { Dtn, readLosses } from '../../../src/trainer/dtn/dtn';
import * as L from '../../../src/trainer/dtn/losses';
import { scaledEncoder, tinyConfig } from '../helpers';

interface Outcome {
  generated: Float32Array;
  gradD: Float32Array[];
  gradG: Float32Array[];
  losses: Record<string, number | null>;
}

async function values(ts: tf.Tensor[]): Promise<Float32Array[]> {
  return Promise.all(ts.map(async (t) => (await t.data()) as Float32Array));
}

async function runOn(backend: 'cpu' | 'wasm' | 'webgpu'): Promise<Outcome> {
  await initBackend(backend);
  const config = tinyConfig({ train: { batchSize: 4 } });
  const f = scaledEncoder(config, 5);
  const dtn = new Dtn(config, f);
  const xs = tf.randomUniform([4, 32, 32, 3], -1, 1, 'float32', 7) as tf.Tensor4D;
  const xt = tf.randomUniform([4, 32, 32, 1], -1, 1, 'float32', 8) as tf.Tensor4D;
  const mode = { training: true };
  const g0 = dtn.generate(xs);
  const dGrads = tf.variableGrads(() => {
    const [gs, gt] = [dtn.generate(xs, mode), dtn.generate(xt, mode)];
    return L.discriminatorLoss(dtn.D.apply(gs, mode), dtn.D.apply(gt, mode), dtn.D.apply(xt, mode));
  }, dtn.D.params.trainableList());
  const gGrads = tf.variableGrads(() => {
    const [gs, gt] = [dtn.generate(xs, mode), dtn.generate(xt, mode)];
    const adversarial = L.generatorAdversarialLoss(dtn.D.apply(gs, mode), dtn.D.apply(gt, mode));
    return tf.addN([adversarial, tf.mul(L.identityLoss(xt, gt), 15), tf.mul(L.constancyLoss(f.embed(xs), f.embed(gs), 'mse'), 15)]);
  }, dtn.g.params.trainableList());
  const out: Outcome = {
    generated: (await g0.data()) as Float32Array,
    gradD: await values(Object.values(dGrads.grads)),
    gradG: await values(Object.values(gGrads.grads)),
    losses: await readLosses(dtn.step(xs, xt)),
  };
  tf.dispose([g0, xs, xt, dGrads.value, gGrads.value, ...Object.values(dGrads.grads), ...Object.values(gGrads.grads)]);
  dtn.dispose();
  f.params.dispose();
  return out;
}

/** Largest difference relative to the reference's largest magnitude (at least 0.01). */
function assertClose(a: ArrayLike<number>, b: ArrayLike<number>, rel: number, what: string): void {
  assert.equal(a.length, b.length, what);
  let worst = 0;
  let scale = 1e-2;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  assert.ok(worst <= rel * scale, `${what}: largest difference ${worst} exceeds ${rel} x ${scale}`);
}

describe('backend parity (tiny DTN)', function () {
  this.timeout(300_000);
  let reference: Outcome;

  before(async () => {
    reference = await runOn('cpu');
  });
  after(async () => {
    await initBackend('cpu');
  });

  // wasm computes in float32 like cpu; WebGPU shaders may use faster, less exact math.
  for (const [backend, tol] of [
    ['wasm', 1e-4],
    ['webgpu', 1e-2],
  ] as const) {
    it(`${backend}: same G(x), step losses and gradients of L_D and L_G as cpu`, async function () {
      if (backend === 'webgpu') {
        try {
          await initBackend('webgpu');
        } catch (err) {
          // No Vulkan driver on this machine: nothing to compare (CI installs one).
          console.log(`      (skipped: ${(err as Error).message.split('.')[0]})`);
          this.skip();
        }
      }
      const got = await runOn(backend);
      assertClose(got.generated, reference.generated, tol, 'G(x)');
      for (const [k, v] of Object.entries(reference.losses)) {
        if (v === null) assert.equal(got.losses[k], null, k);
        else assertClose([got.losses[k] as number], [v], tol, `L_${k}`);
      }
      reference.gradD.forEach((g, i) => assertClose(got.gradD[i], g, tol * 5, `dL_D/dD[${i}]`));
      reference.gradG.forEach((g, i) => assertClose(got.gradG[i], g, tol * 5, `dL_G/dg[${i}]`));
    });
  }
});
