/**
 * D for faces -> emoji: G's output and real emoji are scaled up to `discriminatorSize` (the paper:
 * 152), then one block per width of a 4x4 stride-2 conv + BN + LeakyReLU(0.2) (152 -> 76 -> 38 ->
 * 19 -> 10 -> 5 -> 3 for six), and a valid conv over what is left to the three class logits.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { FacesArchitecture } from '../../../shared/config';
import type { Activation } from './activations';
import { BatchNorm, Conv, type ForwardMode } from './layers';
import type { Network } from './network';
import { ParamStore } from './params';

const LEAKY_RELU: Activation = { alpha: 0.2 };

/** Side left after `blocks` 'same'-padded stride-2 convolutions of a `size` input. */
export function sideAfterStrides(size: number, blocks: number): number {
  let s = size;
  for (let i = 0; i < blocks; i++) s = Math.ceil(s / 2);
  return s;
}

export class FacesDiscriminator implements Network<tf.Tensor4D, tf.Tensor2D> {
  readonly params: ParamStore;
  private readonly blocks: { conv: Conv; norm: BatchNorm }[] = [];
  private readonly output: Conv;
  private readonly size: number;

  constructor(arch: FacesArchitecture, seed: number) {
    this.params = new ParamStore('D', seed);
    this.size = arch.discriminatorSize;
    let c: number = arch.targetChannels;
    arch.discriminatorWidths.forEach((w, i) => {
      this.blocks.push({
        conv: new Conv(this.params, `conv${i}`, 4, c, w, 2, 'same', false),
        norm: new BatchNorm(this.params, `bn${i}`, w),
      });
      c = w;
    });
    const left = sideAfterStrides(this.size, arch.discriminatorWidths.length);
    this.output = new Conv(this.params, `conv${arch.discriminatorWidths.length}`, left, c, 3, 1, 'valid', true);
  }

  /** [B, H, W, 3] -> [B, 3] logits. */
  apply(x: tf.Tensor4D, mode: ForwardMode): tf.Tensor2D {
    return tf.tidy(() => {
      let h = x.shape[1] === this.size && x.shape[2] === this.size ? x : tf.image.resizeBilinear(x, [this.size, this.size]);
      for (const { conv, norm } of this.blocks) h = norm.apply(conv.apply(h), mode, LEAKY_RELU);
      return tf.reshape(this.output.apply(h), [x.shape[0], 3]);
    });
  }
}
