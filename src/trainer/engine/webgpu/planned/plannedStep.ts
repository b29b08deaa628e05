/**
 * The DTN training step on WebGPU as a replayed plan: one real step (Dtn.step through tfjs) is
 * recorded, and later steps replay its dispatches with new batches (webgpuPlan.ts). The numbers are
 * the recorded step's: same kernels, same order, same buffers' roles.
 *
 * While a plan runs, the model's variables live in the plan's buffers; `sync` writes them back
 * into the tfjs variables (and the optimisers' counters) before anything reads them — samples,
 * checkpoints, evaluation.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LossKey } from '../../../../shared/protocol';
import type { Dtn, StepLosses } from '../../../dtn/dtn';
import { adamPipelineWrites } from '../adamProgram';
import { FusedAdamOptimizer } from '../fusedAdamOptimizer';
import { flushBackend, type WebgpuBackend } from '../tfjsInternals';
import type { Engine } from '../../engineContext';
import { bufferOf, captureGpuWork } from './webgpuCapture';
import { PlanError, WebgpuPlan } from './webgpuPlan';

export type LossValues = Record<LossKey, number | null>;

/** Replayed steps the host may have queued before it waits for the GPU. */
const MAX_IN_FLIGHT = 3;

export class PlannedStep {
  private readonly inFlight: Promise<unknown>[] = [];
  /** Host time spent issuing replays (not waiting for the GPU), in ms. */
  hostMs = 0;

  private constructor(
    private readonly backend: WebgpuBackend,
    private readonly plan: WebgpuPlan,
    private readonly variables: { key: string; variable: tf.Variable }[],
    private readonly optimisers: FusedAdamOptimizer[],
    private readonly lossKeys: LossKey[],
    private readonly nullLosses: LossKey[],
  ) {}

  /** GPU bytes of the plan's own buffers. */
  get bytes(): number {
    return this.plan.bytes;
  }

  /** Dispatches a replayed step issues. */
  get dispatches(): number {
    return this.plan.dispatches;
  }

  /**
   * Runs one real step of `dtn` on host batches while recording it, and builds the plan from it.
   * The step must not be the first (Adam creates its slots then). Returns the step's losses and the
   * plan, or the reason the step cannot be replayed (then it simply was a normal step).
   */
  static capture(
    engine: Engine,
    dtn: Dtn,
    xs: tf.Tensor4D,
    xt: tf.Tensor4D,
  ): { losses: StepLosses; planned?: PlannedStep; reason?: string } {
    const backend = engine.webgpu;
    const optimisers = [dtn.optD, dtn.optG].filter((o): o is FusedAdamOptimizer => o instanceof FusedAdamOptimizer);
    if (tf.getBackend() !== 'webgpu') return { losses: dtn.step(xs, xt), reason: 'not on the webgpu backend' };
    if (!backend) return { losses: dtn.step(xs, xt), reason: engine.webgpuProblem ?? 'the webgpu backend was not checked' };
    if (optimisers.length !== 2) return { losses: dtn.step(xs, xt), reason: 'the optimisers are not the fused Adam' };
    const external = new Set(optimisers.map((o) => o.hyperBuffer).filter((b): b is GPUBuffer => b instanceof GPUBuffer));
    if (external.size === 0) return { losses: dtn.step(xs, xt), reason: 'the fused Adam update is not in use (or no step has run yet)' };
    // Host-resident batches, so that the capture sees them uploaded: those uploads become the inputs.
    for (const t of [xs, xt]) {
      if (backend.tensorMap.get(t.dataId)?.resource) return { losses: dtn.step(xs, xt), reason: 'the batches are already on the GPU' };
    }
    const variables = Object.values(tf.engine().registeredVariables).map((variable) => ({ key: variable.name, variable }));
    const before = new Map(variables.map(({ key, variable }) => [key, bufferOf(backend, variable.dataId)]));
    const captured = captureGpuWork(backend, external, () => dtn.step(xs, xt));
    const losses = captured.result;
    if (captured.problem) return { losses, reason: captured.problem };
    try {
      if (Object.keys(tf.engine().registeredVariables).length !== variables.length) throw new PlanError('the step created variables');
      if (optimisers.some((o) => o.hyperBuffer && !external.has(o.hyperBuffer))) {
        throw new PlanError('an optimiser made its first update inside the step');
      }
      // Variables the step neither read nor replaced (other models in the process) stay out of the
      // plan. "Read" means read before anything overwrote it: tfjs recycles released buffers.
      const writes = (p: GPUComputePipeline) => adamPipelineWrites(p) ?? [0];
      const written = new Set<GPUBuffer>();
      const touched = new Set<GPUBuffer>();
      const readAt = (b: GPUBuffer) => written.has(b) || touched.add(b);
      for (const op of captured.ops) {
        if (op.kind === 'write') written.add(op.buffer);
        else if (op.kind === 'copy') {
          readAt(op.src);
          written.add(op.dst);
        } else {
          const w = writes(op.pipeline);
          op.entries.filter((e) => !w.includes(e.binding)).forEach((e) => readAt(e.buffer));
          op.entries.filter((e) => w.includes(e.binding)).forEach((e) => written.add(e.buffer));
        }
      }
      // A variable left holding host data (Adam's β powers, which the optimiser keeps on the host)
      // is not GPU state; it is only a problem if the step read its old value on the GPU.
      const onHost = variables.filter(({ variable }) => !backend.tensorMap.get(variable.dataId)?.resource);
      const readOnHost = onHost.find(({ key }) => touched.has(before.get(key)!));
      if (readOnHost) throw new PlanError(`the step reads variable ${readOnHost.key}, which it sets from the host`);
      const onGpu = variables.filter((v) => !onHost.includes(v));
      const after = new Map(onGpu.map(({ key, variable }) => [key, bufferOf(backend, variable.dataId)]));
      const state = onGpu.filter(({ key }) => touched.has(before.get(key)!) || before.get(key) !== after.get(key));
      const lossEntries = Object.entries(losses) as [LossKey, tf.Scalar | null][];
      flushBackend(backend);
      const plan = new WebgpuPlan(backend.device, captured.ops, {
        state: state.map(({ key }) => ({ key, before: before.get(key)!, after: after.get(key)! })),
        inputs: [
          { key: 'xs', dataId: xs.dataId },
          { key: 'xt', dataId: xt.dataId },
        ],
        outputs: lossEntries.filter(([, t]) => t).map(([key, t]) => ({ key, buffer: bufferOf(backend, t!.dataId) })),
        external,
        writableBindings: writes,
      });
      const referenced = new Set(captured.ops.flatMap((op) => (op.kind === 'dispatch' ? op.entries.map((e) => e.buffer) : [])));
      const planned = new PlannedStep(
        backend,
        plan,
        // tfjs may hand a variable's released buffer back to it: compare contents' homes, not buffers.
        state.filter(({ key }) => plan.changedState.includes(key)),
        // Only the optimisers the step updates (D's is idle when the GAN terms are off).
        optimisers.filter((o) => referenced.has(o.hyperBuffer!)),
        lossEntries.filter(([, t]) => t).map(([k]) => k),
        lossEntries.filter(([, t]) => !t).map(([k]) => k),
      );
      return { losses, planned };
    } catch (err) {
      if (err instanceof PlanError) return { losses, reason: err.message };
      throw err;
    }
  }

  /** One step on host batches; with `read`, resolves to the step's losses. */
  async step(xs: Float32Array, xt: Float32Array, read: boolean): Promise<LossValues | undefined> {
    // The host may run a few steps ahead of the GPU, not arbitrarily many: each queued step holds
    // its batches in staging memory.
    while (this.inFlight.length >= MAX_IN_FLIGHT) await this.inFlight.shift();
    const t0 = performance.now();
    for (const o of this.optimisers) o.plannedUpdate();
    const pending = this.plan.replay({ xs, xt }, read);
    this.hostMs += performance.now() - t0;
    this.inFlight.push(this.plan.done());
    if (!pending) return undefined;
    const values = await pending;
    const out = Object.fromEntries(this.nullLosses.map((k) => [k, null])) as LossValues;
    for (const k of this.lossKeys) out[k] = values[k][0];
    return out;
  }

  /** Copies the plan's state into the tfjs variables the step updates, and the optimiser counters. */
  sync(): void {
    tf.tidy(() => {
      for (const { key, variable } of this.variables) {
        variable.assign(tf.tensor({ buffer: this.plan.stateBuffer(key) }, variable.shape, variable.dtype));
      }
    });
    for (const o of this.optimisers) o.syncHostState();
    // The next replay must not overtake the copies (tfjs 4.22 submits each at once; anything else
    // it has recorded goes now too).
    flushBackend(this.backend);
  }

  dispose(): void {
    this.plan.dispose();
  }
}
