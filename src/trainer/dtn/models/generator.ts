/**
 * g: f(x) -> image. Transposed convs with BN + ReLU: 1 -> 4 (4x4 valid), then three 4x4 stride-2
 * steps 4 -> 8 -> 16 -> 32, tanh out (the paper's four blocks).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DigitsArchitecture } from '../../../shared/config';
import type { Activation } from './activations';
import { BatchNorm, ConvTranspose, type ForwardMode } from './layers';
import type { Network } from './network';
import { ParamStore } from './params';

const RELU: Activation = { alpha: 0 };

export class Generator implements Network<tf.Tensor2D, tf.Tensor4D> {
  readonly params: ParamStore;
  private readonly blocks: { deconv: ConvTranspose; norm: BatchNorm }[] = [];
  private readonly output: ConvTranspose;

  constructor(
    readonly arch: DigitsArchitecture,
    seed: number,
    prefix = 'g',
  ) {
    this.params = new ParamStore(prefix, seed);
    const [w0, w1, w2] = arch.generatorWidths;
    const sizes = [4, 8, 16];
    let c = arch.embeddingSize;
    [w0, w1, w2].forEach((w, i) => {
      const first = i === 0;
      const deconv = new ConvTranspose(this.params, `deconv${i}`, 4, c, w, first ? 1 : 2, first ? 'valid' : 'same', sizes[i], false);
      this.blocks.push({ deconv, norm: new BatchNorm(this.params, `bn${i}`, w) });
      c = w;
    });
    this.output = new ConvTranspose(this.params, 'deconv3', 4, c, arch.targetChannels, 2, 'same', arch.imageSize, true);
  }

  apply(embedding: tf.Tensor2D, mode: ForwardMode): tf.Tensor4D {
    return tf.tidy(() => {
      let h: tf.Tensor4D = tf.reshape(embedding, [embedding.shape[0], 1, 1, embedding.shape[1]]);
      for (const { deconv, norm } of this.blocks) h = norm.apply(deconv.apply(h), mode, RELU);
      return tf.tanh(this.output.apply(h));
    });
  }
}
