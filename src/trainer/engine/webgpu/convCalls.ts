/**
 * The convolution kernel calls a piece of work makes on WebGPU, recorded through the kernel
 * registry, and how long a kernel takes on them: what tuning (convTune.ts) and `dtn bench --conv`
 * measure.
 */
import * as tf from '@tensorflow/tfjs-core';
import { getKernel, registerKernel, unregisterKernel, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import { convCallKey, WEBGPU_CONV_KERNEL_NAMES } from './webgpuConv';
import type { WebgpuConvKernel } from './webgpuConv';

export interface ConvCall {
  kernel: WebgpuConvKernel;
  /** convCallKey: the kernel and the sizes that decide its work. */
  key: string;
  inputs: Record<string, number[]>;
  attrs: NamedAttrMap;
  /** How many times the recorded work made this call. */
  count: number;
}

/** Runs `work` (synchronous tfjs code) and returns its result with the distinct conv calls it made. */
export function recordConvCalls<T>(work: () => T): { result: T; calls: ConvCall[] } {
  const calls = new Map<string, ConvCall>();
  const names = WEBGPU_CONV_KERNEL_NAMES;
  const saved = names.map((name) => getKernel(name, 'webgpu')!);
  names.forEach((name, i) => {
    const inner = saved[i].kernelFunc;
    const recording: KernelFunc = (args) => {
      const inputs = Object.fromEntries(Object.entries(args.inputs).map(([k, t]) => [k, (t as TensorInfo).shape]));
      const a = args.attrs as NamedAttrMap;
      // What decides the work; ops differ in which optional attributes they pass along.
      const strides = Array.isArray(a.strides) ? a.strides : [a.strides, a.strides];
      const attrs: NamedAttrMap = { strides: strides as number[], pad: a.pad, dataFormat: 'NHWC', dilations: [1, 1] };
      if (a.dimRoundingMode) attrs.dimRoundingMode = a.dimRoundingMode;
      if (a.inputShape) attrs.inputShape = a.inputShape;
      if (a.filterShape) attrs.filterShape = a.filterShape;
      const key = convCallKey(name, args.inputs as Record<string, TensorInfo>, attrs);
      const call = calls.get(key) ?? { kernel: name, key, inputs, attrs, count: 0 };
      call.count++;
      calls.set(key, call);
      return inner(args);
    };
    unregisterKernel(name, 'webgpu');
    registerKernel({ kernelName: name, backendName: 'webgpu', kernelFunc: recording });
  });
  try {
    return { result: work(), calls: [...calls.values()] };
  } finally {
    names.forEach((name, i) => {
      unregisterKernel(name, 'webgpu');
      registerKernel(saved[i]);
    });
  }
}

/** Multiply-adds ×2 of a convolution (the same for its two gradients). */
export function convFlops(call: ConvCall): number {
  const x = call.kernel === 'Conv2DBackpropInput' ? (call.attrs.inputShape as number[]) : call.inputs.x;
  const w = call.kernel === 'Conv2DBackpropFilter' ? (call.attrs.filterShape as number[]) : call.inputs.filter;
  const info = tf.backend_util.computeConv2DInfo(
    x as [number, number, number, number],
    w as [number, number, number, number],
    call.attrs.strides as [number, number],
    1,
    call.attrs.pad as 'same',
  );
  return 2 * info.batchSize * info.outHeight * info.outWidth * info.outChannels * info.filterHeight * info.filterWidth * info.inChannels;
}

/** "x=8x16x16x128 filter=4x4x128x256 s2 same": a call's shapes for tables. */
export function describeConvCall(call: ConvCall): string {
  const produced = (call.attrs.inputShape ?? call.attrs.filterShape) as number[] | undefined;
  const inputs = Object.entries(call.inputs).map(([k, s]) => `${k}=${s.join('x')}`);
  const output = produced ? ` -> ${produced.join('x')}` : '';
  return `${inputs.join(' ')}${output} s${(call.attrs.strides as number[])[0]} ${JSON.stringify(call.attrs.pad)}`;
}

/** Random inputs of a call's shapes (the caller disposes them). */
export function convCallInputs(call: ConvCall): Record<string, tf.Tensor> {
  return Object.fromEntries(Object.entries(call.inputs).map(([k, shape], i) => [k, tf.randomUniform(shape, -1, 1, 'float32', i + 1)]));
}

/**
 * Milliseconds per run of `fn` on these inputs: two runs to compile and warm up (which also give a
 * first estimate), then runs queued back to back, enough to fill `minMs` of device time (at least
 * 3, at most `maxReps`), and one read of the last, so the fixed cost of a read-back is spread thin.
 */
export async function timeKernel(
  fn: KernelFunc,
  inputs: Record<string, tf.Tensor>,
  attrs: NamedAttrMap,
  opts: { minMs?: number; maxReps?: number } = {},
): Promise<number> {
  const run = () => tf.engine().makeTensorFromTensorInfo(fn({ inputs, backend: tf.backend(), attrs }) as TensorInfo);
  let estimate = Infinity;
  for (let i = 0; i < 2; i++) {
    const t = performance.now();
    const y = run();
    await y.data();
    y.dispose();
    estimate = Math.min(estimate, performance.now() - t);
  }
  const reps = Math.max(3, Math.min(opts.maxReps ?? 50, Math.ceil((opts.minMs ?? 20) / Math.max(estimate, 1e-3))));
  const t0 = performance.now();
  // Each result but the last is freed as soon as the next run is queued (tfjs reuses its buffer
  // once the batch of kernels using it is submitted), so memory stays at a few results, not reps.
  let last = run();
  for (let i = 1; i < reps; i++) {
    last.dispose();
    last = run();
  }
  await last.data();
  const ms = (performance.now() - t0) / reps;
  last.dispose();
  return ms;
}
