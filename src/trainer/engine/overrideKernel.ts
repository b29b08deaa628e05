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

/** The kernel each override displaced, by backend/kernel (the kernel registry is process-wide). */
const stockKernels = new Map<string, KernelFunc>();

/** The kernel a backend registered before this project replaced it (to measure or test against). */
export function stockKernel(kernelName: string, backendName: string): KernelFunc | undefined {
  return stockKernels.get(`${backendName}/${kernelName}`) ?? getKernel(kernelName, backendName)?.kernelFunc;
}

/**
 * Registers `fast` in front of the stock kernel; calling it again replaces the earlier fast path
 * (a new engine's kernels capture that engine).
 */
export function overrideKernel(kernelName: string, backendName: string, fast: FastPath): void {
  const key = `${backendName}/${kernelName}`;
  const stock = stockKernels.get(key) ?? getKernel(kernelName, backendName)?.kernelFunc;
  if (!stock) return;
  const kernelFunc: KernelFunc = (args) => fast(args, args.backend as unknown as CpuBackendLike) ?? stock(args);
  unregisterKernel(kernelName, backendName);
  registerKernel({ kernelName, backendName, kernelFunc });
  stockKernels.set(key, stock);
}

/** Puts the stock kernel back where overrideKernel replaced it. */
export function restoreKernel(kernelName: string, backendName: string): void {
  const key = `${backendName}/${kernelName}`;
  const stock = stockKernels.get(key);
  if (!stock) return;
  unregisterKernel(kernelName, backendName);
  registerKernel({ kernelName, backendName, kernelFunc: stock });
  stockKernels.delete(key);
}
