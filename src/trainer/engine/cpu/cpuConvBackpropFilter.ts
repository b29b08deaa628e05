/**
 * A faster Conv2DBackpropFilter for the pure-JS cpu backend. The stock kernel loops once per filter
 * weight over the whole batch through TensorBuffer.get (several multiplies and a bounds check per
 * element), which makes conv training on CPU minutes per step. This one walks the output gradient
 * once and accumulates outer products into contiguous filter rows, so the inner loop is a plain
 * multiply-add over output channels. NCHW falls back to the stock kernel.
 */
import { backend_util, Conv2DBackpropFilter, type Conv2DBackpropFilterAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { overrideKernel } from '../overrideKernel';

/** dW[wR, wC, d1, d2] = sum over b, yR, yC of x[b, xR, xC, d1] * dy[b, yR, yC, d2]. */
export function conv2dBackpropFilterNHWC(x: ArrayLike<number>, dy: ArrayLike<number>, info: backend_util.Conv2DInfo): Float32Array {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const dw = new Float32Array(filterHeight * filterWidth * inChannels * outChannels);
  for (let b = 0; b < batchSize; b++) {
    for (let yR = 0; yR < outHeight; yR++) {
      for (let yC = 0; yC < outWidth; yC++) {
        const dyOff = ((b * outHeight + yR) * outWidth + yC) * outChannels;
        for (let wR = 0; wR < filterHeight; wR++) {
          const xR = yR * strideHeight + wR - top;
          if (xR < 0 || xR >= inHeight) continue;
          for (let wC = 0; wC < filterWidth; wC++) {
            const xC = yC * strideWidth + wC - left;
            if (xC < 0 || xC >= inWidth) continue;
            const xOff = ((b * inHeight + xR) * inWidth + xC) * inChannels;
            const wOff = (wR * filterWidth + wC) * inChannels * outChannels;
            for (let d1 = 0; d1 < inChannels; d1++) {
              const xv = x[xOff + d1];
              if (xv === 0) continue; // ReLU outputs are often zero: skip the whole row.
              const row = wOff + d1 * outChannels;
              for (let d2 = 0; d2 < outChannels; d2++) dw[row + d2] += xv * dy[dyOff + d2];
            }
          }
        }
      }
    }
  }
  return dw;
}

/** Replaces the cpu backend's Conv2DBackpropFilter; idempotent. Call after the backend is registered. */
export function installFastCpuConvBackpropFilter(): void {
  overrideKernel(Conv2DBackpropFilter, 'cpu', (args, backend) => {
    const attrs = args.attrs as unknown as Conv2DBackpropFilterAttrs;
    if (attrs.dataFormat === 'NCHW') return undefined;
    const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
    if (x.dtype !== 'float32' || dy.dtype !== 'float32') return undefined;
    const info = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      attrs.filterShape,
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
    );
    const dw = conv2dBackpropFilterNHWC(backend.data.get(x.dataId).values, backend.data.get(dy.dataId).values, info);
    return backend.makeTensorInfo(info.filterShape, 'float32', dw);
  });
}
