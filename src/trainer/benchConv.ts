/**
 * `dtn bench --conv`: every distinct convolution kernel call of one DTN step, timed with this
 * project's GEMM kernel and with the stock tfjs kernel on the same inputs, with the achieved
 * TFLOP/s: the numbers to tune tile shapes by, on the GPU at hand, in one run.
 */
import * as tf from '@tensorflow/tfjs-core';
import { getKernel, registerKernel, unregisterKernel, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import type { Dtn } from './dtn';
import { disposeLosses } from './dtn';
import { stockKernel } from './kernels/overrideKernel';
import { WEBGPU_CONV_KERNELS, type WebgpuConvKernel } from './kernels/webgpuConv';

interface ConvCall {
  kernel: WebgpuConvKernel;
  inputs: Record<string, number[]>;
  attrs: NamedAttrMap;
  count: number;
}

export interface ConvTiming {
  kernel: WebgpuConvKernel;
  shapes: string;
  perStep: number;
  gflop: number;
  gemmMs: number;
  stockMs: number;
}

/** The distinct conv kernel calls of one step (recorded through the kernel registry). */
function recordConvCalls(dtn: Dtn, xs: tf.Tensor4D, xt: tf.Tensor4D): ConvCall[] {
  const calls = new Map<string, ConvCall>();
  const names = Object.keys(WEBGPU_CONV_KERNELS) as WebgpuConvKernel[];
  const saved = names.map((name) => getKernel(name, 'webgpu')!);
  names.forEach((name, i) => {
    const inner = saved[i].kernelFunc;
    const recording: KernelFunc = (args) => {
      const inputs = Object.fromEntries(Object.entries(args.inputs).map(([k, t]) => [k, (t as TensorInfo).shape]));
      const a = args.attrs as NamedAttrMap;
      // What decides the work; ops differ in which optional attributes they pass along.
      const strides = Array.isArray(a.strides) ? a.strides : [a.strides, a.strides];
      const attrs: NamedAttrMap = { strides: strides as number[], pad: a.pad, dataFormat: 'NHWC', dilations: [1, 1] };
      if (a.inputShape) attrs.inputShape = a.inputShape;
      if (a.filterShape) attrs.filterShape = a.filterShape;
      const key = JSON.stringify([name, inputs, attrs]);
      const call = calls.get(key) ?? { kernel: name, inputs, attrs, count: 0 };
      call.count++;
      calls.set(key, call);
      return inner(args);
    };
    unregisterKernel(name, 'webgpu');
    registerKernel({ kernelName: name, backendName: 'webgpu', kernelFunc: recording });
  });
  try {
    disposeLosses(dtn.step(xs, xt));
  } finally {
    names.forEach((name, i) => {
      unregisterKernel(name, 'webgpu');
      registerKernel(saved[i]);
    });
  }
  return [...calls.values()];
}

/** Multiply-adds ×2 of a convolution (the same for its two gradients). */
function flops(call: ConvCall): number {
  const x = call.kernel === 'Conv2DBackpropInput' ? (call.attrs.inputShape as number[]) : call.inputs.x;
  const w = call.kernel === 'Conv2DBackpropFilter' ? (call.attrs.filterShape as number[]) : call.inputs.filter;
  const info = tf.backend_util.computeConv2DInfo(x as [number, number, number, number], w as [number, number, number, number], call.attrs.strides as [number, number], 1, call.attrs.pad as 'same');
  return 2 * info.batchSize * info.outHeight * info.outWidth * info.outChannels * info.filterHeight * info.filterWidth * info.inChannels;
}

async function timeKernel(fn: KernelFunc, inputs: Record<string, tf.Tensor>, attrs: NamedAttrMap, reps: number): Promise<number> {
  const run = () => tf.engine().makeTensorFromTensorInfo(fn({ inputs, backend: tf.backend(), attrs }) as TensorInfo);
  for (let i = 0; i < 2; i++) {
    const y = run();
    await y.data();
    y.dispose();
  }
  const t0 = performance.now();
  const outs: tf.Tensor[] = [];
  for (let i = 0; i < reps; i++) outs.push(run());
  await outs[outs.length - 1].data();
  const ms = (performance.now() - t0) / reps;
  tf.dispose(outs);
  return ms;
}

export async function benchConvKernels(dtn: Dtn, xs: tf.Tensor4D, xt: tf.Tensor4D, reps: number): Promise<ConvTiming[]> {
  const out: ConvTiming[] = [];
  for (const call of recordConvCalls(dtn, xs, xt)) {
    const inputs = Object.fromEntries(Object.entries(call.inputs).map(([k, shape], i) => [k, tf.randomUniform(shape, -1, 1, 'float32', i + 1)]));
    const gemmMs = await timeKernel(WEBGPU_CONV_KERNELS[call.kernel], inputs, call.attrs, reps);
    const stockMs = await timeKernel(stockKernel(call.kernel, 'webgpu')!, inputs, call.attrs, reps);
    tf.dispose(Object.values(inputs));
    const produced = (call.attrs.inputShape ?? call.attrs.filterShape) as number[] | undefined;
    const shapes =
      Object.entries(call.inputs)
        .map(([k, s]) => `${k}=${s.join('x')}`)
        .join(' ') + `${produced ? ` -> ${produced.join('x')}` : ''} s${(call.attrs.strides as number[])[0]} ${call.attrs.pad}`;
    out.push({ kernel: call.kernel, shapes, perStep: call.count, gflop: flops(call) / 1e9, gemmMs, stockMs });
  }
  return out;
}

export function printConvTimings(rows: ConvTiming[], print: (line: string) => void): void {
  const total = (k: 'gemmMs' | 'stockMs') => rows.reduce((a, r) => a + r[k] * r.perStep, 0);
  print(`dtn bench: conv kernels per step: gemm ${total('gemmMs').toFixed(1)} ms, stock ${total('stockMs').toFixed(1)} ms (sum of single-kernel timings)`);
  for (const r of rows) {
    const tflops = (ms: number) => (r.gflop / ms).toPrecision(3);
    print(
      `  ${r.kernel.padEnd(21)} ${r.shapes.padEnd(56)} ${String(r.perStep).padStart(2)}x ${r.gflop.toPrecision(3).padStart(7)} GFLOP  ` +
        `gemm ${r.gemmMs.toFixed(3).padStart(8)} ms ${tflops(r.gemmMs).padStart(6)} TFLOP/s  stock ${r.stockMs.toFixed(3).padStart(8)} ms ${tflops(r.stockMs).padStart(6)} TFLOP/s`,
    );
  }
}
