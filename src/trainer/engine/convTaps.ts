/**
 * The walk every direct NHWC convolution loop shares: for each output position and each filter
 * tap that lands inside the input, the offsets of the input pixel's channel row, the filter's
 * [inChannels x outChannels] block for that tap, and the output position's channel row.
 */
import type { backend_util } from '@tensorflow/tfjs-core';

export type TapVisitor = (xOffset: number, wOffset: number, yOffset: number, row: number) => void;

/** `row` numbers the output positions 0..B*outH*outW-1 (an im2col row). */
export function forEachTap(info: backend_util.Conv2DInfo, visit: TapVisitor): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  let row = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let yR = 0; yR < outHeight; yR++) {
      for (let yC = 0; yC < outWidth; yC++, row++) {
        const yOffset = row * outChannels;
        for (let wR = 0; wR < filterHeight; wR++) {
          const xR = yR * strideHeight + wR - top;
          if (xR < 0 || xR >= inHeight) continue;
          for (let wC = 0; wC < filterWidth; wC++) {
            const xC = yC * strideWidth + wC - left;
            if (xC < 0 || xC >= inWidth) continue;
            visit(((b * inHeight + xR) * inWidth + xC) * inChannels, (wR * filterWidth + wC) * inChannels * outChannels, yOffset, row);
          }
        }
      }
    }
  }
}
