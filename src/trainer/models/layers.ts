/** Functional building blocks over tfjs-core ops, each owning its parameters in a ParamStore. */
import * as tf from '@tensorflow/tfjs-core';
import type { ParamStore } from './params';

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

  constructor(store: ParamStore, name: string, channels: number) {
    this.gamma = store.constant(`${name}/gamma`, [channels], 1);
    this.beta = store.constant(`${name}/beta`, [channels], 0);
    this.mean = store.constant(`${name}/moving_mean`, [channels], 0, 'state');
    this.variance = store.constant(`${name}/moving_variance`, [channels], 1, 'state');
  }

  apply(x: tf.Tensor4D, mode: ForwardMode): tf.Tensor4D {
    if (!mode.training) return tf.batchNorm4d(x, this.mean as tf.Tensor1D, this.variance as tf.Tensor1D, this.beta as tf.Tensor1D, this.gamma as tf.Tensor1D, BN_EPS);
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    if (mode.updates) {
      // Keep copies outside the gradient tape's tidy scope; applied once the step's gradients exist.
      const m = tf.keep(mean);
      const v = tf.keep(variance);
      mode.updates.push(() => {
        tf.tidy(() => {
          this.mean.assign(tf.add(tf.mul(this.mean, 1 - BN_MOMENTUM), tf.mul(m, BN_MOMENTUM)));
          this.variance.assign(tf.add(tf.mul(this.variance, 1 - BN_MOMENTUM), tf.mul(v, BN_MOMENTUM)));
        });
        m.dispose();
        v.dispose();
      });
    }
    return tf.batchNorm4d(x, mean as tf.Tensor1D, variance as tf.Tensor1D, this.beta as tf.Tensor1D, this.gamma as tf.Tensor1D, BN_EPS);
  }
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
    const kernel =
      x.shape[3] === 1 && inChannels > 1 ? tf.sum(this.kernel, 2, true) : x.shape[3] === inChannels ? this.kernel : undefined;
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
