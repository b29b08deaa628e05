/**
 * The layout helpers of the wasm conv gradients (wasmConvGemm.ts). The kernels' numbers are checked
 * against the definition in convKernels.test.ts.
 */
import { strict as assert } from 'node:assert';
import { backend_util } from '@tensorflow/tfjs-core';
import { im2colTransposed, transposeInto } from '../../../../src/trainer/engine/wasm/wasmConvGemm';

describe('wasm conv gradient layouts', () => {
  it('transposes a matrix of any shape', () => {
    for (const [rows, cols] of [
      [1, 1],
      [3, 17],
      [16, 8],
      [9, 33],
    ]) {
      const src = Float32Array.from({ length: rows * cols }, (_, i) => i);
      const dst = new Float32Array(rows * cols);
      transposeInto(src, rows, cols, dst);
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) assert.equal(dst[c * rows + r], src[r * cols + c]);
    }
  });

  it('writes the transposed patch matrix, zeros where a patch reaches into the padding', () => {
    // 1 image 5x5x2, 3x3 filter, stride 2, pad 1: 3x3 output positions, K = 18.
    const info = backend_util.computeConv2DInfo([1, 5, 5, 2], [3, 3, 2, 1], 2, 1, 1);
    const x = Float32Array.from({ length: 50 }, (_, i) => i + 1);
    const m = 9;
    const colsT = new Float32Array(18 * m).fill(NaN);
    im2colTransposed(x, info, colsT);
    for (let row = 0; row < m; row++) {
      const oy = Math.floor(row / 3);
      const ox = row % 3;
      for (let kh = 0; kh < 3; kh++) {
        for (let kw = 0; kw < 3; kw++) {
          for (let c = 0; c < 2; c++) {
            const y = oy * 2 + kh - 1;
            const xx = ox * 2 + kw - 1;
            const expected = y < 0 || y >= 5 || xx < 0 || xx >= 5 ? 0 : x[(y * 5 + xx) * 2 + c];
            assert.equal(colsT[((kh * 3 + kw) * 2 + c) * m + row], expected, `row ${row} tap ${kh},${kw} channel ${c}`);
          }
        }
      }
    }
  });
});
