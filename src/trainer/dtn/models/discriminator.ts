/**
 * D: ternary critic. Its input is scaled to `size` when it has another side (faces: G's 64x64 output
 * and the emoji are read at 152, as in the paper), then one block per width of a 4x4 stride-2 conv
 * + BN + LeakyReLU(0.2) (digits: 32 -> 16 -> 8 -> 4; faces: 152 -> 76 -> 38 -> 19 -> 10 -> 5 -> 3),
 * and a valid conv over what is left to 3 logits.
 * Classes: 0 = G(x), x in S; 1 = G(x), x in T; 2 = real x in T.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Activation } from './activations';
import { BatchNorm, Conv, type ForwardMode } from './layers';
import type { Network } from './network';
import { ParamStore } from './params';

const LEAKY_RELU: Activation = { alpha: 0.2 };

export const D_CLASSES = { fromSource: 0, fromTarget: 1, real: 2 } as const;

/** Side left after `blocks` 'same'-padded stride-2 convolutions of a `size` input. */
export function sideAfterStrides(size: number, blocks: number): number {
  let s = size;
  for (let i = 0; i < blocks; i++) s = Math.ceil(s / 2);
  return s;
}

export interface DiscriminatorShape {
  /** Side D reads; other inputs are resized to it. */
  size: number;
  channels: number;
  widths: readonly number[];
}

export class Discriminator implements Network<tf.Tensor4D, tf.Tensor2D> {
  readonly params: ParamStore;
  private readonly blocks: { conv: Conv; norm: BatchNorm }[] = [];
  private readonly output: Conv;

  constructor(
    private readonly shape: DiscriminatorShape,
    seed: number,
  ) {
    this.params = new ParamStore('D', seed);
    let c = shape.channels;
    shape.widths.forEach((w, i) => {
      this.blocks.push({
        conv: new Conv(this.params, `conv${i}`, 4, c, w, 2, 'same', false),
        norm: new BatchNorm(this.params, `bn${i}`, w),
      });
      c = w;
    });
    const left = sideAfterStrides(shape.size, shape.widths.length);
    this.output = new Conv(this.params, `conv${shape.widths.length}`, left, c, 3, 1, 'valid', true);
  }

  /** [B, H, W, C] -> [B, 3] logits. */
  apply(x: tf.Tensor4D, mode: ForwardMode): tf.Tensor2D {
    return tf.tidy(() => {
      const { size } = this.shape;
      let h = x.shape[1] === size && x.shape[2] === size ? x : tf.image.resizeBilinear(x, [size, size]);
      for (const { conv, norm } of this.blocks) h = norm.apply(conv.apply(h), mode, LEAKY_RELU);
      return tf.reshape(this.output.apply(h), [x.shape[0], 3]);
    });
  }
}
