/**
 * Convolution kernels for the tfjs WebGPU backend: Conv2D and its two gradients as the tiled
 * implicit GEMMs of convGemmPlans.ts / webgpuGemm.ts, in the layout conv tuning chose for each
 * call's shapes (convChoice.ts), or the stock kernel where tuning found it faster.
 */
import { backend_util, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { DEFAULT_GEMM, type ConvChoices, type GemmOptions } from './convChoice';
import { dims, filterGradPlan, forwardPlan, inputGradPlan, pointInputGradPlan, type ConvInfo } from './convGemmPlans';
import { overrideKernel, restoreKernel } from '../overrideKernel';
import { GemmProgram, SumProgram, tileShape, type GemmPlan } from './webgpuGemm';
import { webgpuBackend, type WebgpuBackend } from './tfjsInternals';

type Attrs = {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
};

/** NHWC float32 without dilation: everything this project runs; anything else keeps the stock kernel. */
function supported(attrs: Attrs, ...ts: TensorInfo[]): boolean {
  const dil = attrs.dilations ?? 1;
  const noDilation = Array.isArray(dil) ? dil.every((v) => v === 1) : dil === 1;
  return (attrs.dataFormat ?? 'NHWC') === 'NHWC' && noDilation && ts.every((t) => t.dtype === 'float32');
}

function convInfo(inShape: number[], filterShape: number[], attrs: Attrs): ConvInfo {
  return backend_util.computeConv2DInfo(
    inShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
}

function runGemm(backend: WebgpuBackend, plan: GemmPlan, names: [string, string], inputs: [TensorInfo, TensorInfo]): TensorInfo {
  const partial = backend.runWebGPUProgram(new GemmProgram(plan, names), inputs, 'float32');
  if (plan.parts === 1) return partial;
  const out = backend.runWebGPUProgram(new SumProgram(plan.finalShape, plan.parts), [partial], 'float32');
  backend.disposeData(partial.dataId);
  return out;
}

/**
 * The GEMM options for this call: the ones tuned for its shapes on this device (convChoice.ts), or
 * the defaults; undefined when tuning found the stock kernel faster (the caller then falls back).
 */
function optionsFor(choices: ConvChoices, kernel: string, info: ConvInfo): GemmOptions | undefined {
  const choice = choices.get(convKey(kernel, info));
  return choice === 'stock' ? undefined : (choice ?? DEFAULT_GEMM);
}

/** Identifies a convolution kernel call by what decides its work: the kernel and its sizes. */
export function convKey(kernel: string, info: ConvInfo): string {
  return `${kernel}/${JSON.stringify(dims(info))}`;
}

type Shaped = Record<string, { shape: number[] }>;

/** The convolution of a kernel call given as the kernel registry sees it (inputs and attributes). */
function callInfo(kernel: WebgpuConvKernel, inputs: Shaped, attrs: object): ConvInfo {
  const a = attrs as Attrs & { inputShape?: number[]; filterShape?: number[] };
  if (kernel === 'Conv2D') return convInfo(inputs.x.shape, inputs.filter.shape, a);
  if (kernel === 'Conv2DBackpropInput') return convInfo(a.inputShape!, inputs.filter.shape, a);
  return convInfo(inputs.x.shape, a.filterShape!, a);
}

export function convCallKey(kernel: WebgpuConvKernel, inputs: Shaped, attrs: object): string {
  return convKey(kernel, callInfo(kernel, inputs, attrs));
}

function planFor(kernel: WebgpuConvKernel, info: ConvInfo, o: GemmOptions): GemmPlan {
  if (kernel === 'Conv2D') return forwardPlan(info, o);
  if (kernel === 'Conv2DBackpropInput') return pointInputGradPlan(info, o) ?? inputGradPlan(info, o);
  return filterGradPlan(info, o);
}

/** What a call runs under options `o` (shader and grid): options with equal layouts need one measurement. */
export function gemmLayout(kernel: WebgpuConvKernel, inputs: Shaped, attrs: object, o: GemmOptions): string {
  const program = new GemmProgram(planFor(kernel, callInfo(kernel, inputs, attrs), o), ['a', 'b']);
  return `${program.shaderKey}/${program.dispatch.join('x')}`;
}

/** Workgroup memory a call's GEMM needs under options `o`, in bytes. */
export function gemmWorkgroupBytes(kernel: WebgpuConvKernel, inputs: Shaped, attrs: object, o: GemmOptions): number {
  const plan = planFor(kernel, callInfo(kernel, inputs, attrs), o);
  return tileShape(plan.M, plan.N, o).workgroupBytes;
}

/** What the registered kernel runs for this call now: the layout of its GEMM, or 'stock'. */
export function activeConvLayout(choices: ConvChoices, kernel: WebgpuConvKernel, inputs: Shaped, attrs: object): string {
  const o = optionsFor(choices, kernel, callInfo(kernel, inputs, attrs));
  return o ? gemmLayout(kernel, inputs, attrs, o) : 'stock';
}

/** The two operands each kernel hands its GEMM: input name, and the name its plan reads it by. */
const OPERANDS = {
  Conv2D: [
    ['x', 'xIn'],
    ['filter', 'wIn'],
  ],
  Conv2DBackpropInput: [
    ['dy', 'dyIn'],
    ['filter', 'wIn'],
  ],
  Conv2DBackpropFilter: [
    ['x', 'xIn'],
    ['dy', 'dyIn'],
  ],
} as const;

export type WebgpuConvKernel = keyof typeof OPERANDS;

export const WEBGPU_CONV_KERNEL_NAMES = Object.keys(OPERANDS) as WebgpuConvKernel[];

/**
 * The kernel function: this call's GEMM in the layout `choices` holds for it, or undefined (the
 * stock kernel) outside what it covers or where tuning chose stock.
 */
export function webgpuConvKernel(kernel: WebgpuConvKernel, choices: ConvChoices): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const [[a, aName], [b, bName]] = OPERANDS[kernel];
    const operands: [TensorInfo, TensorInfo] = [inputs[a] as TensorInfo, inputs[b] as TensorInfo];
    if (!supported(attrs as unknown as Attrs, ...operands)) return undefined as unknown as TensorInfo;
    const info = callInfo(kernel, inputs as Shaped, attrs ?? {});
    const o = optionsFor(choices, kernel, info);
    if (!o) return undefined as unknown as TensorInfo;
    return runGemm(webgpuBackend(backend), planFor(kernel, info, o), [aName, bName], operands);
  };
}

/**
 * Registers the GEMM kernels named in `only` for the webgpu backend, steered by `choices` (an
 * engine's); the others get their stock kernel back.
 */
export function installWebgpuConv(choices: ConvChoices, only: readonly WebgpuConvKernel[] = WEBGPU_CONV_KERNEL_NAMES): void {
  for (const name of WEBGPU_CONV_KERNEL_NAMES) {
    if (!only.includes(name)) {
      restoreKernel(name, 'webgpu');
      continue;
    }
    const fn = webgpuConvKernel(name, choices);
    overrideKernel(name, 'webgpu', (args) => fn(args) as TensorInfo | undefined);
  }
}
