/// <reference types="@webgpu/types" />
/**
 * The parts of @tensorflow/tfjs-backend-webgpu this project relies on, declared once. The package
 * exports no types for its backend or programs (and loads lazily), so what the kernels fill in and
 * call is written down here, against tfjs-backend-webgpu 4.22, and checked once when the webgpu
 * backend starts (checkWebgpuInternals). Nothing else casts tf.backend() to a shape of its own.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';

/** The version whose internals are declared here. */
export const PINNED_WEBGPU_VERSION = '4.22';

/** What tfjs-webgpu's WebGPUProgram reads from a program: every program class here implements it. */
export interface WebgpuProgram {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[]; y?: number[]; z?: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  /** Adds `size` to the uniforms (elements of the output) and bounds-checks `setOutputAtIndex`. */
  size?: boolean;
  /** Extra uniform fields, WGSL struct syntax (`alpha : f32,`). */
  uniforms?: string;
  outputComponent?: number;
  variableComponents?: number[];
  getUserCode(): string;
}

export type ProgramUniform = { type: 'float32' | 'int32' | 'uint32'; data: number[] };

interface TensorRecord {
  values: ArrayLike<number> | null;
  resource: unknown;
  dtype: string;
}

/** The webgpu backend as this project uses it. */
export interface WebgpuBackend {
  device: GPUDevice;
  queue: GPUQueue;
  runWebGPUProgram(program: WebgpuProgram, inputs: TensorInfo[], dtype: 'float32', uniforms?: ProgramUniform[]): TensorInfo;
  disposeData(dataId: object): void;
  // Recording internals: what the single-dispatch Adam update (a program with three outputs, which
  // runWebGPUProgram cannot run) and the replayed step (planned/) need.
  tensorMap: { get(dataId: object): TensorRecord | undefined };
  commandEncoder: GPUCommandEncoder | null;
  computePassEncoder: GPUComputePassEncoder | null;
  /** Buffers the queued work uses: released only after the queue is submitted. */
  commandQueueOwnedIds: WeakSet<object>;
  dispatchCountInPass: number;
  makeTensorInfo(shape: number[], dtype: 'float32'): TensorInfo;
  uploadToGPU(dataId: object): void;
  tensorToBinding(t: TensorInfo): GPUBindingResource;
  makeUniforms(u: ProgramUniform[]): GPUBindingResource;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
}

const METHODS = [
  'runWebGPUProgram',
  'disposeData',
  'makeTensorInfo',
  'uploadToGPU',
  'tensorToBinding',
  'makeUniforms',
  'ensureCommandEncoderReady',
  'endComputePassEncoder',
  'submitQueue',
] as const;

function installedVersion(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('@tensorflow/tfjs-backend-webgpu/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/**
 * The one check: undefined when `backend` is tfjs-backend-webgpu 4.22 with every member declared
 * above, else what is wrong. Where it fails, the fused Adam update and the replayed step stay off
 * (stock Adam, steps through tfjs) and the run says why.
 */
export function checkWebgpuInternals(backend: unknown): string | undefined {
  const version = installedVersion();
  const wrong = `tfjs-backend-webgpu ${version} is not the ${PINNED_WEBGPU_VERSION} whose internals this project uses`;
  if (!version.startsWith(`${PINNED_WEBGPU_VERSION}.`)) return wrong;
  const b = backend as Partial<Record<string, unknown>>;
  const missing: string[] = [
    ...(['device', 'queue', 'tensorMap'] as const).filter((k) => !b[k]),
    ...(b.commandQueueOwnedIds instanceof WeakSet ? [] : ['commandQueueOwnedIds']),
    ...(typeof b.dispatchCountInPass === 'number' ? [] : ['dispatchCountInPass']),
    ...METHODS.filter((k) => typeof b[k] !== 'function'),
  ];
  return missing.length ? `${wrong} (missing ${missing.join(', ')})` : undefined;
}

/**
 * The webgpu backend's typed view: a kernel's `backend` argument, or the active backend. No check
 * per call: checkWebgpuInternals ran when the engine started.
 */
export function webgpuBackend(backend: unknown = tf.backend()): WebgpuBackend {
  return backend as WebgpuBackend;
}

/** Submits whatever the backend has recorded but not yet submitted. */
export function flushBackend(backend: WebgpuBackend): void {
  if (!backend.commandEncoder) return;
  backend.endComputePassEncoder();
  backend.submitQueue();
}
