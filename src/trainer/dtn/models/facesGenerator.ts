/**
 * g for faces -> emoji: f(x) -> 64x64 RGB. Five upscaling blocks (transposed conv + BN + ReLU):
 * 1 -> 4 (4x4 valid), then 4 -> 8 -> 16 -> 32, and 32 -> 64 to RGB with tanh. The paper adds a 1x1
 * convolution (+ BN + ReLU) to each inner block, which lowered L_CONST and makes g nine layers deep.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { FacesArchitecture } from '../../../shared/config';
import type { Activation } from './activations';
import { BatchNorm, Conv, ConvTranspose, type ForwardMode } from './layers';
import type { Network } from './network';
import { ParamStore } from './params';

const RELU: Activation = { alpha: 0 };
const INNER_SIZES = [4, 8, 16, 32];

interface Block {
  deconv: ConvTranspose;
  norm: BatchNorm;
  pointwise?: { conv: Conv; norm: BatchNorm };
}

export class FacesGenerator implements Network<tf.Tensor2D, tf.Tensor4D> {
  readonly params: ParamStore;
  private readonly blocks: Block[] = [];
  private readonly output: ConvTranspose;

  constructor(arch: FacesArchitecture, embeddingSize: number, seed: number, prefix = 'g') {
    this.params = new ParamStore(prefix, seed);
    let c = embeddingSize;
    arch.generatorWidths.forEach((w, i) => {
      const first = i === 0;
      const deconv = new ConvTranspose(this.params, `deconv${i}`, 4, c, w, first ? 1 : 2, first ? 'valid' : 'same', INNER_SIZES[i], false);
      const block: Block = { deconv, norm: new BatchNorm(this.params, `bn${i}`, w) };
      if (arch.generatorPointwise) {
        block.pointwise = {
          conv: new Conv(this.params, `pointwise${i}`, 1, w, w, 1, 'valid', false),
          norm: new BatchNorm(this.params, `pointwise_bn${i}`, w),
        };
      }
      this.blocks.push(block);
      c = w;
    });
    this.output = new ConvTranspose(
      this.params,
      `deconv${arch.generatorWidths.length}`,
      4,
      c,
      arch.targetChannels,
      2,
      'same',
      arch.imageSize,
      true,
    );
  }

  apply(embedding: tf.Tensor2D, mode: ForwardMode): tf.Tensor4D {
    return tf.tidy(() => {
      let h: tf.Tensor4D = tf.reshape(embedding, [embedding.shape[0], 1, 1, embedding.shape[1]]);
      for (const { deconv, norm, pointwise } of this.blocks) {
        h = norm.apply(deconv.apply(h), mode, RELU);
        if (pointwise) h = pointwise.norm.apply(pointwise.conv.apply(h), mode, RELU);
      }
      return tf.tanh(this.output.apply(h));
    });
  }
}
