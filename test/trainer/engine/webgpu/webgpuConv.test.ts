/**
 * The WebGPU GEMM convolutions against the stock tfjs WebGPU kernels they replace, on random
 * inputs: forward, input gradient (what conv2dTranspose runs) and filter gradient, over the
 * strides, paddings and channel counts the models use plus awkward ones (odd sizes, channel
 * counts that fill no tile, split-K reductions). Runs where a WebGPU adapter exists: CI installs
 * Mesa's lavapipe, so the GPU code path is exercised on the CPU.
 */
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { convCaseName, type ConvCase } from '../convCase';
import { initBackend } from '../../../../src/trainer/engine/backend';
import { onWebgpu } from '../../helpers';
import { stockKernel } from '../../../../src/trainer/engine/overrideKernel';
import { webgpuConvKernel } from '../../../../src/trainer/engine/webgpu/webgpuConv';
import { ConvChoices } from '../../../../src/trainer/engine/webgpu/convChoice';

// No choices: every call in the default GEMM layout.
const conv2dForward = webgpuConvKernel('Conv2D', new ConvChoices());
const conv2dInputGrad = webgpuConvKernel('Conv2DBackpropInput', new ConvChoices());
const conv2dFilterGrad = webgpuConvKernel('Conv2DBackpropFilter', new ConvChoices());

const CASES: ConvCase[] = [
  { batch: 2, h: 8, inC: 3, outC: 20, f: 4, stride: 2, pad: 'same' }, // D's first block, RGB
  { batch: 2, h: 8, inC: 1, outC: 16, f: 4, stride: 2, pad: 'same' }, // grey input
  { batch: 3, h: 7, inC: 5, outC: 9, f: 3, stride: 2, pad: 'same' }, // f's 3x3 blocks, odd size
  { batch: 2, h: 4, inC: 36, outC: 70, f: 4, stride: 1, pad: 'valid' }, // 4x4 -> 1x1 heads, several tiles
  { batch: 1, h: 9, inC: 6, outC: 3, f: 2, stride: 3, pad: 'valid' }, // stride 3, three outputs
  { batch: 8, h: 16, inC: 4, outC: 8, f: 4, stride: 2, pad: 'same' }, // long K: split-K reduction
  { batch: 4, h: 16, inC: 1, outC: 4, f: 4, stride: 2, pad: 'same' }, // g's image output: tall, narrow tiles
  { batch: 8, h: 16, inC: 130, outC: 136, f: 4, stride: 2, pad: 'same' }, // wide layers: 128x128 tiles, partial edges
  { batch: 3, h: 8, inC: 40, outC: 5, f: 8, stride: 1, pad: 'valid' }, // to 1x1 with a long K: split-K forward
  { batch: 1, h: 8, inC: 16, outC: 128, f: 4, stride: 2, pad: 'same' }, // few dx tiles, long K: split-K by phase
];

type Attrs = Record<string, unknown>;

function run(kernel: tf.KernelFunc, inputs: Record<string, tf.Tensor>, attrs: Attrs): tf.Tensor {
  const backend = tf.backend();
  const info = kernel({ inputs, backend, attrs: attrs as never }) as tf.TensorInfo;
  assert.ok(info, 'kernel handled the case');
  return tf.engine().makeTensorFromTensorInfo(info);
}

async function assertClose(actual: tf.Tensor, expected: tf.Tensor, what: string): Promise<void> {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  const [a, e] = [await actual.data(), await expected.data()];
  // Both are fresh kernel results; only their values are needed from here on (shapes stay readable).
  tf.dispose([actual, expected]);
  let scale = 0;
  for (const v of e) scale = Math.max(scale, Math.abs(v));
  // All zeros would also match: a failed dispatch leaves zeros behind.
  assert.ok(scale > 0.1, `${what}: reference is ~0 (max |value| ${scale})`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - e[i]));
  assert.ok(worst <= 1e-5 * scale * 100, `${what}: max |diff| ${worst} against max |value| ${scale}`);
}

describe('WebGPU GEMM convolutions', function () {
  onWebgpu();

  for (const k of CASES) {
    const name = convCaseName(k);
    it(`forward, input and filter gradients equal the stock kernels: ${name}`, async () => {
      const x = tf.randomUniform([k.batch, k.h, k.h, k.inC], -1, 1, 'float32', 11) as tf.Tensor4D;
      const w = tf.randomUniform([k.f, k.f, k.inC, k.outC], -1, 1, 'float32', 12) as tf.Tensor4D;
      const conv = { strides: [k.stride, k.stride], pad: k.pad, dataFormat: 'NHWC', dilations: [1, 1] };
      const stockY = run(stockKernel('Conv2D', 'webgpu')!, { x, filter: w }, conv);
      await assertClose(run(conv2dForward, { x, filter: w }, conv), stockY, 'forward');

      const dy = tf.randomUniform(stockY.shape, -1, 1, 'float32', 13);
      const dxAttrs = { ...conv, inputShape: x.shape };
      await assertClose(
        run(conv2dInputGrad, { dy, filter: w }, dxAttrs),
        run(stockKernel('Conv2DBackpropInput', 'webgpu')!, { dy, filter: w }, dxAttrs),
        'input gradient',
      );
      const dwAttrs = { ...conv, filterShape: w.shape };
      await assertClose(
        run(conv2dFilterGrad, { x, dy }, dwAttrs),
        run(stockKernel('Conv2DBackpropFilter', 'webgpu')!, { x, dy }, dwAttrs),
        'filter gradient',
      );
      tf.dispose([x, w, dy, stockY]);
    });
  }

  it('the registered kernels serve the public ops, conv2dTranspose and gradients included', async () => {
    const x = tf.randomUniform([2, 4, 4, 6], -1, 1, 'float32', 21) as tf.Tensor4D;
    const w = tf.randomUniform([4, 4, 5, 6], -1, 1, 'float32', 22) as tf.Tensor4D;
    const loss = (a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.square(tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, [2, 8, 8, 5], 2, 'same')));
    const [gx, gw] = tf.grads(loss)([x, w]);
    const onGpu = await Promise.all([loss(x, w), gx, gw].map((t) => t.data()));
    const cpuInputs = await Promise.all([x.data(), w.data()]);
    await initBackend('cpu');
    const xc = tf.tensor4d(cpuInputs[0] as Float32Array, x.shape);
    const wc = tf.tensor4d(cpuInputs[1] as Float32Array, w.shape);
    const [gxc, gwc] = tf.grads(loss)([xc, wc]);
    const onCpu = await Promise.all([loss(xc, wc), gxc, gwc].map((t) => t.data()));
    for (let i = 0; i < 3; i++) {
      const scale = Math.max(...Array.from(onCpu[i], Math.abs), 1);
      assert.ok(scale > 1, `output ${i} is ~0`);
      const worst = Math.max(...Array.from(onGpu[i], (v, j) => Math.abs(v - onCpu[i][j])));
      assert.ok(worst <= 1e-4 * scale, `output ${i}: max |diff| ${worst}`);
    }
    await initBackend('webgpu');
  });
});
