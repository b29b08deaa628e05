import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/trainer/backend';
import { conv2dBackpropFilterNHWC } from '../../../src/trainer/kernels/cpuConvBackpropFilter';

interface Case {
  batch: number;
  h: number;
  w: number;
  inC: number;
  outC: number;
  fh: number;
  fw: number;
  stride: number;
  pad: 'same' | 'valid';
}

/**
 * dW by definition, straight from the forward convolution: y[b,i,j,o] = sum x[b, i*s+r-top,
 * j*s+c-left, d] W[r,c,d,o], so dL/dW[r,c,d,o] = sum over b,i,j of x[...] * dy[b,i,j,o].
 * Output size and padding follow TensorFlow's rules, computed here independently of tfjs.
 */
function referenceFilterGrad(x: Float32Array, dy: Float32Array, k: Case): Float64Array {
  const out = (n: number, f: number) => (k.pad === 'same' ? Math.ceil(n / k.stride) : Math.ceil((n - f + 1) / k.stride));
  const oh = out(k.h, k.fh);
  const ow = out(k.w, k.fw);
  const padTotal = (o: number, n: number, f: number) => (k.pad === 'same' ? Math.max((o - 1) * k.stride + f - n, 0) : 0);
  const top = Math.floor(padTotal(oh, k.h, k.fh) / 2);
  const left = Math.floor(padTotal(ow, k.w, k.fw) / 2);
  const dw = new Float64Array(k.fh * k.fw * k.inC * k.outC);
  for (let r = 0; r < k.fh; r++)
    for (let c = 0; c < k.fw; c++)
      for (let d = 0; d < k.inC; d++)
        for (let o = 0; o < k.outC; o++) {
          let s = 0;
          for (let b = 0; b < k.batch; b++)
            for (let i = 0; i < oh; i++)
              for (let j = 0; j < ow; j++) {
                const xr = i * k.stride + r - top;
                const xc = j * k.stride + c - left;
                if (xr < 0 || xr >= k.h || xc < 0 || xc >= k.w) continue;
                s += x[((b * k.h + xr) * k.w + xc) * k.inC + d] * dy[((b * oh + i) * ow + j) * k.outC + o];
              }
          dw[((r * k.fw + c) * k.inC + d) * k.outC + o] = s;
        }
  return dw;
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

const CASES: Case[] = [
  { batch: 2, h: 8, w: 8, inC: 3, outC: 4, fh: 3, fw: 3, stride: 2, pad: 'same' }, // f's layers
  { batch: 2, h: 8, w: 8, inC: 2, outC: 5, fh: 4, fw: 4, stride: 2, pad: 'same' }, // D's layers (even filter: asymmetric padding)
  { batch: 1, h: 7, w: 5, inC: 1, outC: 3, fh: 3, fw: 2, stride: 1, pad: 'same' }, // odd, non-square
  { batch: 3, h: 9, w: 6, inC: 4, outC: 2, fh: 3, fw: 3, stride: 2, pad: 'valid' },
  { batch: 2, h: 4, w: 4, inC: 3, outC: 8, fh: 4, fw: 4, stride: 1, pad: 'valid' }, // f's embedding conv
  { batch: 1, h: 5, w: 7, inC: 5, outC: 1, fh: 2, fw: 3, stride: 1, pad: 'valid' },
  { batch: 2, h: 7, w: 7, inC: 3, outC: 3, fh: 1, fw: 1, stride: 2, pad: 'same' },
];

describe('fast cpu Conv2DBackpropFilter', () => {
  before(async () => {
    await initBackend('cpu');
  });

  for (const k of CASES) {
    const label = `x ${k.batch}x${k.h}x${k.w}x${k.inC}, filter ${k.fh}x${k.fw}x${k.inC}x${k.outC}, stride ${k.stride}, ${k.pad}`;
    it(`matches the definition through tf.grad: ${label}`, () => {
      // ReLU'd input: exact zeros exercise the kernel's zero-skipping path.
      const x = tf.tidy(() => tf.relu(tf.randomNormal([k.batch, k.h, k.w, k.inC], 0, 1, 'float32', 7)) as tf.Tensor4D);
      const filter = tf.randomNormal([k.fh, k.fw, k.inC, k.outC], 0, 1, 'float32', 8) as tf.Tensor4D;
      const y = tf.conv2d(x, filter, k.stride, k.pad);
      // L = sum(conv(x, W) * R), so dL/dy = R.
      const R = tf.randomNormal(y.shape, 0, 1, 'float32', 9);
      const dW = tf.grad((w: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, w as tf.Tensor4D, k.stride, k.pad), R)))(filter);
      assert.deepEqual(dW.shape, filter.shape);
      const xv = x.dataSync() as Float32Array;
      assert.ok(xv.some((v) => v === 0), 'the input has zeros');
      assertClose(dW.dataSync(), referenceFilterGrad(xv, R.dataSync() as Float32Array, k), label);
      tf.dispose([x, filter, y, R, dW]);
    });
  }

  it('the exported kernel function matches the definition on its own', () => {
    const k: Case = { batch: 2, h: 6, w: 6, inC: 2, outC: 3, fh: 4, fw: 4, stride: 2, pad: 'same' };
    const x = Float32Array.from({ length: k.batch * k.h * k.w * k.inC }, (_, i) => Math.sin(i * 1.3));
    const dy = Float32Array.from({ length: k.batch * 3 * 3 * k.outC }, (_, i) => Math.cos(i * 0.7));
    const info = tf.backend_util.computeConv2DInfo([k.batch, k.h, k.w, k.inC], [k.fh, k.fw, k.inC, k.outC], k.stride, 1, k.pad);
    assertClose(conv2dBackpropFilterNHWC(x, dy, info), referenceFilterGrad(x, dy, k), 'direct');
  });

  it('is installed: tf.grad returns exactly what the fast kernel computes (the stock one sums in another order)', () => {
    const k: Case = { batch: 2, h: 8, w: 8, inC: 3, outC: 4, fh: 4, fw: 4, stride: 2, pad: 'same' };
    const x = tf.randomNormal([k.batch, k.h, k.w, k.inC], 0, 1, 'float32', 5) as tf.Tensor4D;
    const filter = tf.randomNormal([k.fh, k.fw, k.inC, k.outC], 0, 1, 'float32', 6) as tf.Tensor4D;
    const R = tf.randomNormal([k.batch, 4, 4, k.outC], 0, 1, 'float32', 7);
    const dW = tf.grad((w: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, w as tf.Tensor4D, k.stride, k.pad), R)))(filter);
    const info = tf.backend_util.computeConv2DInfo([k.batch, k.h, k.w, k.inC], [k.fh, k.fw, k.inC, k.outC], k.stride, 1, k.pad);
    const direct = conv2dBackpropFilterNHWC(x.dataSync(), R.dataSync(), info);
    assert.deepEqual(Array.from(dW.dataSync()), Array.from(direct));
    tf.dispose([x, filter, R, dW]);
  });

  it('gives the right gradient for a grey input through an RGB kernel (as Conv.apply folds it)', () => {
    const x = tf.randomNormal([2, 6, 6, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, 3, 2], 0, 1, 'float32', 4) as tf.Tensor4D;
    const dW = tf.grad((v: tf.Tensor) => tf.sum(tf.square(tf.conv2d(x, tf.sum(v, 2, true) as tf.Tensor4D, 2, 'same'))))(w);
    // d/dW of sum(y^2): dy = 2y through the summed kernel, the same for each of the 3 input channels.
    const y = tf.conv2d(x, tf.sum(w, 2, true) as tf.Tensor4D, 2, 'same');
    const k: Case = { batch: 2, h: 6, w: 6, inC: 1, outC: 2, fh: 3, fw: 3, stride: 2, pad: 'same' };
    const ref1 = referenceFilterGrad(x.dataSync() as Float32Array, tf.mul(y, 2).dataSync() as Float32Array, k);
    const ref = new Float64Array(3 * 3 * 3 * 2);
    for (let rc = 0; rc < 9; rc++) for (let d = 0; d < 3; d++) for (let o = 0; o < 2; o++) ref[(rc * 3 + d) * 2 + o] = ref1[rc * 2 + o];
    assertClose(dW.dataSync(), ref, 'grey input through an RGB kernel');
  });
});
