/**
 * The convolution kernels this project registers (cpu: direct loops; wasm: GEMMs on XNNPACK)
 * against convolution by definition, through the public tfjs ops the models use: conv2d forward,
 * and the gradients with respect to input and filter (what conv2dTranspose runs on, too).
 */
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { convCaseName, type ConvCase } from './convCase';
import { initBackend } from '../../../src/trainer/engine/backend';
import { conv2dBackpropFilterNHWC } from '../../../src/trainer/engine/cpu/cpuConvBackpropFilter';

function geometry(k: ConvCase) {
  const o = k.pad === 'same' ? Math.ceil(k.h / k.stride) : Math.ceil((k.h - k.f + 1) / k.stride);
  const padTotal = k.pad === 'same' ? Math.max((o - 1) * k.stride + k.f - k.h, 0) : 0;
  return { o, top: Math.floor(padTotal / 2) };
}

/** Visits every (output position, filter tap) pair that lands inside the input. */
function forEachTap(k: ConvCase, visit: (xi: number, yi: number, wi: number) => void): void {
  const { o, top } = geometry(k);
  for (let b = 0; b < k.batch; b++)
    for (let i = 0; i < o; i++)
      for (let j = 0; j < o; j++)
        for (let r = 0; r < k.f; r++)
          for (let c = 0; c < k.f; c++) {
            const xr = i * k.stride + r - top;
            const xc = j * k.stride + c - top;
            if (xr < 0 || xr >= k.h || xc < 0 || xc >= k.h) continue;
            for (let d = 0; d < k.inC; d++)
              for (let q = 0; q < k.outC; q++)
                visit(
                  ((b * k.h + xr) * k.h + xc) * k.inC + d,
                  ((b * o + i) * o + j) * k.outC + q,
                  ((r * k.f + c) * k.inC + d) * k.outC + q,
                );
          }
}

function reference(k: ConvCase, x: Float32Array, w: Float32Array, dy: Float32Array) {
  const { o } = geometry(k);
  const y = new Float64Array(k.batch * o * o * k.outC);
  const dx = new Float64Array(x.length);
  const dw = new Float64Array(w.length);
  forEachTap(k, (xi, yi, wi) => {
    y[yi] += x[xi] * w[wi];
    dx[xi] += dy[yi] * w[wi];
    dw[wi] += x[xi] * dy[yi];
  });
  return { y, dx, dw, o };
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  for (let i = 0; i < expected.length; i++) {
    const tol = 1e-4 * Math.max(Math.abs(expected[i]), scale * 1e-2, 1e-6);
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `${what}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

const CASES: ConvCase[] = [
  { batch: 2, h: 8, inC: 3, outC: 4, f: 3, stride: 2, pad: 'same' }, // f's stride-2 3x3 convs
  { batch: 3, h: 8, inC: 5, outC: 6, f: 4, stride: 2, pad: 'same' }, // D's and g's 4x4 stride-2 layers
  { batch: 2, h: 4, inC: 6, outC: 7, f: 4, stride: 1, pad: 'valid' }, // the 4x4 valid layers (to 1x1)
  { batch: 1, h: 7, inC: 2, outC: 3, f: 3, stride: 1, pad: 'same' }, // odd size, stride 1
  { batch: 2, h: 9, inC: 4, outC: 2, f: 3, stride: 2, pad: 'valid' }, // odd size, valid, stride 2
  { batch: 2, h: 8, inC: 1, outC: 5, f: 4, stride: 2, pad: 'same' }, // a single input channel
];

function random(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1);
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`convolution kernels on the ${backend} backend`, () => {
    before(async () => {
      const { backend: info } = await initBackend(backend);
      assert.equal(info.name, backend);
    });

    if (backend === 'cpu') {
      it('the fast filter gradient is the one installed: tf.grad returns exactly what it computes', () => {
        tf.tidy(() => {
          const x = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
          const filter = tf.randomNormal([4, 4, 3, 4], 0, 1, 'float32', 6) as tf.Tensor4D;
          const r = tf.randomNormal([2, 4, 4, 4], 0, 1, 'float32', 7);
          const dW = tf.grad((w: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, w as tf.Tensor4D, 2, 'same'), r)))(filter);
          const info = tf.backend_util.computeConv2DInfo([2, 8, 8, 3], [4, 4, 3, 4], 2, 1, 'same');
          // The stock kernel sums in another order, so bitwise equality identifies this one.
          assert.deepEqual(Array.from(dW.dataSync()), Array.from(conv2dBackpropFilterNHWC(x.dataSync(), r.dataSync(), info)));
        });
      });
    }

    CASES.forEach((k, n) => {
      it(`conv2d and both gradients match the definition: ${convCaseName(k)}`, () => {
        const x = random(k.batch * k.h * k.h * k.inC, 10 + n);
        const w = random(k.f * k.f * k.inC * k.outC, 20 + n);
        const ref = reference(k, x, w, random(k.batch * geometry(k).o ** 2 * k.outC, 30 + n));
        const dy = random(ref.y.length, 30 + n);
        tf.tidy(() => {
          const xt = tf.tensor4d(x, [k.batch, k.h, k.h, k.inC]);
          const wt = tf.tensor4d(w, [k.f, k.f, k.inC, k.outC]);
          const dyt = tf.tensor4d(dy, [k.batch, ref.o, ref.o, k.outC]);
          assertClose(tf.conv2d(xt, wt, k.stride, k.pad).dataSync(), ref.y, 'y');
          const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, k.stride, k.pad))(
            [xt, wt],
            dyt,
          );
          assertClose(dx.dataSync(), ref.dx, 'dx');
          assertClose(dw.dataSync(), ref.dw, 'dW');
        });
      });
    });
  });
}
