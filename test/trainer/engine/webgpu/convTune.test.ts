/**
 * Conv tuning: which runs tune, that the fastest measured candidate is what the registered kernels
 * then run (stock included), that every candidate layout computes the convolution, and that a
 * training run through StepRunner tunes before it records the replayed step. WebGPU parts run
 * where an adapter exists (CI: Mesa's lavapipe).
 */
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { getKernel } from '@tensorflow/tfjs-core';
import { recordConvCalls } from '../../../../src/trainer/engine/webgpu/convCalls';
import { convTuningWanted, tuneConvs, type KernelTimer } from '../../../../src/trainer/engine/webgpu/convTune';
import { Dtn } from '../../../../src/trainer/dtn/dtn';
import { GEMM_CANDIDATES } from '../../../../src/trainer/engine/webgpu/convChoice';
import { readEngineSettings, withFlags } from '../../../../src/trainer/engine/flags';
import { webgpuBackend } from '../../../../src/trainer/engine/webgpu/tfjsInternals';
import { stockKernel } from '../../../../src/trainer/engine/overrideKernel';
import { activeConvLayout, gemmLayout } from '../../../../src/trainer/engine/webgpu/webgpuConv';
import { StepRunner } from '../../../../src/trainer/engine/stepRunner';
import { bitwiseEqual, onWebgpu, scaledEncoder, tinyConfig } from '../../helpers';

describe('conv tuning', () => {
  it('tunes on a hardware WebGPU adapter by default, not on a software one or another backend; DTN_CONV_TUNE decides', async () => {
    const wanted = (name: string, software: boolean | undefined, convTune: boolean | undefined) =>
      convTuningWanted({ backend: { name, software }, settings: { convTune } });
    assert.equal(wanted('webgpu', false, undefined), true);
    assert.equal(wanted('webgpu', true, undefined), false);
    assert.equal(wanted('wasm', undefined, undefined), false);
    assert.equal(wanted('webgpu', true, true), true);
    assert.equal(wanted('webgpu', false, false), false);
    assert.equal(wanted('cpu', undefined, true), false);
    // The flag as the engine reads it: 1, 0, unset, or a problem naming the valid values.
    for (const [value, convTune] of [
      ['1', true],
      ['0', false],
      ['', undefined],
    ] as const) {
      const { settings, problems } = await withFlags({ DTN_CONV_TUNE: value }, readEngineSettings);
      assert.equal(settings.convTune, convTune);
      assert.deepEqual(problems, []);
    }
    const { problems } = await withFlags({ DTN_CONV_TUNE: 'yes' }, readEngineSettings);
    assert.match(`${problems[0].short}. ${problems[0].fix}`, /DTN_CONV_TUNE is "yes"\. Set it to 1 .*, 0 .* or leave it unset/);
  });

  describe('on WebGPU', () => {
    const gpu = onWebgpu();
    afterEach(() => gpu.engine.convChoices.clear());

    // A conv layer and both its gradients, at a width where the candidate layouts differ.
    const work = () => {
      const x = tf.randomUniform([8, 16, 16, 40], -1, 1, 'float32', 1) as tf.Tensor4D;
      const w = tf.randomUniform([4, 4, 40, 136], -1, 1, 'float32', 2) as tf.Tensor4D;
      const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same'))),
      )([x, w]);
      tf.dispose([x, w]);
      return [gx, gw];
    };

    it('keeps the candidate measured fastest, and the registered kernels then run it', async () => {
      const { result, calls } = recordConvCalls(work);
      tf.dispose(result);
      assert.deepEqual(calls.map((c) => c.kernel).sort(), ['Conv2D', 'Conv2DBackpropFilter', 'Conv2DBackpropInput']);
      // A made-up device where stock wins the forward pass, and for the gradients each layout measured
      // beats the ones before it (the last distinct layout wins; equal layouts are measured once).
      const winner: Record<string, string> = { Conv2D: 'stock' };
      const measured: string[] = [];
      const time: KernelTimer = async (_fn, inputs, attrs) => {
        const call = calls.find((c) => c.attrs === attrs)!;
        const now = activeConvLayout(gpu.engine.convChoices, call.kernel, inputs, attrs);
        const name = now === 'stock' ? 'stock' : GEMM_CANDIDATES.find((o) => gemmLayout(call.kernel, inputs, attrs, o) === now)!.name;
        measured.push(`${call.kernel}:${name}`);
        if (call.kernel === 'Conv2D') return name === 'stock' ? 1 : 2;
        if (name === 'stock') return 3;
        winner[call.kernel] = name;
        return 2 - measured.length / 100;
      };
      const rows = await tuneConvs(gpu.engine, calls, { time });
      for (const row of rows) {
        assert.equal(row.chosen, winner[row.kernel]);
        assert.equal(row.timings.at(-1)!.name, 'stock');
        assert.ok(
          measured.includes(`${row.kernel}:gemm`) && measured.includes(`${row.kernel}:stock`),
          `${row.kernel}: default and stock measured`,
        );
        assert.deepEqual(
          row.timings.map((t) => t.name),
          measured.filter((m) => m.startsWith(`${row.kernel}:`)).map((m) => m.split(':')[1]),
        );
      }
      assert.ok(
        Object.values(winner).some((w) => w !== 'gemm' && w !== 'stock'),
        'some gradient has a layout besides the default',
      );
      for (const call of calls) {
        const inputs = Object.fromEntries(Object.entries(call.inputs).map(([k, s]) => [k, { shape: s }]));
        const expected =
          winner[call.kernel] === 'stock'
            ? 'stock'
            : gemmLayout(
                call.kernel,
                inputs,
                call.attrs,
                GEMM_CANDIDATES.find((o) => o.name === winner[call.kernel])!,
              );
        assert.equal(activeConvLayout(gpu.engine.convChoices, call.kernel, inputs, call.attrs), expected, `${call.kernel} runs its winner`);
        const chosen = gpu.engine.convChoices.get(call.key)!;
        assert.equal(chosen === 'stock' ? 'stock' : chosen.name, winner[call.kernel]);
      }
      // A kernel that DTN_STOCK_KERNELS keeps stock is not tuned (its GEMM never runs anyway).
      const choices = gpu.engine.convChoices;
      choices.clear();
      const { settings } = await withFlags({ DTN_STOCK_KERNELS: 'Conv2D' }, readEngineSettings);
      const left = await tuneConvs({ settings, convChoices: choices }, calls, { time: async () => 1 });
      assert.deepEqual(left.map((r) => r.kernel).sort(), ['Conv2DBackpropFilter', 'Conv2DBackpropInput']);
      assert.equal(choices.get(calls.find((c) => c.kernel === 'Conv2D')!.key), undefined);
      for (const call of calls) choices.set(call.key, 'stock');
      // Stock chosen: the registered Conv2D computes exactly what tfjs's own kernel computes.
      const conv = calls.find((c) => c.kernel === 'Conv2D')!;
      const x = tf.randomUniform(conv.inputs.x, -1, 1, 'float32', 5);
      const filter = tf.randomUniform(conv.inputs.filter, -1, 1, 'float32', 6);
      const run = (fn: tf.KernelFunc) =>
        tf.engine().makeTensorFromTensorInfo(fn({ inputs: { x, filter }, backend: tf.backend(), attrs: conv.attrs }) as tf.TensorInfo);
      const [registered, stock] = [run(getKernel('Conv2D', 'webgpu')!.kernelFunc), run(stockKernel('Conv2D', 'webgpu')!)];
      assert.ok(bitwiseEqual(await registered.data(), await stock.data()));
      tf.dispose([x, filter, registered, stock]);
    });

    it('a candidate the GPU rejects is reported failed and never chosen, and the run goes on', async () => {
      const { result, calls } = recordConvCalls(work);
      tf.dispose(result);
      const device = webgpuBackend().device;
      const time: KernelTimer = async () => {
        const failing = calls.some((c) => gpu.engine.convChoices.get(c.key) === GEMM_CANDIDATES[0]);
        // The default layout "breaks" on this made-up device (an invalid buffer is a validation error).
        if (failing) device.createBuffer({ size: 4, usage: 0 });
        return failing ? 0.5 : 1;
      };
      const rows = await tuneConvs(gpu.engine, calls, { time });
      for (const row of rows) {
        assert.equal(row.timings[0].name, 'gemm');
        assert.match(row.timings[0].error ?? '', /.+/, 'the rejection is reported');
        assert.ok(Number.isNaN(row.timings[0].ms));
        assert.notEqual(row.chosen, 'gemm');
      }
      gpu.engine.deviceHealth.assertHealthy(); // the errors stayed in the tuning's scopes
    });

    it('a call with a minor share of the arithmetic tries only the default layout and stock', async () => {
      const { result, calls } = recordConvCalls(() => {
        const tiny = tf.conv2d(tf.ones([1, 4, 4, 2]) as tf.Tensor4D, tf.ones([1, 1, 2, 2]) as tf.Tensor4D, 1, 'same');
        return [...work(), tiny];
      });
      tf.dispose(result);
      const rows = await tuneConvs(gpu.engine, calls, { time: async () => 1, apply: false });
      const tiny = rows.filter((r) => r.gflop < 1e-6);
      assert.equal(tiny.length, 1);
      assert.deepEqual(
        tiny[0].timings.map((t) => t.name),
        ['gemm', 'stock'],
      );
      assert.ok(
        rows.filter((r) => r.gflop >= 1e-6).some((r) => r.timings.length > 2),
        'the main calls try the other layouts',
      );
    });

    it('every candidate layout computes the same convolution and gradients', async () => {
      const values = async (ts: tf.Tensor[]) => {
        const out = await Promise.all(ts.map((t) => t.data()));
        tf.dispose(ts);
        return out;
      };
      const reference = await values(work());
      const { calls } = recordConvCalls(() => tf.dispose(work()));
      for (const candidate of GEMM_CANDIDATES) {
        for (const c of calls) gpu.engine.convChoices.set(c.key, candidate);
        const got = await values(work());
        for (let i = 0; i < got.length; i++) {
          const scale = Math.max(...Array.from(reference[i], Math.abs));
          const worst = Math.max(...Array.from(got[i], (v, j) => Math.abs(v - reference[i][j])));
          assert.ok(worst <= 1e-4 * scale, `${candidate.name}, output ${i}: max |diff| ${worst} of ${scale}`);
        }
      }
    });

    /**
     * Three steps of the tiny DTN through a StepRunner with tuning on: `check` runs after each step
     * with its loss G, `after` once the three are done (before the runner is freed).
     */
    async function runSteps(
      options: ConstructorParameters<typeof StepRunner>[3],
      check: (runner: StepRunner, step: number, lossG: number) => void,
      after: (runner: StepRunner) => void,
    ): Promise<void> {
      const config = tinyConfig();
      const f = scaledEncoder(config);
      const dtn = new Dtn(config, f);
      const xs: [number, number, number, number] = [4, 32, 32, 3];
      const xt: [number, number, number, number] = [4, 32, 32, 1];
      const runner = new StepRunner(gpu.engine, dtn, { xs, xt }, { tuneConvs: true, ...options });
      const host = (shape: number[], seed: number) =>
        tf.tidy(() => tf.randomUniform(shape, -1, 1, 'float32', seed).dataSync() as Float32Array);
      try {
        for (let i = 1; i <= 3; i++) check(runner, i, (await runner.step(host(xs, 10 + i), host(xt, 20 + i), true))!.G!);
        after(runner);
      } finally {
        runner.dispose();
        dtn.dispose();
        f.params.dispose();
      }
    }

    it('a run whose tuning fails says so and trains on with the default layouts', async () => {
      const notes: string[] = [];
      const failing = async (): Promise<never> => {
        throw new Error('device lost');
      };
      await runSteps(
        { note: (m) => notes.push(m), tuner: failing },
        (_r, step, lossG) => assert.ok(Number.isFinite(lossG), `step ${step}: loss G ${lossG}`),
        (runner) => {
          assert.equal(runner.tuned!.summary, 'conv tuning failed, default layouts kept (device lost)');
          assert.equal(notes.length, 1, 'the start is noted; the failure is for the caller to report');
          assert.match(notes[0], /^tuning \d+ convolution shapes on this device$/);
          assert.equal(runner.mode, 'planned');
        },
      );
    });

    it('a run tunes its convolutions after the first step and replays the tuned step', async () => {
      await runSteps(
        {},
        (r, step, lossG) => {
          assert.ok(Number.isFinite(lossG), `step ${step}: loss G ${lossG}`);
          if (step === 1) assert.equal(r.tuned, undefined, 'the first step only records');
        },
        (runner) => {
          const tuned = runner.tuned!;
          assert.ok(tuned.rows.length >= 6, `tuned ${tuned.rows.length} conv shapes`);
          for (const row of tuned.rows) assert.ok(row.timings.some((t) => t.name === row.chosen));
          assert.match(
            tuned.summary,
            /^\d+ conv shapes tuned on this device in [\d.]+ s: .+ \(conv kernels [\d.]+ -> [\d.]+ ms a step, single-kernel timings\)$/,
          );
          assert.equal(runner.mode, 'planned', 'the tuned kernels are recorded and replayed');
        },
      );
    });
  });
});
