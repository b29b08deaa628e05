/**
 * `dtn bench` times the real step, prints the line the GPU measurements are read from, and shows
 * whether memory stays flat over the timed steps.
 */
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { runBench } from '../../../src/trainer/bench/bench';
import { presetConfig } from '../../../src/trainer/run/configFile';
import { initBackend } from '../../../src/trainer/engine/backend';

const LINE = /^dtn bench: backend=(\w+) device=".+" batch=(\d+) ms\/step=([\d.]+) img\/s=([\d.]+) tensors=(\d+)->(\d+) bytes=(\d+)->(\d+) /;

async function bench(backend: 'cpu' | 'webgpu', profile: boolean, conv = false) {
  const lines: string[] = [];
  const [result] = await runBench({
    config: presetConfig('digits-quick').config,
    batches: [2],
    steps: 2,
    warmup: 1,
    backend,
    profile,
    conv,
    print: (l) => lines.push(l),
  });
  return { result, lines };
}

describe('dtn bench', function () {
  after(async () => {
    await initBackend('cpu');
  });

  it('prints one parsable line per batch size, with no tensors leaked by the step', async () => {
    const { result, lines } = await bench('cpu', false);
    const m = LINE.exec(lines[0]);
    assert.ok(m, `unexpected line: ${lines[0]}`);
    assert.equal(m[1], 'cpu');
    assert.equal(Number(m[2]), 2);
    assert.ok(Number(m[3]) > 0 && Number(m[4]) > 0);
    assert.equal(result.tensors[0], result.tensors[1], 'live tensors grew over the timed steps');
    assert.equal(result.bytes[0], result.bytes[1]);
  });

  it('--profile counts every kernel of one step and names where the time goes', async () => {
    const { result, lines } = await bench('cpu', true);
    const p = result.profile!;
    assert.ok(p.kernels > 100, `kernels per step ${p.kernels}`);
    assert.equal(
      p.byKernel.reduce((a, k) => a + k.count, 0),
      p.kernels,
    );
    for (const conv of ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'])
      assert.ok(
        p.byKernel.some((k) => k.name === conv && k.count > 0),
        conv,
      );
    assert.match(lines[1], /^dtn bench: profile batch=2 kernels\/step=\d+ kernel-ms=[\d.]+$/);
  });

  it('on WebGPU also reports GPU bytes, flat over the timed steps, and dispatches per step', async function () {
    try {
      await initBackend('webgpu');
    } catch {
      return this.skip();
    }
    // GPU bytes other tests' tensors still hold in this process: not part of the bench's step.
    const held = (tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number }).numBytesInGPU ?? 0;
    const out = await bench('webgpu', true, true);
    // digits-quick: 1,370 dispatches a step on the stock tfjs kernels, 536 with this project's
    // fused batch norm (ReLU / LeakyReLU folded into it in training mode), activation gradients and
    // Adam. A regression shows here before any GPU run.
    const dispatches = out.result.profile!.dispatches!;
    assert.ok(dispatches > 300 && dispatches <= 560, `dispatches per step ${dispatches}`);
    assert.match(out.lines[1], / dispatches\/step=\d+ /);
    assert.equal(out.result.mode, 'planned', 'the bench steps as training does: replayed on WebGPU');
    assert.ok(out.result.planBytes! > out.result.gpuBytes![1] - held, 'the plan holds at least the step working set');
    assert.match(out.lines[0], / plan-bytes=\d+ /);
    assert.match(out.lines[0], / step=planned host-ms\/step=[\d.]+$/);
    // --conv: every distinct convolution of the step, timed under each layout and stock.
    const conv = out.result.conv!;
    assert.deepEqual([...new Set(conv.map((r) => r.kernel))].sort(), ['Conv2D', 'Conv2DBackpropFilter', 'Conv2DBackpropInput']);
    for (const r of conv) {
      const names = r.timings.map((t) => t.name);
      assert.equal(names[0], 'gemm', 'the default layout is always measured');
      assert.equal(names.at(-1), 'stock');
      assert.equal(new Set(names).size, names.length, 'a layout is measured once');
      assert.ok(r.timings.every((t) => t.ms > 0) && r.gflop > 0 && r.perStep >= 1);
      assert.equal(r.chosen, r.timings.reduce((a, b) => (b.ms < a.ms ? b : a)).name, 'the fastest is named');
    }
    const keys = conv.map((r) => `${r.kernel} ${r.shapes}`);
    assert.equal(new Set(keys).size, keys.length, 'one row per distinct call');
    const summary =
      /^dtn bench: conv kernels per step \(sum of single-kernel timings\): fastest [\d.]+ ms, default gemm [\d.]+ ms, stock [\d.]+ ms$/;
    assert.ok(out.lines.some((l) => summary.test(l)));
    assert.match(out.lines[0], / gpu-bytes=\d+->\d+ gpu-pool=\d+->\d+ /);
    assert.equal(out.result.gpuBytes![0], out.result.gpuBytes![1], 'GPU bytes in use grew over the timed steps');
    assert.equal(out.result.tensors[0], out.result.tensors[1]);
  });
});
