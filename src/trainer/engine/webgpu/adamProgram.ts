/**
 * The Adam update of one variable as one WebGPU dispatch writing the new first moment, second
 * moment and value (tfjs's AdamOptimizer spends about a dozen kernels on it). tfjs-webgpu programs
 * have one output each, so the dispatch is recorded here the way the backend's recordAndSubmit
 * does it (same encoder and pass: it is ordered with every other kernel). The optimiser is
 * fusedAdamOptimizer.ts.
 */
import { env, getKernel, registerKernel, unregisterKernel, util, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { webgpuBackend, type WebgpuBackend } from './tfjsInternals';

export const FUSED_ADAM_KERNEL = 'DtnFusedAdamUpdate';

/** The kernel's attributes: the update's constants, and the buffer of its step-dependent ones. */
export interface AdamAttrs {
  beta1: number;
  beta2: number;
  biasCorrection1: number;
  biasCorrection2: number;
  epsilon: number;
  learningRate: number;
  /** f32 [1−β1ᵗ, 1−β2ᵗ, −lr, 0], written by the optimiser before its update is recorded. */
  hyper: GPUBuffer;
}

const WORKGROUP = 64;

const SHADER = `
  struct Params {
    n : u32, rowLength : u32,
    beta1 : f32, oneMinusBeta1 : f32, beta2 : f32, oneMinusBeta2 : f32, epsilon : f32,
  };
  @group(0) @binding(0) var<storage, read> G : array<f32>;
  @group(0) @binding(1) var<storage, read> M : array<f32>;
  @group(0) @binding(2) var<storage, read> V : array<f32>;
  @group(0) @binding(3) var<storage, read> W : array<f32>;
  @group(0) @binding(4) var<storage, read_write> mOut : array<f32>;
  @group(0) @binding(5) var<storage, read_write> vOut : array<f32>;
  @group(0) @binding(6) var<storage, read_write> wOut : array<f32>;
  @group(0) @binding(7) var<uniform> p : Params;
  // What changes from step to step (1−β1ᵗ, 1−β2ᵗ, −lr) lives in the optimiser's own buffer, so a
  // recorded step can be replayed with new values (src/trainer/engine/webgpu/planned).
  @group(0) @binding(8) var<storage, read> h : array<f32>;

  @compute @workgroup_size(${WORKGROUP})
  fn main(@builtin(global_invocation_id) id : vec3<u32>) {
    let i = id.y * p.rowLength + id.x;
    if (i >= p.n) { return; }
    let g = G[i];
    // The same f32 operations, in the same order, as tfjs's Adam: m' = m·β1 + g·(1−β1),
    // v' = v·β2 + g²·(1−β2), w' = (m'/(1−β1ᵗ)) / (sqrt(v'/(1−β2ᵗ)) + ε) · (−lr) + w.
    let m = M[i] * p.beta1 + g * p.oneMinusBeta1;
    let v = V[i] * p.beta2 + (g * g) * p.oneMinusBeta2;
    mOut[i] = m;
    vOut[i] = v;
    wOut[i] = ((m / h[0]) / (sqrt(v / h[1]) + p.epsilon)) * h[2] + W[i];
  }
`;

// Compiled once per device; a replayed step asks which pipelines are this update's.
const pipelines = new WeakMap<GPUDevice, GPUComputePipeline>();
const adamPipelines = new WeakSet<object>();

/** The bindings the update writes (m', v', value'), for a replayed step's buffers. */
export function adamPipelineWrites(pipeline: object): readonly number[] | undefined {
  return adamPipelines.has(pipeline) ? [4, 5, 6] : undefined;
}

/** m', v', value' in one dispatch; flat [n] tensors in, flat [n] tensors out. */
function dispatch(b: WebgpuBackend, ins: TensorInfo[], n: number, a: AdamAttrs): TensorInfo[] {
  const outs = [0, 1, 2].map(() => b.makeTensorInfo([n], 'float32'));
  if (n === 0) return outs;
  let pipeline = pipelines.get(b.device);
  if (!pipeline) {
    const module = b.device.createShaderModule({ code: SHADER });
    pipeline = b.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
    pipelines.set(b.device, pipeline);
    adamPipelines.add(pipeline);
  }
  for (const t of [...ins, ...outs]) b.uploadToGPU(t.dataId);
  // Large tensors spread over rows of workgroups (a dimension holds at most 65535 of them).
  const groups = Math.ceil(n / WORKGROUP);
  const x = Math.min(groups, b.device.limits.maxComputeWorkgroupsPerDimension);
  const y = Math.ceil(groups / x);
  const u32 = (v: number) => ({ type: 'uint32' as const, data: [v] });
  const f32 = (v: number) => ({ type: 'float32' as const, data: [v] });
  // 1−β is formed in double and then rounded, as tfjs does when it turns the number into a scalar.
  const uniforms = b.makeUniforms([u32(n), u32(x * WORKGROUP), ...[a.beta1, 1 - a.beta1, a.beta2, 1 - a.beta2, a.epsilon].map(f32)]);
  const bindGroup = b.device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [...ins, ...outs]
      .map((t, i) => ({ binding: i, resource: b.tensorToBinding(t) }))
      .concat([
        { binding: 7, resource: uniforms },
        { binding: 8, resource: { buffer: a.hyper } },
      ]),
  });
  // Buffers the queued work uses must outlive their tensors until the queue is submitted.
  for (const t of [...ins, ...outs]) b.commandQueueOwnedIds.add(t.dataId);
  b.ensureCommandEncoderReady();
  b.computePassEncoder ??= b.commandEncoder!.beginComputePass({});
  b.computePassEncoder.setPipeline(pipeline);
  b.computePassEncoder.setBindGroup(0, bindGroup);
  b.computePassEncoder.dispatchWorkgroups(x, y, 1);
  b.dispatchCountInPass++;
  if ((env().get('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE') as number) <= b.dispatchCountInPass) {
    b.endComputePassEncoder();
    b.submitQueue();
  }
  return outs;
}

/** Inputs gradient, m, v, value; outputs [m', v', value'] in the value's shape. */
const fusedAdamWebgpu: KernelFunc = ({ inputs, backend, attrs }) => {
  const { gradient, m, v, value } = inputs as Record<'gradient' | 'm' | 'v' | 'value', TensorInfo>;
  const n = util.sizeFromShape(value.shape);
  for (const t of [gradient, m, v]) {
    if (util.sizeFromShape(t.shape) !== n) throw new Error(`${FUSED_ADAM_KERNEL}: shape ${t.shape} does not match ${value.shape}`);
  }
  const flat = (t: TensorInfo): TensorInfo => ({ dataId: t.dataId, shape: [n], dtype: t.dtype });
  const outs = dispatch(webgpuBackend(backend), [gradient, m, v, value].map(flat), n, attrs as unknown as AdamAttrs);
  // A reshape on webgpu is only a new shape on the same data, so hand the outputs back in value's shape.
  return outs.map((t) => ({ dataId: t.dataId, shape: value.shape, dtype: 'float32' as const }));
};

/**
 * Registers the update for the webgpu backend (the engine does, where Adam is not kept stock and
 * the backend's internals passed their check); safe to call more than once.
 */
export function installAdamProgram(): void {
  if (getKernel(FUSED_ADAM_KERNEL, 'webgpu')) return;
  registerKernel({ kernelName: FUSED_ADAM_KERNEL, backendName: 'webgpu', kernelFunc: fusedAdamWebgpu });
}

export function uninstallAdamProgram(): void {
  if (getKernel(FUSED_ADAM_KERNEL, 'webgpu')) unregisterKernel(FUSED_ADAM_KERNEL, 'webgpu');
}

/** Whether the optimiser can update through this program: on webgpu, with the program registered. */
export function adamProgramInstalled(backendName: string): boolean {
  return backendName === 'webgpu' && getKernel(FUSED_ADAM_KERNEL, 'webgpu') !== undefined;
}
