/**
 * Which of this project's WebGPU kernels are in use. DTN_STOCK_KERNELS (comma-separated names, or
 * "all") keeps the named ones stock, to measure a kernel against tfjs's own on the same machine.
 * Names: Conv2D, Conv2DBackpropInput, Conv2DBackpropFilter, BatchNorm, Activation, Adam, and Plan
 * (the recorded and replayed training step).
 */
export const SWITCHABLE = ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter', 'BatchNorm', 'Activation', 'Adam', 'Plan'] as const;

/** Names in DTN_STOCK_KERNELS that name nothing (a typo would otherwise measure the wrong thing). */
export function unknownStockKernels(): string[] {
  const names = (process.env.DTN_STOCK_KERNELS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return names.filter((n) => n !== 'all' && !(SWITCHABLE as readonly string[]).includes(n));
}

/**
 * DTN_CONV_TUNE: 1 tunes the conv kernels on this device, 0 keeps the default layouts, unset lets
 * the adapter decide (convTune.ts). `invalid` holds any other value.
 */
export function convTuneSetting(): { tune?: boolean; invalid?: string } {
  const env = process.env.DTN_CONV_TUNE ?? '';
  if (env === '') return {};
  if (env === '1' || env === '0') return { tune: env === '1' };
  return { invalid: env };
}

let parsed: { raw: string; stock: Set<string> } | undefined;

export function customWebgpuKernel(name: string): boolean {
  // Asked once per batch-norm or activation op: parse the variable only when it changes (tests set it).
  const raw = process.env.DTN_STOCK_KERNELS ?? '';
  if (parsed?.raw !== raw) parsed = { raw, stock: new Set(raw.split(',').map((s) => s.trim())) };
  return !parsed.stock.has(name) && !parsed.stock.has('all');
}
