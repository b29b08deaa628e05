/**
 * Which of this project's WebGPU kernels are in use. DTN_STOCK_KERNELS (comma-separated names, or
 * "all") keeps the named ones stock, to measure a kernel against tfjs's own on the same machine.
 * Names: Conv2D, Conv2DBackpropInput, Conv2DBackpropFilter, BatchNorm, Activation, Adam, and Plan
 * (the recorded and replayed training step).
 */
export function customWebgpuKernel(name: string): boolean {
  const stock = new Set((process.env.DTN_STOCK_KERNELS ?? '').split(',').map((s) => s.trim()));
  return !stock.has(name) && !stock.has('all');
}
