/**
 * The cpu backend's Transform (tf.image.transform) on a batch. The stock kernel (tfjs 4.22) returns
 * from inside its loop over images, after the first: every later image of the batch comes back
 * filled with the fill value. Here each image of a float32 batch goes through the stock kernel on
 * its own and the results are stacked; a batch of one is the stock kernel's as it is.
 */
import { Transform, type TensorInfo } from '@tensorflow/tfjs-core';
import { overrideKernel, stockKernel, type CpuBackendLike } from '../overrideKernel';

interface CpuBackendWithDispose extends CpuBackendLike {
  disposeData(dataId: object): boolean;
}

/** Replaces the cpu backend's Transform; idempotent. Call after the backend is registered. */
export function installCpuTransform(): void {
  overrideKernel(Transform, 'cpu', (args, backend) => {
    const { image, transforms } = args.inputs as { image: TensorInfo; transforms: TensorInfo };
    const [batch] = image.shape;
    if (batch <= 1 || image.dtype !== 'float32') return undefined;
    const stock = stockKernel(Transform, 'cpu')!;
    const cpu = backend as CpuBackendWithDispose;
    const pixels = cpu.data.get(image.dataId).values as Float32Array;
    const maps = cpu.data.get(transforms.dataId).values as Float32Array;
    const perMap = transforms.shape[0] === 1;
    const inSize = pixels.length / batch;
    let out: Float32Array | undefined;
    let outShape: number[] = [];
    for (let b = 0; b < batch; b++) {
      const one = cpu.makeTensorInfo([1, ...image.shape.slice(1)], 'float32', pixels.slice(b * inSize, (b + 1) * inSize));
      const map = cpu.makeTensorInfo([1, 8], 'float32', perMap ? maps.slice(0, 8) : maps.slice(b * 8, b * 8 + 8));
      const result = stock({ ...args, inputs: { image: one, transforms: map } }) as TensorInfo;
      const values = cpu.data.get(result.dataId).values as Float32Array;
      if (!out) {
        outShape = [batch, ...result.shape.slice(1)];
        out = new Float32Array(batch * values.length);
      }
      out.set(values, b * values.length);
      for (const t of [one, map, result]) cpu.disposeData(t.dataId);
    }
    return cpu.makeTensorInfo(outShape, 'float32', out!);
  });
}
