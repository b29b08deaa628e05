/**
 * The replayed WebGPU step computes exactly what the tfjs step computes: after the same batches,
 * the same weights, batch-norm statistics, Adam moments and losses, bit for bit (it replays the
 * same kernels). Runs where a WebGPU adapter exists (CI: Mesa's lavapipe).
 */
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../../../src/trainer/engine/backend';
import { Dtn, readLosses } from '../../../../../src/trainer/dtn/dtn';
import { PlannedStep } from '../../../../../src/trainer/engine/webgpu/planned/plannedStep';
import { captureGpuWork } from '../../../../../src/trainer/engine/webgpu/planned/webgpuCapture';
import { checkWebgpuInternals, webgpuBackend } from '../../../../../src/trainer/engine/webgpu/tfjsInternals';
import type { Engine } from '../../../../../src/trainer/engine/engineContext';
import { bitwiseEqual, onWebgpu, scaledEncoder, tinyConfig } from '../../../helpers';

const B = 4;

function batches(n: number, channels: number, seed: number): Float32Array[] {
  return Array.from({ length: n }, (_, i) =>
    tf.tidy(() => tf.randomUniform([B, 32, 32, channels], -1, 1, 'float32', seed + i).dataSync() as Float32Array),
  );
}

async function weights(dtn: Dtn): Promise<Map<string, Float32Array>> {
  const vars = new Map([...dtn.g.params.all(), ...dtn.D.params.all()]);
  const out = new Map<string, Float32Array>();
  for (const [k, v] of vars) out.set(k, (await v.data()) as Float32Array);
  for (const [name, opt] of [
    ['optG', dtn.optG],
    ['optD', dtn.optD],
  ] as const) {
    // Slot names embed tfjs's global variable names; their order is the model's.
    for (const [i, w] of (await opt.getWeights()).entries()) out.set(`${name}/${i}`, (await w.tensor.data()) as Float32Array);
  }
  return out;
}

describe('planned WebGPU step', function () {
  let xs: Float32Array[];
  let xt: Float32Array[];
  let engine: Engine;
  before(async function () {
    await initBackend('cpu');
    xs = batches(5, 3, 10);
    xt = batches(5, 1, 20);
    try {
      engine = await initBackend('webgpu');
    } catch {
      this.skip();
    }
  });
  after(async () => {
    await initBackend('cpu');
  });

  const make = () => {
    const config = tinyConfig({ train: { batchSize: B, learningRate: 0.01 } });
    const f = scaledEncoder(config, 5);
    return { dtn: new Dtn(config, f), f };
  };
  const host = (data: Float32Array, c: number) => tf.tensor4d(data, [B, 32, 32, c]);

  it('replays bit for bit what the tfjs step computes, and writes the state back on sync', async () => {
    // Reference: five tfjs steps.
    const ref = make();
    let refLosses: Record<string, number | null> = {};
    for (let i = 0; i < 5; i++) {
      ref.dtn.scheduleLearningRate(i + 1);
      const [a, b] = [host(xs[i], 3), host(xt[i], 1)];
      refLosses = await readLosses(ref.dtn.step(a, b));
      tf.dispose([a, b]);
    }
    const expected = await weights(ref.dtn);

    // Planned: a tfjs step, a captured step, then three replays (a learning-rate change included).
    const run = make();
    run.dtn.scheduleLearningRate(1);
    let [a, b] = [host(xs[0], 3), host(xt[0], 1)];
    await readLosses(run.dtn.step(a, b));
    tf.dispose([a, b]);
    run.dtn.scheduleLearningRate(2);
    [a, b] = [host(xs[1], 3), host(xt[1], 1)];
    const captured = PlannedStep.capture(engine, run.dtn, a, b);
    tf.dispose([a, b]);
    assert.ok(captured.planned, `not planned: ${captured.reason}`);
    await readLosses(captured.losses);
    let losses: Record<string, number | null> | undefined;
    for (let i = 2; i < 5; i++) {
      run.dtn.scheduleLearningRate(i + 1);
      losses = await captured.planned.step(xs[i], xt[i], i === 4);
    }
    assert.deepEqual(losses, refLosses);
    captured.planned.sync();
    const got = await weights(run.dtn);
    assert.deepEqual([...got.keys()], [...expected.keys()]);
    const differing = [...expected.keys()].filter((k) => !bitwiseEqual(got.get(k)!, expected.get(k)!));
    assert.deepEqual(differing, [], 'variables that differ from the tfjs run');
    assert.ok(captured.planned.dispatches > 100, `dispatches ${captured.planned.dispatches}`);

    // The synced model goes on training through tfjs from where the plan left off.
    const [c, d] = [host(xs[0], 3), host(xt[0], 1)];
    const [e, g] = [host(xs[0], 3), host(xt[0], 1)];
    run.dtn.scheduleLearningRate(6);
    ref.dtn.scheduleLearningRate(6);
    assert.deepEqual(await readLosses(run.dtn.step(c, d)), await readLosses(ref.dtn.step(e, g)));
    tf.dispose([c, d, e, g]);
    captured.planned.dispose();
    for (const m of [ref, run]) {
      m.dtn.dispose();
      m.f.params.dispose();
    }
  });
});

describe('planned WebGPU step: sync', function () {
  const gpu = onWebgpu();

  it('a replay right after a sync does not overtake the copies the sync queued', async () => {
    const xs = batches(4, 3, 30);
    const xt = batches(4, 1, 40);
    const host = (data: Float32Array, c: number) => tf.tensor4d(data, [B, 32, 32, c]);
    const models = [0, 1].map(() => {
      const config = tinyConfig({ train: { batchSize: B, learningRate: 0.01 } });
      const f = scaledEncoder(config, 5);
      return { dtn: new Dtn(config, f), f };
    });
    // Reference: three tfjs steps.
    for (let i = 0; i < 3; i++) {
      const [a, b] = [host(xs[i], 3), host(xt[i], 1)];
      await readLosses(models[0].dtn.step(a, b));
      tf.dispose([a, b]);
    }
    // Planned: tfjs step, captured step, one replay; sync; then a fourth step replayed at once.
    const { dtn } = models[1];
    let [a, b] = [host(xs[0], 3), host(xt[0], 1)];
    await readLosses(dtn.step(a, b));
    tf.dispose([a, b]);
    [a, b] = [host(xs[1], 3), host(xt[1], 1)];
    const { planned, losses } = PlannedStep.capture(gpu.engine, dtn, a, b);
    tf.dispose([a, b]);
    assert.ok(planned);
    await readLosses(losses);
    await planned.step(xs[2], xt[2], false);
    planned.sync();
    await planned.step(xs[3], xt[3], false);
    const [got, expected] = [await weights(dtn), await weights(models[0].dtn)];
    // Slot 0 is Adam's iteration count, a host counter that the fourth step has already advanced.
    const differing = [...expected.keys()].filter((k) => !/^opt.\/0$/.test(k) && !bitwiseEqual(got.get(k)!, expected.get(k)!));
    assert.deepEqual(differing, [], 'the variables hold the values of the sync, not of the step after it');
    planned.dispose();
    for (const m of models) {
      m.dtn.dispose();
      m.f.params.dispose();
    }
  });
});

describe('recording GPU work', function () {
  onWebgpu();

  it('records dispatches and uploads in order, and flags a read-back as unreplayable', async () => {
    assert.equal(checkWebgpuInternals(tf.backend()), undefined);
    const backend = webgpuBackend();
    // Above tfjs's size for running small host-resident ops on the CPU instead.
    const host = tf.range(0, 2048);
    const { result, ops, problem } = captureGpuWork(backend, new Set(), () => tf.add(host, host));
    assert.equal(problem, undefined);
    assert.deepEqual(
      ops.map((o) => o.kind),
      ['write', 'write', 'dispatch'],
      'the upload of the input, the uniform block, then the add',
    );
    assert.deepEqual(Array.from((await result.data()).slice(0, 4)), [0, 2, 4, 6]);
    const reading = captureGpuWork(backend, new Set(), () => {
      const y = tf.mul(host, 2);
      void y.data();
      return y;
    });
    assert.match(reading.problem ?? '', /read back/);
    await reading.result.data();
    tf.dispose([host, result, reading.result]);
  });
});
