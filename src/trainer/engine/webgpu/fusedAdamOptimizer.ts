/**
 * Adam with a fused update on the webgpu backend: each variable takes one kernel call, a single
 * dispatch (adamProgram.ts), where tfjs's AdamOptimizer spends about a dozen kernels (mul, add,
 * square, div, sqrt, ... plus uploaded scalar constants); on a GPU every dispatch carries a fixed
 * cost, so for the DTN's ~24 variables that alone is ~300 dispatches a step. The math and the state
 * (moment slots, accBeta1/accBeta2, iterations) are tfjs's, as are getWeights, setWeights and
 * dispose, so checkpoints move freely between this and the stock optimizer. Elsewhere, and where
 * the engine did not register the program (DTN_STOCK_KERNELS=Adam, or tfjs-webgpu internals other
 * than the ones declared in tfjsInternals.ts), applyGradients is the stock one.
 *
 * It lives with the WebGPU code because all it adds to tfjs's optimiser is for that backend: the
 * program's step-dependent values buffer, and the host side of a replayed step (planned/).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap } from '@tensorflow/tfjs-core';
import { adamProgramInstalled, FUSED_ADAM_KERNEL, type AdamAttrs } from './adamProgram';
import { flushBackend, webgpuBackend } from './tfjsInternals';

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
  private hyper?: GPUBuffer;

  constructor(learningRate: number, beta1: number, beta2: number, epsilon: number | null = null) {
    super(learningRate, beta1, beta2, epsilon as number);
    this.accBeta1Host = Math.fround(beta1);
    this.accBeta2Host = Math.fround(beta2);
  }

  private get state(): AdamState {
    return this as unknown as AdamState;
  }

  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    if (!adamProgramInstalled(tf.getBackend())) {
      super.applyGradients(variableGradients);
      this.advanceAccBetaHost();
      return;
    }
    const s = this.state;
    const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
    const step = this.stepAttrs();
    const attrs: AdamAttrs = { ...step, hyper: this.writeHyper(step) };
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
        const inputs = { gradient, m, v, value };
        const [mNew, vNew, valueNew] = tf.engine().runKernel(FUSED_ADAM_KERNEL, inputs, attrs as unknown as NamedAttrMap) as tf.Tensor[];
        m.assign(mNew);
        v.assign(vNew);
        value.assign(valueNew);
      });
      this.advanceAccBetaHost();
      // Scalars made from host numbers: uploads at most, never a dispatch.
      s.accBeta1.assign(tf.scalar(this.accBeta1Host));
      s.accBeta2.assign(tf.scalar(this.accBeta2Host));
    });
    this.incrementIterations();
  }

  /** The update's constants for the step about to run. */
  private stepAttrs(): Omit<AdamAttrs, 'hyper'> {
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

  /** This optimiser's buffer of step-dependent values (webgpu), once created. */
  get hyperBuffer(): GPUBuffer | undefined {
    return this.hyper;
  }

  /**
   * Writes 1−β1ᵗ, 1−β2ᵗ and −lr for the update about to be recorded. Work already recorded still
   * reads the previous values, so it is submitted first.
   */
  private writeHyper(a: Omit<AdamAttrs, 'hyper'>): GPUBuffer {
    const backend = webgpuBackend();
    flushBackend(backend);
    // STORAGE | COPY_DST
    this.hyper ??= backend.device.createBuffer({ size: 16, usage: 0x80 | 0x08 });
    backend.device.queue.writeBuffer(this.hyper, 0, Float32Array.of(a.biasCorrection1, a.biasCorrection2, -a.learningRate, 0));
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
    if (tf.getBackend() === 'webgpu') flushBackend(webgpuBackend());
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

  /**
   * β1ᵗ and β2ᵗ as this optimiser accumulated them, step by step. A checkpoint stores them: the
   * stock setWeights recomputes them as a power of β, which rounds differently in float32, so a
   * resumed run would drift from the uninterrupted one in the 6th significant digit.
   */
  accumulatedBetas(): [number, number] {
    return [this.accBeta1Host, this.accBeta2Host];
  }

  /** Restores what accumulatedBetas returned (after setWeights, which recomputes them). */
  restoreAccumulatedBetas([b1, b2]: [number, number]): void {
    this.accBeta1Host = Math.fround(b1);
    this.accBeta2Host = Math.fround(b2);
    this.syncHostState();
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
