/**
 * Convolution gradients for the wasm backend as GEMMs on its own BatchMatMul (XNNPACK, SIMD):
 * - Conv2DBackpropFilter, which the backend lacks (so it cannot train convs):
 *     dW[K, outC] = im2col(x)ᵀ[K, M] · dy[M, outC]
 * - Conv2DBackpropInput, whose stock kernel is a scalar loop:
 *     cols[M, K] = dy[M, outC] · Wᵀ[outC, K], then col2im scatter-adds cols into dx.
 * with M = batch·outH·outW and K = fh·fw·inC. BatchMatMul is fast only without transposed operands
 * (measured: 28 GFLOP/s plain, 0.5 with transposeA, 2.3 with transposeB), so operands are
 * transposed explicitly first, which costs little by comparison.
 */
import {
  backend_util,
  BatchMatMul,
  Conv2DBackpropFilter,
  Conv2DBackpropInput,
  getKernel,
  registerKernel,
  Reshape,
  Transpose,
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

/** Writes the im2col patch matrix [M, K] of NHWC `x` into `cols` (zeros where a patch hits padding). */
export function im2col(x: Float32Array, info: backend_util.Conv2DInfo, cols: Float32Array): void {
  const c = info.inChannels;
  const k = info.filterHeight * info.filterWidth * c;
  cols.fill(0);
  // A tap's filter offset over outChannels is its position inside the patch row.
  forEachTap(info, (xOff, wOff, _y, row) => cols.set(x.subarray(xOff, xOff + c), row * k + wOff / info.outChannels));
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
  const cols = wasm.makeOutput([1, m, k], 'float32');
  // Heap views are taken after each allocation: growing the heap detaches older views.
  im2col(wasm.typedArrayFromHeap(x), info, wasm.typedArrayFromHeap(cols));
  const colsT = call(Transpose, { x: cols }, { perm: [0, 2, 1] });
  const dy3 = call(Reshape, { x: dy }, { shape: [1, m, info.outChannels] });
  const dw3 = call(BatchMatMul, { a: colsT, b: dy3 }, { transposeA: false, transposeB: false });
  const dw = call(Reshape, { x: dw3 }, { shape: info.filterShape });
  for (const t of [cols, colsT, dy3, dw3]) wasm.disposeData(t.dataId);
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
  const w2 = call(Reshape, { x: filter }, { shape: [1, k, info.outChannels] });
  const wT = call(Transpose, { x: w2 }, { perm: [0, 2, 1] });
  const dy3 = call(Reshape, { x: dy }, { shape: [1, m, info.outChannels] });
  const cols = call(BatchMatMul, { a: dy3, b: wT }, { transposeA: false, transposeB: false });
  const dx = wasm.makeOutput(info.inShape, 'float32');
  col2im(wasm.typedArrayFromHeap(cols), info, wasm.typedArrayFromHeap(dx));
  for (const t of [w2, wT, dy3, cols]) wasm.disposeData(t.dataId);
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
