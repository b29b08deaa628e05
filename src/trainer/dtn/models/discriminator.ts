/**
 * D: ternary critic. 4x4 stride-2 convs + BN + LeakyReLU(0.2): 32 -> 16 -> 8 -> 4, then a 4x4
 * valid conv to 3 logits. Classes: 0 = G(x), x in S; 1 = G(x), x in T; 2 = real x in T.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DigitsArchitecture } from '../../../shared/config';
import type { Activation } from './activations';
import { BatchNorm, Conv, type ForwardMode } from './layers';
import type { Network } from './network';
import { ParamStore } from './params';

const LEAKY_RELU: Activation = { alpha: 0.2 };

export const D_CLASSES = { fromSource: 0, fromTarget: 1, real: 2 } as const;

export class Discriminator implements Network<tf.Tensor4D, tf.Tensor2D> {
  readonly params: ParamStore;
  private readonly blocks: { conv: Conv; norm: BatchNorm }[] = [];
  private readonly output: Conv;

  constructor(
    readonly arch: DigitsArchitecture,
    seed: number,
  ) {
    this.params = new ParamStore('D', seed);
    let c: number = arch.targetChannels;
    arch.discriminatorWidths.forEach((w, i) => {
      this.blocks.push({
        conv: new Conv(this.params, `conv${i}`, 4, c, w, 2, 'same', false),
        norm: new BatchNorm(this.params, `bn${i}`, w),
      });
      c = w;
    });
    this.output = new Conv(this.params, 'conv3', 4, c, 3, 1, 'valid', true);
  }

  /** [B, 32, 32, C] -> [B, 3] logits. */
  apply(x: tf.Tensor4D, mode: ForwardMode): tf.Tensor2D {
    return tf.tidy(() => {
      let h = x;
      for (const { conv, norm } of this.blocks) h = norm.apply(conv.apply(h), mode, LEAKY_RELU);
      return tf.reshape(this.output.apply(h), [x.shape[0], 3]);
    });
  }
}
