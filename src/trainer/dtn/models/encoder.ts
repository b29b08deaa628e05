/**
 * f: the digits encoder. Three 3x3 stride-2 convs + BN + ReLU (32 -> 16 -> 8 -> 4), a 4x4 valid
 * conv to the embedding + BN + tanh (4 -> 1). For pretraining, a linear head maps the embedding to
 * 10 classes; f(x) is the representation below that head.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DigitsArchitecture } from '../../../shared/config';
import type { Activation } from './activations';
import { BatchNorm, Conv, type ForwardMode } from './layers';
import type { FeatureEncoder } from './featureEncoder';
import { ParamStore } from './params';

const RELU: Activation = { alpha: 0 };

export const NUM_CLASSES = 10;

export class Encoder implements FeatureEncoder {
  readonly params: ParamStore;
  private readonly convs: Conv[];
  private readonly norms: BatchNorm[];
  private readonly toEmbedding: Conv;
  private readonly embeddingNorm: BatchNorm;
  private readonly head: Conv;

  constructor(
    readonly arch: DigitsArchitecture,
    seed: number,
  ) {
    this.params = new ParamStore('f', seed);
    let c: number = arch.sourceChannels;
    this.convs = [];
    this.norms = [];
    arch.encoderWidths.forEach((w, i) => {
      this.convs.push(new Conv(this.params, `conv${i}`, 3, c, w, 2, 'same', false));
      this.norms.push(new BatchNorm(this.params, `bn${i}`, w));
      c = w;
    });
    this.toEmbedding = new Conv(this.params, 'embed', 4, c, arch.embeddingSize, 1, 'valid', false);
    this.embeddingNorm = new BatchNorm(this.params, 'embed_bn', arch.embeddingSize);
    this.head = new Conv(this.params, 'head', 1, arch.embeddingSize, NUM_CLASSES, 1, 'valid', true);
  }

  get inputChannels(): 1 | 3 {
    return this.arch.sourceChannels;
  }

  get inputSize(): number {
    return this.arch.imageSize;
  }

  get embeddingSize(): number {
    return this.arch.embeddingSize;
  }

  /** f(x): [B, H, W, C] -> [B, E]. Inputs with other channel counts are converted first. */
  embed(x: tf.Tensor4D, mode: ForwardMode = { training: false }): tf.Tensor2D {
    return tf.tidy(() => {
      // Grey input reaches the first conv as is: Conv folds the replication into its filter.
      let h = x.shape[3] === 1 ? x : matchChannels(x, this.inputChannels);
      this.convs.forEach((conv, i) => {
        h = this.norms[i].apply(conv.apply(h), mode, RELU);
      });
      const e = tf.tanh(this.embeddingNorm.apply(this.toEmbedding.apply(h), mode));
      return tf.reshape(e, [x.shape[0], this.arch.embeddingSize]);
    });
  }

  /** Class logits for pretraining: [B, 10]. */
  classify(x: tf.Tensor4D, mode: ForwardMode): tf.Tensor2D {
    return tf.tidy(() => {
      const e = this.embed(x, mode);
      const logits = this.head.apply(tf.reshape(e, [x.shape[0], 1, 1, this.arch.embeddingSize]));
      return tf.reshape(logits, [x.shape[0], NUM_CLASSES]);
    });
  }
}

/**
 * Grey <-> RGB, explicitly: f may expect RGB while a domain (or G's output) is grey. Grey to RGB
 * replicates; RGB to grey takes the mean, so replicate-then-reduce is the identity.
 */
export function matchChannels(x: tf.Tensor4D, channels: number): tf.Tensor4D {
  const c = x.shape[3];
  if (c === channels) return x;
  if (c === 1) return tf.tile(x, [1, 1, 1, channels]);
  if (channels === 1) return tf.mean(x, 3, true);
  throw new Error(`cannot convert ${c} channels to ${channels}`);
}
