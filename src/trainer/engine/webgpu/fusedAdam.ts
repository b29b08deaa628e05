/**
 * Adam with a fused update on the webgpu backend.
 *
 * tfjs's AdamOptimizer spends about a dozen kernels per variable on each update (mul, add, square,
 * div, sqrt, ... plus uploaded scalar constants); on a GPU every dispatch carries a fixed cost, so
 * for the DTN's ~24 variables that alone is ~300 dispatches a step. Here each variable takes one
 * kernel call that issues a single dispatch writing the new first moment, second moment and value,
 * with every constant passed as a uniform (three dispatches, one tfjs program per output, if the
 * backend internals the single dispatch relies on are missing). The math and the state (moment
 * slots, accBeta1/accBeta2, iterations) are tfjs's, as are getWeights, setWeights and dispose, so
 * checkpoints move freely between this and the stock optimizer. On every other backend
 * applyGradients is the stock one.
 */
import * as tf from '@tensorflow/tfjs-core';
import { customWebgpuKernel } from './webgpuSwitches';
import { env, getKernel, registerKernel, util, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';

export const FUSED_ADAM_KERNEL = 'DtnFusedAdamUpdate';

/** The parts of tfjs-backend-webgpu's WebGPUProgram this file fills in (that package loads lazily). */
interface WebgpuProgram {
  variableNames: string[];
  outputShape: number[];
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  size: boolean;
  shaderKey: string;
  uniforms: string;
  getUserCode(): string;
}

interface WebgpuBackendLike {
  runWebGPUProgram(
    program: WebgpuProgram,
    inputs: TensorInfo[],
    dtype: 'float32',
    uniforms: { type: 'float32'; data: number[] }[],
  ): TensorInfo;
}

/**
 * tfjs-backend-webgpu 4.22's internals that a program with several outputs needs: its programs
 * have one output each, so the single-dispatch update records its own dispatch the way
 * recordAndSubmit does (same encoder and pass, so it is ordered with every other kernel).
 */
interface WebgpuInternals {
  device: GpuDevice;
  commandEncoder: { beginComputePass(desc: object): GpuPass } | null;
  computePassEncoder: GpuPass | null;
  commandQueueOwnedIds: WeakSet<object>;
  dispatchCountInPass: number;
  makeTensorInfo(shape: number[], dtype: 'float32'): TensorInfo;
  uploadToGPU(dataId: object): void;
  tensorToBinding(t: TensorInfo): unknown;
  makeUniforms(u: { type: 'float32' | 'uint32'; data: number[] }[]): unknown;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
}

interface GpuDevice {
  limits: { maxComputeWorkgroupsPerDimension: number };
  queue: { writeBuffer(buffer: unknown, offset: number, data: Float32Array): void };
  createBuffer(desc: { size: number; usage: number }): { destroy(): void };
  createShaderModule(desc: { code: string }): unknown;
  createComputePipeline(desc: object): GpuPipeline;
  createBindGroup(desc: object): unknown;
}
interface GpuPipeline {
  getBindGroupLayout(i: number): unknown;
}
interface GpuPass {
  setPipeline(p: GpuPipeline): void;
  setBindGroup(i: number, g: unknown): void;
  dispatchWorkgroups(x: number, y: number, z: number): void;
}

/** Switch for tests: false forces the three-dispatch path. */
export const fusedAdamOptions = { singleDispatch: true };

type Stage = 'm' | 'v' | 'value';

const WORKGROUP = 64;

/** Per-stage inputs and uniforms; every tensor is bound flat, so one pipeline per stage serves all shapes. */
const STAGES: Record<Stage, { inputs: string[]; uniforms: string[]; body: string }> = {
  // m' = m·β1 + g·(1−β1)
  m: { inputs: ['G', 'M'], uniforms: ['beta1', 'oneMinusBeta1'], body: 'M[index] * uniforms.beta1 + G[index] * uniforms.oneMinusBeta1' },
  // v' = v·β2 + g²·(1−β2)
  v: {
    inputs: ['G', 'V'],
    uniforms: ['beta2', 'oneMinusBeta2'],
    body: 'V[index] * uniforms.beta2 + (G[index] * G[index]) * uniforms.oneMinusBeta2',
  },
  // w' = (m'/(1−β1ᵗ)) / (sqrt(v'/(1−β2ᵗ)) + ε) · (−lr) + w, reading the m' and v' just written.
  value: {
    inputs: ['M', 'V', 'W'],
    uniforms: ['biasCorrection1', 'biasCorrection2', 'epsilon', 'negLearningRate'],
    body: '((M[index] / uniforms.biasCorrection1) / (sqrt(V[index] / uniforms.biasCorrection2) + uniforms.epsilon)) * uniforms.negLearningRate + W[index]',
  },
};

class AdamStageProgram implements WebgpuProgram {
  readonly variableNames: string[];
  readonly outputShape: number[];
  readonly dispatchLayout = { x: [0] };
  readonly dispatch: [number, number, number];
  readonly workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];
  readonly size = true;
  shaderKey: string;
  readonly uniforms: string;

  constructor(
    private readonly stage: Stage,
    n: number,
  ) {
    const s = STAGES[stage];
    this.variableNames = s.inputs;
    this.outputShape = [n];
    this.dispatch = [Math.ceil(n / WORKGROUP), 1, 1];
    this.shaderKey = `dtnAdam_${stage}`;
    this.uniforms = s.uniforms.map((u) => `${u} : f32,`).join(' ');
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          setOutputAtIndex(index, ${STAGES[this.stage].body});
        }
      }
    `;
  }
}

interface AdamAttrs {
  beta1: number;
  beta2: number;
  biasCorrection1: number;
  biasCorrection2: number;
  epsilon: number;
  learningRate: number;
}

const SINGLE_SHADER = `
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
    // The same f32 operations, in the same order, as tfjs's Adam (see STAGES).
    let m = M[i] * p.beta1 + g * p.oneMinusBeta1;
    let v = V[i] * p.beta2 + (g * g) * p.oneMinusBeta2;
    mOut[i] = m;
    vOut[i] = v;
    wOut[i] = ((m / h[0]) / (sqrt(v / h[1]) + p.epsilon)) * h[2] + W[i];
  }
`;

const pipelines = new WeakMap<GpuDevice, GpuPipeline>();
const singlePipelines = new WeakSet<object>();

/** The bindings the single-dispatch update writes (m', v', value'), for a replayed step's buffers. */
export function adamPipelineWrites(pipeline: object): readonly number[] | undefined {
  return singlePipelines.has(pipeline) ? [4, 5, 6] : undefined;
}

/** The step-dependent values of the optimiser whose update is being recorded (see applyGradients). */
let activeHyper: unknown;

function internals(backend: unknown): WebgpuInternals | undefined {
  const b = backend as Partial<WebgpuInternals>;
  const methods = [
    'makeTensorInfo',
    'uploadToGPU',
    'tensorToBinding',
    'makeUniforms',
    'ensureCommandEncoderReady',
    'endComputePassEncoder',
    'submitQueue',
  ] as const;
  const ok =
    b.device &&
    b.commandQueueOwnedIds instanceof WeakSet &&
    typeof b.dispatchCountInPass === 'number' &&
    methods.every((k) => typeof b[k] === 'function');
  return ok ? (b as WebgpuInternals) : undefined;
}

/** m', v', value' in one dispatch; flat [n] tensors in, flat [n] tensors out. */
function singleDispatch(b: WebgpuInternals, ins: TensorInfo[], n: number, a: AdamAttrs): TensorInfo[] {
  let pipeline = pipelines.get(b.device);
  if (!pipeline) {
    const module = b.device.createShaderModule({ code: SINGLE_SHADER });
    pipeline = b.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
    pipelines.set(b.device, pipeline);
    singlePipelines.add(pipeline);
  }
  const outs = [0, 1, 2].map(() => b.makeTensorInfo([n], 'float32'));
  for (const t of [...ins, ...outs]) b.uploadToGPU(t.dataId);
  // Large tensors spread over rows of workgroups (a dimension holds at most 65535 of them).
  const groups = Math.ceil(n / WORKGROUP);
  const x = Math.min(groups, b.device.limits.maxComputeWorkgroupsPerDimension);
  const y = Math.ceil(groups / x);
  const u32 = (v: number) => ({ type: 'uint32' as const, data: [v] });
  const f32 = (v: number) => ({ type: 'float32' as const, data: [v] });
  const uniforms = b.makeUniforms([u32(n), u32(x * WORKGROUP), ...[a.beta1, 1 - a.beta1, a.beta2, 1 - a.beta2, a.epsilon].map(f32)]);
  const bindGroup = b.device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [...ins, ...outs]
      .map((t, i) => ({ binding: i, resource: b.tensorToBinding(t) }))
      .concat([
        { binding: 7, resource: uniforms },
        { binding: 8, resource: { buffer: activeHyper } },
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
  const a = attrs as unknown as AdamAttrs;
  const n = util.sizeFromShape(value.shape);
  for (const t of [gradient, m, v]) {
    if (util.sizeFromShape(t.shape) !== n) throw new Error(`${FUSED_ADAM_KERNEL}: shape ${t.shape} does not match ${value.shape}`);
  }
  const flat = (t: TensorInfo): TensorInfo => ({ dataId: t.dataId, shape: [n], dtype: t.dtype });
  const inner = internals(backend);
  const outs =
    fusedAdamOptions.singleDispatch && inner && activeHyper && n > 0
      ? singleDispatch(inner, [gradient, m, v, value].map(flat), n, a)
      : threeDispatches(backend as unknown as WebgpuBackendLike, flat(gradient), flat(m), flat(v), flat(value), n, a);
  // A reshape on webgpu is only a new shape on the same data, so hand the outputs back in value's shape.
  return outs.map((t) => ({ dataId: t.dataId, shape: value.shape, dtype: 'float32' as const }));
};

/** One tfjs program per output, through the backend's public runWebGPUProgram. */
function threeDispatches(
  gpu: WebgpuBackendLike,
  gradient: TensorInfo,
  m: TensorInfo,
  v: TensorInfo,
  value: TensorInfo,
  n: number,
  a: AdamAttrs,
): TensorInfo[] {
  // One uniform entry per f32 field keeps makeUniforms' offsets equal to the struct's.
  const uniforms = (...xs: number[]) => xs.map((x) => ({ type: 'float32' as const, data: [x] }));
  // 1−β is formed in double and then rounded, as tfjs does when it turns the number into a scalar.
  const mNew = gpu.runWebGPUProgram(new AdamStageProgram('m', n), [gradient, m], 'float32', uniforms(a.beta1, 1 - a.beta1));
  const vNew = gpu.runWebGPUProgram(new AdamStageProgram('v', n), [gradient, v], 'float32', uniforms(a.beta2, 1 - a.beta2));
  const valueNew = gpu.runWebGPUProgram(
    new AdamStageProgram('value', n),
    [mNew, vNew, value],
    'float32',
    uniforms(a.biasCorrection1, a.biasCorrection2, a.epsilon, -a.learningRate),
  );
  return [mNew, vNew, valueNew];
}

/** Registers the fused update for the webgpu backend; safe to call more than once. */
export function installWebgpuAdam(): void {
  if (getKernel(FUSED_ADAM_KERNEL, 'webgpu')) return;
  registerKernel({ kernelName: FUSED_ADAM_KERNEL, backendName: 'webgpu', kernelFunc: fusedAdamWebgpu });
}

/** AdamOptimizer's private state, which this subclass reads and writes exactly as the stock code does. */
interface AdamState {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
}

export class FusedAdamOptimizer extends tf.AdamOptimizer {
  /**
   * Host copies of accBeta1/accBeta2 (β1ᵗ, β2ᵗ as float32), so the bias corrections can go to the
   * GPU as uniforms without reading the variables back every step. f32 multiplication is exactly
   * rounded everywhere, so these equal what the stock code computes on any backend.
   */
  private accBeta1Host: number;
  private accBeta2Host: number;
  private hyper?: { destroy(): void };

  constructor(learningRate: number, beta1: number, beta2: number, epsilon: number | null = null) {
    super(learningRate, beta1, beta2, epsilon as number);
    this.accBeta1Host = Math.fround(beta1);
    this.accBeta2Host = Math.fround(beta2);
  }

  private get state(): AdamState {
    return this as unknown as AdamState;
  }

  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    if (tf.getBackend() !== 'webgpu' || !customWebgpuKernel('Adam')) {
      super.applyGradients(variableGradients);
      this.advanceAccBetaHost();
      return;
    }
    installWebgpuAdam();
    const s = this.state;
    const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
    const attrs = this.stepAttrs();
    activeHyper = this.writeHyper(attrs);
    tf.tidy(() => {
      names.forEach((name, i) => {
        const value = tf.engine().registeredVariables[name];
        // Slots are created, named and indexed exactly as the stock optimizer does it.
        s.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        s.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        const gradient = Array.isArray(variableGradients) ? variableGradients[i].tensor : variableGradients[name];
        if (gradient == null) return;
        const m = s.accumulatedFirstMoment[i].variable;
        const v = s.accumulatedSecondMoment[i].variable;
        const [mNew, vNew, valueNew] = tf
          .engine()
          .runKernel(FUSED_ADAM_KERNEL, { gradient, m, v, value }, attrs as unknown as NamedAttrMap) as tf.Tensor[];
        m.assign(mNew);
        v.assign(vNew);
        value.assign(valueNew);
      });
      this.advanceAccBetaHost();
      // Scalars made from host numbers: uploads at most, never a dispatch.
      s.accBeta1.assign(tf.scalar(this.accBeta1Host));
      s.accBeta2.assign(tf.scalar(this.accBeta2Host));
    });
    activeHyper = undefined;
    this.incrementIterations();
  }

  /** The update's constants for the step about to run. */
  private stepAttrs(): AdamAttrs {
    return {
      beta1: this.beta1,
      beta2: this.beta2,
      // f32(1 − β^t), as tfjs's sub(1, accBeta) gives it.
      biasCorrection1: Math.fround(1 - this.accBeta1Host),
      biasCorrection2: Math.fround(1 - this.accBeta2Host),
      epsilon: this.epsilon,
      learningRate: this.learningRate,
    };
  }

  /** This optimiser's buffer of step-dependent values (webgpu, single-dispatch path), once created. */
  get hyperBuffer(): unknown {
    return this.hyper;
  }

  /**
   * Writes 1−β1ᵗ, 1−β2ᵗ and −lr for the update about to be recorded. Work already recorded still
   * reads the previous values, so it is submitted first.
   */
  private writeHyper(a: AdamAttrs): unknown {
    const inner = internals(tf.backend());
    if (!inner || !fusedAdamOptions.singleDispatch) return undefined;
    inner.endComputePassEncoder();
    if (inner.commandEncoder) inner.submitQueue();
    // STORAGE | COPY_DST
    this.hyper ??= inner.device.createBuffer({ size: 16, usage: 0x80 | 0x08 });
    inner.device.queue.writeBuffer(this.hyper, 0, Float32Array.of(a.biasCorrection1, a.biasCorrection2, -a.learningRate, 0));
    return this.hyper;
  }

  /**
   * The host side of one update whose kernels run elsewhere (a replayed step): writes this step's
   * values where the recorded kernels read them, then advances β1ᵗ, β2ᵗ and the iteration count.
   */
  plannedUpdate(): void {
    this.writeHyper(this.stepAttrs());
    this.advanceAccBetaHost();
    this.incrementIterations();
  }

  override dispose(): void {
    super.dispose();
    if (!this.hyper) return;
    // Recorded work may still read it: submit that first (destroy waits for submitted work).
    const inner = internals(tf.backend());
    inner?.endComputePassEncoder();
    if (inner?.commandEncoder) inner.submitQueue();
    this.hyper.destroy();
    this.hyper = undefined;
  }

  /** After replayed steps: the accBeta variables take the host values (a checkpoint saves them). */
  syncHostState(): void {
    tf.tidy(() => {
      this.state.accBeta1.assign(tf.scalar(this.accBeta1Host));
      this.state.accBeta2.assign(tf.scalar(this.accBeta2Host));
    });
  }

  override async setWeights(weightValues: Parameters<tf.AdamOptimizer['setWeights']>[0]): Promise<void> {
    await super.setWeights(weightValues);
    // The stock code recomputes accBeta from the iteration count on the backend; adopt its values.
    const [b1, b2] = await Promise.all([this.state.accBeta1.data(), this.state.accBeta2.data()]);
    this.accBeta1Host = b1[0];
    this.accBeta2Host = b2[0];
  }

  private advanceAccBetaHost(): void {
    this.accBeta1Host = Math.fround(this.accBeta1Host * Math.fround(this.beta1));
    this.accBeta2Host = Math.fround(this.accBeta2Host * Math.fround(this.beta2));
  }
}
