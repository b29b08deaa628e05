/** Functional building blocks over tfjs-core ops, each owning its parameters in a ParamStore. */
import * as tf from '@tensorflow/tfjs-core';
import type { ParamStore } from './params';
import { webgpuBatchNormInstalled, webgpuBatchNormTraining, webgpuRunningUpdate } from '../../engine/webgpu/webgpuBatchNorm';
import { activate, customActivation, type Activation } from './activations';

/** The engine registers the fused kernels on webgpu unless DTN_STOCK_KERNELS keeps BatchNorm stock. */
const fusedBatchNorm = webgpuBatchNormInstalled;

/** Running-statistics updates collected during a training-mode forward pass, applied after the step. */
export type StateUpdates = Array<() => void>;

export interface ForwardMode {
  /** Batch statistics (and collect running-stat updates) instead of running statistics. */
  training: boolean;
  updates?: StateUpdates;
}

const BN_EPS = 1e-5;
const BN_MOMENTUM = 0.1;

export class BatchNorm {
  private readonly gamma: tf.Variable;
  private readonly beta: tf.Variable;
  private readonly mean: tf.Variable;
  private readonly variance: tf.Variable;

  /** The inference scale and shift, and the parameter buffers they were computed from. */
  private foldedCache?: { from: object[]; scale: tf.Tensor1D; shift: tf.Tensor1D };

  constructor(store: ParamStore, name: string, channels: number) {
    this.gamma = store.constant(`${name}/gamma`, [channels], 1);
    this.beta = store.constant(`${name}/beta`, [channels], 0);
    this.mean = store.constant(`${name}/moving_mean`, [channels], 0, 'state');
    this.variance = store.constant(`${name}/moving_variance`, [channels], 1, 'state');
    store.onDispose(() => this.dropFolded());
  }

  /**
   * scale = γ/√(σ²+ε), shift = β − μ·scale, recomputed only when a parameter was assigned since
   * (assign gives a variable a new data buffer). f is frozen, so a DTN step reuses them for all of
   * its f passes instead of five kernels per pass.
   */
  private folded(): { scale: tf.Tensor1D; shift: tf.Tensor1D } {
    const from = [this.gamma, this.beta, this.mean, this.variance].map((v) => v.dataId);
    if (this.foldedCache?.from.every((id, i) => id === from[i])) return this.foldedCache;
    this.dropFolded();
    const [scale, shift] = tf.tidy(() => {
      const sc = tf.mul(this.gamma, tf.rsqrt(tf.add(this.variance, BN_EPS))) as tf.Tensor1D;
      return [tf.keep(sc), tf.keep(tf.sub(this.beta, tf.mul(this.mean, sc)) as tf.Tensor1D)];
    });
    this.foldedCache = { from, scale, shift };
    return this.foldedCache;
  }

  private dropFolded(): void {
    if (!this.foldedCache) return;
    tf.dispose([this.foldedCache.scale, this.foldedCache.shift]);
    this.foldedCache = undefined;
  }

  /**
   * Batch norm, then `activation` if given. In training mode on webgpu the activation is folded into
   * the batch-norm kernels (no dispatch of its own forward or backward); elsewhere it is the separate
   * op from activations.ts, exactly as if applied to the result.
   */
  apply(x: tf.Tensor4D, mode: ForwardMode, activation?: Activation): tf.Tensor4D {
    if (mode.training && fusedBatchNorm() && (!activation || customActivation())) return this.applyFused(x, mode, activation);
    const y = this.applyUnfused(x, mode);
    return activation ? activate(y, activation) : y;
  }

  private applyUnfused(x: tf.Tensor4D, mode: ForwardMode): tf.Tensor4D {
    if (!mode.training) {
      // Running statistics fold into one per-channel scale and shift: two broadcast ops whose
      // gradient (L_CONST flows back through frozen f) is cheap, unlike the fused kernel's.
      const { scale, shift } = this.folded();
      return tf.add(tf.mul(x, scale), shift);
    }
    const { y, mean: m, variance: v } = batchNormTraining(x, this.gamma as tf.Tensor1D, this.beta as tf.Tensor1D);
    if (!mode.updates) {
      m.dispose();
      v.dispose();
    } else {
      // Applied once the step's gradients exist, outside the gradient tape.
      mode.updates.push(() => {
        tf.tidy(() => {
          this.mean.assign(tf.add(tf.mul(this.mean, 1 - BN_MOMENTUM), tf.mul(m, BN_MOMENTUM)));
          this.variance.assign(tf.add(tf.mul(this.variance, 1 - BN_MOMENTUM), tf.mul(v, BN_MOMENTUM)));
        });
        m.dispose();
        v.dispose();
      });
    }
    return y;
  }

  /** The webgpu path: fused kernels, statistics kept packed as [2, C] (slicing them costs dispatches). */
  private applyFused(x: tf.Tensor4D, mode: ForwardMode, activation?: Activation): tf.Tensor4D {
    const { y, stats } = webgpuBatchNormTraining(x, this.gamma as tf.Tensor1D, this.beta as tf.Tensor1D, BN_EPS, activation);
    if (!mode.updates) {
      stats.dispose();
    } else {
      mode.updates.push(() => {
        tf.tidy(() => {
          this.mean.assign(webgpuRunningUpdate(this.mean as tf.Tensor1D, stats, 0, BN_MOMENTUM));
          this.variance.assign(webgpuRunningUpdate(this.variance as tf.Tensor1D, stats, 1, BN_MOMENTUM));
        });
        stats.dispose();
      });
    }
    return y;
  }
}

/**
 * Batch norm on batch statistics with its closed-form gradient. tfjs differentiates the composite
 * (moments, then normalise) op by op — some forty kernels per layer, tiles of full activation size
 * among them; per channel, with N = B*H*W and x̂ the normalised input, the exact gradient is
 *   dβ = Σ dy,  dγ = Σ dy·x̂,  dx = γ·rstd·(dy − dβ/N − x̂·dγ/N),
 * a handful of kernels. `mean` and `variance` are returned (kept: outside any tidy) for the running
 * statistics; the caller disposes them.
 */
export function batchNormTraining(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
): { y: tf.Tensor4D; mean: tf.Tensor1D; variance: tf.Tensor1D } {
  if (fusedBatchNorm()) {
    // Fused kernels (src/trainer/engine/webgpu/webgpuBatchNorm); the [C] rows cost a dispatch each here.
    const { y, stats } = webgpuBatchNormTraining(x, gamma, beta, BN_EPS);
    const c = x.shape[3];
    const [mean, variance] = tf.tidy(() => [0, 1].map((r) => tf.keep(tf.reshape(tf.slice(stats, [r, 0], [1, c]), [c]) as tf.Tensor1D)));
    stats.dispose();
    return { y, mean, variance };
  }
  let moments: { mean: tf.Tensor1D; variance: tf.Tensor1D } | undefined;
  const axes = [0, 1, 2];
  const n = x.shape[0] * x.shape[1] * x.shape[2];
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xIn, gammaIn, betaIn, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const xt = xIn as tf.Tensor4D;
    const { mean, variance } = tf.moments(xt, axes);
    moments = { mean: tf.keep(mean) as tf.Tensor1D, variance: tf.keep(variance) as tf.Tensor1D };
    const rstd = tf.rsqrt(tf.add(variance, BN_EPS));
    const xhat = tf.mul(tf.sub(xt, mean), rstd);
    save([xhat, rstd, gammaIn as tf.Tensor]);
    return {
      value: tf.add(tf.mul(xhat, gammaIn as tf.Tensor), betaIn as tf.Tensor),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xh, rs, g] = saved;
        const dBeta = tf.sum(dy, axes);
        const dGamma = tf.sum(tf.mul(dy, xh), axes);
        const centred = tf.sub(tf.sub(dy, tf.div(dBeta, n)), tf.mul(xh, tf.div(dGamma, n)));
        return [tf.mul(centred, tf.mul(g, rs)), dGamma, dBeta];
      },
    };
  });
  const y = op(x, gamma, beta) as tf.Tensor4D;
  return { y, mean: moments!.mean, variance: moments!.variance };
}

export class Conv {
  private readonly kernel: tf.Variable;
  private readonly bias?: tf.Variable;

  constructor(
    store: ParamStore,
    name: string,
    readonly size: number,
    inChannels: number,
    readonly outChannels: number,
    readonly stride: number,
    readonly padding: 'same' | 'valid',
    withBias: boolean,
  ) {
    this.kernel = store.normal(`${name}/kernel`, [size, size, inChannels, outChannels]);
    if (withBias) this.bias = store.constant(`${name}/bias`, [outChannels], 0);
  }

  apply(x: tf.Tensor4D): tf.Tensor4D {
    const inChannels = this.kernel.shape[2] as number;
    // A grey image fed to an RGB filter: conv(replicate(x), W) = conv(x, sum over input channels
    // of W), exactly, without materialising (and back-propagating through) the replicated image.
    const kernel = x.shape[3] === 1 && inChannels > 1 ? tf.sum(this.kernel, 2, true) : x.shape[3] === inChannels ? this.kernel : undefined;
    if (!kernel) throw new Error(`conv expects ${inChannels} input channels, got ${x.shape[3]}`);
    const y = tf.conv2d(x, kernel as tf.Tensor4D, this.stride, this.padding);
    return this.bias ? tf.add(y, this.bias) : y;
  }
}

/** Transposed convolution; `out` is the spatial size it produces. */
export class ConvTranspose {
  private readonly kernel: tf.Variable;
  private readonly bias?: tf.Variable;

  constructor(
    store: ParamStore,
    name: string,
    readonly size: number,
    inChannels: number,
    readonly outChannels: number,
    readonly stride: number,
    readonly padding: 'same' | 'valid',
    readonly out: number,
    withBias: boolean,
  ) {
    // conv2dTranspose filters are [h, w, outChannels, inChannels].
    this.kernel = store.normal(`${name}/kernel`, [size, size, outChannels, inChannels]);
    if (withBias) this.bias = store.constant(`${name}/bias`, [outChannels], 0);
  }

  apply(x: tf.Tensor4D): tf.Tensor4D {
    const shape: [number, number, number, number] = [x.shape[0], this.out, this.out, this.outChannels];
    const y = tf.conv2dTranspose(x, this.kernel as tf.Tensor4D, shape, this.stride, this.padding);
    return this.bias ? tf.add(y, this.bias) : y;
  }
}
