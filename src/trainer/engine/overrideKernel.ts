/**
 * Replaces a kernel of a registered tfjs backend with a faster path that handles the cases it is
 * written for and hands everything else to the stock kernel.
 */
import { getKernel, registerKernel, unregisterKernel, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';

export interface CpuBackendLike {
  data: { get(id: object): { values: ArrayLike<number> } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

export type FastPath = (args: Parameters<KernelFunc>[0], backend: CpuBackendLike) => TensorInfo | undefined;

const installed = new Set<string>();
const stockKernels = new Map<string, KernelFunc>();

/** The kernel a backend registered before this project replaced it (to measure or test against). */
export function stockKernel(kernelName: string, backendName: string): KernelFunc | undefined {
  return stockKernels.get(`${backendName}/${kernelName}`) ?? getKernel(kernelName, backendName)?.kernelFunc;
}

export function overrideKernel(kernelName: string, backendName: string, fast: FastPath): void {
  const key = `${backendName}/${kernelName}`;
  if (installed.has(key)) return;
  const stock = getKernel(kernelName, backendName);
  if (!stock) return;
  const kernelFunc: KernelFunc = (args) => fast(args, args.backend as unknown as CpuBackendLike) ?? stock.kernelFunc(args);
  unregisterKernel(kernelName, backendName);
  registerKernel({ kernelName, backendName, kernelFunc });
  installed.add(key);
  stockKernels.set(key, stock.kernelFunc);
}
