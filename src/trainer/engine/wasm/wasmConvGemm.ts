/**
 * Convolution gradients for the wasm backend as GEMMs on its own BatchMatMul (XNNPACK, SIMD):
 * - Conv2DBackpropFilter, which the backend lacks (so it cannot train convs):
 *     dW[K, outC] = im2col(x)ᵀ[K, M] · dy[M, outC]
 * - Conv2DBackpropInput, whose stock kernel is a scalar loop:
 *     cols[M, K] = dy[M, outC] · Wᵀ[outC, K], then col2im scatter-adds cols into dx.
 * with M = batch·outH·outW and K = fh·fw·inC. BatchMatMul is fast only without transposed operands
 * (measured: 28 GFLOP/s plain, 0.5 with transposeA, 2.3 with transposeB), so operands are
 * transposed explicitly first, in JS: the backend's Transpose walks a large matrix element by element
 * across rows (about 20 M floats/s measured, slower than the GEMM after it), so the patch matrix is
 * written transposed (im2colTransposed) and the filter is transposed in tiles (transposeInto).
 */
import {
  backend_util,
  BatchMatMul,
  Conv2DBackpropFilter,
  Conv2DBackpropInput,
  getKernel,
  registerKernel,
  Reshape,
  unregisterKernel,
  type Conv2DBackpropFilterAttrs,
  type Conv2DBackpropInputAttrs,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

import { forEachTap } from '../convTaps';

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
  disposeData(dataId: object): boolean;
}

/** Output positions handled together by im2colTransposed: each write is one run of this many floats. */
const ROW_BLOCK = 8;

/**
 * Writes the transposed patch matrix im2col(x)ᵀ [K, M] of NHWC `x` (zeros where a patch reaches
 * into the padding): each tap of ROW_BLOCK neighbouring output positions is copied channel by
 * channel, reading ROW_BLOCK input rows and writing ROW_BLOCK consecutive floats.
 */
export function im2colTransposed(x: Float32Array, info: backend_util.Conv2DInfo, colsT: Float32Array): void {
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth, strideHeight, strideWidth } = info;
  const { filterHeight, filterWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const m = batchSize * outHeight * outWidth;
  // Where each output position's patch starts in x (its top-left tap may lie in the padding).
  const rowB = new Int32Array(m);
  const rowY = new Int32Array(m);
  const rowX = new Int32Array(m);
  for (let row = 0, b = 0; b < batchSize; b++) {
    for (let yR = 0; yR < outHeight; yR++) {
      for (let yC = 0; yC < outWidth; yC++, row++) {
        rowB[row] = b;
        rowY[row] = yR * strideHeight - top;
        rowX[row] = yC * strideWidth - left;
      }
    }
  }
  const offsets = new Int32Array(ROW_BLOCK);
  for (let wR = 0; wR < filterHeight; wR++) {
    for (let wC = 0; wC < filterWidth; wC++) {
      const tapRow = (wR * filterWidth + wC) * c;
      for (let row0 = 0; row0 < m; row0 += ROW_BLOCK) {
        const n = Math.min(ROW_BLOCK, m - row0);
        for (let j = 0; j < n; j++) {
          const row = row0 + j;
          const xR = rowY[row] + wR;
          const xC = rowX[row] + wC;
          offsets[j] = xR < 0 || xR >= inHeight || xC < 0 || xC >= inWidth ? -1 : ((rowB[row] * inHeight + xR) * inWidth + xC) * c;
        }
        for (let d = 0; d < c; d++) {
          const out = (tapRow + d) * m + row0;
          for (let j = 0; j < n; j++) {
            const o = offsets[j];
            colsT[out + j] = o < 0 ? 0 : x[o + d];
          }
        }
      }
    }
  }
}

/** dst [cols, rows] = src [rows, cols]ᵀ, in ROW_BLOCK x ROW_BLOCK tiles. */
export function transposeInto(src: Float32Array, rows: number, cols: number, dst: Float32Array): void {
  for (let r0 = 0; r0 < rows; r0 += ROW_BLOCK) {
    const r1 = Math.min(rows, r0 + ROW_BLOCK);
    for (let c0 = 0; c0 < cols; c0 += ROW_BLOCK) {
      const c1 = Math.min(cols, c0 + ROW_BLOCK);
      for (let r = r0; r < r1; r++) {
        for (let c = c0, from = r * cols + c0; c < c1; c++, from++) dst[c * rows + r] = src[from];
      }
    }
  }
}

/** The adjoint of im2col: adds each patch row of `cols` [M, K] back into NHWC `dx` (zeroed first). */
export function col2im(cols: Float32Array, info: backend_util.Conv2DInfo, dx: Float32Array): void {
  const c = info.inChannels;
  const k = info.filterHeight * info.filterWidth * c;
  dx.fill(0);
  forEachTap(info, (xOff, wOff, _y, row) => {
    const o = row * k + wOff / info.outChannels;
    for (let d = 0; d < c; d++) dx[xOff + d] += cols[o + d];
  });
}

type Call = (name: string, inputs: Record<string, TensorInfo>, attrs: Record<string, unknown>) => TensorInfo;

function caller(backend: unknown): Call {
  return (name, inputs, attrs) =>
    getKernel(name, 'wasm')!.kernelFunc({ inputs, backend: backend as never, attrs: attrs as never }) as TensorInfo;
}

const backpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const a = attrs as unknown as Conv2DBackpropFilterAttrs;
  if (a.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter on the wasm backend supports NHWC only');
  const wasm = backend as unknown as WasmBackendLike;
  const call = caller(backend);
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    a.filterShape,
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
  );
  const m = info.batchSize * info.outHeight * info.outWidth;
  const k = info.filterHeight * info.filterWidth * info.inChannels;
  const colsT = wasm.makeOutput([1, k, m], 'float32');
  // Heap views are taken after each allocation: growing the heap detaches older views.
  im2colTransposed(wasm.typedArrayFromHeap(x), info, wasm.typedArrayFromHeap(colsT));
  const dy3 = call(Reshape, { x: dy }, { shape: [1, m, info.outChannels] });
  const dw3 = call(BatchMatMul, { a: colsT, b: dy3 }, { transposeA: false, transposeB: false });
  const dw = call(Reshape, { x: dw3 }, { shape: info.filterShape });
  for (const t of [colsT, dy3, dw3]) wasm.disposeData(t.dataId);
  return dw;
};

const backpropInput: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const a = attrs as unknown as Conv2DBackpropInputAttrs;
  if (a.dataFormat === 'NCHW') throw new Error('Conv2DBackpropInput on the wasm backend supports NHWC only');
  const wasm = backend as unknown as WasmBackendLike;
  const call = caller(backend);
  const info = backend_util.computeConv2DInfo(
    a.inputShape,
    filter.shape as [number, number, number, number],
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
  );
  const m = info.batchSize * info.outHeight * info.outWidth;
  const k = info.filterHeight * info.filterWidth * info.inChannels;
  const wT = wasm.makeOutput([1, info.outChannels, k], 'float32');
  transposeInto(wasm.typedArrayFromHeap(filter), k, info.outChannels, wasm.typedArrayFromHeap(wT));
  const dy3 = call(Reshape, { x: dy }, { shape: [1, m, info.outChannels] });
  const cols = call(BatchMatMul, { a: dy3, b: wT }, { transposeA: false, transposeB: false });
  const dx = wasm.makeOutput(info.inShape, 'float32');
  col2im(wasm.typedArrayFromHeap(cols), info, wasm.typedArrayFromHeap(dx));
  for (const t of [wT, dy3, cols]) wasm.disposeData(t.dataId);
  return dx;
};

export function installWasmConvGemm(): void {
  for (const [kernelName, kernelFunc] of [
    [Conv2DBackpropFilter, backpropFilter],
    [Conv2DBackpropInput, backpropInput],
  ] as const) {
    if (getKernel(kernelName, 'wasm')?.kernelFunc === kernelFunc) continue;
    if (getKernel(kernelName, 'wasm')) unregisterKernel(kernelName, 'wasm');
    registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  }
}
